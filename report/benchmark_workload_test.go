package report

import (
	"bytes"
	"strings"
	"testing"

	"cebalance/assessment"
)

// TestBenchmarkWorkloadColumns: every format of the community benchmark shows the
// engineering workload figures, and "fewer than 5" where too few organizations
// estimated every engineering function.
func TestBenchmarkWorkloadColumns(t *testing.T) {
	share := 0.3
	b := &assessment.Benchmark{N: 7, Label: "test", Bands: []assessment.BandBenchmark{{
		SizeBand: assessment.Medium, N: 7, NoCEShare: &share,
		EngWorkloadPer100Beds: &assessment.SubFigure{N: 5, Figure: &assessment.Figure{Median: 2.4}},
		EngWorkloadPerCE:      &assessment.SubFigure{FewerThan: 5},
	}}}
	for _, f := range []Format{Text, Markdown, CSV} {
		var buf bytes.Buffer
		if err := Benchmark(&buf, f, b); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{"Eng. workload FTE/100 beds", "2.4", "Eng. workload ÷ CE FTE", "fewer than 5", "estimated every engineering function"} {
			if f == CSV && want == "estimated every engineering function" {
				continue // the CSV has no intro
			}
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", f, want, out)
			}
		}
	}
	var buf bytes.Buffer
	if err := Benchmark(&buf, JSON, b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"engineering_workload_fte_per_100_beds"`) {
		t.Errorf("JSON lacks the workload figure:\n%s", buf.String())
	}
}
