package store_test

import (
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

func TestStartSaveReopenResume(t *testing.T) {
	path := dbPath(t)
	clk := newClock()
	s := open(t, path, store.Options{Now: clk.Now})
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	if a.Number != 1 || a.Status != assessment.Draft || a.CompletedAt != nil || len(a.Answers) != 0 ||
		a.Bank != questions.Default().Ref() || a.Profile != (assessment.Profile{}) {
		t.Fatalf("StartAssessment = %+v", a)
	}
	given := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	saves := map[string]assessment.Answer{
		"capital_planning":  {Performer: assessment.Manager, Note: "  five-year\tplan \x1b[31mred\x1b[0m "},
		"inventory":         {Performer: assessment.BMET, AnsweredAt: given},
		"recall_management": {Performer: assessment.Nobody},
	}
	for id, ans := range saves {
		if err := s.SaveAnswer(o.ID, a.Number, id, ans); err != nil {
			t.Fatalf("SaveAnswer(%s): %v", id, err)
		}
	}
	// A later answer replaces the earlier one.
	if err := s.SaveAnswer(o.ID, a.Number, "recall_management", assessment.Answer{Performer: assessment.CE}); err != nil {
		t.Fatal(err)
	}
	partial := assessment.Profile{Beds: 0, CEFTE: 0.5, BMETFTE: 3}
	if err := s.SaveProfile(o.ID, a.Number, partial); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	s = open(t, path, store.Options{Now: clk.Now})
	d, err := s.Draft(o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d.Number != a.Number || !d.StartedAt.Equal(a.StartedAt) || d.Profile != partial || len(d.Answers) != 3 {
		t.Fatalf("Draft after reopen = %+v", d)
	}
	if got := d.Answers["capital_planning"]; got.Performer != assessment.Manager || got.Note != "five-year plan [31mred [0m" || got.AnsweredAt.IsZero() {
		t.Errorf("capital_planning = %+v (note sanitized? time set?)", got)
	}
	if got := d.Answers["inventory"]; !got.AnsweredAt.Equal(given) {
		t.Errorf("inventory answered at %v; want the given %v", got.AnsweredAt, given)
	}
	if got := d.Answers["recall_management"].Performer; got != assessment.CE {
		t.Errorf("recall_management = %s; want the later answer ce", got)
	}
	same, err := s.Assessment(o.ID, a.Number)
	if err != nil || !reflect.DeepEqual(same, d) {
		t.Errorf("Assessment() = %+v, %v; want the draft %+v", same, err, d)
	}

	if err := s.ClearAnswer(o.ID, a.Number, "inventory"); err != nil {
		t.Fatal(err)
	}
	if err := s.ClearAnswer(o.ID, a.Number, "inventory"); err != nil {
		t.Errorf("clearing an unanswered function: %v", err)
	}
	d, _ = s.Draft(o.ID)
	if _, ok := d.Answers["inventory"]; ok || len(d.Answers) != 2 {
		t.Errorf("after ClearAnswer: %v", d.Answers)
	}
}

func TestSaveAnswerRefused(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	for _, c := range []struct {
		org      string
		number   int
		function string
		p        assessment.Performer
		want     error
	}{
		{o.ID, a.Number, "inventory", "bmets", store.ErrInvalid},
		{o.ID, a.Number, "inventory", "", store.ErrInvalid},
		{o.ID, a.Number, "coffee_machine", assessment.CE, store.ErrInvalid},
		{o.ID, a.Number + 1, "inventory", assessment.CE, store.ErrNotFound},
		{o.ID, 0, "inventory", assessment.CE, store.ErrNotFound},
		{"nope", a.Number, "inventory", assessment.CE, store.ErrNotFound},
	} {
		err := s.SaveAnswer(c.org, c.number, c.function, assessment.Answer{Performer: c.p})
		if !errors.Is(err, c.want) {
			t.Errorf("SaveAnswer(%s, %d, %s, %q) = %v; want %v", c.org, c.number, c.function, c.p, err, c.want)
		}
	}
	if err := s.ClearAnswer(o.ID, a.Number, "coffee_machine"); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("ClearAnswer(unknown function) = %v; want ErrInvalid", err)
	}
	d, _ := s.Draft(o.ID)
	if len(d.Answers) != 0 {
		t.Errorf("refused saves left answers: %v", d.Answers)
	}
}

func TestOneDraftPerOrganization(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	other := mustOrg(t, s, "Beta")
	if _, err := s.Draft(o.ID); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("Draft() with none = %v; want ErrNotFound", err)
	}
	a := mustStart(t, s, o.ID)
	if _, err := s.StartAssessment(o.ID, questions.Default()); !errors.Is(err, store.ErrDraftExists) {
		t.Fatalf("second StartAssessment = %v; want ErrDraftExists", err)
	}
	mustStart(t, s, other.ID) // another organization is not affected
	if _, err := s.StartAssessment("nope", questions.Default()); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("StartAssessment(unknown org) = %v; want ErrNotFound", err)
	}
	if _, err := s.StartAssessment(o.ID, nil); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("StartAssessment(nil bank) = %v; want ErrInvalid", err)
	}

	if err := s.DeleteDraft(o.ID, a.Number); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Draft(o.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Draft() after DeleteDraft = %v; want ErrNotFound", err)
	}
	if err := s.DeleteDraft(o.ID, a.Number); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("DeleteDraft twice = %v; want ErrNotFound", err)
	}
	again := mustStart(t, s, o.ID)
	if again.Number != 1 {
		t.Errorf("restart after deleting draft 1 got number %d; want 1", again.Number)
	}
}

func TestCompleteRefusesUnanswered(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	if err := s.SaveProfile(o.ID, a.Number, goodProfile); err != nil {
		t.Fatal(err)
	}
	fns := questions.Default().Functions
	for _, f := range fns[:len(fns)-2] {
		if err := s.SaveAnswer(o.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.Unsure}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Complete(o.ID, a.Number)
	if !errors.Is(err, store.ErrIncomplete) {
		t.Fatalf("Complete with 2 unanswered = %v; want ErrIncomplete", err)
	}
	want := fmt.Sprintf("2 of %d functions unanswered: ", len(fns)) + fns[len(fns)-2].ID + ", " + fns[len(fns)-1].ID
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if d, err := s.Draft(o.ID); err != nil || d.Status != assessment.Draft {
		t.Errorf("after a refused Complete: %+v, %v", d, err)
	}
}

func TestCompleteRefusesBadProfile(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	for _, f := range questions.Default().Functions {
		if err := s.SaveAnswer(o.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.BMET}); err != nil {
			t.Fatal(err)
		}
	}
	_, err := s.Complete(o.ID, a.Number) // beds 0: never filled in
	var fe *assessment.FieldError
	if !errors.Is(err, store.ErrInvalid) || !errors.As(err, &fe) || fe.Field != "profile.beds" {
		t.Fatalf("Complete with beds 0 = %v; want ErrInvalid on profile.beds", err)
	}
}

func TestCompleteAndNotDraft(t *testing.T) {
	clk := newClock()
	s := open(t, dbPath(t), store.Options{Now: clk.Now})
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	done := completeWith(t, s, o.ID, a.Number, assessment.CE, goodProfile)
	if done.Status != assessment.Completed || done.CompletedAt == nil || !done.CompletedAt.After(done.StartedAt) ||
		len(done.Answers) != len(questions.Default().Functions) || done.Profile != goodProfile {
		t.Fatalf("Complete = %+v", done)
	}
	got, err := s.Assessment(o.ID, a.Number)
	if err != nil || !reflect.DeepEqual(got, done) {
		t.Fatalf("Assessment() = %+v, %v\nwant %+v", got, err, done)
	}
	if _, err := s.Draft(o.ID); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Draft() after Complete = %v; want ErrNotFound", err)
	}
	checks := map[string]error{
		"SaveAnswer":  s.SaveAnswer(o.ID, a.Number, "inventory", assessment.Answer{Performer: assessment.BMET}),
		"ClearAnswer": s.ClearAnswer(o.ID, a.Number, "inventory"),
		"SaveProfile": s.SaveProfile(o.ID, a.Number, goodProfile),
		"DeleteDraft": s.DeleteDraft(o.ID, a.Number),
	}
	_, checks["Complete"] = s.Complete(o.ID, a.Number)
	for name, err := range checks {
		if !errors.Is(err, store.ErrNotDraft) {
			t.Errorf("%s on a completed assessment = %v; want ErrNotDraft", name, err)
		}
	}
	if got2, _ := s.Assessment(o.ID, a.Number); !reflect.DeepEqual(got2, done) {
		t.Errorf("refused changes changed the completed assessment")
	}
}

func TestProfileCopiedFromPreviousCompleted(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	first := mustStart(t, s, o.ID)
	completeWith(t, s, o.ID, first.Number, assessment.BMET, goodProfile)
	second := mustStart(t, s, o.ID)
	if second.Number != 2 || second.Profile != goodProfile || len(second.Answers) != 0 {
		t.Fatalf("second assessment = %+v; want number 2, the previous profile and no answers", second)
	}
	p2 := goodProfile
	p2.CEFTE, p2.Beds = 2, 320
	completeWith(t, s, o.ID, second.Number, assessment.CE, p2)
	third := mustStart(t, s, o.ID)
	if third.Number != 3 || third.Profile != p2 {
		t.Fatalf("third assessment = %+v; want the second's profile", third)
	}
	all, err := s.Assessments(o.ID)
	if err != nil {
		t.Fatal(err)
	}
	var nums []int
	for _, a := range all {
		nums = append(nums, a.Number)
	}
	if !reflect.DeepEqual(nums, []int{1, 2, 3}) || len(all[0].Answers) != len(questions.Default().Functions) || all[2].Status != assessment.Draft {
		t.Errorf("Assessments() numbers %v", nums)
	}
	if _, err := s.Assessments("nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Assessments(unknown) = %v; want ErrNotFound", err)
	}
}

func TestSaveProfileRanges(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	for _, c := range []struct {
		p     assessment.Profile
		field string
	}{
		{assessment.Profile{Beds: -1}, "beds"},
		{assessment.Profile{Beds: 5001}, "beds"},
		{assessment.Profile{CEFTE: -0.5}, "ce_fte"},
		{assessment.Profile{BMETFTE: math.NaN()}, "bmet_fte"},
		{assessment.Profile{ManagerFTE: math.Inf(1)}, "manager_fte"},
		{assessment.Profile{ITFTE: 1e9}, "it_fte"},
		{assessment.Profile{Devices: -3}, "devices"},
	} {
		err := s.SaveProfile(o.ID, a.Number, c.p)
		var fe *assessment.FieldError
		if !errors.Is(err, store.ErrInvalid) || !errors.As(err, &fe) || fe.Field != c.field {
			t.Errorf("SaveProfile(%+v) = %v; want ErrInvalid on %s", c.p, err, c.field)
		}
	}
	for _, p := range []assessment.Profile{{}, {Beds: 5000, Teaching: true, CEFTE: 0.5}, {Devices: 12000}} {
		if err := s.SaveProfile(o.ID, a.Number, p); err != nil {
			t.Errorf("SaveProfile(%+v): %v", p, err)
		}
		if d, _ := s.Draft(o.ID); d.Profile != p {
			t.Errorf("stored profile %+v; want %+v", d.Profile, p)
		}
	}
}

func TestLatestCompleted(t *testing.T) {
	s, _ := openTemp(t)
	a := mustOrg(t, s, "Alpha Hospital")
	b := mustOrg(t, s, "Beta")
	c := mustOrg(t, s, "Gamma") // only a draft
	mustOrg(t, s, "Delta")      // nothing

	n := mustStart(t, s, a.ID).Number
	completeWith(t, s, a.ID, n, assessment.BMET, goodProfile)
	p := goodProfile
	p.Beds = 40
	n = mustStart(t, s, a.ID).Number
	completeWith(t, s, a.ID, n, assessment.CE, p)
	mustStart(t, s, a.ID) // a newer draft does not count

	n = mustStart(t, s, b.ID).Number
	completeWith(t, s, b.ID, n, assessment.Vendor, goodProfile)
	mustStart(t, s, c.ID)

	got, err := s.LatestCompleted()
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("LatestCompleted() has %d entries; want 2: %+v", len(got), got)
	}
	byOrg := map[string]assessment.PeerInput{}
	for _, in := range got {
		byOrg[in.OrgID] = in
	}
	if in := byOrg[a.ID]; in.Assessment == nil || in.Assessment.Number != 2 || in.Assessment.Profile.Beds != 40 ||
		in.Assessment.Answers["inventory"].Performer != assessment.CE || in.Bank == nil || in.Bank.Hash != questions.Default().Hash {
		t.Errorf("latest of %s = %+v", a.ID, in)
	}
	if in := byOrg[b.ID]; in.Assessment == nil || in.Assessment.Number != 1 || in.Assessment.Status != assessment.Completed {
		t.Errorf("latest of %s = %+v", b.ID, in)
	}
	// The result feeds the peer benchmark as it is.
	// The result feeds the legacy peer computation as it is.
	if g := assessment.LegacyPeers("someone-else", assessment.Medium, got); g.N != 1 {
		t.Errorf("LegacyPeers over LatestCompleted: n = %d; want 1 (Beta)", g.N)
	}
}

// TestConcurrentUse runs many sessions' worth of saves and reads on one Store at once
// (as `cebalance serve` does); run with -race.
func TestConcurrentUse(t *testing.T) {
	s, _ := openTemp(t)
	const n = 8
	var orgs []store.Organization
	for i := range n {
		orgs = append(orgs, mustOrg(t, s, "Hospital "+string(rune('A'+i))))
	}
	errs := make(chan error, 2*n)
	done := make(chan struct{})
	for _, o := range orgs {
		go func() {
			errs <- func() error {
				a, err := s.StartAssessment(o.ID, questions.Default())
				if err != nil {
					return err
				}
				for _, f := range questions.Default().Functions {
					if err := s.SaveAnswer(o.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.BMET}); err != nil {
						return err
					}
				}
				if err := s.SaveProfile(o.ID, a.Number, goodProfile); err != nil {
					return err
				}
				_, err = s.Complete(o.ID, a.Number)
				return err
			}()
		}()
		go func() {
			for {
				select {
				case <-done:
					errs <- nil
					return
				default:
				}
				if _, err := s.LatestCompleted(); err != nil {
					errs <- err
					return
				}
				if _, err := s.Draft(o.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
					errs <- err
					return
				}
			}
		}()
	}
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	for range n {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	in, err := s.LatestCompleted()
	if err != nil || len(in) != n {
		t.Fatalf("LatestCompleted() after the sessions = %d, %v; want %d", len(in), err, n)
	}
}
