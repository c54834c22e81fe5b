package cli

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// addReal adds a real 180-bed organization with one completed assessment to db.
func addReal(t *testing.T, db string) {
	t.Helper()
	st, err := store.Open(db, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	o, err := st.CreateOrganization("Real Hospital")
	if err != nil {
		t.Fatal(err)
	}
	a, err := st.StartAssessment(o.ID, questions.Default())
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range questions.Default().Functions {
		if err := st.SaveAnswer(o.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.BMET}); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SaveProfile(o.ID, a.Number, assessment.Profile{Beds: 180, BMETFTE: 5, ManagerFTE: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Complete(o.ID, a.Number); err != nil {
		t.Fatal(err)
	}
}

// TestDemoTourThenRealOrganization: after the README's tour (`demo`), a real 180-bed
// organization's report shows no demo peers (it used to show "7 peers in the medium
// band"), the demo report says "demo data", and `demo --remove` removes exactly the demo
// data: the real organization's export is byte-identical before and after.
func TestDemoTourThenRealOrganization(t *testing.T) {
	db := demoDB(t)
	addReal(t, db)
	out, e, code := run(t, db, "report", "--org", "real-hospital", "--format", "markdown")
	if code != 0 {
		t.Fatalf("report: %d %s", code, e)
	}
	if !strings.Contains(out, "Fewer than 5 peers in this band") || strings.Contains(out, "peers in the medium") || strings.Contains(out, "demo data") {
		t.Errorf("real organization's report mixes in demo data:\n%s", out)
	}
	out, _, _ = run(t, db, "report", "--org", "demo-general-hospital", "--format", "markdown")
	if !strings.Contains(out, "(demo data)") || !strings.Contains(out, "6 peers in the medium") {
		t.Errorf("demo report lacks its demo mark or its demo peers:\n%s", out)
	}
	before, _, _ := run(t, db, "export", "--org", "real-hospital")
	out, e, code = run(t, db, "demo", "--remove")
	if code != 0 || !strings.Contains(out, "7 organizations, 9 assessments") {
		t.Fatalf("demo --remove: %d %q %s", code, out, e)
	}
	after, _, _ := run(t, db, "export")
	if before != after {
		t.Errorf("export of the real data changed with demo --remove:\n%s\nvs\n%s", before, after)
	}
	if out, _, _ := run(t, db, "demo", "--remove"); !strings.Contains(out, "No demo data") {
		t.Errorf("second demo --remove: %q", out)
	}
}

// TestBenchmarkJSONShape: every band is listed; below 5 only the band and fewer_than.
func TestBenchmarkJSONShape(t *testing.T) {
	db := demoDB(t)
	addReal(t, db)
	out, e, code := run(t, db, "benchmark", "--format", "json")
	if code != 0 {
		t.Fatalf("benchmark: %d %s", code, e)
	}
	var doc struct {
		N     int              `json:"n"`
		Label string           `json:"label"`
		Bands []map[string]any `json:"bands"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Bands) != len(assessment.Bands) || doc.N != 0 || !strings.Contains(doc.Label, "not a standard") {
		t.Fatalf("benchmark = %s", out)
	}
	for _, b := range doc.Bands {
		if len(b) != 2 || b["fewer_than"] != 5.0 {
			t.Errorf("band %v: want only size_band and fewer_than (demo data never counts)", b)
		}
	}
}
