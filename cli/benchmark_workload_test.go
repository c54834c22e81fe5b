package cli

import (
	"bytes"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/report"
)

// TestBenchmarkWorkloadColumns: every format of the community benchmark shows the
// engineering workload figures, and "fewer than 5" where too few organizations
// estimated every engineering function.
func TestBenchmarkWorkloadColumns(t *testing.T) {
	m := 2.4
	b := &assessment.Benchmark{N: 7, Label: "test", Bands: []assessment.BandBenchmark{{
		SizeBand: assessment.Medium, N: 7, NoCEShare: &[]float64{0.3}[0],
		EngWorkloadPer100Beds: &assessment.SubFigure{N: 5, Figure: &assessment.Figure{Median: m}},
		EngWorkloadPerCE:      &assessment.SubFigure{FewerThan: 5},
	}}}
	for _, f := range []report.Format{report.Text, report.Markdown, report.CSV} {
		var buf bytes.Buffer
		if err := writeBenchmark(&buf, f, b); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, want := range []string{"Eng. work FTE/100 beds", "2.4", "Eng. work ÷ CE FTE", "fewer than 5"} {
			if !strings.Contains(out, want) {
				t.Errorf("%s lacks %q:\n%s", f, want, out)
			}
		}
	}
	var buf bytes.Buffer
	if err := writeBenchmark(&buf, report.JSON, b); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"engineering_workload_fte_per_100_beds"`) {
		t.Errorf("JSON lacks the workload figure:\n%s", buf.String())
	}
}
