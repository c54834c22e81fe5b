package report

import (
	"strings"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
)

// Widths of the text form.
const (
	maxWidth  = 80 // no line is longer
	proseWide = 78 // paragraphs wrap here
	barWidth  = 40 // the stacked share bars
)

// dash stands for a figure that cannot be computed.
const dash = present.Dash

// Text layout over the presentation layer: widths are display cells, never runes.
func width(s string) int { return present.Width(s) }

func wrap(s string, w int, first, indent string) []string {
	return present.Wrap(s, w, first, indent)
}

func truncate(s string, n int) string { return present.Truncate(s, n) }

func clean(s string) string { return present.Clean(s) }

func pad(s string, w int, right bool) string { return present.Pad(s, w, right) }

// column of a text table.
type column struct {
	head  string
	right bool // right-aligned (numbers)
}

// table lays out rows under a header (none when every head is empty), two spaces
// between columns, each line prefixed with indent. When the table is wider than
// maxWidth a left-aligned last column wraps under itself; when that is not enough, the
// first column is cut with "…".
func table(indent string, cols []column, rows [][]string) []string {
	w := make([]int, len(cols))
	for i, c := range cols {
		w[i] = width(c.head)
	}
	for _, row := range rows {
		for i, cell := range row {
			w[i] = max(w[i], width(cell))
		}
	}
	last := len(cols) - 1
	total := width(indent) + 2*last
	for _, x := range w {
		total += x
	}
	// Too wide: first let a text last column wrap, then cut the first column.
	const minLast, minFirst = 16, 8
	if over := total - maxWidth; over > 0 && !cols[last].right && w[last] > minLast {
		cut := min(over, w[last]-minLast)
		w[last] -= cut
		total -= cut
	}
	if over := total - maxWidth; over > 0 && w[0] > minFirst {
		cut := min(over, w[0]-minFirst)
		w[0] -= cut
		total -= cut
	}
	fixed := total - w[last]
	render := func(cells []string) []string {
		var b strings.Builder
		b.WriteString(indent)
		for i := 0; i < last; i++ {
			b.WriteString(pad(truncate(cells[i], w[i]), w[i], cols[i].right))
			b.WriteString("  ")
		}
		lead := b.String()
		if cols[last].right {
			return []string{strings.TrimRight(lead+pad(cells[last], w[last], true), " ")}
		}
		out := wrap(cells[last], fixed+w[last], lead, strings.Repeat(" ", fixed))
		for i := range out {
			out[i] = strings.TrimRight(out[i], " ")
		}
		return out
	}
	var lines []string
	head := make([]string, len(cols))
	for i, c := range cols {
		head[i] = c.head
	}
	if strings.Join(head, "") != "" {
		lines = render(head)
	}
	for _, row := range rows {
		lines = append(lines, render(row)...)
	}
	return lines
}

// Fixed formats v with d decimals; see present.Fixed.
func Fixed(v float64, d int) string { return present.Fixed(v, d) }

// Thousands formats n with thousands separators: 12,500; see present.Thousands.
func Thousands(n int) string { return present.Thousands(n) }

// legend explains the letters of the share bars of r: one part per performer that
// has a share, to be joined (and wrapped) by the caller.
func legend(r *assessment.Report) []string {
	var parts []string
	for _, e := range present.Legend(r) {
		parts = append(parts, e.Letter+" "+e.Name)
	}
	return parts
}

// bar draws shares as width letters, cells allocated by present.Bar.
func bar(s assessment.Shares, width int) string {
	cells := present.Bar(s, width)
	if cells == [questions.NumPerformers]int{} {
		return strings.Repeat(" ", width)
	}
	var b strings.Builder
	for i, n := range cells {
		b.WriteString(strings.Repeat(present.Letter(i), n))
	}
	return b.String()
}
