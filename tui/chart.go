package tui

import (
	"fmt"
	"strings"

	"cebalance/assessment"
	"cebalance/present"
)

// The history chart plots the balance (●), engineering (e) and operations (o) indexes
// of the completed assessments on a 0–100 scale, newest on the right, across the width
// it is given. Its rows come from present.ChartScale: each row holds one band of
// values that never straddles a verdict threshold, so two values a verdict band apart
// are never on one row. The axis labels every row it can, and the rows of the
// thresholds carry a dotted line and the name of the band above them.

// Chart geometry: the axis ("100 ┤") and the band names at the right of the plot.
const (
	chartAxisW = 5
	chartBandW = len(" mostly balanced")
)

// chartCell is one cell of the plot: a rune and how it is styled.
type chartCell struct {
	r     rune
	style chartStyle
}

type chartStyle int

const (
	chartNone chartStyle = iota
	chartBalance
	chartEng
	chartOps
	chartLine
	chartMuted
)

// chartGrid is the plot being drawn: rows from the top, the points shown and where.
type chartGrid struct {
	cells   [][]chartCell
	rows    int // rows of the scale (present.ChartScale)
	step    int
	spacing int
	pts     []assessment.Point
}

func (g *chartGrid) width() int { return len(g.cells[0]) }

// rowOf is the grid row (from the top) of value v: present.ChartRow, the one rule.
func (g *chartGrid) rowOf(v float64) int { return g.rows - 1 - present.ChartRow(v, g.rows) }

// xOf is the column of the j-th point shown.
func (g *chartGrid) xOf(j int) int { return j*g.spacing + g.spacing/2 }

// chartLines is the chart at most maxRows rows high (plus the axis, the labels and the
// legend) and w columns wide. When maxRows is too few to keep the verdict bands apart,
// it says so in one line instead.
func chartLines(s *styles, points []assessment.Point, w, maxRows int) []string {
	rows, step := present.ChartScale(maxRows)
	if rows == 0 {
		return []string{" " + s.muted.Render(truncate("The chart needs a taller window (6 rows of plot); the table below has every figure.", w))}
	}
	pw := max(10, w-chartAxisW-1-chartBandW)
	spacing := max(3, pw/max(1, len(points)))
	k := min(len(points), pw/spacing)
	g := &chartGrid{rows: rows, step: step, spacing: spacing, pts: points[len(points)-k:]}
	g.cells = make([][]chartCell, rows)
	for i := range g.cells {
		g.cells[i] = make([]chartCell, pw)
		fill := ' '
		if present.ChartBand(g.value(i)) != "" {
			fill = '┈'
		}
		for j := range g.cells[i] {
			g.cells[i][j] = chartCell{fill, chartMuted}
		}
	}
	g.lines()
	banks := g.bankChanges()
	g.points()
	out := g.render(s)
	out = append(out, " "+s.muted.Render(strings.Repeat(" ", chartAxisW-1)+"└"+strings.Repeat("─", pw)))
	out = append(out, " "+s.muted.Render(pointLabels(g.pts, pw, spacing, g.xOf)))
	return append(out, " "+truncate(chartLegend(s, step, banks, k, len(points)), w))
}

// value is the lowest value of grid row i (from the top).
func (g *chartGrid) value(i int) int { return (g.rows - 1 - i) * g.step }

// free reports whether cell (i, x) holds nothing but the background or a band line.
func (g *chartGrid) free(i, x int) bool {
	c := g.cells[i][x]
	return c.r == ' ' || c.r == '┈'
}

// lines draws the balance line between consecutive points.
func (g *chartGrid) lines() {
	for j := 1; j < len(g.pts); j++ {
		a, b := g.pts[j-1].BalanceIndex, g.pts[j].BalanceIndex
		if a == nil || b == nil {
			continue
		}
		x0, x1 := g.xOf(j-1), g.xOf(j)
		for x := x0 + 1; x < x1 && x < g.width(); x++ {
			v := *a + (*b-*a)*float64(x-x0)/float64(x1-x0)
			g.cells[g.rowOf(v)][x] = chartCell{'·', chartLine}
		}
	}
}

// bankChanges draws a dashed line, in the free cells, between the last point of an
// old question bank and the first of a new one; it reports whether there was one.
func (g *chartGrid) bankChanges() bool {
	banks := false
	for j, p := range g.pts {
		if !p.BankChanged || j == 0 {
			continue
		}
		banks = true
		x := g.xOf(j) - g.spacing/2
		for i := range g.cells {
			if g.free(i, x) {
				g.cells[i][x] = chartCell{'¦', chartMuted}
			}
		}
	}
	return banks
}

// points draws the points: engineering one column left of the balance index,
// operations one right, so all three stay visible when they are close.
func (g *chartGrid) points() {
	put := func(j, dx int, v *float64, r rune, st chartStyle) {
		if x := g.xOf(j) + dx; v != nil && x >= 0 && x < g.width() {
			g.cells[g.rowOf(*v)][x] = chartCell{r, st}
		}
	}
	for j, p := range g.pts {
		put(j, -1, p.EngineeringIndex, 'e', chartEng)
		put(j, 1, p.OperationsIndex, 'o', chartOps)
		put(j, 0, p.BalanceIndex, '●', chartBalance)
	}
}

// render lays out the rows: the axis label (every row at 10 or 20 points a row, every
// other at 5), the plot, and the name of the verdict band on its threshold row.
func (g *chartGrid) render(s *styles) []string {
	styleOf := [...]func(...string) string{nil, s.chartBalance.Render, s.chartEng.Render, s.chartOps.Render, s.chartBalance.Render, s.muted.Render}
	out := make([]string, 0, g.rows+3)
	for i := range g.cells {
		v := g.value(i)
		label := "    │"
		if v%10 == 0 {
			label = fmt.Sprintf("%4d┤", v)
		}
		var b strings.Builder
		b.WriteString(s.muted.Render(label))
		for _, c := range g.cells[i] {
			if c.style == chartNone || c.r == ' ' {
				b.WriteRune(c.r)
				continue
			}
			b.WriteString(styleOf[c.style](string(c.r)))
		}
		if band := present.ChartBand(v); band != "" {
			b.WriteString(s.muted.Render(" " + band))
		}
		out = append(out, " "+strings.TrimRight(b.String(), " "))
	}
	return out
}

// chartLegend names the marks and says how much each row holds.
func chartLegend(s *styles, step int, banks bool, shown, all int) string {
	legend := s.chartBalance.Render("●") + " balance index   " + s.chartEng.Render("e") + " engineering   " + s.chartOps.Render("o") + " operations" +
		s.muted.Render(fmt.Sprintf("   a row holds %d points", step))
	if banks {
		legend += "   " + s.muted.Render("¦ new question bank")
	}
	if shown < all {
		legend += s.muted.Render(fmt.Sprintf("   (the last %d of %d)", shown, all))
	}
	return legend
}

// pointLabels are the assessment numbers under the points: every one when there is
// room, else the first and last.
func pointLabels(pts []assessment.Point, pw, spacing int, xOf func(int) int) string {
	labels := []rune(strings.Repeat(" ", pw+chartAxisW+8))
	place := func(j int) {
		t := []rune(fmt.Sprintf("#%d", pts[j].Number))
		x := chartAxisW + xOf(j) - len(t)/2
		for i, r := range t {
			if x+i >= 0 && x+i < len(labels) {
				labels[x+i] = r
			}
		}
	}
	if spacing >= 5 {
		for j := range pts {
			place(j)
		}
	} else if len(pts) > 0 {
		place(0)
		place(len(pts) - 1)
	}
	return strings.TrimRight(string(labels), " ")
}
