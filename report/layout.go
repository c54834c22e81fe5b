package report

import (
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"cebalance/assessment"
	"cebalance/questions"
)

// Widths of the text form.
const (
	maxWidth  = 80 // no line is longer
	proseWide = 78 // paragraphs wrap here
	barWidth  = 40 // the stacked share bars
)

// dash stands for a figure that cannot be computed.
const dash = "—"

// runes returns the display width of s, counting one column per rune: every character
// this package prints (Latin text, "—", "·", "→", "●") is one column wide.
func runes(s string) int { return utf8.RuneCountInString(s) }

// wrap breaks s into lines of at most width runes. The first line starts with first,
// the others with indent; both count toward width. A word longer than a line is cut.
func wrap(s string, width int, first, indent string) []string {
	var lines []string
	line, n := first, runes(first)
	empty := true // nothing but the prefix on the current line
	for _, w := range strings.Fields(s) {
		wn := runes(w)
		if !empty && n+1+wn > width {
			lines = append(lines, line)
			line, n, empty = indent, runes(indent), true
		}
		for empty && n+wn > width && width-n > 0 { // cut a word that fits no line
			cut := width - n
			r := []rune(w)
			lines = append(lines, line+string(r[:cut]))
			w, wn = string(r[cut:]), wn-cut
			line, n = indent, runes(indent)
		}
		if !empty {
			line += " "
			n++
		}
		line += w
		n += wn
		empty = false
	}
	if !empty || len(lines) == 0 {
		lines = append(lines, line)
	}
	return lines
}

// truncate shortens s to at most n runes, ending it with "…" when cut.
func truncate(s string, n int) string {
	if runes(s) <= n {
		return s
	}
	if n <= 1 {
		return "…"
	}
	return string([]rune(s)[:n-1]) + "…"
}

// clean makes text from a bank, an organization or a note safe to print on one line:
// no control characters or escape sequences.
func clean(s string) string { return assessment.SanitizeNote(s) }

func pad(s string, w int, right bool) string {
	n := w - runes(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

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
		w[i] = runes(c.head)
	}
	for _, row := range rows {
		for i, cell := range row {
			w[i] = max(w[i], runes(cell))
		}
	}
	last := len(cols) - 1
	total := runes(indent) + 2*last
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

// Numbers for people.

// index formats an index with one decimal, or "—".
func index(p *float64) string {
	if p == nil {
		return dash
	}
	return fixed1(*p)
}

func fixed1(v float64) string { return Fixed(v, 1) }

// Fixed formats v with d decimals, halves rounded away from zero (71.25 → 71.3, as
// people round), never as "-0.0". Every screen and report rounds with it, so the same
// figure reads the same everywhere.
func Fixed(v float64, d int) string {
	p := math.Pow(10, float64(d))
	s := strconv.FormatFloat(math.Round(v*p)/p, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// pct formats a fraction as a whole percent: "42 %".
func pct(v float64) string { return strconv.Itoa(percent(v)) + " %" }

func percent(v float64) int { return int(math.Round(v*100)) + 0 }

func pctOf(p *float64) string {
	if p == nil {
		return dash
	}
	return pct(*p)
}

// ratio formats a staffing ratio with one decimal, or "—".
func ratio(p *float64) string {
	if p == nil {
		return dash
	}
	return fixed1(*p)
}

func whole(n int) string { return Thousands(n) }

// Thousands formats n with thousands separators: 12,500.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// devices formats devices per BMET as a whole number, or "—".
func devicesPer(p *float64) string {
	if p == nil {
		return dash
	}
	return whole(int(math.Round(*p)))
}

// round1 rounds v to one decimal, halves away from zero.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// signed formats a change with one decimal and its sign: +3.2, -1.0, ±0.0.
func signed(v float64) string {
	s := fixed1(v)
	switch {
	case s == "0.0":
		return "±0.0"
	case v > 0:
		return "+" + s
	}
	return s
}

// signedPts formats a change of n percentage points: +10 pts.
func signedPts(n int) string {
	switch {
	case n == 0:
		return "±0 pts"
	case n > 0:
		return "+" + strconv.Itoa(n) + " pts"
	}
	return strconv.Itoa(n) + " pts"
}

// date formats a time as YYYY-MM-DD in its own zone, or "—".
func date(t *time.Time) string {
	if t == nil {
		return dash
	}
	return t.Format(time.DateOnly)
}

// fte formats an FTE count without needless zeros.
func fte(v float64) string { return assessment.FormatFTE(v) }

// severity names a function weight.
func severity(w int) string {
	switch w {
	case 3:
		return "critical"
	case 2:
		return "important"
	}
	return "normal"
}

// performerName is a performer's short name, or "—" for none (unanswered, or not in
// that assessment's bank).
func performerName(p questions.Performer) string {
	if p == "" {
		return dash
	}
	return p.Short()
}

// barLetters marks each performer in a share bar, in performer order, so the bar reads
// without color.
var barLetters = [questions.NumPerformers]byte{'C', 'S', 'B', 'M', 'I', 'O', 'V', '-', '?'}

// legend explains barLetters.
func legend() string {
	parts := make([]string, len(questions.Performers))
	for i, p := range questions.Performers {
		parts[i] = string(barLetters[i]) + " " + p.Short()
	}
	return strings.Join(parts, "  ")
}

// bar draws shares as width letters. Cells are apportioned by largest remainder, so
// the bar is always exactly width long, and every non-zero share gets at least one
// cell, so a small gap never disappears.
func bar(s assessment.Shares, width int) string {
	var cells [questions.NumPerformers]int
	var frac [questions.NumPerformers]float64
	total, sum := 0, 0.0
	for i, v := range s {
		x := v * float64(width)
		cells[i] = int(math.Floor(x))
		frac[i] = x - float64(cells[i])
		total += cells[i]
		sum += v
	}
	if sum <= 0 {
		return strings.Repeat(" ", width)
	}
	order := []int{0, 1, 2, 3, 4, 5, 6}
	sort.SliceStable(order, func(a, b int) bool { return frac[order[a]] > frac[order[b]] })
	for k := 0; total < width; k = (k + 1) % len(order) {
		if s[order[k]] > 0 {
			cells[order[k]]++
			total++
		}
	}
	for i, v := range s {
		if v > 0 && cells[i] == 0 {
			big := 0
			for j := range cells {
				if cells[j] > cells[big] {
					big = j
				}
			}
			if cells[big] > 1 {
				cells[big]--
				cells[i]++
			}
		}
	}
	var b strings.Builder
	for i, n := range cells {
		b.WriteString(strings.Repeat(string(barLetters[i]), n))
	}
	return b.String()
}
