package assessment

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"cebalance/questions"
)

// v2Bank is testBank with the version 2 fit table and overrides:
//
//	e1 d1 engineering w3
//	e2 d1 engineering w2  na allowed
//	e3 d2 engineering w1  fit other_dept=1.0, manager=1.0
//	o1 d2 operations  w2
//	o2 d2 operations  w1
func v2Bank(t testing.TB, withDefaults bool) *questions.Bank {
	t.Helper()
	b := &questions.Bank{
		ID: "test", Version: 2,
		Domains: []questions.Domain{{ID: "d1", Name: "Domain one"}, {ID: "d2", Name: "Domain two"}},
		Functions: []questions.Function{
			{ID: "e1", Domain: "d1", Kind: questions.Engineering, Weight: 3, Question: "Who e1?"},
			{ID: "e2", Domain: "d1", Kind: questions.Engineering, Weight: 2, Question: "Who e2?", Help: "N/A when there is no e2.", NAAllowed: true},
			{ID: "e3", Domain: "d2", Kind: questions.Engineering, Weight: 1, Question: "Who e3?",
				Fit:    map[questions.Performer]float64{questions.OtherDept: 1, Manager: 1},
				FitWhy: map[questions.Performer]string{questions.OtherDept: "owned elsewhere", Manager: "management work"}},
			{ID: "o1", Domain: "d2", Kind: questions.Operations, Weight: 2, Question: "Who o1?"},
			{ID: "o2", Domain: "d2", Kind: questions.Operations, Weight: 1, Question: "Who o2?"},
		},
	}
	if withDefaults {
		b.FitDefaults = map[questions.Kind]map[questions.Performer]float64{}
		for _, k := range questions.Kinds {
			b.FitDefaults[k] = map[questions.Performer]float64{}
			for i, p := range questions.Performers {
				b.FitDefaults[k][p] = questions.V1Fit[k][i]
			}
		}
	}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	return b
}

// TestScoreNotApplicable: "na" counts as answered but is left out of every weight sum,
// share, index and gap.
func TestScoreNotApplicable(t *testing.T) {
	for _, defaults := range []bool{true, false} {
		t.Run(fmt.Sprintf("fit_defaults=%v", defaults), func(t *testing.T) {
			bank := v2Bank(t, defaults)
			sc := Score(bank, completed(answers("e1=ce", "e2=na", "e3=other_dept", "o1=specialist", "o2=bmet")))
			// Engineering: e1 w3·1.0 + e3 w1·1.0 (override) over weight 4 = 100; e2 is left out.
			checkNum(t, "engineering", sc.EngineeringIndex, 100)
			checkNum(t, "operations", sc.OperationsIndex, 100) // specialist 1.0, bmet 1.0
			checkNum(t, "balance", sc.BalanceIndex, 100)
			if sc.Answered != 5 || sc.Engineering.Answered != 3 || sc.Engineering.NotApplicable != 1 || sc.Operations.NotApplicable != 0 {
				t.Errorf("answered %d, engineering %d (na %d), operations na %d", sc.Answered, sc.Engineering.Answered, sc.Engineering.NotApplicable, sc.Operations.NotApplicable)
			}
			d1 := sc.Domains[0]
			if d1.Answered != 2 || d1.NotApplicable != 1 || d1.Total != 2 {
				t.Errorf("d1: answered %d na %d total %d", d1.Answered, d1.NotApplicable, d1.Total)
			}
			checkNum(t, "d1 index", d1.Index, 100)
			checkNum(t, "d1 coverage", d1.Coverage, 1)
			if d1.Shares.Of(CE) != 1 || d1.Shares.Of(questions.NA) != 0 {
				t.Errorf("d1 shares %v", d1.Shares)
			}
			if !near(sc.Engineering.Shares.Of(CE), 0.75) || !near(sc.Engineering.Shares.Of(questions.OtherDept), 0.25) {
				t.Errorf("engineering shares %v, want ce 0.75, other_dept 0.25", sc.Engineering.Shares)
			}
			if sc.Absorbed != 0 || sc.Verdict != Balanced || len(sc.Gaps) != 0 {
				t.Errorf("absorbed %v verdict %s gaps %v", sc.Absorbed, sc.Verdict, sc.Gaps)
			}
			// A domain answered only "na" has no index, as if unanswered.
			only := Score(bank, &Assessment{Status: Draft, Answers: answers("e2=na")})
			if only.Domains[0].Index != nil || only.Domains[0].Coverage != nil || only.Answered != 1 || only.BalanceIndex != nil {
				t.Errorf("only na: %+v", only.Domains[0])
			}
			// "na" on a function that does not allow it is not an answer.
			if sc := Score(bank, completed(answers("e1=na"))); sc.Answered != 0 {
				t.Errorf("na on e1 counted: answered %d", sc.Answered)
			}
		})
	}
}

// TestScoreSpecialistOtherDept: the new performers with the default table and overrides.
func TestScoreSpecialistOtherDept(t *testing.T) {
	bank := v2Bank(t, true)
	for _, tc := range []struct {
		name                    string
		ans                     map[string]Answer
		eng, ops, all, absorbed float64
		verdict                 Verdict
	}{
		// e1 3·0.75 + e2 2·0.5 + e3 1·0.5 = 3.75 / 6; o1 2·0.5 + o2 1·1.0 = 2 / 3.
		{"defaults", answers("e1=specialist", "e2=other_dept", "e3=bmet", "o1=other_dept", "o2=specialist"),
			62.5, 200.0 / 3, 100 * 5.75 / 9, 1.0 / 6, MostlyBalanced},
		// e3 other_dept and manager use the overrides (1.0): 3·0.75 + 2·0.75 + 1·1.0 = 4.75 / 6.
		{"overrides", answers("e1=specialist", "e2=manager", "e3=other_dept", "o1=specialist", "o2=bmet"),
			100 * 4.75 / 6, 100, 100 * 7.75 / 9, 0, Balanced},
		// Specialists and other departments are not "absorbed"; BMETs and IT are.
		{"absorbed", answers("e1=bmet", "e2=it", "e3=specialist", "o1=bmet", "o2=bmet"),
			100 * (1.5 + 1 + 0.75) / 6, 100, 100 * 6.25 / 9, 5.0 / 6, EngineeringAbsorbed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sc := Score(bank, completed(tc.ans))
			checkNum(t, "engineering", sc.EngineeringIndex, tc.eng)
			checkNum(t, "operations", sc.OperationsIndex, tc.ops)
			checkNum(t, "balance", sc.BalanceIndex, tc.all)
			if !near(sc.Absorbed, tc.absorbed) || sc.Verdict != tc.verdict {
				t.Errorf("absorbed %v verdict %s, want %v %s", sc.Absorbed, sc.Verdict, tc.absorbed, tc.verdict)
			}
		})
	}
}

// TestFindings checks every finding at and around its threshold.
func TestFindings(t *testing.T) {
	bank := v2Bank(t, true)
	prof := func(ce, bmet, mgr float64) Profile {
		return Profile{Beds: 100, CEFTE: ce, BMETFTE: bmet, ManagerFTE: mgr, Devices: 1000}
	}
	fitting := []string{"e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"}
	for _, tc := range []struct {
		name string
		p    Profile
		ans  []string
		want string // finding ids, comma-separated
	}{
		{"consistent", prof(1, 2, 1), fitting, ""},
		{"ce answers, 0 CE FTE", prof(0, 2, 1), fitting, FindingCEWithoutStaff},
		{"ce answers, 0.5 CE FTE", prof(0.5, 2, 1), fitting, ""},
		{"no ce answers, 0 CE FTE", prof(0, 2, 1), []string{"e1=vendor", "e2=na", "e3=vendor", "o1=bmet", "o2=bmet"}, ""},
		{"bmet answers, 0 BMET FTE", prof(1, 0, 1), fitting, FindingBMETWithoutStaff},
		{"specialist answer, 0 BMET FTE", prof(1, 0, 1), []string{"e1=ce", "e2=specialist", "e3=ce", "o1=vendor", "o2=vendor"}, FindingBMETWithoutStaff},
		{"no bmet answers, 0 BMET FTE", prof(1, 0, 1), []string{"e1=ce", "e2=ce", "e3=ce", "o1=vendor", "o2=other_dept"}, ""},
		// Manager share of engineering weight: e1 is 3 of 6 = 50 %.
		{"manager 50 %, 1 FTE", prof(1, 2, 1), []string{"e1=manager", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"}, FindingManagerConcentration},
		{"manager 50 %, 0 FTE", prof(1, 2, 0), []string{"e1=manager", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"}, FindingManagerConcentration},
		{"manager 50 %, 1.5 FTE", prof(1, 2, 1.5), []string{"e1=manager", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"}, ""},
		{"manager 33 %, 1 FTE", prof(1, 2, 1), []string{"e1=ce", "e2=manager", "e3=ce", "o1=bmet", "o2=bmet"}, ""},
		{"manager 40 % of 5 (e2 na)", prof(1, 2, 1), []string{"e1=ce", "e2=na", "e3=manager", "o1=bmet", "o2=bmet"}, ""},
		{"manager 75 % with e2 na", prof(1, 2, 1), []string{"e1=manager", "e2=na", "e3=ce", "o1=bmet", "o2=bmet"}, FindingManagerConcentration},
		{"two don't know", prof(1, 2, 1), []string{"e1=unsure", "e2=unsure", "e3=ce", "o1=bmet", "o2=bmet"}, ""},
		{"three don't know", prof(1, 2, 1), []string{"e1=unsure", "e2=unsure", "e3=unsure", "o1=bmet", "o2=bmet"}, FindingUnknownOwnership},
		{"all four", prof(0, 0, 1), []string{"e1=manager", "e2=unsure", "e3=unsure", "o1=unsure", "o2=ce"},
			strings.Join([]string{FindingCEWithoutStaff, FindingManagerConcentration, FindingUnknownOwnership}, ",")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := completed(answers(tc.ans...))
			a.Profile = tc.p
			sc := Score(bank, a)
			var ids []string
			for _, f := range sc.Findings {
				ids = append(ids, f.ID)
				if f.Text == "" || (f.Severity != Warning && f.Severity != Notice) {
					t.Errorf("finding %+v", f)
				}
			}
			if got := strings.Join(ids, ","); got != tc.want {
				t.Errorf("findings = %q, want %q", got, tc.want)
			}
		})
	}
	// The manager finding is a capacity question that names small hospitals.
	a := completed(answers("e1=manager", "e2=manager", "e3=ce", "o1=bmet", "o2=bmet"))
	a.Profile = prof(1, 2, 1)
	f := Score(bank, a).Findings[0]
	if f.Severity != Notice || !strings.Contains(f.Text, "83 %") || !strings.Contains(f.Text, "small hospitals") || !strings.Contains(f.Text, "capacity") {
		t.Errorf("manager finding: %+v", f)
	}
	// Findings are always a list in JSON, never null.
	data, _ := json.Marshal(Score(bank, completed(answers(fitting...))))
	if !strings.Contains(string(data), `"findings":[]`) {
		t.Errorf("findings not an empty list: %s", data)
	}
}

// TestV1ScoresUnchanged scores 40 seeded v1 assessments with the embedded version 1
// bank and compares every figure with the golden file written by the code before bank
// version 2 (commit 25dd7a6).
func TestV1ScoresUnchanged(t *testing.T) {
	v1 := questions.Builtin()[0]
	if v1.Version != 1 || v1.Hash != "sha256:77feb04e0235596a8bec073597fdc72334da1de29e6e89d48a6684ce8453c2a0" {
		t.Fatalf("embedded v1 bank is %s %s", v1.Ref(), v1.Hash)
	}
	var all []map[string]any
	for _, a := range v1Assessments(v1) {
		all = append(all, v1Figures(Score(v1, a)))
	}
	got, _ := json.MarshalIndent(all, "", " ")
	want, err := os.ReadFile(filepath.Join("testdata", "v1-scores.golden.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("v1 scores changed:\n%s", firstDiff(string(got), string(want)))
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d: got %s, want %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}

// TestCompareV1ToV2 re-assesses a v1 assessment with the v2 default bank.
func TestCompareV1ToV2(t *testing.T) {
	v1, v2 := questions.Builtin()[0], questions.Default()
	fitting := func(b *questions.Bank) map[string]Answer {
		m := map[string]Answer{}
		for _, f := range b.Functions {
			p := BMET
			if f.Kind == questions.Engineering {
				p = CE
			}
			m[f.ID] = Answer{Performer: p, Note: "note on " + f.ID, AnsweredAt: t0}
		}
		return m
	}
	old := completed(fitting(v1))
	ans, carried := Prefill(v2, v1, old)
	if len(ans) != len(v1.Functions) {
		t.Fatalf("prefilled %d answers, want the %d common functions", len(ans), len(v1.Functions))
	}
	var added []string
	for _, f := range v2.Functions {
		if carried[f.ID].New {
			added = append(added, f.ID)
			if _, ok := ans[f.ID]; ok {
				t.Errorf("new function %s prefilled", f.ID)
			}
		}
	}
	wantAdded := "equipment_disposal,nonowned_equipment,cmms_administration,equipment_contingency,contract_oversight"
	if strings.Join(added, ",") != wantAdded || NewIn(v2) != "new in v2" {
		t.Errorf("new functions %v (%s)", added, NewIn(v2))
	}
	// The director answers the new functions and changes the AEM answer to "na".
	for id, p := range map[string]Performer{"equipment_contingency": Nobody, "equipment_disposal": BMET,
		"nonowned_equipment": BMET, "cmms_administration": BMET, "contract_oversight": CE} {
		ans[id] = Answer{Performer: p, AnsweredAt: t0}
	}
	last := carried["aem_program"].Last
	ans["aem_program"] = Answer{Performer: questions.NA, Note: NoteFor(last, questions.NA, "", false), AnsweredAt: t0}
	if ans["aem_program"].Note != "" || LastNote(last, questions.NA) != "note on aem_program" {
		t.Errorf("changed answer kept its note %q", ans["aem_program"].Note)
	}
	if NoteFor(last, CE, "", false) != "note on aem_program" || NoteFor(last, questions.NA, "", true) != "note on aem_program" ||
		NoteFor(last, questions.NA, "new", false) != "new" || LastNote(last, CE) != "" {
		t.Error("NoteFor / LastNote rules")
	}
	now := completed(ans)
	now.Number = 2
	c := Compare(Scored{v1, old}, Scored{v2, now})
	// v1: every answer fits: 100. v2: weights 87, minus aem (na, 3) = 84; contingency
	// (nobody, 3) fits 0: 81 / 84.
	checkNum(t, "from", c.BalanceIndex.From, 100)
	checkNum(t, "to", c.BalanceIndex.To, 100*81.0/84)
	checkNum(t, "change", c.BalanceIndex.Change, 100*81.0/84-100)
	var got []string
	for _, ch := range c.Changed {
		got = append(got, fmt.Sprintf("%s:%s>%s", ch.Function, ch.From, ch.To))
	}
	if strings.Join(got, ",") != "aem_program:ce>na" {
		t.Errorf("changed = %v, want only aem_program over the common ids", got)
	}
	var addedIDs []string
	for _, f := range c.Added {
		addedIDs = append(addedIDs, f.Function)
	}
	if !c.BankChanged || strings.Join(addedIDs, ",") != wantAdded || len(c.Removed) != 0 ||
		c.FromBank.Version != 1 || c.ToBank.Version != 2 {
		t.Errorf("bank change %v added %v removed %v", c.BankChanged, addedIDs, c.Removed)
	}
	tr := History([]Scored{{v1, old}, {v2, now}})
	if tr.Points[0].BankChanged || !tr.Points[1].BankChanged || tr.Points[1].Bank.Version != 2 {
		t.Errorf("trend points bank marks: %+v %+v", tr.Points[0].Bank, tr.Points[1].Bank)
	}
	// The old assessment still scores with its own bank, exactly as before.
	checkNum(t, "v1 rescored", Score(v1, old).BalanceIndex, 100)
}
