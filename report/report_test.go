package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
)

var update = flag.Bool("update", false, "update golden files")

// golden compares got with testdata/<TestName>.golden, or rewrites it with -update.
func golden(t *testing.T, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", filepath.FromSlash(t.Name())+".golden")
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./report -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		g, w := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := 0; i < max(len(g), len(w)); i++ {
			var gl, wl string
			if i < len(g) {
				gl = g[i]
			}
			if i < len(w) {
				wl = w[i]
			}
			if gl != wl {
				t.Fatalf("%s differs at line %d:\n got: %q\nwant: %q\n(run with -update if the change is intended)", path, i+1, gl, wl)
			}
		}
	}
}

func render(t *testing.T, f Format, r *assessment.Report, b *questions.Bank, a *assessment.Assessment) string {
	t.Helper()
	var buf bytes.Buffer
	if err := Scorecard(&buf, f, r, b, a); err != nil {
		t.Fatalf("Scorecard(%s): %v", f, err)
	}
	return buf.String()
}

func renderHistory(t *testing.T, f Format, org assessment.Organization, tr assessment.Trend) string {
	t.Helper()
	var buf bytes.Buffer
	if err := History(&buf, f, org, tr); err != nil {
		t.Fatalf("History(%s): %v", f, err)
	}
	return buf.String()
}

// checkWidth fails for every line of text wider than 80 display cells (a CJK
// character takes two), or with a control character in it.
func checkWidth(t *testing.T, text string) {
	t.Helper()
	for i, l := range strings.Split(text, "\n") {
		if n := ansi.StringWidth(l); n > 80 {
			t.Errorf("line %d is %d cells wide (max 80): %q", i+1, n, l)
		}
		if strings.ContainsAny(l, "\x1b\r\t") {
			t.Errorf("line %d has a control character: %q", i+1, l)
		}
		if strings.TrimRight(l, " ") != l {
			t.Errorf("line %d has trailing spaces: %q", i+1, l)
		}
	}
}

// unescapedPipes counts the '|' of a Markdown line that are not escaped by an odd
// number of backslashes.
func unescapedPipes(line string) int {
	n, bs := 0, 0
	for _, r := range line {
		switch {
		case r == '\\':
			bs++
			continue
		case r == '|' && bs%2 == 0:
			n++
		}
		bs = 0
	}
	return n
}

// checkMarkdownTables fails for a table whose rows do not all have the same number of
// cells, or whose second line is not a delimiter row.
func checkMarkdownTables(t *testing.T, md string) (tables int) {
	t.Helper()
	lines := strings.Split(md, "\n")
	for i := 0; i < len(lines); i++ {
		if !strings.HasPrefix(lines[i], "|") {
			continue
		}
		tables++
		start, want := i, unescapedPipes(lines[i])
		if i+1 >= len(lines) || !strings.HasPrefix(lines[i+1], "|---") {
			t.Errorf("table at line %d has no delimiter row", i+1)
		}
		for ; i < len(lines) && strings.HasPrefix(lines[i], "|"); i++ {
			if got := unescapedPipes(lines[i]); got != want {
				t.Errorf("table at line %d: line %d has %d pipes, the header %d: %q", start+1, i+1, got, want, lines[i])
			}
			if !strings.HasSuffix(lines[i], "|") {
				t.Errorf("line %d does not end the row with '|': %q", i+1, lines[i])
			}
		}
		if i < len(lines) && lines[i] != "" {
			t.Errorf("table at line %d is not followed by a blank line", start+1)
		}
	}
	return tables
}

func TestParseFormat(t *testing.T) {
	tests := []struct {
		in      string
		allowed []Format
		want    Format
		err     string
	}{
		{in: "text", want: Text},
		{in: "markdown", want: Markdown},
		{in: " JSON ", want: JSON},
		{in: "csv", want: CSV},
		{in: "md", want: Markdown},
		{in: "x", err: `unknown format "x": use text, markdown, json, csv or html`},
		{in: "", err: `unknown format "": use text, markdown, json, csv or html`},
		{in: "markdown", allowed: HistoryFormats, err: `unknown format "markdown": use text, json, csv or html`},
		{in: "csv", allowed: HistoryFormats, want: CSV},
		{in: "yaml", allowed: []Format{Text}, err: `unknown format "yaml": use text`},
	}
	for _, tt := range tests {
		got, err := ParseFormat(tt.in, tt.allowed...)
		if tt.err != "" {
			if err == nil || err.Error() != tt.err || !errors.Is(err, ErrUnknownFormat) {
				t.Errorf("ParseFormat(%q, %v) error = %v, want %q wrapping ErrUnknownFormat", tt.in, tt.allowed, err, tt.err)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseFormat(%q, %v) = %q, %v; want %q", tt.in, tt.allowed, got, err, tt.want)
		}
	}
}

func TestUnknownFormat(t *testing.T) {
	r, b, a := fixture(t)
	var buf bytes.Buffer
	if err := Scorecard(&buf, "yaml", r, b, a); !errors.Is(err, ErrUnknownFormat) {
		t.Errorf("Scorecard(yaml) = %v, want ErrUnknownFormat", err)
	}
	if err := History(&buf, Markdown, testOrg, assessment.Trend{}); !errors.Is(err, ErrUnknownFormat) ||
		err.Error() != `unknown format "markdown": use text, json, csv or html` {
		t.Errorf("History(markdown) = %v, want ErrUnknownFormat naming text, json, csv or html", err)
	}
	if err := Scorecard(&buf, CSV, r, nil, a); !errors.Is(err, ErrMissing) {
		t.Errorf("Scorecard(csv) without a bank = %v, want ErrMissing", err)
	}
	if err := Scorecard(&buf, Text, nil, b, a); !errors.Is(err, ErrMissing) {
		t.Errorf("Scorecard without a report = %v, want ErrMissing", err)
	}
	if buf.Len() != 0 {
		t.Errorf("a failed render wrote %q", buf.String())
	}
}

// specKeys are the top-level keys of `report --format json` (its documented contract).
var specKeys = []string{
	"organization", "assessment", "answered", "total", "balance_index", "engineering_index",
	"operations_index", "absorbed", "verdict", "engineering", "operations", "domains", "gaps",
	"critical_gaps", "staffing", "peers",
}

func TestScorecardJSON(t *testing.T) {
	r, b, a := fixture(t)
	out := render(t, JSON, r, b, a)

	want, _ := json.MarshalIndent(r, "", "  ")
	if out != string(want)+"\n" {
		t.Errorf("JSON is not MarshalIndent(r) and a newline")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal([]byte(out), &top); err != nil {
		t.Fatalf("output is not JSON: %v", err)
	}
	for _, k := range specKeys {
		if _, ok := top[k]; !ok {
			t.Errorf("missing top-level key %q", k)
		}
	}

	// Round trip: decoding and encoding again gives the same document. The change is
	// left out: assessment.ShareDeltas has no UnmarshalJSON, so it encodes but does
	// not decode.
	first := *r
	first.Change = nil
	out1 := render(t, JSON, &first, b, a)
	var back assessment.Report
	if err := json.Unmarshal([]byte(out1), &back); err != nil {
		t.Fatalf("decode report: %v", err)
	}
	again, _ := json.MarshalIndent(&back, "", "  ")
	if string(again)+"\n" != out1 {
		t.Errorf("JSON does not round-trip:\n%s\nvs\n%s", again, out1)
	}

	var doc struct {
		Staffing map[string]any `json:"staffing"`
		Peers    map[string]any `json:"peers"`
		Verdict  string         `json:"verdict"`
		Shares   struct {
			Shares map[string]float64 `json:"shares"`
		} `json:"engineering"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	if v, ok := doc.Staffing["bmet_per_ce"]; !ok || v != nil {
		t.Errorf("bmet_per_ce with no CEs = %v (present %v), want null", v, ok)
	}
	if doc.Staffing["ce_fte"] != 0.0 {
		t.Errorf("ce_fte = %v, want 0", doc.Staffing["ce_fte"])
	}
	if doc.Verdict != string(assessment.CriticalGaps) {
		t.Errorf("verdict = %q", doc.Verdict)
	}
	if len(doc.Shares.Shares) != questions.NumPerformers {
		t.Errorf("engineering shares list %d performers, want all %d", len(doc.Shares.Shares), questions.NumPerformers)
	}
	for _, k := range []string{"n", "as_of", "balance_index", "engineering_index", "ce_engineering_share", "bmet_per_ce", "no_ce_share"} {
		if _, ok := doc.Peers[k]; !ok {
			t.Errorf("peers with n = 6 lacks %q", k)
		}
	}
	// With 5 to 9 peers only the median is published: no quartile sits on one peer.
	if bi, _ := doc.Peers["balance_index"].(map[string]any); len(bi) != 1 || bi["median"] == nil {
		t.Errorf("balance_index with n = 6 = %v, want the median only", bi)
	}
	for _, k := range []string{"no_ce", "fewer_than"} {
		if _, ok := doc.Peers[k]; ok {
			t.Errorf("peers with n = 6 has %q", k)
		}
	}
}

func TestScorecardJSONFewPeers(t *testing.T) {
	b := smallBank(t)
	_, _, cur := fixture(t)
	r := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: cur}, nil, peerBench(b, 2))
	out := render(t, JSON, r, b, cur)
	var doc struct {
		Peers  map[string]json.RawMessage `json:"peers"`
		Change json.RawMessage            `json:"change"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatal(err)
	}
	var keys []string
	for k := range doc.Peers {
		keys = append(keys, k)
	}
	if len(keys) != 2 || string(doc.Peers["fewer_than"]) != "5" || string(doc.Peers["size_band"]) != `"medium"` {
		t.Errorf("peers with n < 5 = %v, want only size_band and fewer_than (no count)", keys)
	}
	if string(doc.Change) != "null" {
		t.Errorf("change of a first assessment = %s, want null", doc.Change)
	}
}

func TestScorecardCSV(t *testing.T) {
	b := smallBank(t)
	draft := &assessment.Assessment{
		Number: 3, Status: assessment.Draft, StartedAt: day(2024, 5, 1), Bank: b.Ref(),
		Profile: assessment.Profile{Beds: 180, CEFTE: 1, BMETFTE: 4},
		Answers: map[string]assessment.Answer{
			"capital_planning":      {Performer: assessment.Manager, Note: `Finance leads, "we" advise, 2025`},
			"maintenance_program":   {Performer: assessment.Unsure},
			"scheduled_maintenance": {Performer: assessment.Vendor, Note: "line one\nline two"},
		},
	}
	r := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: draft}, nil, assessment.DraftBenchmark(assessment.Medium))
	out := render(t, CSV, r, b, draft)

	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not CSV: %v\n%s", err, out)
	}
	want := [][]string{
		{"domain", "function", "kind", "weight", "performer", "fit", "note"},
		{"planning", "capital_planning", "engineering", "2", "manager", "0.75", `Finance leads, "we" advise, 2025`},
		{"planning", "service_contracts", "engineering", "1", "", "", ""},
		{"maintenance", "maintenance_program", "engineering", "3", "unsure", "0", ""},
		{"maintenance", "scheduled_maintenance", "operations", "3", "vendor", "1", "line one\nline two"},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("CSV rows:\n got %q\nwant %q", rows, want)
	}
}

func TestScorecardText(t *testing.T) {
	r, b, a := fixture(t)
	few := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: a}, nil, peerBench(b, 3))

	full := map[string]assessment.Performer{}
	for _, f := range b.Functions {
		full[f.ID] = assessment.CE
	}
	full["scheduled_maintenance"] = assessment.BMET
	clean := withBank(completed(1, day(2024, 6, 1), assessment.Profile{Beds: 40, CEFTE: 1, BMETFTE: 2}, full), b)
	noGaps := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: clean}, nil, peerBench(b, 0))

	draft := &assessment.Assessment{
		Number: 4, Status: assessment.Draft, StartedAt: day(2024, 7, 1), Bank: b.Ref(),
		Profile: assessment.Profile{Beds: 180},
		Answers: map[string]assessment.Answer{"inventory_unknown_is_ignored": {Performer: assessment.CE}},
	}
	empty := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: draft}, nil, assessment.DraftBenchmark(assessment.Medium))

	tests := []struct {
		name    string
		r       *assessment.Report
		a       *assessment.Assessment
		want    []string
		notWant []string
	}{
		{"fixture", r, a, []string{
			"St Example Hospital", "Assessment 2 · completed 2024-03-12", "question bank small v2",
			"Balance index 44.4 / 100 — Critical gaps", assessment.CriticalGaps.Title(),
			assessment.ReferenceLabel,
			"Make a clinical engineer, or the manager with engineering support, own the",
			"[critical] Maintenance program — Nobody — not done",
			"[normal] Service contracts — Don't know",
			"Your note: Purchasing | legal may own these",
			"Engineering  [BBBBBBBBBBBBBNNNNNNNNNNNNNNNNNNNN???????]",
			"Absorbed: 33 % of engineering work is done by BMETs or IT.",
			"BMETs per CE (n = 5)", "About 20 % of them have no clinical engineer.",
			"Since assessment 1 (2023-03-14)", "Capital planning: Nobody → BMET",
			"(no CEs)", "Devices per BMET         875  about 1,000 (rules of thumb range from 1,000 to", "[2] Devices per BMET: about 1,000", "3,500",
		}, []string{"not enough peers", "DRAFT"}},
		{"few peers", few, a, []string{"Fewer than 5 peers in this band"}, []string{"25th pct", "n = 3", "Since assessment"}},
		{"no gaps", noGaps, clean, []string{"No gaps.", "small (26–99 beds)", "Balance index 100.0 / 100 — Balanced"}, []string{"[critical]"}},
		{"empty draft", empty, draft, []string{
			"DRAFT — provisional, 0 of 4 answered", "Balance index not scored yet — No answers yet",
			"(nothing answered)", "Absorbed: — (no engineering function answered yet).", "No gaps.",
		}, []string{"(provisional)"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := render(t, Text, tt.r, b, tt.a)
			checkWidth(t, out)
			for _, w := range tt.want {
				if !strings.Contains(out, w) {
					t.Errorf("text lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(strings.ToLower(out), strings.ToLower(w)) {
					t.Errorf("text has %q", w)
				}
			}
		})
	}
}

func TestScorecardMarkdown(t *testing.T) {
	r, b, a := fixture(t)
	out := render(t, Markdown, r, b, a)
	if n := checkMarkdownTables(t, out); n != 8 {
		t.Errorf("markdown has %d tables, want 8 (shares, domains, gaps, profile, staffing, peers, change, changed)", n)
	}
	for _, w := range []string{
		"# St Example Hospital — clinical engineering balance scorecard",
		"**Balance index 44.4 / 100 — Critical gaps**",
		`| Planning \| purchasing | 2/2 |`,
		`*Your note: Purchasing \| legal may own these; nobody in HTM reviews them.*`,
		assessment.ReferenceLabel,
		"| BMETs per CE | — (no CEs) | 7 (North America, late 1990s); about 5.4 (AAMI 2021) | international survey",
		"- **HTM FTE per 100 beds: 2.5** Source: Wang, Eliason et al.",
		"Year: data of about 2005, published 2008.",
		"Read with: 1 FTE per 4,000 adjusted discharges (same study).",
		"| Capital planning | important | Nobody | BMET |",
	} {
		if !strings.Contains(out, w) {
			t.Errorf("markdown lacks %q", w)
		}
	}
	if strings.HasSuffix(out, "\n\n") || !strings.HasSuffix(out, "\n") {
		t.Errorf("markdown should end with exactly one newline")
	}
}

func TestMarkdownEscapes(t *testing.T) {
	r, b, a := fixture(t)
	r.Organization.Name = "St *Evil* | <b>Hospital</b>"
	r.Gaps[0].Title = `Pipe | and back\slash |`
	r.Domains[1].Name = "Trailing pipe |"
	out := render(t, Markdown, r, b, a)
	checkMarkdownTables(t, out)
	for _, w := range []string{
		`# St \*Evil\* | \<b\>Hospital\</b\>`,
		`| Pipe \| and back\\slash \| |`,
		`| Trailing pipe \| |`,
	} {
		if !strings.Contains(out, w) {
			t.Errorf("markdown lacks %q", w)
		}
	}
}

func TestScorecardGolden(t *testing.T) {
	r, b, a := fixture(t)
	for _, f := range []Format{Text, Markdown} {
		t.Run(string(f), func(t *testing.T) {
			golden(t, []byte(render(t, f, r, b, a)))
		})
	}
}

// TestDefaultBank renders a full completed assessment on the embedded bank in every
// format: nothing panics, the text fits 80 columns, the tables are well formed.
func TestDefaultBank(t *testing.T) {
	r, b, a := realistic(t)
	if len(b.Functions) != len(questions.Default().Functions) || r.Answered != len(b.Functions) || r.Assessment.Status != assessment.Completed {
		t.Fatalf("fixture: %d functions, %d answered, %s", len(b.Functions), r.Answered, r.Assessment.Status)
	}
	text := render(t, Text, r, b, a)
	checkWidth(t, text)
	for _, d := range b.Domains {
		if !strings.Contains(text, d.Name) {
			t.Errorf("text lacks domain %q", d.Name)
		}
	}
	for _, g := range r.Gaps {
		if !strings.Contains(text, g.Title) {
			t.Errorf("text lacks gap %q", g.Title)
		}
	}
	// Across bank versions: the change says so and lists the added functions.
	for _, w := range []string{
		"The question bank changed from default v1 to default v2",
		"5 functions were added",
		"Added in default v2",
		"[critical] Equipment failure contingency",
		"Specialist", "Other dept",
	} {
		if !strings.Contains(text, w) {
			t.Errorf("text lacks %q", w)
		}
	}
	checkMarkdownTables(t, render(t, Markdown, r, b, a))
	rows, err := csv.NewReader(strings.NewReader(render(t, CSV, r, b, a))).ReadAll()
	if err != nil || len(rows) != len(b.Functions)+1 {
		t.Errorf("csv: %d rows, %v; want header and %d", len(rows), err, len(b.Functions))
	}
	if !json.Valid([]byte(render(t, JSON, r, b, a))) {
		t.Error("json is not valid")
	}
}

// TestWidthExtremes renders reports with long names, many digits and odd figures; no
// text line may pass 80 columns.
func TestWidthExtremes(t *testing.T) {
	b := smallBank(t)
	b.Domains[0].Name = strings.Repeat("Very long domain name ", 6)
	b.Functions[2].Title = strings.Repeat("Extraordinarily-long-function-title", 4)
	long := assessment.Organization{ID: "x", Name: strings.Repeat("Saint Somebody's Regional Medical Center ", 4) + "\x1b[31mred\x1b[0m"}
	ans := map[string]assessment.Performer{}
	for _, f := range b.Functions {
		ans[f.ID] = assessment.Nobody
	}
	p := assessment.Profile{Beds: 5000, CEFTE: 0.25, BMETFTE: 1234.75, ManagerFTE: 99.5, ITFTE: 10000, Devices: 10_000_000}
	a := withBank(completed(123, day(2030, 12, 31), p, ans), b)
	prev := withBank(completed(122, day(2029, 12, 31), assessment.Profile{Beds: 1}, ans), b)
	r := assessment.NewReport(long, assessment.Scored{Bank: b, Assessment: a}, &assessment.Scored{Bank: b, Assessment: prev}, peerBench(b, 0))
	out := render(t, Text, r, b, a)
	checkWidth(t, out)
	if strings.Contains(out, "\x1b") {
		t.Error("an escape sequence from the organization name reached the output")
	}
	checkMarkdownTables(t, render(t, Markdown, r, b, a))

	tr := assessment.History([]assessment.Scored{{Bank: b, Assessment: prev}, {Bank: b, Assessment: a}})
	checkWidth(t, renderHistory(t, Text, long, tr))

	// Wide characters take two cells: a CJK name (and domain, and function) must wrap
	// at 40 characters, not 80. Counting runes let such lines reach 143 cells.
	cjk := assessment.Organization{ID: "y", Name: strings.Repeat("北京协和医院临床工程部", 8)}
	b.Domains[0].Name = strings.Repeat("医疗设备维护", 10)
	b.Functions[2].Title = strings.Repeat("设备采购与评估", 10)
	r = assessment.NewReport(cjk, assessment.Scored{Bank: b, Assessment: a}, &assessment.Scored{Bank: b, Assessment: prev}, assessment.PeerBenchmark{})
	checkWidth(t, render(t, Text, r, b, a))
	checkWidth(t, renderHistory(t, Text, cjk, tr))

	// All nine performers in both kinds of work, with 100 % figures: the share
	// table, the legend and the bars still fit in 80 cells.
	def := questions.Default()
	all := map[string]assessment.Performer{}
	n := map[questions.Kind]int{}
	for _, f := range def.Functions {
		all[f.ID] = questions.Performers[n[f.Kind]%questions.NumPerformers]
		n[f.Kind]++
	}
	nine := withBank(completed(9, day(2030, 1, 1), p, all), def)
	r = assessment.NewReport(long, assessment.Scored{Bank: def, Assessment: nine}, nil, assessment.PeerBenchmark{})
	if got := len(present.ShareColumns(r)); got != questions.NumPerformers {
		t.Fatalf("fixture: %d performers occur, want all %d", got, questions.NumPerformers)
	}
	out = render(t, Text, r, def, nine)
	checkWidth(t, out)
	for _, p := range questions.Performers {
		if !strings.Contains(out, p.Short()) {
			t.Errorf("text with nine performers lacks %q", p.Short())
		}
	}
}

// sh builds shares by performer.
func sh(m map[questions.Performer]float64) assessment.Shares {
	var s assessment.Shares
	for p, v := range m {
		s[p.Index()] = v
	}
	return s
}

func TestBar(t *testing.T) {
	tests := []struct {
		shares assessment.Shares
		want   string
	}{
		{sh(map[questions.Performer]float64{questions.CE: 1}), strings.Repeat("C", 40)},
		{sh(map[questions.Performer]float64{questions.CE: 0.5, questions.BMET: 0.5}), strings.Repeat("C", 20) + strings.Repeat("B", 20)},
		{sh(map[questions.Performer]float64{questions.CE: 1.0 / 3, questions.BMET: 1.0 / 3, questions.Manager: 1.0 / 3}),
			strings.Repeat("C", 14) + strings.Repeat("B", 13) + strings.Repeat("M", 13)},
		// A tiny share keeps one cell, taken from the largest.
		{sh(map[questions.Performer]float64{questions.CE: 0.995, questions.Nobody: 0.005}), strings.Repeat("C", 39) + "N"},
		{sh(map[questions.Performer]float64{questions.Vendor: 0.25, questions.Nobody: 0.5, questions.Unsure: 0.25}),
			strings.Repeat("V", 10) + strings.Repeat("N", 20) + strings.Repeat("?", 10)},
		// The two performers of version 2 have their own letters, between the others.
		{sh(map[questions.Performer]float64{questions.Specialist: 0.5, questions.OtherDept: 0.25, questions.Unsure: 0.25}),
			strings.Repeat("S", 20) + strings.Repeat("O", 10) + strings.Repeat("?", 10)},
		{assessment.Shares{}, strings.Repeat(" ", 40)},
	}
	for _, tt := range tests {
		if got := bar(tt.shares, 40); got != tt.want {
			t.Errorf("bar(%v) = %q, want %q", tt.shares, got, tt.want)
		}
	}
}

func TestWrap(t *testing.T) {
	tests := []struct {
		s, first, indent string
		width            int
		want             []string
	}{
		{"a b c", "", "", 10, []string{"a b c"}},
		{"aaa bbb ccc", "", "  ", 7, []string{"aaa bbb", "  ccc"}},
		{"aaaaaaaaaa", "> ", "  ", 6, []string{"> aaaa", "  aaaa", "  aa"}},
		{"", "x", "", 10, []string{"x"}},
		{"Nobody — not done", "", "", 8, []string{"Nobody —", "not done"}},
	}
	for _, tt := range tests {
		if got := wrap(tt.s, tt.width, tt.first, tt.indent); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("wrap(%q, %d) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
	}
}

// trend returns a history of n completed assessments on the small bank, CEs taking
// over engineering work one function at a time.
func trend(t *testing.T, n int) assessment.Trend {
	b := smallBank(t)
	var items []assessment.Scored
	for i := range n {
		ans := map[string]assessment.Performer{}
		for j, f := range b.Functions {
			switch {
			case f.Kind == questions.Operations:
				ans[f.ID] = assessment.BMET
			case j < i:
				ans[f.ID] = assessment.CE
			case j == i:
				ans[f.ID] = assessment.Nobody
			default:
				ans[f.ID] = assessment.BMET
			}
		}
		p := assessment.Profile{Beds: 180, CEFTE: float64(i) / 2, BMETFTE: 4, ManagerFTE: 1, Devices: 3000}
		items = append(items, assessment.Scored{Bank: b, Assessment: withBank(completed(i+1, day(2020+i, 3, 1), p, ans), b)})
	}
	return assessment.History(items)
}

func TestHistoryGolden(t *testing.T) {
	golden(t, []byte(renderHistory(t, Text, testOrg, trend(t, 4))))
}

func TestHistoryText(t *testing.T) {
	for _, n := range []int{0, 1, 4, 20, 60} {
		tr := trend(t, n)
		out := renderHistory(t, Text, testOrg, tr)
		checkWidth(t, out)
		points := min(n, chartCols)
		if got := strings.Count(out, "●"); got != points {
			t.Errorf("%d assessments: chart has %d points, want %d", n, got, points)
		}
		switch {
		case n == 0 && !strings.Contains(out, "No completed assessments"):
			t.Errorf("empty history does not say so:\n%s", out)
		case n == 1 && !strings.Contains(out, "Only one completed assessment"):
			t.Errorf("one-assessment history does not say why there is no change:\n%s", out)
		case n > 1 && !strings.Contains(out, "Last change: assessment "):
			t.Errorf("%d assessments: no last change", n)
		}
		if latest := "(the latest 53 of 60 assessments)"; (n > chartCols) != strings.Contains(out, latest) {
			t.Errorf("%d assessments: the chart should say %q only when it leaves some out", n, latest)
		}
		rows := 0
		for _, l := range strings.Split(out, "\n") {
			if f := strings.Fields(l); len(f) > 2 && f[1] == "2020-03-01" {
				rows++
			}
		}
		if n > 0 && rows != 1 {
			t.Errorf("%d assessments: the table should list the first assessment once, found %d", n, rows)
		}
	}
}

func TestHistoryJSON(t *testing.T) {
	for _, n := range []int{0, 3} {
		tr := trend(t, n)
		out := renderHistory(t, JSON, testOrg, tr)
		var doc map[string]json.RawMessage
		if err := json.Unmarshal([]byte(out), &doc); err != nil {
			t.Fatal(err)
		}
		if len(doc) != 3 || doc["organization"] == nil || doc["assessments"] == nil || doc["changes"] == nil {
			t.Errorf("history JSON keys = %v, want organization, assessments, changes", reflect.ValueOf(doc).MapKeys())
		}
		var body struct {
			Organization assessment.Organization `json:"organization"`
			Assessments  []map[string]any        `json:"assessments"`
			Changes      []map[string]any        `json:"changes"`
		}
		if err := json.Unmarshal([]byte(out), &body); err != nil {
			t.Fatal(err)
		}
		if body.Organization != testOrg || len(body.Assessments) != n || len(body.Changes) != max(n-1, 0) {
			t.Errorf("n=%d: %+v, %d assessments, %d changes", n, body.Organization, len(body.Assessments), len(body.Changes))
		}
		if n == 0 && !strings.Contains(out, `"assessments": []`) {
			t.Errorf("empty history should list [] assessments:\n%s", out)
		}
		if n > 0 && body.Assessments[0]["number"] != 1.0 {
			t.Errorf("first point = %v", body.Assessments[0])
		}
	}
}

func TestHistoryCSV(t *testing.T) {
	tr := trend(t, 3)
	// A point without an index and without a completion time, as an older store might
	// hold: its cells are empty.
	tr.Points = append(tr.Points, assessment.Point{Ref: assessment.Ref{Number: 9, Status: assessment.Completed}, Verdict: assessment.NoAnswers})
	rows, err := csv.NewReader(strings.NewReader(renderHistory(t, CSV, testOrg, tr))).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 5 || strings.Join(rows[0], ",") != "number,completed_at,balance_index,engineering_index,operations_index,absorbed,verdict,critical_gaps,gaps,ce_fte,bmet_fte,manager_fte,it_fte,beds,devices" {
		t.Fatalf("rows = %q", rows)
	}
	first := rows[1]
	if first[0] != "1" || first[1] != "2020-03-01T15:04:05Z" || first[6] != string(tr.Points[0].Verdict) || first[9] != "0" || first[10] != "4" || first[14] != "3000" {
		t.Errorf("first row = %q", first)
	}
	if _, err := time.Parse(time.RFC3339, rows[2][1]); err != nil {
		t.Errorf("completed_at %q is not RFC 3339", rows[2][1])
	}
	last := rows[4]
	if last[1] != "" || last[2] != "" || last[3] != "" || last[4] != "" {
		t.Errorf("null figures should be empty cells: %q", last)
	}
}

// TestFindingsInReports: the findings stand beside the verdict in the text and the
// Markdown report, with their severity, and within 80 cells in the text.
func TestFindingsInReports(t *testing.T) {
	b := smallBank(t)
	ans := map[string]assessment.Performer{}
	for _, f := range b.Functions {
		ans[f.ID] = assessment.CE
	}
	ans["scheduled_maintenance"] = assessment.BMET
	// No CE and no BMET staff, yet both are named: two warnings.
	a := withBank(completed(1, day(2025, 1, 1), assessment.Profile{Beds: 120, ManagerFTE: 1}, ans), b)
	r := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: a}, nil, assessment.PeerBenchmark{})
	if len(r.Findings) != 2 {
		t.Fatalf("fixture: findings %+v, want ce-without-ce-staff and bmet-without-bmet-staff", r.Findings)
	}
	text := render(t, Text, r, b, a)
	checkWidth(t, text)
	md := render(t, Markdown, r, b, a)
	verdictAt := strings.Index(text, r.Verdict.Title())
	for _, f := range present.Findings(r) {
		first := strings.Fields(f.Text)[0:4]
		i := strings.Index(text, "["+f.Severity+"] "+strings.Join(first, " "))
		if i < 0 || i < verdictAt || i > strings.Index(text, "Engineering vs operations") {
			t.Errorf("text: finding %s not beside the verdict (at %d)", f.ID, i)
		}
		if !strings.Contains(md, "- *"+f.Severity+"* — "+strings.Join(first, " ")) {
			t.Errorf("markdown lacks finding %s", f.ID)
		}
	}
	if !strings.Contains(text, "Findings:") || !strings.Contains(md, "**Findings**") {
		t.Error("no findings heading")
	}
}
