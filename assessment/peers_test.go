package assessment

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"cebalance/questions"
)

func TestPercentile(t *testing.T) {
	tests := []struct {
		values        []float64
		p25, med, p75 float64
	}{
		{[]float64{10, 20, 30, 40, 50}, 20, 30, 40},             // n=5: positions 1, 2, 3
		{[]float64{10, 20, 30, 40, 50, 60}, 22.5, 35, 47.5},     // n=6: positions 1.25, 2.5, 3.75
		{[]float64{1, 2, 4, 8, 16, 32, 64}, 3, 8, 24},           // n=7: positions 1.5, 3, 4.5
		{[]float64{5}, 5, 5, 5},                                 // n=1
		{[]float64{0, 0, 0, 0, 100, 100, 100, 100}, 0, 50, 100}, // n=8: 1.75, 3.5, 5.25
	}
	for _, tt := range tests {
		if got := Percentile(tt.values, 0.25); !near(got, tt.p25) {
			t.Errorf("%v p25 = %v, want %v", tt.values, got, tt.p25)
		}
		if got := Percentile(tt.values, 0.5); !near(got, tt.med) {
			t.Errorf("%v median = %v, want %v", tt.values, got, tt.med)
		}
		if got := Percentile(tt.values, 0.75); !near(got, tt.p75) {
			t.Errorf("%v p75 = %v, want %v", tt.values, got, tt.p75)
		}
	}
	if !math.IsNaN(Percentile(nil, 0.5)) {
		t.Error("percentile of nothing should be NaN")
	}
}

// oneFunctionBank has a single engineering function, so an organization's balance index
// is the fit of its one answer: ce 100, manager 75, bmet 50, nobody 0.
func oneFunctionBank(t testing.TB) *questions.Bank {
	b := &questions.Bank{ID: "one", Version: 1, Domains: []questions.Domain{{ID: "d", Name: "D"}},
		Functions: []questions.Function{{ID: "f", Domain: "d", Kind: questions.Engineering, Weight: 1, Question: "?"}}}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	return b
}

func peer(bank *questions.Bank, org string, beds int, ce, bmet float64, p Performer) PeerInput {
	done := t0
	return PeerInput{OrgID: org, Bank: bank, Assessment: &Assessment{
		Number: 1, Status: Completed, StartedAt: t0, CompletedAt: &done,
		Profile: Profile{Beds: beds, CEFTE: ce, BMETFTE: bmet},
		Answers: map[string]Answer{"f": {Performer: p}},
	}}
}

// groupOf builds the group of the candidates in band (the snapshot's work).
func groupOf(band SizeBand, in []PeerInput) Group {
	var g Group
	for _, c := range in {
		if v := ValuesOf(c.OrgID, c.Bank, c.Assessment); v.Band == band {
			g.Add(v)
		}
	}
	g.Sort()
	return g
}

func TestPeers(t *testing.T) {
	bank := oneFunctionBank(t)
	asOf := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	six := []PeerInput{
		peer(bank, "a", 150, 1, 4, CE),
		peer(bank, "b", 150, 2, 4, CE),
		peer(bank, "c", 150, 0, 5, Manager),
		peer(bank, "d", 150, 0, 6, BMET),
		peer(bank, "e", 150, 1, 8, BMET),
		peer(bank, "f", 150, 4, 8, Nobody),
		peer(bank, "big", 600, 1, 1, CE), // another size band
	}
	pb := Peers(Medium, groupOf(Medium, six), asOf, false)
	if pb.N != 6 || !pb.Enough() || pb.Quartiles() || pb.FewerThan != 0 {
		t.Fatalf("n = %d, want 6 with the median only", pb.N)
	}
	// Balance values sorted: 0 50 50 75 100 100 → median 62.5, published 63.
	if q := pb.BalanceIndex; q == nil || q.Median != 63 || q.P25 != nil || q.P75 != nil {
		t.Errorf("balance = %+v, want the median only, rounded to 63", q)
	}
	// bmet_per_ce over the 4 peers with CEs: fewer than 5 → fewer_than only.
	if pb.BMETPerCE == nil || pb.BMETPerCE.FewerThan != 5 || pb.BMETPerCE.N != 0 || pb.BMETPerCE.Figure != nil {
		t.Errorf("bmet_per_ce = %+v", pb.BMETPerCE)
	}
	if pb.NoCEShare == nil || *pb.NoCEShare != 0.3 { // 2 of 6 = 0.333 → 0.3
		t.Errorf("no_ce_share = %v", pb.NoCEShare)
	}
	data, _ := json.Marshal(pb)
	for _, s := range []string{`"bmet_per_ce":{"fewer_than":5}`, `"no_ce_share":0.3`, `"n":6`, `"as_of":"2025-06-01T00:00:00Z"`, `"balance_index":{"median":63}`} {
		if !strings.Contains(string(data), s) {
			t.Errorf("json %s lacks %s", data, s)
		}
	}
	for _, s := range []string{`"a"`, "big", `"no_ce"`, "p25"} {
		if strings.Contains(string(data), s) {
			t.Errorf("json %s has %s", data, s)
		}
	}

	// Fewer than five: nothing but the band and "fewer than 5", not even the count.
	few := Peers(Medium, groupOf(Medium, six[:4]), asOf, false)
	if data, _ := json.Marshal(few); string(data) != `{"size_band":"medium","fewer_than":5}` {
		t.Errorf("four peers = %s", data)
	}

	// Ten peers: quartiles, interpolated on exact values and then rounded.
	var ten []PeerInput
	for i := range 10 {
		ten = append(ten, peer(bank, fmt.Sprint(i), 150, 1, float64(i+1)*1.1, []Performer{Nobody, BMET, Manager, CE}[i%4]))
	}
	pb = Peers(Medium, groupOf(Medium, ten), asOf, false)
	b := pb.BMETPerCE
	// BMETs per CE 1.1 … 11: p25 at position 2.25 = 3.575 → 3.5, median 6.05 → 6, p75 8.525 → 8.5.
	if !pb.Quartiles() || b == nil || b.N != 10 || b.Figure == nil || b.P25 == nil || *b.P25 != 3.5 || b.Median != 6 || *b.P75 != 8.5 {
		t.Errorf("ten peers: bmet_per_ce %+v", b)
	}
	// Without: the viewer's organizations leave the group, counts and values alike.
	g := groupOf(Medium, six)
	v := ValuesOf("f", bank, six[5].Assessment)
	w := g.Without([]PeerValues{v})
	if w.N != 5 || len(w.Values[MetricBalance]) != 5 || w.Values[MetricBalance][0] != 50 || g.N != 6 || g.Values[MetricBalance][0] != 0 {
		t.Errorf("Without(f): %+v (original %+v)", w, g)
	}
}

func TestPublishRounding(t *testing.T) {
	tests := []struct {
		m    Metric
		v    float64
		want float64
	}{
		{MetricBalance, 62.5, 63}, {MetricBalance, 62.49, 62}, {MetricBalance, -0.5, -1},
		{MetricCEEngShare, 0.125, 0.13}, {MetricCEEngShare, 0.2349, 0.23},
		{MetricBMETPerCE, 5.25, 5.5}, {MetricBMETPerCE, 5.2, 5}, {MetricBMETPerCE, 5.75, 6},
		{MetricHTMPer100Beds, 2.45, 2.5},
	}
	for _, tt := range tests {
		if got := tt.m.Publish(tt.v); got != tt.want {
			t.Errorf("metric %d: Publish(%v) = %v, want %v", tt.m, tt.v, got, tt.want)
		}
	}
}

func TestCompare(t *testing.T) {
	bank := testBank(t)
	d1, d2 := t0, t0.AddDate(1, 0, 0)
	from := &Assessment{Number: 1, Status: Completed, CompletedAt: &d1,
		Profile: Profile{Beds: 200, BMETFTE: 6, ManagerFTE: 1},
		Answers: answers("e1=nobody", "e2=bmet", "e3=it", "o1=bmet", "o2=vendor")}
	to := &Assessment{Number: 2, Status: Completed, CompletedAt: &d2,
		Profile: Profile{Beds: 200, CEFTE: 1, BMETFTE: 6, ManagerFTE: 1},
		Answers: answers("e1=ce", "e2=bmet", "e3=ce", "o1=bmet", "o2=unsure")}
	c := Compare(Scored{bank, from}, Scored{bank, to})
	// from: 0 + 1 + .75 + 2 + .75 = 4.5/9 = 50; to: 3 + 1 + 1 + 2 + 0 = 7/9.
	checkNum(t, "balance from", c.BalanceIndex.From, 50)
	checkNum(t, "balance to", c.BalanceIndex.To, 700.0/9)
	checkNum(t, "balance change", c.BalanceIndex.Change, 700.0/9-50)
	checkNum(t, "engineering change", c.EngineeringIndex.Change, 100*5.0/6-100*1.75/6)
	checkNum(t, "operations change", c.OperationsIndex.Change, 100*2.0/3-100*2.75/3)
	// Engineering shares: ce 0 → 4/6, nobody 3/6 → 0, it 1/6 → 0, bmet 2/6 → 2/6.
	checkNum(t, "ce share change", c.EngineeringShare[CE.Index()].Change, 4.0/6)
	checkNum(t, "nobody share change", c.EngineeringShare[Nobody.Index()].Change, -0.5)
	checkNum(t, "it share change", c.EngineeringShare[IT.Index()].Change, -1.0/6)
	checkNum(t, "bmet share change", c.EngineeringShare[BMET.Index()].Change, 0)
	var got []string
	for _, ch := range c.Changed {
		got = append(got, fmt.Sprintf("%s:%s>%s", ch.Function, ch.From, ch.To))
	}
	// By weight: e1 (3), then e3 and o2 (1) in bank order.
	if want := "e1:nobody>ce,e3:it>ce,o2:vendor>unsure"; strings.Join(got, ",") != want {
		t.Errorf("changed = %v, want %s", got, want)
	}
	if c.StaffingThen.BMETPerCE != nil || c.StaffingNow.BMETPerCE == nil || *c.StaffingNow.BMETPerCE != 6 {
		t.Errorf("staffing then/now: %v %v", c.StaffingThen.BMETPerCE, c.StaffingNow.BMETPerCE)
	}
	if c.From.Number != 1 || c.To.Number != 2 {
		t.Errorf("refs %+v %+v", c.From, c.To)
	}

	// A newer bank that drops o2 and adds n1: they are listed as removed and added, and
	// only the common functions are compared.
	nb := &questions.Bank{ID: "test", Version: 2, Domains: bank.Domains}
	for _, f := range bank.Functions {
		if f.ID != "o2" {
			nb.Functions = append(nb.Functions, f)
		}
	}
	nb.Functions = append(nb.Functions, questions.Function{ID: "n1", Domain: "d2", Kind: questions.Operations, Weight: 2, Question: "?"})
	if err := nb.Validate(); err != nil {
		t.Fatal(err)
	}
	to2 := &Assessment{Number: 2, Status: Completed, CompletedAt: &d2,
		Answers: answers("e1=nobody", "e2=bmet", "e3=it", "o1=bmet", "n1=vendor")}
	got = nil
	cross := Compare(Scored{bank, from}, Scored{nb, to2})
	for _, ch := range cross.Changed {
		got = append(got, fmt.Sprintf("%s:%s>%s", ch.Function, ch.From, ch.To))
	}
	want := []string{}
	for _, ch := range Compare(Scored{bank, from}, Scored{bank, &Assessment{Answers: answers("e1=nobody", "e2=bmet", "e3=it", "o1=bmet", "o2=vendor")}}).Changed {
		want = append(want, fmt.Sprintf("%s:%s>%s", ch.Function, ch.From, ch.To))
	}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("changed across banks = %v, want the common functions' changes %v", got, want)
	}
	if !cross.BankChanged || len(cross.Added) != 1 || cross.Added[0].Function != "n1" ||
		len(cross.Removed) != 1 || cross.Removed[0].Function != "o2" {
		t.Errorf("bank change: changed %v added %v removed %v", cross.BankChanged, cross.Added, cross.Removed)
	}
}

func TestHistory(t *testing.T) {
	bank := testBank(t)
	mk := func(n int, done *time.Time, pairs ...string) Scored {
		st := Completed
		if done == nil {
			st = Draft
		}
		return Scored{bank, &Assessment{Number: n, Status: st, StartedAt: t0, CompletedAt: done, Answers: answers(pairs...)}}
	}
	y1, y2, y3 := t0, t0.AddDate(1, 0, 0), t0.AddDate(2, 0, 0)
	all := []string{"e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"}
	items := []Scored{
		mk(3, &y3, all...),
		mk(1, &y1, "e1=nobody", "e2=bmet", "e3=it", "o1=bmet", "o2=vendor"),
		mk(4, nil, "e1=ce"),
		mk(2, &y2, "e1=manager", "e2=manager", "e3=vendor", "o1=bmet", "o2=nobody"),
	}
	tr := History(items)
	if len(tr.Points) != 3 || len(tr.Changes) != 2 {
		t.Fatalf("points %d changes %d", len(tr.Points), len(tr.Changes))
	}
	for i, want := range []int{1, 2, 3} {
		if tr.Points[i].Number != want {
			t.Errorf("point %d is assessment %d, want %d", i, tr.Points[i].Number, want)
		}
	}
	checkNum(t, "first balance", tr.Points[0].BalanceIndex, 50)
	checkNum(t, "last balance", tr.Points[2].BalanceIndex, 100)
	if tr.Points[0].Verdict != CriticalGaps || tr.Points[0].CriticalGaps != 1 || tr.Points[2].Verdict != Balanced {
		t.Errorf("verdicts %s %s", tr.Points[0].Verdict, tr.Points[2].Verdict)
	}
	if tr.Changes[1].From.Number != 2 || tr.Changes[1].To.Number != 3 {
		t.Errorf("last change %d → %d", tr.Changes[1].From.Number, tr.Changes[1].To.Number)
	}
	if empty := History(nil); len(empty.Points) != 0 || empty.Changes == nil {
		t.Errorf("empty history %+v", empty)
	}
}
