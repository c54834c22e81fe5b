package present

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Width is the display width of s in terminal cells, escape sequences excluded: a CJK
// character or an emoji takes two.
func Width(s string) int { return ansi.StringWidth(s) }

// Truncate shortens plain or styled s to at most w cells, ending it with "…" when cut.
func Truncate(s string, w int) string {
	if w <= 0 {
		return ""
	}
	if Width(s) <= w {
		return s
	}
	return ansi.Truncate(s, w, "…")
}

// Pad fills s with spaces to w cells, on the right (left-aligned) or, when right is
// true, on the left. Longer text is returned as it is.
func Pad(s string, w int, right bool) string {
	n := w - Width(s)
	if n <= 0 {
		return s
	}
	if right {
		return strings.Repeat(" ", n) + s
	}
	return s + strings.Repeat(" ", n)
}

// Wrap breaks s into lines of at most width cells at spaces. The first line starts with
// first, the others with indent; both count toward width. A word longer than a line is
// cut, between characters, never inside one.
func Wrap(s string, width int, first, indent string) []string {
	var lines []string
	line, n := first, Width(first)
	empty := true // nothing but the prefix on the current line
	for _, w := range strings.Fields(s) {
		wn := Width(w)
		if !empty && n+1+wn > width {
			lines = append(lines, line)
			line, n, empty = indent, Width(indent), true
		}
		for empty && n+wn > width {
			head := cut(w, width-n)
			lines = append(lines, line+head)
			w = w[len(head):]
			wn = Width(w)
			line, n = indent, Width(indent)
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

// cut returns the longest head of w that fits in room cells, and at least one
// character so that wrapping always makes progress.
func cut(w string, room int) string {
	head := ansi.Truncate(w, max(room, 0), "")
	if head == "" || !strings.HasPrefix(w, head) {
		_, size := utf8.DecodeRuneInString(w)
		head = w[:size]
	}
	return head
}
