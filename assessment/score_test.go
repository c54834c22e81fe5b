package assessment

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"time"

	"cebalance/questions"
)

// testBank is a small bank whose figures are easy to compute by hand:
//
//	e1 d1 engineering w3
//	e2 d1 engineering w2
//	e3 d2 engineering w1  fit it=0.75
//	o1 d2 operations  w2
//	o2 d2 operations  w1
func testBank(t testing.TB) *questions.Bank {
	t.Helper()
	b := &questions.Bank{
		ID: "test", Version: 1,
		Domains: []questions.Domain{{ID: "d1", Name: "Domain one"}, {ID: "d2", Name: "Domain two"}},
		Functions: []questions.Function{
			{ID: "e1", Domain: "d1", Kind: questions.Engineering, Weight: 3, Question: "Who e1?", Recommendation: "Do e1."},
			{ID: "e2", Domain: "d1", Kind: questions.Engineering, Weight: 2, Question: "Who e2?"},
			{ID: "e3", Domain: "d2", Kind: questions.Engineering, Weight: 1, Question: "Who e3?", Fit: map[questions.Performer]float64{questions.IT: 0.75}},
			{ID: "o1", Domain: "d2", Kind: questions.Operations, Weight: 2, Question: "Who o1?"},
			{ID: "o2", Domain: "d2", Kind: questions.Operations, Weight: 1, Question: "Who o2?", Recommendation: "Do o2."},
		},
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	return b
}

var t0 = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)

// answers builds an answer map from "id=performer" pairs.
func answers(pairs ...string) map[string]Answer {
	m := map[string]Answer{}
	for _, p := range pairs {
		id, perf, _ := strings.Cut(p, "=")
		m[id] = Answer{Performer: Performer(perf), AnsweredAt: t0}
	}
	return m
}

func completed(ans map[string]Answer) *Assessment {
	done := t0.Add(time.Hour)
	return &Assessment{
		Number: 1, Status: Completed, StartedAt: t0, CompletedAt: &done,
		Profile: Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, Devices: 7000},
		Answers: ans,
	}
}

const eps = 1e-9

func near(a, b float64) bool { return math.Abs(a-b) < eps }

func checkNum(t *testing.T, name string, got *float64, want float64) {
	t.Helper()
	if math.IsNaN(want) {
		if got != nil {
			t.Errorf("%s = %v, want null", name, *got)
		}
		return
	}
	if got == nil {
		t.Errorf("%s = null, want %v", name, want)
		return
	}
	if !near(*got, want) {
		t.Errorf("%s = %v, want %v", name, *got, want)
	}
}

var null = math.NaN()

func TestScoreVerdicts(t *testing.T) {
	bank := testBank(t)
	tests := []struct {
		name       string
		answers    []string
		balance    float64
		eng, ops   float64
		absorbed   float64
		verdict    Verdict
		gaps       []string // function ids in expected order
		critical   int
		engCE      float64 // share(engineering, ce)
		engCover   float64
		opsCover   float64
		domainIdx  [2]float64
		domainCovr [2]float64
	}{
		{
			// fits: e1 ce 1·3, e2 bmet .5·2, e3 it .75·1, o1 bmet 1·2, o2 vendor .75·1 = 7.5 of 9.
			// absorbed = bmet 2/6 + it 1/6 = 0.5 exactly: rule 2 wins over balanced (83.3).
			name:    "absorbed at exactly one half beats balanced",
			answers: []string{"e1=ce", "e2=bmet", "e3=it", "o1=bmet", "o2=vendor"},
			balance: 750.0 / 9, eng: 475.0 / 6, ops: 275.0 / 3, absorbed: 0.5,
			verdict: EngineeringAbsorbed, engCE: 0.5, engCover: 1, opsCover: 1,
			domainIdx: [2]float64{80, 87.5}, domainCovr: [2]float64{1, 1},
		},
		{
			// e1 (critical) nobody: rule 1 wins even though absorbed = (2+1)/6 = 0.5.
			name:    "critical gap beats everything",
			answers: []string{"e1=nobody", "e2=bmet", "e3=it", "o1=bmet", "o2=unsure"},
			balance: 100 * (0 + 1 + 0.75 + 2 + 0) / 9, eng: 100 * 1.75 / 6, ops: 100 * 2.0 / 3, absorbed: 0.5,
			verdict: CriticalGaps, gaps: []string{"e1", "o2"}, critical: 1,
			engCE: 0, engCover: 0.5, opsCover: 2.0 / 3,
			domainIdx: [2]float64{20, 100 * 2.75 / 4}, domainCovr: [2]float64{0.4, 0.75},
		},
		{
			// ops: o1 ce (w2) of 3 → share 2/3 ≥ 0.3; balance (6 + 1 + 1)/9 = 88.9.
			name:    "engineers in operations beats balanced",
			answers: []string{"e1=ce", "e2=ce", "e3=ce", "o1=ce", "o2=bmet"},
			balance: 800.0 / 9, eng: 100, ops: 200.0 / 3, absorbed: 0,
			verdict: EngineersInOperations, engCE: 1, engCover: 1, opsCover: 1,
			domainIdx: [2]float64{100, 75}, domainCovr: [2]float64{1, 1},
		},
		{
			name:    "balanced",
			answers: []string{"e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"},
			balance: 100, eng: 100, ops: 100, absorbed: 0,
			verdict: Balanced, engCE: 1, engCover: 1, opsCover: 1,
			domainIdx: [2]float64{100, 100}, domainCovr: [2]float64{1, 1},
		},
		{
			// 2.25 + 1.5 + 0.5 + 2 + 0 = 6.25 of 9 = 69.4; o2 nobody is a gap but not critical.
			name:    "mostly balanced with a minor gap",
			answers: []string{"e1=manager", "e2=manager", "e3=vendor", "o1=bmet", "o2=nobody"},
			balance: 625.0 / 9, eng: 100 * 4.25 / 6, ops: 200.0 / 3, absorbed: 0,
			verdict: MostlyBalanced, gaps: []string{"o2"}, engCE: 0, engCover: 1, opsCover: 2.0 / 3,
			domainIdx: [2]float64{75, 100 * 2.5 / 4}, domainCovr: [2]float64{1, 0.75},
		},
		{
			// 2.25 + 1 + 0.5 + 1 + 0 = 4.75 of 9 = 52.8.
			name:    "out of balance",
			answers: []string{"e1=manager", "e2=vendor", "e3=vendor", "o1=manager", "o2=unsure"},
			balance: 475.0 / 9, eng: 100 * 3.75 / 6, ops: 100.0 / 3, absorbed: 0,
			verdict: OutOfBalance, gaps: []string{"o2"}, engCE: 0, engCover: 1, opsCover: 2.0 / 3,
			domainIdx: [2]float64{65, 37.5}, domainCovr: [2]float64{1, 0.75},
		},
		{
			// Gaps ordered by weight, then bank order: e1(3) e2(2) o1(2) e3(1) o2(1).
			name:    "gap order and nothing covered",
			answers: []string{"o2=unsure", "e3=nobody", "o1=nobody", "e2=unsure", "e1=unsure"},
			balance: 0, eng: 0, ops: 0, absorbed: 0,
			verdict: CriticalGaps, gaps: []string{"e1", "e2", "o1", "e3", "o2"}, critical: 1,
			engCover: 0, opsCover: 0,
			domainIdx: [2]float64{0, 0}, domainCovr: [2]float64{0, 0},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := Score(bank, completed(answers(tt.answers...)))
			checkNum(t, "balance_index", sc.BalanceIndex, tt.balance)
			checkNum(t, "engineering_index", sc.EngineeringIndex, tt.eng)
			checkNum(t, "operations_index", sc.OperationsIndex, tt.ops)
			if !near(sc.Absorbed, tt.absorbed) {
				t.Errorf("absorbed = %v, want %v", sc.Absorbed, tt.absorbed)
			}
			if sc.Verdict != tt.verdict {
				t.Errorf("verdict = %s, want %s", sc.Verdict, tt.verdict)
			}
			if sc.VerdictMeaning == "" || sc.VerdictMeaning != tt.verdict.Meaning() {
				t.Errorf("verdict meaning %q", sc.VerdictMeaning)
			}
			var gotGaps []string
			for _, g := range sc.Gaps {
				gotGaps = append(gotGaps, g.Function)
				if g.Recommendation == "" {
					t.Errorf("gap %s has no recommendation", g.Function)
				}
			}
			if strings.Join(gotGaps, ",") != strings.Join(tt.gaps, ",") {
				t.Errorf("gaps = %v, want %v", gotGaps, tt.gaps)
			}
			if sc.CriticalGaps != tt.critical {
				t.Errorf("critical_gaps = %d, want %d", sc.CriticalGaps, tt.critical)
			}
			if got := sc.Engineering.Shares.Of(CE); !near(got, tt.engCE) {
				t.Errorf("share(engineering, ce) = %v, want %v", got, tt.engCE)
			}
			checkNum(t, "engineering coverage", sc.Engineering.Coverage, tt.engCover)
			checkNum(t, "operations coverage", sc.Operations.Coverage, tt.opsCover)
			for i := range 2 {
				checkNum(t, "domain index "+sc.Domains[i].ID, sc.Domains[i].Index, tt.domainIdx[i])
				checkNum(t, "domain coverage "+sc.Domains[i].ID, sc.Domains[i].Coverage, tt.domainCovr[i])
			}
			for _, s := range []Section{sc.Engineering, sc.Operations, sc.Domains[0], sc.Domains[1]} {
				sum := 0.0
				for _, v := range s.Shares {
					sum += v
				}
				if !near(sum, 1) {
					t.Errorf("shares of a fully answered section sum to %v", sum)
				}
			}
			if sc.Answered != 5 || sc.Total != 5 || sc.Provisional {
				t.Errorf("answered %d/%d provisional %v", sc.Answered, sc.Total, sc.Provisional)
			}
		})
	}
}

// TestVerdictBoundaries checks each threshold exactly at its edge.
func TestVerdictBoundaries(t *testing.T) {
	// Five engineering functions of weight 1 and four operations functions o3(w3) o4(w3)
	// o5(w3) o6(w1), so operations weights sum to 10.
	b := &questions.Bank{ID: "edge", Version: 1, Domains: []questions.Domain{{ID: "d", Name: "D"}}}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		b.Functions = append(b.Functions, questions.Function{ID: id, Domain: "d", Kind: questions.Engineering, Weight: 1, Question: "?"})
	}
	for _, f := range []struct {
		id string
		w  int
	}{{"o3", 3}, {"o4", 3}, {"o5", 3}, {"o6", 1}} {
		b.Functions = append(b.Functions, questions.Function{ID: f.id, Domain: "d", Kind: questions.Operations, Weight: f.w, Question: "?"})
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	ops := []string{"o3=bmet", "o4=bmet", "o5=bmet", "o6=bmet"}
	tests := []struct {
		name    string
		answers []string
		verdict Verdict
	}{
		// balance: eng (1+1+1+.5+.5)=4, ops 10 → 14/15 = 93.3; absorbed 0.4 → balanced.
		{"absorbed 0.4 is below the rule", append([]string{"a=ce", "b=ce", "c=ce", "d=bmet", "e=it"}, ops...), Balanced},
		// ops share ce = 3/10 = 0.3 exactly → engineers-in-operations.
		{"ops ce share exactly 0.3", []string{"a=ce", "b=ce", "c=ce", "d=ce", "e=ce", "o3=ce", "o4=bmet", "o5=bmet", "o6=bmet"}, EngineersInOperations},
		// ops ce share 1/10 → not the rule.
		{"ops ce share 0.1", []string{"a=ce", "b=ce", "c=ce", "d=ce", "e=ce", "o3=bmet", "o4=bmet", "o5=bmet", "o6=ce"}, Balanced},
		// eng: ce,ce,vendor,vendor,vendor = 3.5; ops: o3..o5 vendor (.75·9=6.75), o6 ce .5 → 10.75 of 15 = 71.67.
		{"mostly balanced", []string{"a=ce", "b=ce", "c=vendor", "d=vendor", "e=vendor", "o3=vendor", "o4=vendor", "o5=vendor", "o6=ce"}, MostlyBalanced},
		// eng 5·.5 = 2.5 (vendor), ops o3 bmet 3, o4 manager 1.5, o5 manager 1.5, o6 nobody 0 → 8.5/15 = 56.7.
		{"out of balance", []string{"a=vendor", "b=vendor", "c=vendor", "d=vendor", "e=vendor", "o3=bmet", "o4=manager", "o5=manager", "o6=nobody"}, OutOfBalance},
		// o5 (critical) nobody.
		{"critical gap in operations", []string{"a=ce", "b=ce", "c=ce", "d=ce", "e=ce", "o3=bmet", "o4=bmet", "o5=nobody", "o6=bmet"}, CriticalGaps},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			sc := Score(b, completed(answers(tt.answers...)))
			if sc.Verdict != tt.verdict {
				t.Errorf("verdict = %s (balance %v, absorbed %v, ops ce %v), want %s",
					sc.Verdict, *sc.BalanceIndex, sc.Absorbed, sc.Operations.Shares.Of(CE), tt.verdict)
			}
		})
	}

	// The balance thresholds themselves, on a bank of five engineering functions only.
	e := &questions.Bank{ID: "eng", Version: 1, Domains: []questions.Domain{{ID: "d", Name: "D"}}}
	for _, id := range []string{"a", "b", "c", "d", "e"} {
		e.Functions = append(e.Functions, questions.Function{ID: id, Domain: "d", Kind: questions.Engineering, Weight: 1, Question: "?"})
	}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		answers []string
		balance float64
		verdict Verdict
	}{
		{[]string{"a=ce", "b=ce", "c=ce", "d=bmet", "e=bmet"}, 80, Balanced},                         // 4/5, absorbed 0.4
		{[]string{"a=ce", "b=ce", "c=manager", "d=vendor", "e=vendor"}, 75, MostlyBalanced},          // 3.75/5
		{[]string{"a=ce", "b=vendor", "c=vendor", "d=vendor", "e=vendor"}, 60, MostlyBalanced},       // 3/5
		{[]string{"a=ce", "b=vendor", "c=vendor", "d=vendor", "e=nobody"}, 50, OutOfBalance},         // 2.5/5
		{[]string{"a=manager", "b=manager", "c=manager", "d=manager", "e=bmet"}, 70, MostlyBalanced}, // 3.5/5
	} {
		sc := Score(e, completed(answers(tt.answers...)))
		checkNum(t, strings.Join(tt.answers, " "), sc.BalanceIndex, tt.balance)
		if sc.Verdict != tt.verdict {
			t.Errorf("%v: verdict %s, want %s", tt.answers, sc.Verdict, tt.verdict)
		}
	}
}

func TestScoreDraft(t *testing.T) {
	bank := testBank(t)
	a := &Assessment{Number: 2, Status: Draft, StartedAt: t0, Answers: answers("e1=ce", "e2=manager")}
	sc := Score(bank, a)
	if !sc.Provisional || sc.Answered != 2 || sc.Total != 5 {
		t.Fatalf("provisional %v answered %d/%d", sc.Provisional, sc.Answered, sc.Total)
	}
	// (3 + 1.5)/5 = 90.
	checkNum(t, "balance", sc.BalanceIndex, 90)
	checkNum(t, "engineering", sc.EngineeringIndex, 90)
	checkNum(t, "operations", sc.OperationsIndex, null)
	checkNum(t, "operations coverage", sc.Operations.Coverage, null)
	checkNum(t, "d1", sc.Domains[0].Index, 90)
	checkNum(t, "d2", sc.Domains[1].Index, null)
	if sc.Domains[1].Answered != 0 || sc.Domains[1].Total != 3 {
		t.Errorf("d2 answered %d/%d", sc.Domains[1].Answered, sc.Domains[1].Total)
	}
	if sc.Operations.Shares != (Shares{}) {
		t.Errorf("unanswered section shares %v, want zeros", sc.Operations.Shares)
	}
	if sc.Verdict != Balanced {
		t.Errorf("verdict %s", sc.Verdict)
	}

	empty := Score(bank, &Assessment{Number: 1, Status: Draft, StartedAt: t0})
	if empty.Verdict != NoAnswers || empty.BalanceIndex != nil || empty.Answered != 0 {
		t.Errorf("empty draft: verdict %s balance %v", empty.Verdict, empty.BalanceIndex)
	}

	// Answers for unknown functions or with unknown performers do not count.
	odd := Score(bank, &Assessment{Status: Draft, Answers: map[string]Answer{
		"zz": {Performer: CE}, "e1": {Performer: "bmets"}, "o1": {Performer: BMET},
	}})
	if odd.Answered != 1 {
		t.Errorf("answered %d, want 1", odd.Answered)
	}
}

func TestStaffing(t *testing.T) {
	tests := []struct {
		name                         string
		p                            Profile
		band                         SizeBand
		bmetPerCE, per100, dev, ceSh float64
	}{
		{"spec example", Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, Devices: 7000}, Medium, 8, 4, 875, 0.1},
		{"no CE", Profile{Beds: 80, BMETFTE: 2.5, ManagerFTE: 0.5, Devices: 1000}, Small, null, 3.75, 400, 0},
		{"nobody at all", Profile{Beds: 25, Devices: 300}, CriticalAccess, null, 0, null, null},
		{"devices unknown", Profile{Beds: 300, CEFTE: 2, BMETFTE: 10, ManagerFTE: 1}, Large, 5, 13.0 / 3, null, 2.0 / 13},
		{"no BMETs", Profile{Beds: 500, CEFTE: 1, ManagerFTE: 1, Devices: 9000}, VeryLarge, 0, 0.4, null, 0.5},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := StaffingOf(tt.p)
			if s.SizeBand != tt.band {
				t.Errorf("band %s, want %s", s.SizeBand, tt.band)
			}
			checkNum(t, "bmet_per_ce", s.BMETPerCE, tt.bmetPerCE)
			checkNum(t, "fte_per_100_beds", s.FTEPer100Beds, tt.per100)
			checkNum(t, "devices_per_bmet", s.DevicesPerBMET, tt.dev)
			checkNum(t, "ce_share_of_staff", s.CEShareOfStaff, tt.ceSh)
			data, err := json.Marshal(s)
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(data), "Inf") || strings.Contains(string(data), "NaN") {
				t.Errorf("json %s", data)
			}
		})
	}
}

func TestBandFor(t *testing.T) {
	for _, tt := range []struct {
		beds int
		band SizeBand
	}{{1, CriticalAccess}, {25, CriticalAccess}, {26, Small}, {99, Small}, {100, Medium}, {299, Medium}, {300, Large}, {499, Large}, {500, VeryLarge}, {5000, VeryLarge}} {
		if got := BandFor(tt.beds); got != tt.band {
			t.Errorf("BandFor(%d) = %s, want %s", tt.beds, got, tt.band)
		}
	}
}

func TestScorecardJSON(t *testing.T) {
	bank := testBank(t)
	a := completed(answers("e1=ce", "e2=bmet", "e3=it", "o1=bmet", "o2=nobody"))
	a.Profile.CEFTE = 0
	r := NewReport(Organization{ID: "st-x", Name: "St X"}, Scored{bank, a}, nil, Peers(Medium, Group{}, time.Time{}, false))
	data, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"organization", "assessment", "answered", "total", "balance_index", "engineering_index",
		"operations_index", "absorbed", "verdict", "engineering", "operations", "domains", "gaps", "critical_gaps", "staffing", "peers"} {
		if _, ok := m[k]; !ok {
			t.Errorf("missing key %q in %s", k, data)
		}
	}
	shares := m["engineering"].(map[string]any)["shares"].(map[string]any)
	if len(shares) != questions.NumPerformers { // every performer but na
		t.Errorf("shares has %d performers: %v", len(shares), shares)
	}
	if !strings.Contains(string(data), `"shares":{"ce":0.5,"specialist":0,"bmet":`) {
		t.Errorf("shares not in performer order: %s", data)
	}
	st := m["staffing"].(map[string]any)
	if v, ok := st["bmet_per_ce"]; !ok || v != nil {
		t.Errorf("bmet_per_ce = %v, want null", v)
	}
	peers := m["peers"].(map[string]any)
	if len(peers) != 2 || peers["size_band"] != "medium" || peers["fewer_than"] != 5.0 {
		t.Errorf("peers = %v, want only size_band and fewer_than", peers)
	}
	as := m["assessment"].(map[string]any)
	if as["status"] != "completed" || as["bank"].(map[string]any)["id"] != "test" {
		t.Errorf("assessment = %v", as)
	}
	gap := m["gaps"].([]any)[0].(map[string]any)
	if gap["function"] != "o2" || gap["weight"] != 1.0 || gap["performer"] != "nobody" {
		t.Errorf("gap = %v", gap)
	}
	var back Shares
	if err := json.Unmarshal([]byte(`{"ce":0.25,"unsure":0.75}`), &back); err != nil || back.Of(CE) != 0.25 || back.Of(Unsure) != 0.75 {
		t.Errorf("Shares round trip: %v %v", back, err)
	}
}

func TestDefaultBankScores(t *testing.T) {
	bank := questions.Default()
	ans := map[string]Answer{}
	for _, f := range bank.Functions {
		p := BMET
		if f.Kind == questions.Engineering {
			p = CE
		}
		ans[f.ID] = Answer{Performer: p}
	}
	sc := Score(bank, completed(ans))
	checkNum(t, "balance", sc.BalanceIndex, 100)
	if sc.Answered != len(bank.Functions) || sc.Total != len(bank.Functions) || sc.Verdict != Balanced || len(sc.Domains) != 8 {
		t.Errorf("answered %d/%d verdict %s domains %d", sc.Answered, sc.Total, sc.Verdict, len(sc.Domains))
	}
	// IT on device patching fits 1.0 in the default bank (an override).
	ans["device_patching"] = Answer{Performer: IT}
	checkNum(t, "balance with IT patching", Score(bank, completed(ans)).BalanceIndex, 100)
	ans["cyber_risk_assessment"] = Answer{Performer: IT} // 0.75, weight 2
	total := 0
	for _, f := range bank.Functions {
		total += f.Weight
	}
	checkNum(t, "balance with IT cyber risk", Score(bank, completed(ans)).BalanceIndex, 100*(float64(total)-0.5)/float64(total))
}

func TestRecommendation(t *testing.T) {
	bank := testBank(t)
	e1, _ := bank.Function("e1")
	e2, _ := bank.Function("e2")
	o1, _ := bank.Function("o1")
	if got := Recommendation(e1, Nobody); got != "Do e1." {
		t.Errorf("own recommendation: %q", got)
	}
	if got := Recommendation(e1, Unsure); !strings.HasPrefix(got, "Find out who") || !strings.HasSuffix(got, "Do e1.") {
		t.Errorf("unsure: %q", got)
	}
	if got := Recommendation(e2, Nobody); !strings.Contains(got, "clinical engineer") {
		t.Errorf("engineering fallback: %q", got)
	}
	if got := Recommendation(o1, Nobody); !strings.Contains(got, "BMET") {
		t.Errorf("operations fallback: %q", got)
	}
	for _, f := range questions.Default().Functions {
		if Recommendation(&f, Nobody) != f.Recommendation {
			t.Errorf("%s: default bank function without its own recommendation", f.ID)
		}
	}
}
