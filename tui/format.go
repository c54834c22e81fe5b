package tui

import (
	"strconv"
	"strings"
	"time"

	"cebalance/present"
)

// Formatting for people comes from the present package, the one presentation layer
// shared with the reports: these are its names in this package. Rounding happens there
// and only for display; every figure comes from the assessment package.

// dash stands for a figure that cannot be computed.
const dash = present.Dash

// maxText is the widest a paragraph gets, so that text stays readable on wide terminals.
const maxText = 100

// fmtIndex formats an index (0–100) with one decimal, or "—".
func fmtIndex(p *float64) string { return present.Index(p) }

func itoa(n int) string { return strconv.Itoa(n) }

// fmtDate formats a date (in UTC, as everywhere; see present.Date).
func fmtDate(t time.Time) string { return present.Date(&t) }

// fmtDatePtr formats an optional date.
func fmtDatePtr(t *time.Time) string { return present.Date(t) }

// weightWord describes a function's weight.
func weightWord(w int) string { return present.Severity(w) }

// width is the display width of s, escape sequences excluded.
func width(s string) int { return present.Width(s) }

// truncate shortens plain or styled s to at most w columns, ending with "…" when cut.
func truncate(s string, w int) string { return present.Truncate(s, w) }

// pad fills s with spaces to w columns (left-aligned), cutting it when longer.
func pad(s string, w int) string {
	if width(s) > w {
		return truncate(s, w)
	}
	return present.Pad(s, w, false)
}

// padLeft right-aligns s in w columns.
func padLeft(s string, w int) string { return present.Pad(s, w, true) }

// wrap breaks plain text into lines of at most w columns at spaces; a word longer than
// a line is cut. Text is sanitized first: it may come from a bank file or a note.
func wrap(s string, w int) []string {
	return present.Wrap(present.Clean(s), max(w, 1), "", "")
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

// writeClamped writes clampLines(text, h) to b.
func writeClamped(b *strings.Builder, text string, h int) {
	if h <= 0 {
		return
	}
	n := strings.Count(text, "\n") + 1
	if n <= h {
		b.WriteString(text)
		for ; n < h; n++ {
			b.WriteByte('\n')
		}
		return
	}
	b.WriteString(clampLines(text, h)) // a cut: a substring, not a copy
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
