package present

import (
	"fmt"
	"go/parser"
	"go/token"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
)

func TestFormatting(t *testing.T) {
	f := func(v float64) *float64 { return &v }
	tests := []struct{ got, want string }{
		{Index(f(71.25)), "71.3"}, // as people round, not half to even
		{Index(f(71.24)), "71.2"},
		{Index(nil), "—"},
		{Pct(0.424), "42 %"},
		{Pct(0.005), "1 %"},
		{RatioValue(assessment.Ratio{Unit: assessment.PerUnit, Value: f(8)}), "8.0"},
		{RatioValue(assessment.Ratio{Unit: assessment.Count, Value: f(1234.6)}), "1,235"},
		{RatioValue(assessment.Ratio{Unit: assessment.Share, Value: f(0.13)}), "13 %"},
		{RatioValue(assessment.Ratio{}), "—"},
		{Thousands(10_000_000), "10,000,000"},
		{Signed(3.21), "+3.2"},
		{Signed(-0.04), "±0.0"},
		{Signed(-1.25), "-1.3"},
		{Change(f(70.04), f(70.16)), "+0.2"}, // from the figures as shown: 70.0 → 70.2
		{Change(f(70.04), f(70.06)), "+0.1"},
		{Change(f(5), f(5)), "±0.0"},
		{Change(nil, f(5)), ""},
		{SignedPts(-17), "-17 pts"},
		{SignedPts(0), "±0 pts"},
		{SignedFTE(2.2, 2.3), "+0.1"},
		{SignedFTE(1, 0.5), "-0.5"},
		{SignedFTE(1, 1), ""},
		{Date(new(time.Date(2025, 3, 1, 0, 30, 0, 0, time.FixedZone("X", 3600)))), "2025-02-28"},
		{Date(nil), "—"},
	}
	for i, tt := range tests {
		if tt.got != tt.want {
			t.Errorf("case %d: got %q, want %q", i, tt.got, tt.want)
		}
	}
}

func TestBar(t *testing.T) {
	tests := []struct {
		s    assessment.Shares
		w    int
		want [9]int
	}{
		{assessment.Shares{1}, 40, [9]int{40}},
		{assessment.Shares{1.0 / 3, 1.0 / 3, 1.0 / 3}, 40, [9]int{14, 13, 13}},
		{assessment.Shares{0.99, 0, 0, 0, 0, 0.01}, 40, [9]int{39, 0, 0, 0, 0, 1}},   // 1 % keeps a cell
		{assessment.Shares{0.5, 0.49, 0, 0, 0, 0.01}, 20, [9]int{9, 10, 0, 0, 0, 1}}, // the cell comes from a largest
		{assessment.Shares{}, 40, [9]int{}},
		// Nine performers: the last ones (nobody, don't know) take part in the remainders
		// and keep their cell like the first ones.
		{assessment.Shares{0, 0, 0, 0, 0, 0, 0, 0.5, 0.5}, 9, [9]int{0, 0, 0, 0, 0, 0, 0, 5, 4}},
		{assessment.Shares{0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.2}, 10, [9]int{1, 1, 1, 1, 1, 1, 1, 1, 2}},
		{assessment.Shares{0.9, 0, 0, 0, 0, 0, 0, 0.09, 0.01}, 20, [9]int{17, 0, 0, 0, 0, 0, 0, 2, 1}},
	}
	for _, tt := range tests {
		if got := Bar(tt.s, tt.w); got != tt.want {
			t.Errorf("Bar(%v, %d) = %v, want %v", tt.s, tt.w, got, tt.want)
		}
	}
}

func TestChartRow(t *testing.T) {
	tests := []struct {
		v    float64
		rows int
		want int
	}{
		{85.1, 11, 8}, {79.99, 11, 7}, {80, 11, 8}, {100, 11, 10}, {0, 11, 0}, {-5, 11, 0}, {120, 11, 10},
		{50, 5, 2}, {74.9, 5, 2}, {75, 5, 3},
	}
	for _, tt := range tests {
		if got := ChartRow(tt.v, tt.rows); got != tt.want {
			t.Errorf("ChartRow(%v, %d) = %d, want %d", tt.v, tt.rows, got, tt.want)
		}
	}
}

func TestWrapCountsCells(t *testing.T) {
	tests := []struct {
		s, first, indent string
		width            int
		want             []string
	}{
		{"aaa bbb ccc", "", "  ", 7, []string{"aaa bbb", "  ccc"}},
		{"aaaaaaaaaa", "> ", "  ", 6, []string{"> aaaa", "  aaaa", "  aa"}},
		{"北京协和医院", "", "", 5, []string{"北京", "协和", "医院"}}, // two cells each
		{"协和 医院", "", "", 4, []string{"协和", "医院"}},
		{"", "x", "", 10, []string{"x"}},
	}
	for _, tt := range tests {
		if got := Wrap(tt.s, tt.width, tt.first, tt.indent); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("Wrap(%q, %d) = %q, want %q", tt.s, tt.width, got, tt.want)
		}
	}
	if got := Pad("协和", 6, true); got != "  协和" {
		t.Errorf("Pad = %q", got)
	}
	if got := Truncate("北京协和医院", 5); Width(got) > 5 {
		t.Errorf("Truncate = %q (%d cells)", got, Width(got))
	}
}

func TestStaffingRows(t *testing.T) {
	s := assessment.StaffingOf(assessment.Profile{Beds: 100, CEFTE: 0, BMETFTE: 0, ManagerFTE: 1})
	rows := StaffingRows(s)
	want := []Staffing{
		{Label: "HTM FTE per 100 beds", Value: "1.0"},
		{Label: "Devices per BMET", Value: "—", WhyEmpty: "devices not known"},
		{Label: "BMETs per CE", Value: "—", WhyEmpty: "no CEs"},
		{Label: "CE share of HTM staff", Value: "0 %"},
	}
	for i := range want {
		if rows[i].Label != want[i].Label || rows[i].Value != want[i].Value || rows[i].WhyEmpty != want[i].WhyEmpty || rows[i].Reference == "" {
			t.Errorf("row %d = %+v, want %+v and a reference", i, rows[i], want[i])
		}
	}
}

// TestPure: the presentation layer imports only the domain packages, a width library
// and the standard library; it never styles.
func TestPure(t *testing.T) {
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{`"cebalance/assessment"`: true, `"cebalance/questions"`: true, `"github.com/charmbracelet/x/ansi"`: true}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if strings.Contains(imp.Path.Value, ".") || strings.HasPrefix(imp.Path.Value, `"cebalance/`) {
				if !allowed[imp.Path.Value] {
					t.Errorf("%s imports %s", name, imp.Path.Value)
				}
			}
		}
	}
}

// TestChartScaleKeepsBandsApart: at every height a chart may have, two values on one
// row are in the same verdict band; 63.1 and 81.0 (one row at 60×20 before) are on
// different rows; below 6 rows there is no chart.
func TestChartScaleKeepsBandsApart(t *testing.T) {
	band := func(v float64) int {
		switch {
		case v >= assessment.BalancedFrom:
			return 2
		case v >= assessment.MostlyBalancedFrom:
			return 1
		}
		return 0
	}
	for maxRows := 0; maxRows <= 40; maxRows++ {
		rows, step := ChartScale(maxRows)
		if maxRows < 6 {
			if rows != 0 || step != 0 {
				t.Errorf("ChartScale(%d) = %d, %d; want no chart", maxRows, rows, step)
			}
			continue
		}
		if rows > maxRows || rows != 100/step+1 {
			t.Fatalf("ChartScale(%d) = %d rows, step %d", maxRows, rows, step)
		}
		seen := map[int]int{}
		for i := 0; i <= 1000; i++ {
			v := float64(i) / 10
			r := ChartRow(v, rows)
			if b, ok := seen[r]; ok && b != band(v) {
				t.Fatalf("%d rows: %v shares row %d with a value of another verdict band", rows, v, r)
			}
			seen[r] = band(v)
		}
		if ChartRow(63.1, rows) == ChartRow(81.0, rows) {
			t.Errorf("%d rows: 63.1 and 81.0 on one row", rows)
		}
	}
	if r, s := ChartScale(11); r != 11 || s != 10 {
		t.Errorf("ChartScale(11) = %d, %d", r, s)
	}
	if ChartBand(80) != "balanced" || ChartBand(60) != "mostly balanced" || ChartBand(70) != "" {
		t.Error("ChartBand names the wrong rows")
	}
}

func TestFTESomeNeverReadsNone(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		want string
	}{{0.04, "< 0.1"}, {0.05, "0.1"}, {1.24, "1.2"}} {
		if got := fteSome(tt.v); got != tt.want {
			t.Errorf("fteSome(%v) = %q, want %q", tt.v, got, tt.want)
		}
	}
}

func TestBenchmarkIntroWithNothingPublished(t *testing.T) {
	got := BenchmarkIntro(&assessment.Benchmark{Label: fmt.Sprintf(assessment.BenchmarkLabel, 0)})
	if !strings.Contains(got, "no size band has 5 or more hospitals on this server yet") || strings.Contains(got, "what 0 hospitals") {
		t.Errorf("intro with nothing published: %q", got)
	}
}
