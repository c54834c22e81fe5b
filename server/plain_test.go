package server

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

// plainSession runs `ssh -T host` (no terminal, no command) with input typed in, and
// returns what the server wrote.
func (f *fixture) plainSession(input string) string {
	f.t.Helper()
	c, err := f.dial(f.director)
	if err != nil {
		f.t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		f.t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdout, s.Stderr = &out, &errb
	s.Stdin = strings.NewReader(input)
	if err := s.Shell(); err != nil {
		f.t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			f.t.Fatalf("plain session: %v\n%s%s", err, out.String(), errb.String())
		}
	case <-time.After(30 * time.Second):
		f.t.Fatalf("plain session did not end:\n%s", out.String())
	}
	return out.String() + errb.String()
}

func TestPlainModeOverSSH(t *testing.T) {
	f := startServer(t, time.Minute)
	// Start a re-assessment, keep the profile (8 × Enter) and last time's answers for the
	// first five functions (5 × Enter, each with Enter for the hours), then stop.
	out := f.plainSession("1\n" + strings.Repeat("\n", 8) + strings.Repeat("\n\n", 5) + "q\n")
	for _, want := range []string{"plain mode", "Organization: Demo General Hospital.", "Started assessment 4", "Saved: ", "5 of"} {
		if !strings.Contains(out, want) {
			t.Fatalf("output lacks %q:\n%s\nlogs:\n%s", want, out, f.logs.String())
		}
	}
	if strings.Contains(out, "\x1b") {
		t.Fatal("plain mode over SSH wrote an escape sequence")
	}
	d := waitAnswers(t, f.st, "demo-general-hospital", 5)
	if d.Number != 4 {
		t.Fatalf("draft number %d, want 4", d.Number)
	}
	// A second session resumes where the first stopped.
	out = f.plainSession("q\n")
	if !strings.Contains(out, "Resuming assessment 4 of Demo General Hospital: 5 of") || !strings.Contains(out, "Question 6 of") {
		t.Fatalf("no resume:\n%s\nlogs:\n%s", out, f.logs.String())
	}
}
