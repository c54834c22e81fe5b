package store_test

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

func TestDumpReplaceAllRoundTrip(t *testing.T) {
	src := open(t, seeded(t), store.Options{})
	// One organization on its own bank, to carry a non-default bank across.
	o := mustOrg(t, src, "Own Bank Hospital")
	bank := customBank(t, "regional", 1, "Who keeps the inventory?")
	if _, err := src.StartAssessment(o.ID, bank); err != nil {
		t.Fatal(err)
	}
	orgs, banks, err := src.Dump(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(orgs) != 4 || len(banks) != 2 {
		t.Fatalf("Dump(nil) = %d orgs, %d banks; want 4 and 2", len(orgs), len(banks))
	}
	if orgs[0].Name != "Alpha Hospital" || len(orgs[0].Assessments) != 2 || len(orgs[0].Assessments[0].Answers) != len(questions.Default().Functions) {
		t.Fatalf("Dump(nil)[0] = %+v", orgs[0])
	}

	dst, _ := openTemp(t)
	if err := dst.ReplaceAll(orgs, banks, false); err != nil {
		t.Fatal(err)
	}
	orgs2, banks2, err := dst.Dump(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(orgs2, orgs) {
		t.Errorf("round trip changed the organizations:\n got %+v\nwant %+v", orgs2, orgs)
	}
	if len(banks2) != len(banks) || banks2[0].Hash != banks[0].Hash || banks2[1].Hash != banks[1].Hash {
		t.Errorf("round trip changed the banks")
	}
	// The imported draft resumes like any other.
	d, err := dst.Draft(o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := dst.SaveAnswer(o.ID, d.Number, "budget", assessment.Answer{Performer: assessment.Manager}); err != nil {
		t.Errorf("SaveAnswer on an imported draft: %v", err)
	}

	one, _, err := src.Dump([]string{"gamma-clinic"})
	if err != nil || len(one) != 1 || one[0].ID != "gamma-clinic" {
		t.Errorf("Dump(gamma-clinic) = %+v, %v", one, err)
	}
	if _, _, err := src.Dump([]string{"nope"}); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Dump(unknown) = %v; want ErrNotFound", err)
	}
}

func TestReplaceAllAllOrNothing(t *testing.T) {
	s, _ := openTemp(t)
	existing := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, existing.ID)
	completeWith(t, s, existing.ID, a.Number, assessment.BMET, goodProfile)
	before, _, _ := s.Dump(nil)

	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	answers := map[string]assessment.Answer{}
	for _, f := range questions.Default().Functions {
		answers[f.ID] = assessment.Answer{Performer: assessment.CE, AnsweredAt: at}
	}
	done := at.Add(time.Hour)
	incoming := []store.OrgData{
		{Organization: store.Organization{ID: "new-hospital", Name: "New Hospital", CreatedAt: at}},
		{
			Organization: store.Organization{ID: existing.ID, Name: "Alpha Hospital (imported)", CreatedAt: at},
			Assessments: []assessment.Assessment{{
				Number: 7, Status: assessment.Completed, StartedAt: at, CompletedAt: &done,
				Bank: questions.Default().Ref(), Profile: goodProfile, Answers: answers,
			}},
		},
	}
	err := s.ReplaceAll(incoming, nil, false)
	if !errors.Is(err, store.ErrExists) || !strings.Contains(err.Error(), existing.ID) {
		t.Fatalf("ReplaceAll over an existing id = %v; want ErrExists naming %s", err, existing.ID)
	}
	if after, _, _ := s.Dump(nil); !reflect.DeepEqual(after, before) {
		t.Fatalf("a refused ReplaceAll wrote something")
	}

	if err := s.ReplaceAll(incoming, nil, true); err != nil {
		t.Fatalf("ReplaceAll with replace: %v", err)
	}
	orgs, err := s.Organizations()
	if err != nil || len(orgs) != 2 || orgs[0].Name != "Alpha Hospital (imported)" {
		t.Fatalf("after replace: %+v, %v", orgs, err)
	}
	all, _ := s.Assessments(existing.ID)
	if len(all) != 1 || all[0].Number != 7 || all[0].Bank.Hash != questions.Default().Hash {
		t.Fatalf("replaced organization's assessments = %+v", all)
	}
	if next := mustStart(t, s, existing.ID); next.Number != 8 {
		t.Errorf("next assessment after import = %d; want 8", next.Number)
	}
}

func TestReplaceAllValidates(t *testing.T) {
	s, _ := openTemp(t)
	mustOrg(t, s, "Alpha Hospital")
	before, _, _ := s.Dump(nil)
	at := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	org := func(id, name string, as ...assessment.Assessment) store.OrgData {
		return store.OrgData{Organization: store.Organization{ID: id, Name: name, CreatedAt: at}, Assessments: as}
	}
	draft := func(n int, answers map[string]assessment.Answer) assessment.Assessment {
		return assessment.Assessment{Number: n, Status: assessment.Draft, StartedAt: at,
			Bank: questions.Default().Ref(), Answers: answers}
	}
	done := at.Add(time.Hour)
	completed := draft(1, map[string]assessment.Answer{"inventory": {Performer: assessment.BMET}})
	completed.Status, completed.CompletedAt, completed.Profile = assessment.Completed, &done, goodProfile
	otherBank := draft(1, nil)
	otherBank.Bank = questions.Ref{ID: "regional", Version: 9}

	for _, c := range []struct {
		name  string
		orgs  []store.OrgData
		want  error
		field string
	}{
		{"bad id", []store.OrgData{org("Bad ID", "Bad")}, store.ErrInvalid, "organizations[0].id"},
		{"bad name", []store.OrgData{org("ok", "")}, store.ErrInvalid, "organizations[0].name"},
		{"duplicate id", []store.OrgData{org("x", "X"), org("x", "Y")}, store.ErrInvalid, "organizations[1].id"},
		{"duplicate name", []store.OrgData{org("x", "Same"), org("y", "SAME")}, store.ErrInvalid, "organizations[1].name"},
		{"name taken", []store.OrgData{org("alpha", "alpha hospital")}, store.ErrExists, ""},
		{"unknown performer", []store.OrgData{org("ok", "Ok", draft(1, map[string]assessment.Answer{"inventory": {Performer: "bmets"}}))},
			store.ErrInvalid, "organizations[0].assessments[0].answers.inventory.performer"},
		{"unknown function", []store.OrgData{org("ok", "Ok", draft(1, map[string]assessment.Answer{"coffee": {Performer: "ce"}}))},
			store.ErrInvalid, "organizations[0].assessments[0].answers.coffee"},
		{"unknown bank", []store.OrgData{org("ok", "Ok", otherBank)}, store.ErrInvalid, "organizations[0].assessments[0].bank"},
		{"incomplete completed", []store.OrgData{org("ok", "Ok", completed)}, store.ErrInvalid, "organizations[0].assessments[0].answers"},
		{"two drafts", []store.OrgData{org("ok", "Ok", draft(1, nil), draft(2, nil))}, store.ErrInvalid, "organizations[0].assessments[1].status"},
		{"duplicate number", []store.OrgData{org("ok", "Ok", draft(1, nil), draft(1, nil))}, store.ErrInvalid, "organizations[0].assessments[1].number"},
		{"valid then invalid", []store.OrgData{org("fine", "Fine"), org("ok", "Ok", draft(0, nil))}, store.ErrInvalid, "organizations[1].assessments[0].number"},
	} {
		err := s.ReplaceAll(c.orgs, nil, true)
		if !errors.Is(err, c.want) {
			t.Errorf("%s: ReplaceAll = %v; want %v", c.name, err, c.want)
			continue
		}
		var fe *assessment.FieldError
		if c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field) {
			t.Errorf("%s: ReplaceAll = %v; want the field %s", c.name, err, c.field)
		}
		if after, _, _ := s.Dump(nil); !reflect.DeepEqual(after, before) {
			t.Fatalf("%s: a refused ReplaceAll wrote something", c.name)
		}
	}

	// A draft that is not the last assessment breaks the store's invariant.
	c2 := completed
	c2.Number = 2
	c2.Answers = map[string]assessment.Answer{}
	for _, f := range questions.Default().Functions {
		c2.Answers[f.ID] = assessment.Answer{Performer: assessment.CE}
	}
	err := s.ReplaceAll([]store.OrgData{org("ok", "Ok", draft(1, nil), c2)}, nil, false)
	var fe *assessment.FieldError
	if !errors.As(err, &fe) || fe.Field != "organizations[0].assessments[0].number" {
		t.Errorf("draft before a completed assessment: %v", err)
	}
	if err := s.ReplaceAll([]store.OrgData{org("ok", "Ok", c2, draft(3, nil))}, nil, false); err != nil {
		t.Errorf("completed then draft: %v", err)
	}
}
