package store_test

import (
	"errors"
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// Two editors of one draft: every write says what its editor last saw, and a write over
// something the editor has not seen is refused with what is stored now.

func conflictOf(t *testing.T, err error) *store.ConflictError {
	t.Helper()
	var ce *store.ConflictError
	if !errors.Is(err, store.ErrConflict) || !errors.As(err, &ce) {
		t.Fatalf("err = %v, want a *store.ConflictError", err)
	}
	return ce
}

func TestSaveAnswerIfCompareAndSet(t *testing.T) {
	ce := assessment.Answer{Performer: assessment.CE, Note: "Dedicated clinical engineer"}
	nobody := assessment.Answer{Performer: assessment.Nobody}
	ceOtherNote := assessment.Answer{Performer: assessment.CE, Note: "part time"}
	for _, tc := range []struct {
		name     string
		stored   *assessment.Answer // answered before, nil: unanswered
		base     *assessment.Answer // what the editor saw
		conflict bool
	}{
		{"unanswered, saw unanswered", nil, nil, false},
		{"answered, saw the same", &ce, &ce, false},
		{"answered, saw unanswered (the stale screen)", &ce, nil, true},
		{"answered, saw another performer", &nobody, &ce, true},
		{"answered, saw another note", &ceOtherNote, &ce, true},
		{"unanswered (cleared), saw an answer", nil, &ce, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := openTemp(t)
			o := mustOrg(t, s, "Alpha Hospital")
			a := mustStart(t, s, o.ID)
			rev0 := 0
			if tc.stored != nil {
				r, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", *tc.stored, nil)
				if err != nil {
					t.Fatal(err)
				}
				rev0 = r
			}
			mine := assessment.Answer{Performer: assessment.BMET, Note: "mine"}
			rev, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", mine, tc.base)
			d, _, derr := s.DraftRev(o.ID)
			if derr != nil {
				t.Fatal(derr)
			}
			got, has := d.Answers["inventory"]
			if !tc.conflict {
				if err != nil || rev != rev0+1 {
					t.Fatalf("SaveAnswerIf = %d, %v; want revision %d", rev, err, rev0+1)
				}
				if got.Performer != assessment.BMET || got.Note != "mine" {
					t.Fatalf("stored %+v, want mine", got)
				}
				return
			}
			c := conflictOf(t, err)
			if c.Function != "inventory" || c.Rev != rev0 {
				t.Errorf("conflict = %+v", c)
			}
			switch {
			case tc.stored == nil && (c.Current != nil || has):
				t.Errorf("current = %+v, stored %+v; want unanswered", c.Current, got)
			case tc.stored != nil && (c.Current == nil || c.Current.Performer != tc.stored.Performer || c.Current.Note != tc.stored.Note):
				t.Errorf("current = %+v, want %+v", c.Current, tc.stored)
			case tc.stored != nil && (got.Performer != tc.stored.Performer || got.Note != tc.stored.Note):
				t.Errorf("stored %+v was overwritten", got)
			}
			// Overwriting knowingly: base is what the conflict showed.
			if _, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", mine, c.Current); err != nil {
				t.Fatalf("overwrite after the conflict: %v", err)
			}
		})
	}
}

func TestClearAnswerIfCompareAndSet(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	ce := assessment.Answer{Performer: assessment.CE}
	vendor := assessment.Answer{Performer: assessment.Vendor}
	if _, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", ce, nil); err != nil {
		t.Fatal(err)
	}
	// B changes it to vendor; A, who saw ce, clears: refused, vendor stays.
	if _, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", vendor, &ce); err != nil {
		t.Fatal(err)
	}
	c := conflictOf(t, func() error { _, err := s.ClearAnswerIf(o.ID, a.Number, "inventory", &ce); return err }())
	if c.Current == nil || c.Current.Performer != assessment.Vendor {
		t.Fatalf("current = %+v", c.Current)
	}
	if d, _ := s.Draft(o.ID); d.Answers["inventory"].Performer != assessment.Vendor {
		t.Fatalf("the refused clear changed the draft: %+v", d.Answers["inventory"])
	}
	rev, err := s.ClearAnswerIf(o.ID, a.Number, "inventory", &vendor)
	if err != nil || rev != 3 {
		t.Fatalf("ClearAnswerIf with the right base = %d, %v", rev, err)
	}
	if d, _ := s.Draft(o.ID); len(d.Answers) != 0 {
		t.Fatalf("not cleared: %+v", d.Answers)
	}
	// Clearing what is already unanswered, having seen it answered, is a conflict too:
	// someone else cleared it.
	conflictOf(t, func() error { _, err := s.ClearAnswerIf(o.ID, a.Number, "inventory", &vendor); return err }())
}

func TestSaveProfileIfPerField(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	seen := assessment.Profile{} // both editors opened the empty profile
	// A sets beds, B sets devices: different fields, both kept.
	pa := seen
	pa.Beds = 250
	got, rev, err := s.SaveProfileIf(o.ID, a.Number, pa, seen, []assessment.ProfileField{assessment.FieldBeds})
	if err != nil || got.Beds != 250 || rev != 1 {
		t.Fatalf("A's beds: %+v, %d, %v", got, rev, err)
	}
	pb := seen
	pb.Devices = 7000
	got, rev, err = s.SaveProfileIf(o.ID, a.Number, pb, seen, []assessment.ProfileField{assessment.FieldDevices})
	if err != nil || got.Beds != 250 || got.Devices != 7000 || rev != 2 {
		t.Fatalf("B's devices over A's beds: %+v, %d, %v", got, rev, err)
	}
	// B sets beds too, not having seen A's 250: refused, with A's value.
	pb.Beds = 300
	_, _, err = s.SaveProfileIf(o.ID, a.Number, pb, seen, []assessment.ProfileField{assessment.FieldBeds})
	c := conflictOf(t, err)
	if c.Field != assessment.FieldBeds || c.Profile.Beds != 250 || c.Profile.Devices != 7000 {
		t.Fatalf("conflict = %+v", c)
	}
	d, rev, _ := s.DraftRev(o.ID)
	if d.Profile.Beds != 250 || rev != 2 {
		t.Fatalf("after the refused save: beds %d, revision %d", d.Profile.Beds, rev)
	}
	// Overwriting knowingly: base is the profile the conflict showed.
	if got, _, err = s.SaveProfileIf(o.ID, a.Number, pb, c.Profile, []assessment.ProfileField{assessment.FieldBeds}); err != nil || got.Beds != 300 || got.Devices != 7000 {
		t.Fatalf("overwrite: %+v, %v", got, err)
	}
}

func TestCompleteIfRevision(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	if err := s.SaveProfile(o.ID, a.Number, goodProfile); err != nil {
		t.Fatal(err)
	}
	for _, f := range questions.Default().Functions {
		if err := s.SaveAnswer(o.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.CE}); err != nil {
			t.Fatal(err)
		}
	}
	_, reviewed, err := s.DraftRev(o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := 1 + len(questions.Default().Functions); reviewed != want {
		t.Fatalf("revision after %d changes = %d", want, reviewed)
	}
	// B changes an answer after A reviewed: A's finish is refused, nothing completed.
	if _, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", assessment.Answer{Performer: assessment.Nobody}, &assessment.Answer{Performer: assessment.CE}); err != nil {
		t.Fatal(err)
	}
	_, err = s.CompleteIf(o.ID, a.Number, reviewed)
	if c := conflictOf(t, err); c.Rev != reviewed+1 {
		t.Fatalf("conflict revision = %d, want %d", c.Rev, reviewed+1)
	}
	if d, err := s.Draft(o.ID); err != nil || d.Status != assessment.Draft {
		t.Fatalf("after the refused finish: %+v, %v", d.Status, err)
	}
	// A reviews again (reads the revision) and finishes; B's answer is in it.
	d, rev, _ := s.DraftRev(o.ID)
	if d.Answers["inventory"].Performer != assessment.Nobody {
		t.Fatal("B's answer missing from the draft")
	}
	done, err := s.CompleteIf(o.ID, a.Number, rev)
	if err != nil || done.Answers["inventory"].Performer != assessment.Nobody {
		t.Fatalf("CompleteIf = %+v, %v", done.Answers["inventory"], err)
	}
	// Completed: a late save is refused as not a draft, not as a conflict.
	if _, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", assessment.Answer{Performer: assessment.CE}, nil); !errors.Is(err, store.ErrNotDraft) {
		t.Fatalf("save after completion: %v", err)
	}
}

// TestSaveAnswersIf makes several writes in one call: each is made or refused on its
// own (a conflict, an unknown performer, a function not in the bank), in order, with
// its own revision, and a completed assessment refuses them all.
func TestSaveAnswersIf(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	ce := assessment.Answer{Performer: assessment.CE}
	theirs := assessment.Answer{Performer: assessment.Vendor}
	rev0, err := s.SaveAnswerIf(o.ID, a.Number, "inventory", theirs, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SaveAnswerIf(o.ID, a.Number, "service_contracts", ce, nil); err != nil {
		t.Fatal(err)
	}
	rev0++
	res, err := s.SaveAnswersIf(o.ID, a.Number, []store.AnswerWrite{
		{Function: "inventory", Answer: ce, Base: nil},                                                      // stale: vendor is stored
		{Function: "capital_planning", Answer: assessment.Answer{Performer: "wizard"}},                      // unknown performer
		{Function: "no-such-function", Answer: ce},                                                          // not in the bank
		{Function: "capital_planning", Answer: assessment.Answer{Performer: assessment.BMET, Note: "mine"}}, // made
		{Function: "service_contracts", Clear: true, Base: &ce},                                             // made
	})
	if err != nil {
		t.Fatal(err)
	}
	conflictOf(t, res[0].Err)
	for i, want := range []error{store.ErrConflict, assessment.ErrInvalid, assessment.ErrInvalid, nil, nil} {
		if !errors.Is(res[i].Err, want) && !(want == nil && res[i].Err == nil) {
			t.Errorf("write %d: err = %v, want %v", i, res[i].Err, want)
		}
	}
	if res[3].Rev != rev0+1 || res[4].Rev != rev0+2 {
		t.Errorf("revisions %d, %d; want %d, %d", res[3].Rev, res[4].Rev, rev0+1, rev0+2)
	}
	d, rev, err := s.DraftRev(o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if rev != rev0+2 {
		t.Errorf("draft revision %d, want %d", rev, rev0+2)
	}
	if d.Answers["inventory"].Performer != assessment.Vendor || d.Answers["capital_planning"].Note != "mine" {
		t.Errorf("stored %+v", d.Answers)
	}
	if _, ok := d.Answers["service_contracts"]; ok {
		t.Error("service_contracts was not cleared")
	}

	completeWith(t, s, o.ID, a.Number, assessment.CE, goodProfile)
	if _, err := s.SaveAnswersIf(o.ID, a.Number, []store.AnswerWrite{{Function: "capital_planning", Answer: ce}}); !errors.Is(err, store.ErrNotDraft) {
		t.Errorf("writes into a completed assessment: %v, want ErrNotDraft", err)
	}
}
