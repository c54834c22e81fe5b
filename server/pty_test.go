package server

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// terminal is an interactive SSH session with a PTY, as `ssh -t` opens one.
type terminal struct {
	t      *testing.T
	client *gossh.Client
	sess   *gossh.Session
	stdin  interface{ Write([]byte) (int, error) }

	mu     sync.Mutex
	out    bytes.Buffer
	closed chan struct{}
}

func (f *fixture) terminal(key gossh.Signer) *terminal {
	f.t.Helper()
	return f.terminalSized(key, 120, 40)
}

// terminalSized is terminal with a window of width × height.
func (f *fixture) terminalSized(key gossh.Signer, width, height int) *terminal {
	f.t.Helper()
	c, err := f.dial(key)
	if err != nil {
		f.t.Fatalf("dial: %v", err)
	}
	s, err := c.NewSession()
	if err != nil {
		f.t.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", height, width, gossh.TerminalModes{}); err != nil {
		f.t.Fatal(err)
	}
	in, err := s.StdinPipe()
	if err != nil {
		f.t.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		f.t.Fatal(err)
	}
	term := &terminal{t: f.t, client: c, sess: s, stdin: in, closed: make(chan struct{})}
	go func() {
		defer close(term.closed)
		buf := make([]byte, 32<<10)
		for {
			n, err := out.Read(buf)
			term.mu.Lock()
			term.out.Write(buf[:n])
			term.mu.Unlock()
			if err != nil {
				return
			}
		}
	}()
	if err := s.Shell(); err != nil {
		f.t.Fatal(err)
	}
	f.t.Cleanup(term.close)
	return term
}

// screen returns everything the session printed, without escape sequences.
func (term *terminal) screen() string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.Strip(term.out.String())
}

// waitFor waits until the output contains text.
func (term *terminal) waitFor(text string) {
	term.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(term.screen(), text) {
			return
		}
		time.Sleep(20 * time.Millisecond)
	}
	s := term.screen()
	term.t.Fatalf("timed out waiting for %q; the last output was:\n%s", text, s[max(0, len(s)-3000):])
}

// keys types each string as one key press.
func (term *terminal) keys(keys ...string) {
	term.t.Helper()
	for _, k := range keys {
		if _, err := term.stdin.Write([]byte(k)); err != nil {
			term.t.Fatalf("type %q: %v", k, err)
		}
		time.Sleep(15 * time.Millisecond)
	}
}

// close drops the connection, as a closed laptop lid or a lost network does.
func (term *terminal) close() {
	term.client.Close()
}

// waitAnswers waits until the organization's draft holds n answers.
func waitAnswers(t *testing.T, st *store.Store, org string, n int) assessment.Assessment {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		d, err := st.Draft(org)
		if err == nil && len(d.Answers) == n {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s: draft has %d answers (%v), want %d", org, len(d.Answers), err, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

const enter = "\r"

// startReassessment takes a director from the home screen into question 1 of a new
// re-assessment of the demo hospital, keeping the profile of last time.
func startReassessment(term *terminal) {
	term.waitFor("Demo General Hospital")
	term.keys(enter)
	term.waitFor("Start a re-assessment")
	term.keys(enter)
	term.waitFor("Continue to the questions")
	for range len(assessment.AllProfileFields) + 1 { // every field, then the continue button
		term.keys(enter)
	}
	term.waitFor(fmt.Sprintf("function 1 of %d", nFns))
}

func TestDirectorResumesOverSSH(t *testing.T) {
	f := startServer(t, time.Minute)
	const org = "demo-general-hospital"
	term := f.terminal(f.director)
	startReassessment(term)
	term.keys("1", "2", "3", "4", "5")
	waitAnswers(t, f.st, org, 5)
	term.waitFor(fmt.Sprintf("function 6 of %d", nFns))
	term.close() // dropped, not quit

	again := f.terminal(f.director)
	again.waitFor("Demo General Hospital")
	again.keys(enter)
	again.waitFor(fmt.Sprintf("Resume draft #4 — 5 of %d answered", nFns))
	again.keys(enter)
	again.waitFor(fmt.Sprintf("function 6 of %d", nFns))
	again.keys("6")
	d := waitAnswers(t, f.st, org, 6)
	bank := questions.Default()
	// Keys 1 to 6 are the first six answer options, in the order offered.
	for i, want := range questions.Options[:6] {
		if got := d.Answers[bank.Functions[i].ID].Performer; got != want {
			t.Errorf("%s = %s, want %s", bank.Functions[i].ID, got, want)
		}
	}
	// The director never sees another organization, not even a peer.
	for _, other := range []string{"Other Hospital", "Demo Peer Hospital"} {
		if strings.Contains(again.screen(), other) {
			t.Errorf("the director's screen shows %q", other)
		}
	}
}

func TestShutdownTellsSessionsAndKeepsAnswers(t *testing.T) {
	f := startServer(t, time.Minute)
	term := f.terminal(f.director)
	startReassessment(term)
	term.keys("1", "1", "2")
	waitAnswers(t, f.st, "demo-general-hospital", 3)

	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	start := time.Now()
	if err := f.srv.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	if d := time.Since(start); d > 4*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	select {
	case <-term.closed:
	case <-time.After(5 * time.Second):
		t.Fatal("the session is still open after shutdown")
	}
	if !strings.Contains(term.screen(), RestartMessage) {
		t.Errorf("the session was not told %q:\n%s", RestartMessage, term.screen())
	}
	waitAnswers(t, f.st, "demo-general-hospital", 3)
}

func TestIdleSessionIsClosed(t *testing.T) {
	f := startServer(t, 700*time.Millisecond)
	term := f.terminal(f.director)
	term.waitFor("Demo General Hospital")
	select {
	case <-term.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("an idle session stayed open")
	}
	if !strings.Contains(term.screen(), "without a key press") {
		t.Errorf("the session was not told why it closed:\n%s", term.screen())
	}
}

// TestConcurrentSessions has 20 directors complete an assessment at the same time, each
// in their own organization, and checks that every answer is stored.
func TestConcurrentSessions(t *testing.T) {
	f := startServer(t, time.Minute)
	const n = 20
	keys := make([]gossh.Signer, n)
	for i := range n {
		org, err := f.st.CreateOrganization(fmt.Sprintf("Load Hospital %02d", i))
		if err != nil {
			t.Fatal(err)
		}
		var line string
		keys[i], line = newKey(t)
		if err := f.st.AddAccess(store.Access{Fingerprint: gossh.FingerprintSHA256(keys[i].PublicKey()),
			Name: "Director " + org.ID, Role: store.Director, Orgs: []string{org.ID}, Key: line}); err != nil {
			t.Fatal(err)
		}
	}
	bank := questions.Default()
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			org := fmt.Sprintf("load-hospital-%02d", i)
			term := f.terminal(keys[i])
			term.waitFor(fmt.Sprintf("Load Hospital %02d", i))
			term.keys(enter)
			term.waitFor("Start the first assessment")
			term.keys(enter)
			term.waitFor("Continue to the questions")
			term.keys("250", enter, enter, "1", enter, "8", enter, "1", enter, "0", enter, "7000", enter, enter, enter)
			term.waitFor(fmt.Sprintf("function 1 of %d", nFns))
			for j := range bank.Functions {
				term.keys(fmt.Sprint(1 + (i+j)%7))
			}
			waitAnswers(t, f.st, org, len(bank.Functions))
			term.waitFor("Every function is answered")
			term.keys("f", "y")
			term.waitFor("BALANCE INDEX")
		}()
	}
	wg.Wait()
	for i := range n {
		org := fmt.Sprintf("load-hospital-%02d", i)
		all, err := f.st.Assessments(org)
		if err != nil || len(all) != 1 || all[0].Status != assessment.Completed {
			t.Fatalf("%s: %v %v", org, all, err)
		}
		for j, fn := range bank.Functions {
			if got, want := all[0].Answers[fn.ID].Performer, questions.Performers[(i+j)%7]; got != want {
				t.Errorf("%s %s = %s, want %s", org, fn.ID, got, want)
			}
		}
		if all[0].Profile.Beds != 250 || all[0].Profile.BMETFTE != 8 || all[0].Profile.Devices != 7000 {
			t.Errorf("%s profile %+v", org, all[0].Profile)
		}
	}
}

// nFns is the number of functions of the current default bank.
var nFns = len(questions.Default().Functions)
