package present

import (
	"fmt"
	"strconv"

	"cebalance/assessment"
)

// BenchmarkFigure is one column of the community benchmark: its heading and how a
// published figure of a band reads.
type BenchmarkFigure struct {
	Head string
	get  func(*assessment.BandBenchmark) *assessment.SubFigure
	fmt  func(float64) string
}

func one(v float64) string   { return Fixed(v, 1) }
func whole(v float64) string { return Fixed(v, 0) }

// BenchmarkFigures are the figures of the community benchmark, in column order.
var BenchmarkFigures = []BenchmarkFigure{
	{"CE FTE per 100 beds", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.CEPer100Beds }, one},
	{"CE share of HTM staff", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.CEShareOfStaff }, Pct},
	{"BMETs per CE", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.BMETPerCE }, one},
	{"HTM FTE per 100 beds", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.HTMPer100Beds }, one},
	{"Balance index", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.BalanceIndex }, whole},
	{"Engineering index", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.Engineering }, whole},
	{"Engineering work absorbed", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.Absorbed }, Pct},
	// The measured answer to "how many engineers": in-house engineering workload, over
	// the organizations that estimated every engineering function (BenchmarkIntro).
	{"Eng. workload FTE/100 beds", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.EngWorkloadPer100Beds }, one},
	{"Eng. workload ÷ CE FTE", func(b *assessment.BandBenchmark) *assessment.SubFigure { return b.EngWorkloadPerCE }, one},
}

// BenchmarkHead is the heading row of the community benchmark table.
func BenchmarkHead() []string {
	head := []string{"Size band", "Organizations", "Without a CE"}
	for _, c := range BenchmarkFigures {
		head = append(head, c.Head)
	}
	return head
}

// BenchmarkRow is one band of the community benchmark, formatted: Cells follow
// BenchmarkFigures. Shown is false for a band with too few organizations, which shows
// nothing but that.
type BenchmarkRow struct {
	Band, Organizations, WithoutCE string
	Cells                          []string
	Shown                          bool
}

// Cells is the row as table cells, in BenchmarkHead order.
func (r BenchmarkRow) Row() []string {
	return append([]string{r.Band, r.Organizations, r.WithoutCE}, r.Cells...)
}

// BenchmarkRows are the bands of b, formatted.
func BenchmarkRows(b *assessment.Benchmark) []BenchmarkRow {
	out := make([]BenchmarkRow, 0, len(b.Bands))
	for i := range b.Bands {
		band := &b.Bands[i]
		row := BenchmarkRow{Band: BandName(band), Cells: make([]string, len(BenchmarkFigures))}
		if band.N == 0 {
			row.Organizations = fmt.Sprintf("fewer than %d", assessment.MinPeers)
			out = append(out, row)
			continue
		}
		row.Shown = true
		row.Organizations = strconv.Itoa(band.N)
		if band.Outside > 0 {
			row.Organizations += fmt.Sprintf(" (%d outside)", band.Outside)
		}
		if band.NoCEShare != nil {
			row.WithoutCE = Pct(*band.NoCEShare)
		}
		for j, c := range BenchmarkFigures {
			row.Cells[j] = benchmarkCell(c.get(band), c.fmt)
		}
		out = append(out, row)
	}
	return out
}

// benchmarkCell is a published figure: "median" or "median (p25–p75)".
func benchmarkCell(f *assessment.SubFigure, format func(float64) string) string {
	switch {
	case f == nil:
		return Dash
	case f.Figure == nil:
		return fmt.Sprintf("fewer than %d", assessment.MinPeers)
	case f.P25 != nil && f.P75 != nil:
		return fmt.Sprintf("%s (%s–%s)", format(f.Median), format(*f.P25), format(*f.P75))
	}
	return format(f.Median)
}

// BandName is a band of the community benchmark: "medium (100–299 beds), teaching".
func BandName(b *assessment.BandBenchmark) string {
	s := b.SizeBand.Describe()
	if b.Teaching != nil {
		if *b.Teaching {
			s += ", teaching"
		} else {
			s += ", non-teaching"
		}
	}
	return s
}

// BenchmarkIntro says what the community benchmark is and what it shows.
func BenchmarkIntro(b *assessment.Benchmark) string {
	s := "Community benchmark: " + b.Label
	if b.N == 0 {
		// "what 0 hospitals report" reads like an error: say why there is nothing.
		s = "Community benchmark"
		if b.AsOf != nil {
			s += " of " + Date(b.AsOf)
		}
		return s + fmt.Sprintf(": no size band has %d or more hospitals on this server yet (your own organizations and demo data left out), so nothing can be shown without exposing one.", assessment.MinPeers)
	}
	if b.AsOf != nil {
		s += ", benchmark of " + Date(b.AsOf)
	}
	s += "."
	if b.Outside > 0 {
		s += fmt.Sprintf(" %d of the %d came from other installations.", b.Outside, b.N)
	}
	return s + fmt.Sprintf(" Figures are medians (with the 25th–75th percentiles from %d organizations), rounded; a band with fewer than %d shows nothing; your own organizations are left out."+
		" Eng. workload is the engineering work done in house, in FTE from the directors' estimates of hours, counted only over organizations that estimated every engineering function (÷ CE FTE: those of them with a CE).",
		assessment.QuartilePeers, assessment.MinPeers)
}
