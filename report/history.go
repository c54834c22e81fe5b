package report

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"cebalance/assessment"
	"cebalance/present"
)

// History writes the trend of an organization in format f: Text, JSON, CSV or HTML (see
// HistoryFormats).
//
// Text is a table of the completed assessments, a chart of the balance index over time
// and the last change. JSON is {"organization", "assessments", "changes"}: the
// organization and t, indented. CSV has one row per assessment, with an empty cell for
// a figure that is null.
func History(w io.Writer, f Format, org assessment.Organization, t assessment.Trend) error {
	if t.Points == nil {
		t.Points = []assessment.Point{}
	}
	if t.Changes == nil {
		t.Changes = []assessment.Comparison{}
	}
	var buf bytes.Buffer
	switch f {
	case Text:
		writeHistoryText(&buf, org, t)
	case JSON:
		data, err := json.MarshalIndent(historyJSON{org, t}, "", "  ")
		if err != nil {
			return fmt.Errorf("render history: %w", err)
		}
		buf.Write(data)
		buf.WriteByte('\n')
	case CSV:
		if err := writeHistoryCSV(&buf, t); err != nil {
			return fmt.Errorf("render history: %w", err)
		}
	case HTML:
		if err := writeHistoryHTML(&buf, org, t); err != nil {
			return err
		}
	default:
		return unknownFormat(string(f), HistoryFormats)
	}
	_, err := w.Write(buf.Bytes())
	return err
}

// historyJSON is the JSON form of History.
type historyJSON struct {
	Organization assessment.Organization `json:"organization"`
	assessment.Trend
}

var historyCSVHeader = []string{
	"number", "completed_at", "balance_index", "engineering_index", "operations_index",
	"absorbed", "verdict", "critical_gaps", "gaps",
	"ce_fte", "bmet_fte", "manager_fte", "it_fte", "beds", "devices",
}

func writeHistoryCSV(w io.Writer, t assessment.Trend) error {
	num := func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	opt := func(p *float64) string {
		if p == nil {
			return ""
		}
		return num(*p)
	}
	cw := csv.NewWriter(w)
	_ = cw.Write(historyCSVHeader)
	for _, p := range t.Points {
		at := ""
		if p.CompletedAt != nil {
			at = p.CompletedAt.Format(time.RFC3339)
		}
		s := p.Staffing
		_ = cw.Write([]string{ // errors are sticky and reported by Error below
			strconv.Itoa(p.Number), at,
			opt(p.BalanceIndex), opt(p.EngineeringIndex), opt(p.OperationsIndex),
			num(p.Absorbed), string(p.Verdict), strconv.Itoa(p.CriticalGaps), strconv.Itoa(p.Gaps),
			num(s.CEFTE), num(s.BMETFTE), num(s.ManagerFTE), num(s.ITFTE),
			strconv.Itoa(s.Beds), strconv.Itoa(s.Devices),
		})
	}
	cw.Flush()
	return cw.Error()
}

func writeHistoryText(buf *bytes.Buffer, org assessment.Organization, tr assessment.Trend) {
	t := textOut{buf}
	pts := tr.Points

	t.lines(wrap(orgName(org), maxWidth, "", ""))
	t.line("Clinical engineering balance history")
	switch len(pts) {
	case 0:
		t.line("No completed assessments")
	case 1:
		t.line("1 completed assessment, " + present.Date(pts[0].CompletedAt))
	default:
		t.line(fmt.Sprintf("%d completed assessments, %s to %s", len(pts), present.Date(pts[0].CompletedAt), present.Date(pts[len(pts)-1].CompletedAt)))
	}
	t.line(strings.Repeat("=", proseWide))
	if len(pts) == 0 {
		t.blank()
		t.para("Nothing to show yet: the history lists completed assessments, and this organization has none. Complete an assessment to start it.", "")
		return
	}

	t.blank()
	var rows [][]string
	for _, p := range present.Points(tr) {
		verdict := p.Verdict
		if p.Bank != "" {
			verdict += " (" + p.Bank + ")"
		}
		rows = append(rows, []string{p.Number, p.Completed, p.Balance, p.Engineering, p.Operations,
			p.Critical, p.CE, p.BMET, verdict})
	}
	t.lines(table("", []column{
		{"#", true}, {"Completed", false}, {"Balance", true}, {"Eng.", true}, {"Ops.", true},
		{"Crit.", true}, {"CE", true}, {"BMET", true}, {"Verdict", false},
	}, rows))
	t.blank()
	t.para("Balance, Eng. (engineering) and Ops. (operations) are indexes from 0 to 100; Crit. counts critical gaps; CE and BMET are FTEs.", "")

	t.heading("Balance index over time")
	t.lines(chart(pts))

	if len(tr.Changes) == 0 {
		t.blank()
		t.para("Only one completed assessment: the change from one assessment to the next appears after the second.", "")
		return
	}
	c := tr.Changes[len(tr.Changes)-1]
	textChange(t, &c, fmt.Sprintf("Last change: assessment %d (%s) → %d (%s)",
		c.From.Number, present.Date(c.From.CompletedAt), c.To.Number, present.Date(c.To.CompletedAt)))
}

// Chart geometry: rows from 100 down to 0 in steps of chartStep; at most chartCols
// columns of plot, which is also the most assessments shown.
const (
	chartStep = 10
	chartCols = 53
	chartMin  = 21 // narrowest plot, so the threshold lines read as lines
)

// chart plots the balance index of each point, one '●' per assessment in order, with
// dotted lines at the thresholds of the verdicts "balanced" (80) and "mostly balanced"
// (60). Each row is a band of chartStep points, so a point sits on a threshold only
// when it has reached it. It needs no color. With more points than fit, it shows the
// latest.
func chart(pts []assessment.Point) []string {
	var note string
	if len(pts) > chartCols {
		note = fmt.Sprintf("(the latest %d of %d assessments)", chartCols, len(pts))
		pts = pts[len(pts)-chartCols:]
	}
	spacing := 1
	switch n := len(pts); {
	case n <= 1:
		spacing = 4
	case (n-1)*4 < chartCols:
		spacing = 4
	case (n-1)*2 < chartCols:
		spacing = 2
	}
	width := max((len(pts)-1)*spacing+1, chartMin)
	grid := chartGrid(pts, width, spacing)
	lines := chartAxis(grid)
	lines = append(lines, numberLabels(pts, width, spacing))
	lines = append(lines, "    assessment number; each row holds 10 points (60 means 60 to 69.9)")
	for _, m := range present.BankMarks(pts) {
		lines = append(lines, wrap(m, maxWidth, "    ", "      ")...)
	}
	if note != "" {
		lines = append(lines, "    "+note)
	}
	return lines
}

// chartGrid draws the points on rows of chartStep points, row 0 at the top standing
// for 100: the 60 and 80 thresholds dotted, a bank change dashed.
func chartGrid(pts []assessment.Point, width, spacing int) [][]rune {
	nrows := 100/chartStep + 1
	grid := make([][]rune, nrows)
	for r := range grid {
		fill := ' '
		switch 100 - r*chartStep {
		case 0:
			fill = '-'
		case 80, 60:
			fill = '·'
		}
		grid[r] = []rune(strings.Repeat(string(fill), width))
		if fill == '·' {
			for c := 1; c < width; c += 2 {
				grid[r][c] = ' '
			}
		}
	}
	// A change of question bank is a dashed line just before the first point answered
	// with the new bank, where there is room for it.
	for i, p := range pts {
		if !p.BankChanged || i == 0 || spacing < 2 {
			continue
		}
		c := i*spacing - spacing/2
		for r := range grid {
			if grid[r][c] == ' ' || grid[r][c] == '·' {
				grid[r][c] = '¦'
			}
		}
	}
	for i, p := range pts {
		if p.BalanceIndex == nil {
			continue
		}
		// present.ChartRow floors: a point on the 60 row is 60–69.9, so it is never
		// drawn on a verdict threshold it has not reached.
		r := nrows - 1 - present.ChartRow(*p.BalanceIndex, nrows)
		grid[r][i*spacing] = '●'
	}
	return grid
}

// chartAxis labels each row of grid with its value and the verdict bands.
func chartAxis(grid [][]rune) []string {
	var lines []string
	for r, row := range grid {
		v := 100 - r*chartStep
		axis := "|"
		if v == 0 {
			axis = "+"
		}
		l := fmt.Sprintf("%3d %s%s", v, axis, string(row))
		switch v {
		case 80:
			l += "  balanced"
		case 60:
			l += "  mostly balanced"
		}
		lines = append(lines, strings.TrimRight(l, " "))
	}
	return lines
}

// numberLabels are the assessment numbers under their columns, skipping any that
// would touch the last.
func numberLabels(pts []assessment.Point, width, spacing int) string {
	labels := []rune(strings.Repeat(" ", 5+width+4))
	next := 0
	for i, p := range pts {
		num := []rune(strconv.Itoa(p.Number))
		at := 5 + i*spacing
		if at < next || at+len(num) > len(labels) {
			continue
		}
		copy(labels[at:], num)
		next = at + len(num) + 1
	}
	return strings.TrimRight(string(labels), " ")
}
