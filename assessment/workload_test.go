package assessment

import (
	"encoding/json"
	"math"
	"strconv"
	"strings"
	"testing"

	"cebalance/questions"
)

// estimates builds an answer map from "id=performer" or "id=performer:hours" pairs.
func estimates(pairs ...string) map[string]Answer {
	m := map[string]Answer{}
	for _, p := range pairs {
		id, rest, _ := strings.Cut(p, "=")
		perf, hours, ok := strings.Cut(rest, ":")
		a := Answer{Performer: Performer(perf), AnsweredAt: t0}
		if ok {
			h, err := strconv.ParseFloat(hours, 64)
			if err != nil {
				panic(err)
			}
			a.Hours = &h
		}
		m[id] = a
	}
	return m
}

func hasFinding(sc *Scorecard, id string) bool {
	for _, f := range sc.Findings {
		if f.ID == id {
			return true
		}
	}
	return false
}

// TestWorkload checks the workload figures against figures computed by hand. The test
// bank (v2Bank) has three engineering functions (e1, e2 which allows na, e3) and two
// operations functions (o1, o2).
func TestWorkload(t *testing.T) {
	type kind struct {
		estimated, answered int
		partial             bool
		fte, inHouse, vend  float64
		by                  map[Performer]float64
	}
	cases := []struct {
		name       string
		answers    []string
		productive int
		ce, bmet   float64
		none       bool // no workload at all
		hours      int  // productive hours used
		eng, ops   kind
		capacity   float64
		excess     float64
		load       float64
		engFinding bool
		bmetFind   bool
	}{
		{
			name: "no estimate: no workload", answers: []string{"e1=ce", "e2=bmet", "e3=manager", "o1=bmet", "o2=vendor"},
			ce: 1, bmet: 2, none: true,
		},
		{
			// Default 1700 h: e1 85 h → 85·12/1700 = 0.6; e3 17 h → 0.12 (vendor);
			// o1 170 h → 1.2. e2 and o2 have no estimate: partial, not extrapolated.
			name:    "partial estimates, vendor work, default hours",
			answers: []string{"e1=bmet:85", "e2=manager", "e3=vendor:17", "o1=bmet:170", "o2=vendor"},
			ce:      0, bmet: 1, hours: 1700,
			eng:      kind{2, 3, true, 0.72, 0.6, 0.12, map[Performer]float64{BMET: 0.6, Vendor: 0.12}},
			ops:      kind{1, 2, true, 1.2, 1.2, 0, map[Performer]float64{BMET: 1.2}},
			capacity: 0, excess: 0.6, load: 1.8, engFinding: true, bmetFind: true,
		},
		{
			// 1000 h: nobody's 42.5 h → 0.51 FTE, in house (work that needs doing); e2 is
			// not applicable, so 2 of 2 engineering functions are estimated.
			name:       "nobody with hours, productive hours 1000",
			answers:    []string{"e1=nobody:42.5", "e2=na", "e3=ce:0", "o1=bmet", "o2=vendor"},
			productive: 1000, ce: 0, bmet: 1, hours: 1000,
			eng:      kind{2, 2, false, 0.51, 0.51, 0, map[Performer]float64{Nobody: 0.51}},
			ops:      kind{0, 2, true, 0, 0, 0, nil},
			capacity: 0, excess: 0.51, load: 0, engFinding: true,
		},
		{
			// 2080 h: 104 h → 0.6 FTE; 52 h → 0.3.
			name:       "productive hours 2080",
			answers:    []string{"e1=manager:104", "e2=it:52", "e3=ce", "o1=bmet:104", "o2=vendor:52"},
			productive: 2080, ce: 1, bmet: 1, hours: 2080,
			eng:      kind{2, 3, true, 0.9, 0.9, 0, map[Performer]float64{Manager: 0.6, IT: 0.3}},
			ops:      kind{2, 2, false, 0.9, 0.6, 0.3, map[Performer]float64{BMET: 0.6, Vendor: 0.3}},
			capacity: 1, excess: -0.1, load: 0.6,
		},
		{
			// 1200 h: 50 h → 0.5 FTE, exactly the threshold with no CE.
			name:       "engineering excess exactly 0.5",
			answers:    []string{"e1=bmet:50", "e2=manager", "e3=ce", "o1=vendor", "o2=vendor"},
			productive: 1200, ce: 0, bmet: 2, hours: 1200,
			eng:      kind{1, 3, true, 0.5, 0.5, 0, map[Performer]float64{BMET: 0.5}},
			ops:      kind{0, 2, true, 0, 0, 0, nil},
			capacity: 0, excess: 0.5, load: 0.5, engFinding: true,
		},
		{
			name:       "engineering excess just under 0.5",
			answers:    []string{"e1=bmet:49.5", "e2=manager", "e3=ce", "o1=vendor", "o2=vendor"},
			productive: 1200, ce: 0, bmet: 2, hours: 1200,
			eng:      kind{1, 3, true, 0.495, 0.495, 0, map[Performer]float64{BMET: 0.495}},
			ops:      kind{0, 2, true, 0, 0, 0, nil},
			capacity: 0, excess: 0.495, load: 0.495,
		},
		{
			// 150 h manager = 1.5 FTE against 1 CE FTE: excess 0.5.
			name:       "against CE FTE: at the threshold",
			answers:    []string{"e1=manager:150", "e2=ce", "e3=ce", "o1=vendor", "o2=vendor"},
			productive: 1200, ce: 1, bmet: 2, hours: 1200,
			eng:      kind{1, 3, true, 1.5, 1.5, 0, map[Performer]float64{Manager: 1.5}},
			ops:      kind{0, 2, true, 0, 0, 0, nil},
			capacity: 1, excess: 0.5, load: 0, engFinding: true,
		},
		{
			name:       "against CE FTE: under the threshold",
			answers:    []string{"e1=manager:149.5", "e2=ce", "e3=ce", "o1=vendor", "o2=vendor"},
			productive: 1200, ce: 1, bmet: 2, hours: 1200,
			eng:      kind{1, 3, true, 1.495, 1.495, 0, map[Performer]float64{Manager: 1.495}},
			ops:      kind{0, 2, true, 0, 0, 0, nil},
			capacity: 1, excess: 0.495, load: 0,
		},
		{
			// The specialist's engineering work counts as capacity: 1.5 + 0.5 in house
			// against 0.5 CE + 0.5 specialist = 1.0; excess 1.0.
			name:       "specialist counts as capacity",
			answers:    []string{"e1=bmet:150", "e2=specialist:50", "e3=ce", "o1=vendor", "o2=vendor"},
			productive: 1200, ce: 0.5, bmet: 2, hours: 1200,
			eng:      kind{2, 3, true, 2, 2, 0, map[Performer]float64{BMET: 1.5, questions.Specialist: 0.5}},
			ops:      kind{0, 2, true, 0, 0, 0, nil},
			capacity: 1, excess: 1, load: 1.5, engFinding: true,
		},
		{
			// BMET load: 50 h ops + 50 h absorbed engineering = 1.0 FTE = BMET FTE: not more.
			name:       "BMET load equal to BMET FTE",
			answers:    []string{"e1=bmet:50", "e2=ce", "e3=ce", "o1=bmet:50", "o2=vendor:600"},
			productive: 1200, ce: 1, bmet: 1, hours: 1200,
			eng:      kind{1, 3, true, 0.5, 0.5, 0, map[Performer]float64{BMET: 0.5}},
			ops:      kind{2, 2, false, 6.5, 0.5, 6, map[Performer]float64{BMET: 0.5, Vendor: 6}},
			capacity: 1, excess: -0.5, load: 1,
		},
		{
			name:       "BMET load just over BMET FTE",
			answers:    []string{"e1=bmet:50.5", "e2=ce", "e3=ce", "o1=bmet:50", "o2=vendor:600"},
			productive: 1200, ce: 1, bmet: 1, hours: 1200,
			eng:      kind{1, 3, true, 0.505, 0.505, 0, map[Performer]float64{BMET: 0.505}},
			ops:      kind{2, 2, false, 6.5, 0.5, 6, map[Performer]float64{BMET: 0.5, Vendor: 6}},
			capacity: 1, excess: -0.495, load: 1.005, bmetFind: true,
		},
	}
	bank := v2Bank(t, true)
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := completed(estimates(c.answers...))
			a.Profile.ProductiveHours, a.Profile.CEFTE, a.Profile.BMETFTE = c.productive, c.ce, c.bmet
			if err := a.Validate(bank); err != nil {
				t.Fatal(err)
			}
			sc := Score(bank, a)
			w := sc.Workload
			if c.none {
				if w != nil {
					t.Fatalf("workload %+v, want none", w)
				}
				data, _ := json.Marshal(sc)
				if strings.Contains(string(data), `"workload"`) {
					t.Error("JSON carries a workload without any estimate")
				}
				return
			}
			if w == nil {
				t.Fatal("no workload")
			}
			if w.ProductiveHours != c.hours || w.DefaultHours != (c.productive == 0) {
				t.Errorf("productive hours %d (default %v), want %d", w.ProductiveHours, w.DefaultHours, c.hours)
			}
			for _, k := range []struct {
				name string
				got  KindWorkload
				want kind
			}{{"engineering", w.Engineering, c.eng}, {"operations", w.Operations, c.ops}} {
				g, x := k.got, k.want
				if g.Estimated != x.estimated || g.Answered != x.answered || g.Partial != x.partial {
					t.Errorf("%s: %d of %d estimated (partial %v), want %d of %d (%v)", k.name, g.Estimated, g.Answered, g.Partial, x.estimated, x.answered, x.partial)
				}
				for _, f := range []struct {
					name      string
					got, want float64
				}{{"fte", g.FTE, x.fte}, {"in house", g.InHouse, x.inHouse}, {"vendor", g.Vendor, x.vend}} {
					if !near(f.got, f.want) {
						t.Errorf("%s %s = %v, want %v", k.name, f.name, f.got, f.want)
					}
				}
				for i, p := range questions.Performers[:questions.NumPerformers] {
					if !near(g.ByPerformer[i], x.by[p]) {
						t.Errorf("%s by %s = %v, want %v", k.name, p, g.ByPerformer[i], x.by[p])
					}
				}
			}
			if w.Engineering.Staff != c.ce || w.Operations.Staff != c.bmet {
				t.Errorf("staff %v / %v, want CE %v / BMET %v", w.Engineering.Staff, w.Operations.Staff, c.ce, c.bmet)
			}
			if !near(w.EngineeringCapacity, c.capacity) || !near(w.EngineeringExcess, c.excess) || !near(w.BMETLoad, c.load) {
				t.Errorf("capacity %v excess %v load %v, want %v %v %v", w.EngineeringCapacity, w.EngineeringExcess, w.BMETLoad, c.capacity, c.excess, c.load)
			}
			if got := hasFinding(sc, FindingEngineeringWorkload); got != c.engFinding {
				t.Errorf("engineering workload finding %v, want %v (%+v)", got, c.engFinding, sc.Findings)
			}
			if got := hasFinding(sc, FindingBMETOverload); got != c.bmetFind {
				t.Errorf("BMET load finding %v, want %v (%+v)", got, c.bmetFind, sc.Findings)
			}
		})
	}
}

// TestWorkloadFindingText: the staffing-request wording carries the figures, and a
// partial estimate says so.
func TestWorkloadFindingText(t *testing.T) {
	bank := v2Bank(t, true)
	a := completed(estimates("e1=bmet:85", "e2=manager", "e3=vendor:17", "o1=bmet:170", "o2=vendor"))
	a.Profile.CEFTE, a.Profile.BMETFTE = 0, 1
	sc := Score(bank, a)
	var eng, bmet string
	for _, f := range sc.Findings {
		switch f.ID {
		case FindingEngineeringWorkload:
			eng = f.Text
		case FindingBMETOverload:
			bmet = f.Text
		}
	}
	for _, want := range []string{"estimated at 0.6 FTE (2 of 3 engineering functions estimated)", "against 0 clinical engineer FTE", "about 1 FTE of clinical engineering"} {
		if !strings.Contains(eng, want) {
			t.Errorf("engineering finding %q lacks %q", eng, want)
		}
	}
	for _, want := range []string{"(1.2 FTE (1 of 2 operations functions estimated))", "absorb (0.6 FTE) comes to 1.8 FTE", "than the 1 BMET FTE"} {
		if !strings.Contains(bmet, want) {
			t.Errorf("BMET finding %q lacks %q", bmet, want)
		}
	}
}

func TestCheckHours(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	cases := []struct {
		p    Performer
		h    *float64
		want string
	}{
		{BMET, nil, ""},
		{BMET, f(0), ""},
		{BMET, f(0.5), ""},
		{BMET, f(744), ""},
		{Nobody, f(12), ""},
		{questions.NA, nil, ""},
		{questions.NA, f(0), "not applicable"},
		{BMET, f(-0.5), "0 to 744"},
		{BMET, f(744.5), "0 to 744"},
		{BMET, f(0.25), "steps of 0.5"},
		{BMET, f(math.NaN()), "0 to 744"},
		{BMET, f(math.Inf(1)), "0 to 744"},
	}
	for _, c := range cases {
		err := CheckHours(c.p, c.h)
		if (err == nil) != (c.want == "") || (err != nil && !strings.Contains(err.Error(), c.want)) {
			t.Errorf("CheckHours(%s, %v) = %v, want %q", c.p, c.h, err, c.want)
		}
	}
	for _, c := range []struct {
		in   string
		want *float64
		err  bool
	}{{"", nil, false}, {" 12 ", f(12), false}, {"7,5", f(7.5), false}, {"-0", f(0), false}, {"abc", nil, true}, {"1e3", nil, true}, {"0.3", nil, true}} {
		got, err := ParseHours(BMET, c.in)
		if (err != nil) != c.err || (got == nil) != (c.want == nil) || (got != nil && *got != *c.want) {
			t.Errorf("ParseHours(%q) = %v, %v", c.in, got, err)
		}
	}
	// Validate applies the same rule, naming the answer.
	bank := v2Bank(t, true)
	a := completed(estimates("e1=bmet:800", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"))
	if err := a.Validate(bank); err == nil || !strings.Contains(err.Error(), "answers.e1.hours_per_month") {
		t.Errorf("Validate = %v, want an error naming answers.e1.hours_per_month", err)
	}
}

func TestProductiveHoursField(t *testing.T) {
	var p Profile
	if got := p.Value(FieldProductiveHours); got != "1700" {
		t.Errorf("unset productive hours read %q, want the default 1700", got)
	}
	for _, c := range []struct {
		in   string
		want int
		ok   bool
	}{{"1000", 1000, true}, {"2,080", 2080, true}, {"999", 0, false}, {"2081", 0, false}, {"1700.5", 0, false}} {
		q := Profile{Beds: 100}
		err := q.Set(FieldProductiveHours, c.in)
		if (err == nil) != c.ok || (c.ok && q.ProductiveHours != c.want) {
			t.Errorf("Set(%q) = %v, hours %d", c.in, err, q.ProductiveHours)
		}
		if err != nil && q.ProductiveHours != 0 {
			t.Errorf("a refused value changed the profile")
		}
	}
	for _, h := range []int{0, 1000, 2080} {
		if err := (Profile{Beds: 10, ProductiveHours: h}).Validate(); err != nil {
			t.Errorf("productive hours %d refused: %v", h, err)
		}
	}
	for _, h := range []int{-1, 999, 2081} {
		if err := (Profile{Beds: 10, ProductiveHours: h}).Validate(); err == nil {
			t.Errorf("productive hours %d accepted", h)
		}
	}
}

// TestCompareWorkload: a comparison lists the changed estimates and the change of the
// workload FTEs; a history carries each point's workload.
func TestCompareWorkload(t *testing.T) {
	bank := v2Bank(t, true)
	from := completed(estimates("e1=bmet:10", "e2=ce:5", "e3=ce", "o1=bmet", "o2=bmet"))
	to := completed(estimates("e1=bmet:20", "e2=ce:5", "e3=ce:3", "o1=bmet", "o2=bmet"))
	from.Profile.ProductiveHours, to.Profile.ProductiveHours = 1200, 1200
	to.Number = 2
	later := to.CompletedAt.Add(1e9)
	to.CompletedAt = &later
	c := Compare(Scored{bank, from}, Scored{bank, to})
	w := c.Workload
	if w == nil {
		t.Fatal("no workload change")
	}
	// from: 15 h → 0.15 FTE; to: 28 h → 0.28 FTE.
	if w.EngineeringFTE.Change == nil || !near(*w.EngineeringFTE.Change, 0.13) || !near(*w.EngineeringFTE.From, 0.15) {
		t.Errorf("engineering FTE change %+v", w.EngineeringFTE)
	}
	if len(w.Estimates) != 2 || w.Estimates[0].Function != "e1" || *w.Estimates[0].From != 10 || *w.Estimates[0].To != 20 ||
		w.Estimates[1].Function != "e3" || w.Estimates[1].From != nil || *w.Estimates[1].To != 3 {
		t.Errorf("estimates %+v", w.Estimates)
	}
	h := History([]Scored{{bank, from}, {bank, to}})
	if len(h.Changes) != 1 || h.Changes[0].Workload == nil || len(h.Changes[0].Workload.Estimates) != 2 {
		t.Fatalf("history change %+v", h.Changes)
	}
	if h.Points[1].Workload == nil || !near(h.Points[1].Workload.Engineering.FTE, 0.28) {
		t.Errorf("history point workload %+v", h.Points[1].Workload)
	}
	// Without estimates on either side there is no workload change.
	plain := Compare(Scored{bank, completed(answers("e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"))}, Scored{bank, completed(answers("e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"))})
	if plain.Workload != nil {
		t.Errorf("workload change without estimates: %+v", plain.Workload)
	}
}
