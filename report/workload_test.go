package report

import (
	"encoding/json"
	"html"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/present"
)

func setHours(a *assessment.Assessment, id string, h float64) {
	ans := a.Answers[id]
	ans.Hours = &h
	a.Answers[id] = ans
}

// workloadFixture is the golden fixture with estimates: capital planning 85 h by
// BMETs, the maintenance program 17 h by nobody, scheduled maintenance 170 h by BMETs
// (before: 100 h by a vendor); service contracts has none (partial).
func workloadFixture(t *testing.T) (*assessment.Report, string) {
	r, b, cur := fixture(t)
	setHours(cur, "capital_planning", 85)
	setHours(cur, "maintenance_program", 17)
	setHours(cur, "scheduled_maintenance", 170)
	// Rebuild the report from the assessments with estimates.
	old := completed(1, day(2023, 3, 14), assessment.Profile{Beds: 180, BMETFTE: 3, ManagerFTE: 1}, map[string]assessment.Performer{
		"capital_planning": assessment.Nobody, "service_contracts": assessment.Manager,
		"maintenance_program": assessment.Nobody, "scheduled_maintenance": assessment.Vendor,
	})
	old = withBank(old, b)
	setHours(old, "scheduled_maintenance", 100)
	r = assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: cur}, &assessment.Scored{Bank: b, Assessment: old}, peerBench(b, 6))
	return r, render(t, Text, r, b, cur) + "\x00" + render(t, Markdown, r, b, cur) + "\x00" + render(t, HTML, r, b, cur) + "\x00" + render(t, JSON, r, b, cur)
}

// squash collapses runs of white space, so wrapped text compares with the row text.
func squash(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestWorkloadEveryFormat: the workload section (sentences, table rows, the partial note,
// the assumption), the estimate changes and the workload findings read the same in
// text, Markdown and HTML, all from the present rows; JSON carries the figures.
func TestWorkloadEveryFormat(t *testing.T) {
	r, all := workloadFixture(t)
	outs := strings.Split(all, "\x00")
	txt, md, htm, js := outs[0], outs[1], html.UnescapeString(outs[2]), outs[3]
	checkWidth(t, txt)
	checkMarkdownTables(t, md)
	w := present.Workload(r)
	if w == nil {
		t.Fatal("no workload section")
	}
	// Default 1700 h: engineering 85 + 17 = 102 h → 0.72 FTE, in house (BMETs 0.6,
	// nobody 0.12); operations 170 h → 1.2 FTE; BMET load 1.2 + 0.6 = 1.8 > 4? no.
	want := []string{
		"Engineering work ≈ 0.7 FTE; vendors 0.0; in house 0.7 — carried today by BMETs 0.6, nobody (not done today) 0.1; CE FTE on staff: 0.",
		"Partial: 2 of 3 engineering functions estimated.",
		"Assumes 1,700 productive hours per FTE a year (the default",
	}
	for name, out := range map[string]string{"text": txt, "markdown": md, "html": htm} {
		flat := squash(strings.ReplaceAll(out, `\`, ""))
		for _, s := range append(want, w.Lines...) {
			if !strings.Contains(flat, squash(s)) {
				t.Errorf("%s lacks %q", name, s)
			}
		}
		for _, row := range w.Rows {
			if !strings.Contains(flat, row.Label) {
				t.Errorf("%s lacks the row %q", name, row.Label)
			}
		}
		for _, s := range []string{"3 estimates of hours a month changed:", "Scheduled maintenance", "100 h", "170 h", present.GroupWorkload,
			"engineering-workload-exceeds-staff", "estimated at 0.7 FTE"} {
			if s == "engineering-workload-exceeds-staff" {
				continue // the id is JSON's; the text is every format's
			}
			if !strings.Contains(flat, s) {
				t.Errorf("%s lacks %q", name, s)
			}
		}
	}
	var got struct {
		Workload *assessment.Workload `json:"workload"`
		Findings []assessment.Finding `json:"findings"`
		Change   struct {
			Workload *assessment.WorkloadChange `json:"workload"`
		} `json:"change"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil {
		t.Fatal(err)
	}
	if got.Workload == nil || got.Workload.Engineering.Estimated != 2 || got.Workload.Operations.InHouse != 170.0*12/1700 {
		t.Errorf("JSON workload %+v", got.Workload)
	}
	if got.Change.Workload == nil || len(got.Change.Workload.Estimates) != 3 {
		t.Errorf("JSON change workload %+v", got.Change.Workload)
	}
	found := false
	for _, f := range got.Findings {
		found = found || f.ID == assessment.FindingEngineeringWorkload
	}
	if !found {
		t.Errorf("JSON findings %+v lack %s", got.Findings, assessment.FindingEngineeringWorkload)
	}
	// Without estimates no format mentions a workload.
	r0, b0, a0 := fixture(t)
	for _, f := range []Format{Text, Markdown, HTML, JSON} {
		if out := render(t, f, r0, b0, a0); strings.Contains(out, "orkload") {
			t.Errorf("%s mentions a workload without estimates", f)
		}
	}
}
