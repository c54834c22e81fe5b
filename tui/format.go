package tui

import (
	"math"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/report"
)

// Formatting for people. Rounding happens here and only for display; every figure comes
// from the assessment package.

// dash stands for a figure that cannot be computed.
const dash = "—"

// maxText is the widest a paragraph gets, so that text stays readable on wide terminals.
const maxText = 100

// fmtIndex formats an index (0–100) with one decimal, or "—".
func fmtIndex(p *float64) string {
	if p == nil {
		return dash
	}
	return fixed(*p, 1)
}

func itoa(n int) string { return strconv.Itoa(n) }

// fixed formats v with d decimals, rounded as the reports round.
func fixed(v float64, d int) string { return report.Fixed(v, d) }

// fmtPct formats a fraction as a whole percentage: "30 %".
func fmtPct(v float64) string { return fixed(v*100, 0) + " %" }

// fmtPctPtr formats a nullable fraction as a percentage, or "—".
func fmtPctPtr(p *float64) string {
	if p == nil {
		return dash
	}
	return fmtPct(*p)
}

// fmtSigned formats a change with its sign: "+3.2", "-1.0", "0.0".
func fmtSigned(v float64, d int) string {
	s := fixed(v, d)
	if !strings.HasPrefix(s, "-") && strings.Trim(s, "0.") != "" {
		s = "+" + s
	}
	return s
}

// fmtDelta formats the change of an index: "+3.2", or "—" when either side is missing.
func fmtDelta(d assessment.Delta) string {
	if d.Change == nil {
		return dash
	}
	return fmtSigned(*d.Change, 1)
}

// fmtPoints formats the change of a share in percentage points: "+12 pts".
func fmtPoints(d assessment.Delta) string {
	if d.Change == nil {
		return dash
	}
	return fmtSigned(*d.Change*100, 0) + " pts"
}

// fmtDate formats a date in the local time zone.
func fmtDate(t time.Time) string {
	if t.IsZero() {
		return dash
	}
	return t.Local().Format("2006-01-02")
}

// fmtDatePtr formats an optional date.
func fmtDatePtr(t *time.Time) string {
	if t == nil {
		return dash
	}
	return fmtDate(*t)
}

// fmtThousands formats a whole number with thousands separators: 7,000.
func fmtThousands(n int) string { return report.Thousands(n) }

// fmtRatio formats a nullable ratio with d decimals.
func fmtRatio(p *float64, d int) string {
	if p == nil {
		return dash
	}
	if d == 0 {
		return fmtThousands(int(math.Round(*p)))
	}
	return fixed(*p, d)
}

// fmtPerformer names a performer for tables; empty means unanswered.
func fmtPerformer(p questions.Performer) string {
	if p == "" {
		return "not answered"
	}
	return p.Label()
}

// weightWord describes a function's weight.
func weightWord(w int) string {
	switch w {
	case 3:
		return "critical"
	case 2:
		return "important"
	}
	return "normal"
}

// width is the display width of s, escape sequences excluded.
func width(s string) int { return ansi.StringWidth(s) }

// truncate shortens plain or styled s to at most w columns, ending with "…" when cut.
func truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// pad fills s with spaces to w columns (left-aligned), cutting it when longer.
func pad(s string, w int) string {
	n := width(s)
	if n > w {
		return truncate(s, w)
	}
	return s + strings.Repeat(" ", w-n)
}

// padLeft right-aligns s in w columns.
func padLeft(s string, w int) string {
	n := width(s)
	if n >= w {
		return s
	}
	return strings.Repeat(" ", w-n) + s
}

// wrap breaks plain text into lines of at most w columns at spaces; a word longer than
// a line is cut. Text is sanitized first: it may come from a bank file or a note.
func wrap(s string, w int) []string {
	s = assessment.SanitizeNote(s)
	if w < 1 {
		w = 1
	}
	var lines []string
	var line strings.Builder
	n := 0
	for _, word := range strings.Fields(s) {
		// Columns, not runes: a Chinese character or an emoji takes two.
		wn := width(word)
		if n > 0 && n+1+wn > w {
			lines = append(lines, line.String())
			line.Reset()
			n = 0
		}
		for n == 0 && wn > w {
			head := ansi.Truncate(word, w, "")
			if head == "" || !strings.HasPrefix(word, head) {
				// Not even one character fits (w is 1, the character wide).
				_, size := utf8.DecodeRuneInString(word)
				head = word[:size]
			}
			lines = append(lines, head)
			word = word[len(head):]
			wn = width(word)
		}
		if n > 0 {
			line.WriteByte(' ')
			n++
		}
		line.WriteString(word)
		n += wn
	}
	if n > 0 || len(lines) == 0 {
		lines = append(lines, line.String())
	}
	return lines
}

// indent prefixes every line with p.
func indent(lines []string, p string) []string {
	for i := range lines {
		lines[i] = p + lines[i]
	}
	return lines
}

// textWidth is the width paragraphs use in a screen w columns wide.
func textWidth(w int) int { return max(20, min(w-4, maxText)) }

// titleBar is the first line of every screen: "cebalance › Org › Assessment #2".
func (s *styles) titleBar(w int, parts ...string) string {
	var b strings.Builder
	b.WriteString(s.app.Render("cebalance"))
	for _, p := range parts {
		b.WriteString(s.crumb.Render(" › " + p))
	}
	return truncate(b.String(), w)
}

// clampLines makes text exactly h lines high: shorter text is padded with empty lines,
// longer text is cut. It is the root's guarantee that the footer stays at the bottom.
func clampLines(text string, h int) string {
	if h <= 0 {
		return ""
	}
	n := strings.Count(text, "\n") + 1
	switch {
	case n == h:
		return text
	case n < h:
		return text + strings.Repeat("\n", h-n)
	}
	cut := 0
	for i := 0; i < h; i++ {
		j := strings.IndexByte(text[cut:], '\n')
		cut += j + 1
	}
	return text[:cut-1]
}

// window returns the first index of a window of h rows over n rows that keeps cursor
// visible, starting from the previous offset top.
func window(top, cursor, n, h int) int {
	if h <= 0 || n <= h {
		return 0
	}
	if cursor < top {
		top = cursor
	}
	if cursor >= top+h {
		top = cursor - h + 1
	}
	return max(0, min(top, n-h))
}
