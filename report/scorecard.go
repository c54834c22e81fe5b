package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"

	"cebalance/assessment"
	"cebalance/questions"
)

// ErrMissing is returned when a renderer is not given what its format needs: a report
// for every format, and for CSV the bank and the assessment too.
var ErrMissing = errors.New("missing input")

// Scorecard writes the scorecard of one assessment in format f.
//
// Text, Markdown and HTML render r for people; the notes of gap answers are shown when
// a is given. HTML is the committee packet without the trend (see Packet), with an
// appendix of every function when bank and a are given. JSON is r, indented, in the shape documented in package report. CSV has one row per
// function of bank, in bank order, with the answer and its fit from a. bank and a may
// be nil for every format but CSV.
func Scorecard(w io.Writer, f Format, r *assessment.Report, bank *questions.Bank, a *assessment.Assessment) error {
	if r == nil {
		return fmt.Errorf("render scorecard: %w: no report", ErrMissing)
	}
	var buf bytes.Buffer
	switch f {
	case Text:
		writeText(&buf, r, a)
	case Markdown:
		writeMarkdown(&buf, r, a)
	case HTML:
		if err := writeHTML(&buf, r, bank, a, nil); err != nil {
			return err
		}
	case JSON:
		data, err := json.MarshalIndent(r, "", "  ")
		if err != nil {
			return fmt.Errorf("render scorecard: %w", err)
		}
		buf.Write(data)
		buf.WriteByte('\n')
	case CSV:
		if bank == nil || a == nil {
			return fmt.Errorf("render scorecard: %w: csv needs the bank and the assessment", ErrMissing)
		}
		if err := writeCSV(&buf, bank, a); err != nil {
			return fmt.Errorf("render scorecard: %w", err)
		}
	default:
		return unknownFormat(string(f), Formats)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// writeCSV writes one row per function: domain,function,kind,weight,performer,fit,note.
// performer and fit are empty for an unanswered function.
func writeCSV(w io.Writer, bank *questions.Bank, a *assessment.Assessment) error {
	cw := csv.NewWriter(w)
	_ = cw.Write([]string{"domain", "function", "kind", "weight", "performer", "fit", "note"})
	for i := range bank.Functions {
		fn := &bank.Functions[i]
		row := []string{fn.Domain, fn.ID, string(fn.Kind), strconv.Itoa(fn.Weight), "", "", ""}
		if ans, ok := a.Answers[fn.ID]; ok {
			if ans.Performer.Valid() {
				row[4] = string(ans.Performer)
				row[5] = strconv.FormatFloat(fn.FitFor(ans.Performer), 'f', -1, 64)
			}
			row[6] = csvSafe(ans.Note)
		}
		_ = cw.Write(row) // errors are sticky and reported by Error below
	}
	cw.Flush()
	return cw.Error()
}

// csvSafe keeps a spreadsheet from running a note as a formula: a note that starts with
// = + - @ (or a tab or carriage return) gets a leading apostrophe, which spreadsheets
// show as text and hide.
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}
