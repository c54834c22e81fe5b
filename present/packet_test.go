package present

import (
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
)

func TestSegmentsAndSharesText(t *testing.T) {
	var s assessment.Shares
	for p, v := range map[assessment.Performer]float64{assessment.CE: 0.5, assessment.BMET: 0.25, assessment.Nobody: 0.24, assessment.Unsure: 0.01} {
		s[p.Index()] = v
	}
	segs := Segments(s, 100)
	if len(segs) != 4 {
		t.Fatalf("%d segments, want 4 (zero shares left out)", len(segs))
	}
	at := 0
	for _, g := range segs {
		if g.Start != at {
			t.Errorf("%s starts at %d, want %d", g.Name, g.Start, at)
		}
		at += g.Cells
	}
	if at != 100 || segs[3].Letter != "?" || segs[3].Cells < 1 || segs[3].Share != "1 %" {
		t.Errorf("segments %+v: want 100 cells and a visible 1 %% don't know", segs)
	}
	if got := SharesText(s); got != "CE 50 %, BMET 25 %, Nobody 24 %, Don't know 1 %" {
		t.Errorf("SharesText = %q", got)
	}
	if Segments(assessment.Shares{}, 100) != nil || SharesText(assessment.Shares{}) != "nothing answered" {
		t.Error("no shares: want no segments and \"nothing answered\"")
	}
}

func TestBandsAndTrend(t *testing.T) {
	b := Bands()
	if len(b) != 3 || b[0].Range != "80–100" || b[1].Range != "60–79.9" || b[2].From != 0 || b[1].From != 0.6 || b[0].From != 0.8 {
		t.Errorf("bands %+v", b)
	}
	f := func(v float64) *float64 { return &v }
	tr := Trend(assessment.Trend{Points: []assessment.Point{
		{Ref: assessment.Ref{Number: 1}, BalanceIndex: f(63.14), Verdict: assessment.MostlyBalanced},
		{Ref: assessment.Ref{Number: 2}, BalanceIndex: nil, Verdict: assessment.NoAnswers},
		{Ref: assessment.Ref{Number: 3}, BalanceIndex: f(81.0), Verdict: assessment.Balanced},
	}})
	if len(tr.Points) != 3 || tr.Points[0].X != 0 || tr.Points[1].X != 0.5 || tr.Points[2].X != 1 {
		t.Fatalf("points %+v", tr.Points)
	}
	if *tr.Points[0].Y != 0.6314 || tr.Points[1].Y != nil || tr.Points[0].Value != "63.1" || tr.Points[1].Value != Dash {
		t.Errorf("values %+v", tr.Points)
	}
	// 63.1 and 81.0 are a verdict band apart: they must not share a height.
	if *tr.Points[0].Y >= b[0].From || *tr.Points[2].Y < b[0].From {
		t.Error("a point is drawn in a band it has not reached")
	}
	if one := Trend(assessment.Trend{Points: []assessment.Point{{BalanceIndex: f(50)}}}); one.Points[0].X != 0.5 {
		t.Error("a single point is not in the middle")
	}
	if len(tr.Ticks) != 6 || tr.Ticks[5].Label != "100" || tr.Ticks[5].At != 1 {
		t.Errorf("ticks %+v", tr.Ticks)
	}
}

func TestAppendix(t *testing.T) {
	b := questions.Default()
	a := &assessment.Assessment{Answers: map[string]assessment.Answer{
		b.Functions[0].ID: {Performer: assessment.Nobody, Note: "ask\x1b[31m finance"},
		b.Functions[1].ID: {Performer: assessment.CE},
	}}
	doms := Appendix(b, a)
	n := 0
	for _, d := range doms {
		n += len(d.Rows)
	}
	if n != len(b.Functions) || len(doms) != len(b.Domains) {
		t.Fatalf("%d rows in %d domains, want %d in %d", n, len(doms), len(b.Functions), len(b.Domains))
	}
	r0, r1, r2 := doms[0].Rows[0], doms[0].Rows[1], doms[0].Rows[2]
	if !r0.Gap || r0.Answer != assessment.Nobody.Label() || r0.Note != Clean("ask\x1b[31m finance") {
		t.Errorf("row 0 %+v", r0)
	}
	if r1.Gap || r1.Unanswered || r1.Answer != assessment.CE.Label() {
		t.Errorf("row 1 %+v", r1)
	}
	if !r2.Unanswered || r2.Answer != "not answered" {
		t.Errorf("row 2 %+v", r2)
	}
	if Weight(3) != "3 (critical)" || Weight(1) != "1 (normal)" {
		t.Errorf("Weight: %q %q", Weight(3), Weight(1))
	}
}

func TestPeerBoxes(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	r := &assessment.Report{Scorecard: assessment.Scorecard{BalanceIndex: f(71.3), EngineeringIndex: f(60),
		Engineering: assessment.Section{Index: f(60), Shares: assessment.Shares{0.4, 0.6}}}}
	if PeerBoxes(r) != nil {
		t.Error("box plots without peers")
	}
	r.Peers = assessment.PeerBenchmark{N: 12, BalanceIndex: &assessment.Figure{P25: f(50), Median: 60, P75: f(70)},
		BMETPerCE: &assessment.SubFigure{FewerThan: assessment.MinPeers}}
	boxes := PeerBoxes(r)
	if len(boxes) != 4 {
		t.Fatalf("%d boxes, want 4", len(boxes))
	}
	bi := boxes[0]
	if *bi.P25 != 0.5 || *bi.Median != 0.6 || *bi.P75 != 0.7 || *bi.Yours != 0.713 || bi.YoursText != "71.3" {
		t.Errorf("balance box %+v", bi)
	}
	if boxes[1].Median != nil || boxes[1].Yours == nil {
		t.Error("an unpublished figure has a box, or the own mark is missing")
	}
	if boxes[3].P25 != nil || boxes[3].Summary == "" {
		t.Errorf("BMETs per CE with too few peers: %+v", boxes[3])
	}
	if boxes[2].Ticks[4].Label != "100 %" {
		t.Errorf("share axis ends at %q", boxes[2].Ticks[4].Label)
	}
}
