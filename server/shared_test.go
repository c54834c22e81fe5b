package server

import (
	"fmt"
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
	for range len(assessment.AllProfileFields) + 1 { // every field, then the continue button
		term.keys(enter)
	}
	term.waitFor(fmt.Sprintf("function 1 of %d", len(questions.Default().Functions)))
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
	b.waitFor(fmt.Sprintf("function 2 of %d", len(bank.Functions)))
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

// TestRevocationEndsLiveSession: revoking a key ends its open session within a few
// seconds, saying why, and keeps every answer it saved. Once through the access
// command on the server (checked at once), once in the store directly (found by the
// periodic check).
func TestRevocationEndsLiveSession(t *testing.T) {
	for _, via := range []string{"access command", "periodic check"} {
		t.Run(via, func(t *testing.T) {
			f := startServer(t, time.Minute)
			term := f.terminal(f.director)
			startReassessment(term)
			term.keys("1", "2", "3")
			waitAnswers(t, f.st, demoOrg, 3)
			term.waitFor(fmt.Sprintf("function 4 of %d", len(questions.Default().Functions)))
			fp := gossh.FingerprintSHA256(f.director.PublicKey())
			m := term.mark()
			start := time.Now()
			if via == "access command" {
				if _, e, code := f.run(f.admin, "access revoke "+fp); code != 0 {
					t.Fatal(e)
				}
			} else if err := f.st.RevokeAccess(fp); err != nil {
				t.Fatal(err)
			}
			term.waitSince(m, RevokedMessage)
			told := time.Since(start)
			select {
			case <-term.closed:
			case <-time.After(10 * time.Second):
				t.Fatal("the revoked session is still open")
			}
			t.Logf("revocation via %s: told after %v, session closed after %v", via, told.Round(time.Millisecond), time.Since(start).Round(time.Millisecond))
			d := waitAnswers(t, f.st, demoOrg, 3)
			for i, want := range []assessment.Performer{"ce", "specialist", "bmet"} {
				if got := d.Answers[questions.Default().Functions[i].ID].Performer; got != want {
					t.Errorf("answer %d = %s, want %s", i+1, got, want)
				}
			}
		})
	}
}

// TestOrgRemovalNarrowsSession: a director answering for an organization that an
// administrator takes from them is sent back to the home screen, told why; the other
// organization stays; the answers saved stay.
func TestOrgRemovalNarrowsSession(t *testing.T) {
	f := startServer(t, time.Minute)
	key, line := addDirector(t, f, "Cleo Director", demoOrg, "other-hospital")
	term := f.terminal(key)
	term.waitFor("Other Hospital")
	term.keys("\x1b[B") // Demo General Hospital is first; make sure we pick it
	term.keys("\x1b[A")
	startReassessment(term)
	term.keys("1", "2")
	waitAnswers(t, f.st, demoOrg, 2)
	m := term.mark()
	if _, e, code := f.run(f.admin, "access add --key '"+line+"' --name 'Cleo Director' --role director --org other-hospital"); code != 0 {
		t.Fatal(e)
	}
	term.waitSince(m, "You no longer have access to Demo General Hospital")
	// The whole screen, drawn again: the home screen with only the other hospital.
	screen := term.waitSince(term.repaint(41), "Other Hospital")
	for _, l := range strings.Split(screen, "\n") {
		if l = strings.TrimLeft(l, " ›"); strings.HasPrefix(l, "Demo General Hospital") || strings.Contains(l, fmt.Sprintf("function 3 of %d", len(questions.Default().Functions))) {
			t.Errorf("the session still shows the organization it lost: %q in\n%s", l, screen)
		}
	}
	waitAnswers(t, f.st, demoOrg, 2)
	// Its keys now refuse the organization even if a screen were stale.
	if _, _, code := f.run(key, "history --org "+demoOrg); code == 0 {
		t.Error("history of the removed organization still works")
	}
}

// TestAdminDemotionNarrowsSession: an administrator demoted to director of one
// hospital loses the other organizations and the creation of new ones in the open
// session.
func TestAdminDemotionNarrowsSession(t *testing.T) {
	f := startServer(t, time.Minute)
	term := f.terminal(f.admin)
	term.waitFor("Other Hospital")
	term.waitFor("New organization")
	adminLine := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(f.admin.PublicKey())))
	if _, e, code := f.run(f.admin, "access add --key '"+adminLine+"' --name 'Ada Admin' --role director --org "+demoOrg); code != 0 {
		t.Fatal(e)
	}
	// Wait for the narrowed home screen: drawn again in full, it has neither.
	deadline := time.Now().Add(10 * time.Second)
	for rows := 41; ; rows++ {
		screen := term.waitSince(term.repaint(rows), "Demo General Hospital")
		if !strings.Contains(screen, "Other Hospital") && !strings.Contains(screen, "New organization") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the demoted admin still sees:\n%s", screen)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// TestDiscardReachesTheOtherEditor: A discards the draft B is answering; B's
// questionnaire closes with who discarded it, and nothing B types afterwards is saved.
func TestDiscardReachesTheOtherEditor(t *testing.T) {
	f := startServer(t, time.Minute)
	bea, _ := addDirector(t, f, "Bea Director", demoOrg)
	a := f.terminal(f.director)
	startReassessment(a)
	b := f.terminal(bea)
	resumeDraft(b)
	b.waitFor("also here: Dana Director")
	a.keys("1")
	waitAnswers(t, f.st, demoOrg, 1)

	a.keys("\x1b") // back to the organization screen
	a.waitFor("Resume draft #4")
	a.keys("x")
	a.waitFor("Discard draft #4")
	mb := b.mark()
	a.keys("y")
	a.waitFor("Draft #4 discarded.")
	b.waitSince(mb, "Dana Director discarded draft #4")
	if _, err := f.st.Draft(demoOrg); err == nil {
		t.Fatal("the draft is still there")
	}
	as, err := f.st.Assessments(demoOrg)
	if err != nil || len(as) != 3 {
		t.Fatalf("completed assessments after the discard: %d, %v", len(as), err)
	}
	b.keys("2") // B, now on the organization screen: nothing is saved anywhere
	time.Sleep(200 * time.Millisecond)
	if _, err := f.st.Draft(demoOrg); err == nil {
		t.Fatal("a key after the discard started a new draft")
	}
}
