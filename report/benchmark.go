package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"

	"cebalance/assessment"
	"cebalance/present"
)

// Benchmark writes the community benchmark b in format f (text, Markdown, JSON or CSV).
func Benchmark(w io.Writer, f Format, b *assessment.Benchmark) error {
	if b == nil {
		return fmt.Errorf("render benchmark: %w: no benchmark", ErrMissing)
	}
	var buf bytes.Buffer
	rows := present.BenchmarkRows(b)
	head := present.BenchmarkHead()
	switch f {
	case JSON:
		enc := json.NewEncoder(&buf)
		enc.SetIndent("", "  ")
		if err := enc.Encode(b); err != nil {
			return fmt.Errorf("render benchmark: %w", err)
		}
	case CSV:
		cw := csv.NewWriter(&buf)
		_ = cw.Write(head)
		for _, r := range rows {
			_ = cw.Write(r.Row())
		}
		cw.Flush()
		if err := cw.Error(); err != nil {
			return fmt.Errorf("render benchmark: %w", err)
		}
	case Markdown:
		m := mdOut{&buf}
		m.para("# Community benchmark")
		m.para(text(present.BenchmarkIntro(b)))
		cells := make([][]string, len(rows))
		for i, r := range rows {
			cells[i] = r.Row()
		}
		m.table(head, nil, cells)
	case Text:
		t := textOut{&buf}
		t.para(present.BenchmarkIntro(b), "")
		t.blank()
		for _, r := range rows {
			t.line(r.Band)
			if !r.Shown {
				t.line("  " + r.Organizations + " organizations: nothing to show")
				t.blank()
				continue
			}
			for j, c := range r.Row()[1:] {
				t.line("  " + present.Pad(head[j+1], 26, false) + " " + c)
			}
			t.blank()
		}
	default:
		return unknownFormat(string(f), Formats)
	}
	_, err := w.Write(buf.Bytes())
	return err
}
