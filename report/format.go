package report

import (
	"errors"
	"fmt"
	"strings"
)

// Format is an output format of Scorecard and History.
type Format string

// The output formats.
const (
	Text     Format = "text"
	Markdown Format = "markdown"
	JSON     Format = "json"
	CSV      Format = "csv"
	HTML     Format = "html"
)

// Formats lists every format in the order they are offered.
var Formats = []Format{Text, Markdown, JSON, CSV, HTML}

// HistoryFormats lists the formats History renders.
var HistoryFormats = []Format{Text, JSON, CSV, HTML}

// ErrUnknownFormat is returned (wrapped, with the formats that are accepted) when a
// format name is not one of the allowed formats, or a renderer has no such format.
var ErrUnknownFormat = errors.New("unknown format")

// String implements fmt.Stringer.
func (f Format) String() string { return string(f) }

// ParseFormat returns the format named s (case and surrounding space ignored; "md" is
// accepted for markdown). When allowed is given, only those formats are accepted. The
// error names what is accepted, e.g. `unknown format "x": use text, markdown, json or
// csv`.
func ParseFormat(s string, allowed ...Format) (Format, error) {
	if len(allowed) == 0 {
		allowed = Formats
	}
	name := strings.ToLower(strings.TrimSpace(s))
	if name == "md" {
		name = string(Markdown)
	}
	for _, f := range allowed {
		if string(f) == name {
			return f, nil
		}
	}
	return "", unknownFormat(s, allowed)
}

func unknownFormat(name string, allowed []Format) error {
	return fmt.Errorf("%w %q: use %s", ErrUnknownFormat, name, orList(allowed))
}

// orList returns "a, b or c".
func orList(fs []Format) string {
	var b strings.Builder
	for i, f := range fs {
		switch {
		case i == 0:
		case i == len(fs)-1:
			b.WriteString(" or ")
		default:
			b.WriteString(", ")
		}
		b.WriteString(string(f))
	}
	return b.String()
}
