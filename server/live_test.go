package server

import (
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// TestSessionStoreRechecksAccess: the store calls a session makes read the key's access
// record as it is at that moment: a save for an organization taken away is refused with
// the reason and writes nothing; after revocation every call is refused, saying so.
func TestSessionStoreRechecksAccess(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, _ := st.CreateOrganization("Alpha Hospital")
	b, _ := st.CreateOrganization("Beta Hospital")
	rec := store.Access{Fingerprint: "SHA256:dana", Name: "Dana", Role: store.Director, Orgs: []string{a.ID, b.ID}}
	if err := st.AddAccess(rec); err != nil {
		t.Fatal(err)
	}
	ss := &sessionStore{Store: st, fp: rec.Fingerprint, name: rec.Name, hub: newHub()}
	d, err := ss.StartAssessment(a.ID, questions.Default())
	if err != nil {
		t.Fatal(err)
	}
	fid := questions.Default().Functions[0].ID
	if _, err := ss.SaveAnswerIf(a.ID, d.Number, fid, assessment.Answer{Performer: assessment.CE}, nil); err != nil {
		t.Fatal(err)
	}
	rec.Orgs = []string{b.ID}
	if err := st.AddAccess(rec); err != nil {
		t.Fatal(err)
	}
	ce := assessment.Answer{Performer: assessment.CE}
	if _, err := ss.SaveAnswerIf(a.ID, d.Number, fid, assessment.Answer{Performer: assessment.Nobody}, &ce); !errors.Is(err, ErrNoAccess) {
		t.Fatalf("save after the organization was removed: %v", err)
	}
	if got, _ := st.Draft(a.ID); got.Answers[fid].Performer != assessment.CE {
		t.Fatalf("the refused save wrote %+v", got.Answers[fid])
	}
	if _, err := ss.Assessments(b.ID); err != nil {
		t.Fatalf("the organization kept: %v", err)
	}
	if _, err := ss.CreateOrganization("Gamma"); err == nil {
		t.Fatal("a director created an organization")
	}
	if err := st.RevokeAccess(rec.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if _, err := ss.Assessments(b.ID); err == nil || !strings.Contains(err.Error(), "revoked") {
		t.Fatalf("after revocation: %v", err)
	}
	if canSee(st, rec.Fingerprint)(b.ID) {
		t.Fatal("CanSee after revocation")
	}
}

// TestLiveCheckReadsOnlyAfterAccessWrites: the periodic access check reads a session's
// access record only when an access record was written since it last read it (or
// never read it, or its last read failed); it still finds a narrowing and a
// revocation at the next check after the write.
func TestLiveCheckReadsOnlyAfterAccessWrites(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "s.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	a, _ := st.CreateOrganization("Alpha Hospital")
	b, _ := st.CreateOrganization("Beta Hospital")
	dana := store.Access{Fingerprint: "SHA256:dana", Name: "Dana", Role: store.Director, Orgs: []string{a.ID, b.ID}}
	eli := store.Access{Fingerprint: "SHA256:eli", Name: "Eli", Role: store.Director, Orgs: []string{a.ID}}
	for _, rec := range []store.Access{dana, eli} {
		if err := st.AddAccess(rec); err != nil {
			t.Fatal(err)
		}
	}
	l := newLiveChecker(st)
	reads, fail := 0, false
	l.accessFor = func(fp string) (store.Access, error) {
		reads++
		if fail {
			return store.Access{}, errors.New("disk read failed")
		}
		return st.AccessFor(fp)
	}
	// Programs that never run: a message sent to one waits until it is killed.
	pd, pe := tea.NewProgram(nil), tea.NewProgram(nil)
	defer pd.Kill()
	defer pe.Kill()
	l.add(pd, dana.Fingerprint, dana)
	l.add(pe, eli.Fingerprint, eli)

	step := func(what string, wantReads int) {
		t.Helper()
		reads = 0
		l.check()
		if reads != wantReads {
			t.Errorf("%s: %d reads of access records, want %d", what, reads, wantReads)
		}
	}
	step("first check", 2)
	for i := range 3 {
		step(fmt.Sprintf("check %d with no access written", i+2), 0)
	}

	// A failed read is not taken as a read: the next check reads that record again.
	if _, err := st.PutAccess(eli); err != nil {
		t.Fatal(err)
	}
	fail = true
	step("check with the reads failing", 2)
	fail = false
	step("check after the failed reads", 2)
	step("check after that", 0)

	// Dana loses Alpha: the next check reads both records and narrows Dana.
	dana.Orgs = []string{b.ID}
	if _, err := st.PutAccess(dana); err != nil {
		t.Fatal(err)
	}
	step("check after a narrowing", 2)
	l.mu.Lock()
	got := l.sess[pd].acc.Orgs
	l.mu.Unlock()
	if !slices.Equal(got, []string{b.ID}) {
		t.Errorf("Dana's organizations after the narrowing: %v", got)
	}

	// A session that logged in before a write the checker has already seen is read at
	// its first check all the same.
	pd2 := tea.NewProgram(nil)
	defer pd2.Kill()
	l.add(pd2, dana.Fingerprint, store.Access{Fingerprint: dana.Fingerprint, Role: store.Director, Orgs: []string{a.ID, b.ID}})
	step("check after a session joined", 1)
	l.mu.Lock()
	got = l.sess[pd2].acc.Orgs
	l.mu.Unlock()
	if !slices.Equal(got, []string{b.ID}) {
		t.Errorf("the late session's organizations: %v, want the stored %v", got, []string{b.ID})
	}

	// Revocation: the next check closes Eli's session, and reads nothing for it after.
	if err := st.RevokeAccess(eli.Fingerprint); err != nil {
		t.Fatal(err)
	}
	step("check after a revocation", 3)
	l.mu.Lock()
	closed := l.sess[pe].closed
	l.mu.Unlock()
	if !closed {
		t.Error("the revoked session was not closed")
	}
	step("check after the revocation was handled", 0)
}
