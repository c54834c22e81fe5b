package server

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

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
