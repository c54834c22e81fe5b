package tui

import (
	"bytes"
	"go/parser"
	"go/token"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
	"cebalance/report"
	"cebalance/store"
)

// consistencyReport is a scorecard with the cases where the TUI and the reports used
// to disagree: a CJK name, a 1 % share of nobody, a change of 70.04 → 70.16, a CE FTE
// going from 0 to 1 (a zero denominator then), a note on a gap and a completion time
// just after midnight UTC (another day in most zones).
func consistencyReport(t *testing.T) (*assessment.Report, *assessment.Assessment) {
	t.Helper()
	bank := questions.Default()
	done := time.Date(2025, 3, 1, 0, 30, 0, 0, time.UTC)
	before := time.Date(2024, 3, 1, 23, 30, 0, 0, time.UTC)
	mk := func(n int, at time.Time, ce float64) *assessment.Assessment {
		a := &assessment.Assessment{Number: n, Status: assessment.Completed, StartedAt: at, CompletedAt: &at,
			Bank:    questions.Ref{ID: bank.ID, Version: bank.Version, Hash: bank.Hash},
			Profile: assessment.Profile{Beds: 180, CEFTE: ce, BMETFTE: 8, ManagerFTE: 1, Devices: 7000},
			Answers: map[string]assessment.Answer{}}
		for i := range bank.Functions {
			f := &bank.Functions[i]
			a.Answers[f.ID] = assessment.Answer{Performer: performerFor(i, f), AnsweredAt: at}
		}
		return a
	}
	prev, cur := mk(1, before, 0), mk(2, done, 1)
	r := assessment.NewReport(assessment.Organization{ID: "x", Name: "北京协和医院临床工程部门设备管理与维护中心"},
		assessment.Scored{Bank: bank, Assessment: cur}, &assessment.Scored{Bank: bank, Assessment: prev}, assessment.PeerBenchmark{})
	if len(r.Gaps) == 0 {
		t.Fatal("the fixture needs a gap")
	}
	g := r.Gaps[0]
	ans := cur.Answers[g.Function]
	ans.Note = "contract with GE"
	cur.Answers[g.Function] = ans
	// A 1 % share of nobody, and an engineering index change that reads +0.2 as shown
	// (70.0 → 70.2) but is +0.12 exactly.
	r.Engineering.Shares = assessment.Shares{}
	r.Engineering.Shares[questions.CE.Index()] = 0.5
	r.Engineering.Shares[questions.BMET.Index()] = 0.49
	r.Engineering.Shares[questions.Nobody.Index()] = 0.01
	from, to := 70.04, 70.16
	r.Change.EngineeringIndex = assessment.Delta{From: &from, To: &to, Change: new(to - from)}
	return r, cur
}

// figure finds the first line that starts (after spaces and a group indent) with
// label and returns the cells after it, split at runs of two or more spaces (a
// Markdown row is split at its bars).
func figure(text, label string) []string {
	for _, l := range strings.Split(text, "\n") {
		l = strings.TrimSpace(l)
		if strings.HasPrefix(l, "| ") {
			cells := strings.Split(strings.Trim(l, "| "), " | ")
			if strings.TrimSpace(cells[0]) == label {
				return cells[1:]
			}
			continue
		}
		if rest, ok := strings.CutPrefix(l, label+"  "); ok {
			return regexp.MustCompile(`\s{2,}`).Split(strings.TrimSpace(rest), -1)
		}
	}
	return nil
}

func TestScreensAndReportsAgree(t *testing.T) {
	old := time.Local
	time.Local = time.FixedZone("UTC-10", -10*3600) // the day before, locally
	defer func() { time.Local = old }()

	r, a := consistencyReport(t)
	s := newStyles(asciiRenderer())
	card := newScorecard(s, packetOptions{})
	card.width, card.height = 120, 40
	card.page = newPage()
	card.set(store.Organization{ID: "x", Name: r.Organization.Name}, &scored{r, a})
	tuiCard := ansi.Strip(card.page.content)
	cmp := newCompare(s)
	cmp.width, cmp.height = 120, 40
	cmp.set(store.Organization{ID: "x", Name: r.Organization.Name}, *r.Change)
	tuiCmp := ansi.Strip(cmp.page.content)

	var text, md bytes.Buffer
	if err := report.Scorecard(&text, report.Text, r, nil, a); err != nil {
		t.Fatal(err)
	}
	if err := report.Scorecard(&md, report.Markdown, r, nil, a); err != nil {
		t.Fatal(err)
	}
	outputs := map[string]string{"tui scorecard": tuiCard, "text": text.String(), "markdown": md.String()}

	// Every figure of the change, with its label, then, now and change, agrees.
	for _, row := range present.Changes(r.Change) {
		if row.Group == present.GroupShare {
			continue // the reports leave out shares that read the same; checked below
		}
		want := []string{row.Then, row.Now}
		if row.Change != "" {
			want = append(want, row.Change)
		}
		for name, out := range map[string]string{"tui scorecard": tuiCard, "tui compare": tuiCmp, "text": text.String(), "markdown": md.String()} {
			// The change section is the last one; the staffing section has the same
			// labels.
			if i := strings.LastIndex(strings.ToLower(out), "since"); i >= 0 {
				out = out[i:]
			}
			got := figure(out, row.Label)
			if name == "markdown" && len(got) == 3 && got[2] == "" {
				got = got[:2]
			}
			if strings.Join(got, "|") != strings.Join(want, "|") {
				t.Errorf("%s: %s = %q, want %q", name, row.Label, got, want)
			}
		}
	}
	if got := figure(tuiCmp, "Engineering index"); len(got) < 3 || got[2] != "+0.2" {
		t.Errorf("engineering index change on the compare screen = %q, want +0.2 (70.0 → 70.2 as shown)", got)
	}
	if got := figure(tuiCmp, "CE FTE"); strings.Join(got, "|") != "0|1|+1" {
		t.Errorf("CE FTE then and now on the compare screen = %q, want 0, 1, +1", got)
	}
	for name, out := range outputs {
		for _, want := range []string{
			"2025-03-01",                  // dates in UTC, not the local day before
			"Your note: contract with GE", // the note on a gap
			"BMETs per CE",                // one label per ratio
			"Operations index",
		} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q", name, want)
			}
		}
		if strings.Contains(out, "2025-02-28") || strings.Contains(out, "Technicians per engineer") {
			t.Errorf("%s shows a local date or another label for BMETs per CE", name)
		}
		// Each staffing ratio reads the same.
		for _, row := range present.StaffingRows(r.Staffing) {
			got := figure(out, row.Label)
			if len(got) == 0 || !strings.HasPrefix(got[0], row.Value) {
				t.Errorf("%s: %s = %q, want %s", name, row.Label, got, row.Value)
			}
		}
	}
	// The 1 % share of nobody keeps its cell in both bars.
	for name, out := range map[string]string{"tui": tuiCard, "text": text.String()} {
		if !regexp.MustCompile(`[CB]+N[?]*[\]\s]`).MatchString(out) {
			t.Errorf("%s: the 1 %% share of nobody has no cell in the bar", name)
		}
	}
	// No report line is wider than 80 cells, however wide the name's characters.
	for i, l := range strings.Split(text.String(), "\n") {
		if n := ansi.StringWidth(l); n > 80 {
			t.Errorf("text line %d is %d cells: %q", i+1, n, l)
		}
	}
}

// TestChartsAgree: a balance index of 85.1 is plotted on the 80 row (it has not
// reached 90) by both the history screen and the text history.
func TestChartsAgree(t *testing.T) {
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	v := 85.1
	tr := assessment.Trend{Points: []assessment.Point{{Ref: assessment.Ref{Number: 1, Status: assessment.Completed, CompletedAt: &at}, BalanceIndex: &v}}}
	lines := chartLines(newStyles(asciiRenderer()), tr.Points, 80, 11)
	row := -1
	for i, l := range lines[:11] {
		if strings.Contains(ansi.Strip(l), "●") {
			row = i
		}
	}
	if row != 2 { // rows from the top: 100, 90, 80, …
		t.Errorf("history screen plots 85.1 on row %d from the top, want 2 (the 80 row)", row)
	}
	var buf bytes.Buffer
	if err := report.History(&buf, report.Text, assessment.Organization{ID: "x", Name: "x"}, tr); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, l := range strings.Split(buf.String(), "\n") {
		if strings.HasPrefix(l, " 80 |") && strings.Contains(l, "●") {
			found = true
		}
	}
	if !found {
		t.Errorf("text history does not plot 85.1 on the 80 row:\n%s", buf.String())
	}
}

// TestLayersOnly: the screens lay out the present package's rows; they do not import
// the report renderers (tests may, to compare).
func TestLayersOnly(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"cebalance/report"` {
				t.Errorf("%s imports cebalance/report", name)
			}
		}
	}
}
