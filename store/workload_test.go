package store_test

import (
	"errors"
	"fmt"
	"math"
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

func hours(v float64) *float64 { return &v }

// TestSaveAnswerHours: an estimate is part of the answer. It is saved and read back,
// refused with ErrInvalid outside 0–744 in halves or on "not applicable" (changing
// nothing), and a compare-and-set against an answer with another estimate conflicts.
func TestSaveAnswerHours(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Hours")
	d := mustStart(t, s, o.ID)
	bank := questions.Default()
	fid := bank.Functions[0].ID
	saved := assessment.Answer{Performer: assessment.BMET, Hours: hours(12.5)}
	if _, err := s.SaveAnswerIf(o.ID, d.Number, fid, saved, nil); err != nil {
		t.Fatal(err)
	}
	got, err := s.Draft(o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if h := got.Answers[fid].Hours; h == nil || *h != 12.5 {
		t.Fatalf("hours read back %v, want 12.5", h)
	}
	base := got.Answers[fid]
	for _, bad := range []assessment.Answer{
		{Performer: assessment.BMET, Hours: hours(744.5)},
		{Performer: assessment.BMET, Hours: hours(-1)},
		{Performer: assessment.BMET, Hours: hours(0.3)},
		{Performer: assessment.BMET, Hours: hours(math.NaN())},
	} {
		if _, err := s.SaveAnswerIf(o.ID, d.Number, fid, bad, &base); !errors.Is(err, assessment.ErrInvalid) {
			t.Errorf("SaveAnswerIf(hours %v) = %v, want ErrInvalid", *bad.Hours, err)
		}
	}
	for i := range bank.Functions {
		if f := &bank.Functions[i]; f.NAAllowed {
			_, err := s.SaveAnswerIf(o.ID, d.Number, f.ID, assessment.Answer{Performer: questions.NA, Hours: hours(1)}, nil)
			if !errors.Is(err, assessment.ErrInvalid) {
				t.Errorf("not applicable with hours: %v, want ErrInvalid", err)
			}
			break
		}
	}
	// The editor saw 12.5 h; someone else changes the estimate to 20 h.
	if _, err := s.SaveAnswerIf(o.ID, d.Number, fid, assessment.Answer{Performer: assessment.BMET, Hours: hours(20)}, &base); err != nil {
		t.Fatal(err)
	}
	_, err = s.SaveAnswerIf(o.ID, d.Number, fid, assessment.Answer{Performer: assessment.BMET, Hours: hours(14)}, &base)
	var ce *store.ConflictError
	if !errors.As(err, &ce) || ce.Current == nil || ce.Current.Hours == nil || *ce.Current.Hours != 20 {
		t.Fatalf("save over a changed estimate = %v, want a conflict carrying 20 h", err)
	}
	got, _ = s.Draft(o.ID)
	if h := got.Answers[fid].Hours; h == nil || *h != 20 {
		t.Errorf("stored hours %v after refused writes, want 20", h)
	}
}

// completeEstimated completes a medium hospital (200 beds, CE 1, productive hours 1200)
// answering every function "bmet", with h hours on every engineering function except
// the first skip of them.
func completeEstimated(t *testing.T, s *store.Store, name string, h float64, skip int) {
	t.Helper()
	o := mustOrg(t, s, name)
	d := mustStart(t, s, o.ID)
	seen := 0
	for _, f := range questions.Default().Functions {
		a := assessment.Answer{Performer: assessment.BMET}
		if f.Kind == questions.Engineering {
			if seen >= skip {
				a.Hours = hours(h)
			}
			seen++
		}
		if err := s.SaveAnswer(o.ID, d.Number, f.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	p := goodProfile
	p.Beds, p.ProductiveHours = 200, 1200
	if err := s.SaveProfile(o.ID, d.Number, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(o.ID, d.Number); err != nil {
		t.Fatal(err)
	}
}

// TestBenchmarkWorkload: the community benchmark publishes the in-house engineering
// workload per 100 beds and per CE FTE only over organizations that estimated every
// engineering function, and only from five of them.
func TestBenchmarkWorkload(t *testing.T) {
	s, _ := openTemp(t)
	eng := 0
	for _, f := range questions.Default().Functions {
		if f.Kind == questions.Engineering {
			eng++
		}
	}
	// Four complete estimates and one partial: the band has five organizations, but
	// only four count for the workload figures.
	for i, h := range []float64{10, 20, 30, 40} {
		completeEstimated(t, s, fmt.Sprintf("Full %d", i), h, 0)
	}
	completeEstimated(t, s, "Partial", 50, 1)
	band := func() assessment.BandBenchmark {
		t.Helper()
		if err := s.RefreshBenchmark(); err != nil {
			t.Fatal(err)
		}
		b, err := s.Benchmark(nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range b.Bands {
			if r.SizeBand == assessment.Medium && r.Teaching == nil {
				return r
			}
		}
		t.Fatal("no medium band")
		return assessment.BandBenchmark{}
	}
	r := band()
	if r.N != 5 || r.EngWorkloadPer100Beds == nil || r.EngWorkloadPer100Beds.FewerThan != 5 || r.EngWorkloadPer100Beds.Figure != nil ||
		r.EngWorkloadPerCE == nil || r.EngWorkloadPerCE.FewerThan != 5 {
		t.Fatalf("five organizations, four complete estimates: %+v / %+v", r.EngWorkloadPer100Beds, r.EngWorkloadPerCE)
	}
	completeEstimated(t, s, "Full 5", 50, 0)
	r = band()
	// Medians of h = 10, 20, 30, 40, 50: h = 30 → eng × 30 × 12 ÷ 1200 = eng × 0.3 FTE;
	// per 100 beds: ÷ 200 × 100; per CE FTE: ÷ 1.
	fte := float64(eng) * 0.3
	w100, wce := r.EngWorkloadPer100Beds, r.EngWorkloadPerCE
	if w100 == nil || w100.N != 5 || w100.Figure == nil || wce == nil || wce.N != 5 || wce.Figure == nil {
		t.Fatalf("five complete estimates: %+v / %+v", w100, wce)
	}
	if want := math.Round(fte/2*10) / 10; w100.Median != want {
		t.Errorf("workload per 100 beds median %v, want %v", w100.Median, want)
	}
	if want := math.Round(fte*10) / 10; wce.Median != want {
		t.Errorf("workload per CE FTE median %v, want %v", wce.Median, want)
	}
	// The completed heads carry the estimates the benchmark read, and agree with the
	// answers.
	if err := s.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}

// TestCompletedKeepsEstimates: completing an assessment (stored as one compact value)
// keeps every estimate and the productive hours, after a reopen too; this failed when
// the compact value had no place for them.
func TestCompletedKeepsEstimates(t *testing.T) {
	s, path := openTemp(t)
	o := mustOrg(t, s, "Kept")
	d := mustStart(t, s, o.ID)
	bank := questions.Default()
	for i, f := range bank.Functions {
		a := assessment.Answer{Performer: assessment.BMET}
		if i%3 == 0 {
			a.Hours = hours(float64(i) + 0.5)
		}
		if err := s.SaveAnswer(o.ID, d.Number, f.ID, a); err != nil {
			t.Fatal(err)
		}
	}
	p := goodProfile
	p.ProductiveHours = 1650
	if err := s.SaveProfile(o.ID, d.Number, p); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(o.ID, d.Number); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open(t, path, store.Options{})
	got, err := s.Assessment(o.ID, d.Number)
	if err != nil {
		t.Fatal(err)
	}
	if got.Profile.ProductiveHours != 1650 {
		t.Errorf("productive hours %d after completion, want 1650", got.Profile.ProductiveHours)
	}
	for i, f := range bank.Functions {
		h := got.Answers[f.ID].Hours
		if i%3 == 0 && (h == nil || *h != float64(i)+0.5) || i%3 != 0 && h != nil {
			t.Errorf("%s: hours %v after completion", f.ID, h)
		}
	}
	if err := s.Check(); err != nil {
		t.Errorf("Check: %v", err)
	}
}
