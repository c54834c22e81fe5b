package server

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// Shared use: two editors on one draft, and access changes reaching open sessions. The
// sessions are real SSH sessions with a PTY; the screen is what the client reads.

const demoOrg = "demo-general-hospital"

// addDirector gives a new key director access to orgs and returns it with its line.
func addDirector(t *testing.T, f *fixture, name string, orgs ...string) (gossh.Signer, string) {
	t.Helper()
	key, line := newKey(t)
	if err := f.st.AddAccess(store.Access{Fingerprint: gossh.FingerprintSHA256(key.PublicKey()),
		Name: name, Role: store.Director, Orgs: orgs, Key: line}); err != nil {
		t.Fatal(err)
	}
	return key, line
}

// mark returns how much the session has printed so far; since returns what it printed
// after a mark.
func (term *terminal) mark() int {
	term.mu.Lock()
	defer term.mu.Unlock()
	return term.out.Len()
}

func (term *terminal) since(mark int) string {
	term.mu.Lock()
	defer term.mu.Unlock()
	return ansi.Strip(string(term.out.Bytes()[mark:]))
}

// repaint makes the client's window one row taller, so that the TUI draws every line
// of the screen again: what it prints after that is the whole current screen.
func (term *terminal) repaint(rows int) int {
	term.t.Helper()
	m := term.mark()
	if err := term.sess.WindowChange(rows, 120); err != nil {
		term.t.Fatal(err)
	}
	return m
}

// waitSince waits until the output after mark contains text, and returns that output.
func (term *terminal) waitSince(mark int, text string) string {
	term.t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		s := term.since(mark)
		if strings.Contains(s, text) {
			return s
		}
		if time.Now().After(deadline) {
			term.t.Fatalf("timed out waiting for %q; the output since the mark was:\n%s", text, s[max(0, len(s)-3000):])
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// resumeDraft takes a director from the home screen into the questions of the draft
// another session started.
func resumeDraft(term *terminal) {
	term.waitFor("Demo General Hospital")
	term.keys(enter)
	term.waitFor("Resume draft #4")
	term.keys(enter)
	term.waitFor("Continue to the questions")
	for range 8 {
		term.keys(enter)
	}
	term.waitFor("function 1 of 37")
}

// TestTwoEditorsOneDraft: two directors of one hospital on one draft. Each sees the
// other there and the other's saves as they land; an answer given over one the editor
// has not seen is refused with both answers shown, and the editor chooses; finishing
// keeps every acknowledged answer.
func TestTwoEditorsOneDraft(t *testing.T) {
	f := startServer(t, time.Minute)
	bea, _ := addDirector(t, f, "Bea Director", demoOrg)
	bank := questions.Default()
	fn := func(i int) string { return bank.Functions[i].ID }

	a := f.terminal(f.director)
	startReassessment(a)
	b := f.terminal(bea)
	resumeDraft(b)

	// Presence: each sees the other's name.
	a.waitFor("also here: Bea Director")
	b.waitFor("also here: Dana Director")

	// A's save appears on B's screen without B doing anything.
	a.keys("1")
	waitAnswers(t, f.st, demoOrg, 1)
	b.waitFor("Dana Director answered Capital planning: Dedicated clinical engineer")

	// B goes on to function 2 and starts typing a note; meanwhile A answers function 2.
	// B's screen is stale (it still shows function 2 unanswered, as it was when B
	// opened it) and B saves with a note.
	b.keys("\x1b[C") // right
	b.waitFor("function 2 of 37")
	b.keys("n")
	for _, r := range "we have nobody" {
		b.keys(string(r))
	}
	m := a.mark()
	a.keys("1") // A, on function 2, answers Dedicated clinical engineer
	a.waitSince(m, "saved ✓")
	d := waitAnswers(t, f.st, demoOrg, 2)
	if d.Answers[fn(1)].Performer != assessment.CE {
		t.Fatalf("A's answer to %s: %+v", fn(1), d.Answers[fn(1)])
	}
	mb := b.mark()
	b.keys(enter) // B saves over an answer B has not seen
	out := b.waitSince(mb, "NOT saved")
	for _, want := range []string{"NOT saved: Dana Director changed this meanwhile to Dedicated clinical engineer.", "o overwrites with yours · t or esc keeps theirs — yours: ", "we have nobody"} {
		if !strings.Contains(out, want) {
			t.Errorf("B's screen lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "saved ✓") {
		t.Errorf("B was told saved:\n%s", out)
	}
	if got, _ := f.st.Draft(demoOrg); got.Answers[fn(1)].Performer != assessment.CE {
		t.Fatalf("B's refused save changed the draft: %+v", got.Answers[fn(1)])
	}
	// B chooses to overwrite; A sees it land.
	ma := a.mark()
	b.keys("o")
	b.waitFor("saved ✓ Technology assessment")
	a.waitSince(ma, "Bea Director answered Technology assessment")
	d = waitAnswers(t, f.st, demoOrg, 2)
	if got := d.Answers[fn(1)]; got.Note != "we have nobody" {
		t.Fatalf("B's overwrite: %+v", got)
	}

	// A answers the rest and finishes: every acknowledged answer is in the result.
	for range len(bank.Functions) - 2 {
		a.keys("2")
	}
	waitAnswers(t, f.st, demoOrg, len(bank.Functions))
	a.waitFor("Every function is answered")
	a.keys("f", "y")
	a.waitFor("BALANCE INDEX")
	all, err := f.st.Assessments(demoOrg)
	if err != nil {
		t.Fatal(err)
	}
	done := all[len(all)-1]
	if done.Status != assessment.Completed || len(done.Answers) != len(bank.Functions) {
		t.Fatalf("completed %+v", done)
	}
	if got := done.Answers[fn(0)].Performer; got != assessment.CE {
		t.Errorf("%s = %s, want A's ce", fn(0), got)
	}
	if got := done.Answers[fn(1)]; got.Note != "we have nobody" {
		t.Errorf("%s = %+v, want B's overwrite", fn(1), got)
	}
}
