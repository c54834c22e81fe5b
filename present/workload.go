package present

import (
	"fmt"
	"strings"

	"cebalance/assessment"
	"cebalance/questions"
)

// WorkloadTitle is the heading of the workload section.
const WorkloadTitle = "Workload estimate"

// WorkloadRow is one line of the workload table: a label and the figure of each kind
// ("" where the figure does not apply to that kind).
type WorkloadRow struct {
	Label, Engineering, Operations string
	// Sub marks a row that splits the row above it (by performer).
	Sub bool
}

// WorkloadSection is the workload section of a report, formatted: the assumption it
// rests on, one sentence per kind (how a director reads it), the table behind them and
// a note for a partial estimate. The TUI, text, Markdown and HTML lay it out.
type WorkloadSection struct {
	Assumption string
	Lines      []string
	Rows       []WorkloadRow
	// Partial says which figures cover only some functions; "" when every answered
	// function carries an estimate.
	Partial string
}

// WorkloadColumns are the headings of the workload table's figure columns.
var WorkloadColumns = [2]string{"Engineering", "Operations"}

// carriers name the in-house performers in a workload sentence, in performer order.
var carriers = [questions.NumPerformers]string{
	"clinical engineers", "a specialist", "BMETs", "the manager", "IT", "other departments", "vendors", "nobody (not done today)", "owners nobody knows",
}

// fte1 formats an FTE figure of the workload with one decimal.
func fte1(v float64) string { return Fixed(v, 1) }

// Workload is the workload section of r, or nil when no answer carries an estimate.
func Workload(r *assessment.Report) *WorkloadSection { return WorkloadOf(r.Workload) }

// WorkloadOf is the workload section of w (nil for none).
func WorkloadOf(w *assessment.Workload) *WorkloadSection {
	if w == nil {
		return nil
	}
	e, o := w.Engineering, w.Operations
	s := &WorkloadSection{}
	if w.DefaultHours {
		s.Assumption = fmt.Sprintf("Assumes %s productive hours per FTE a year (the default; change it in the profile). FTE = hours a month × 12 ÷ productive hours.", Thousands(w.ProductiveHours))
	} else {
		s.Assumption = fmt.Sprintf("Assumes %s productive hours per FTE a year (from the profile). FTE = hours a month × 12 ÷ productive hours.", Thousands(w.ProductiveHours))
	}
	s.Lines = []string{
		fmt.Sprintf("Engineering work ≈ %s FTE; vendors %s; in house %s%s; CE FTE on staff: %s.",
			fte1(e.FTE), fte1(e.Vendor), fte1(e.InHouse), carried(e), FTE(e.Staff)),
		fmt.Sprintf("Operations work ≈ %s FTE; vendors %s; in house %s%s; with the engineering work BMETs absorb (%s), the BMET load is %s against BMET FTE on staff: %s.",
			fte1(o.FTE), fte1(o.Vendor), fte1(o.InHouse), carried(o), fte1(e.ByPerformer.Of(assessment.BMET)), fte1(w.BMETLoad), FTE(o.Staff)),
	}
	var partial []string
	for _, k := range []struct {
		name string
		k    assessment.KindWorkload
	}{{"engineering", e}, {"operations", o}} {
		if k.k.Partial {
			partial = append(partial, fmt.Sprintf("%d of %d %s functions estimated", k.k.Estimated, k.k.Answered, k.name))
		}
	}
	if len(partial) > 0 {
		s.Partial = "Partial: " + strings.Join(partial, "; ") + ". The figures cover the estimated functions only and are not extrapolated."
	}
	s.Rows = []WorkloadRow{
		{Label: "Functions estimated", Engineering: fmt.Sprintf("%d of %d", e.Estimated, e.Answered), Operations: fmt.Sprintf("%d of %d", o.Estimated, o.Answered)},
		{Label: "Hours a month", Engineering: assessment.FormatHours(e.Hours), Operations: assessment.FormatHours(o.Hours)},
		{Label: "Work (FTE)", Engineering: fte1(e.FTE), Operations: fte1(o.FTE)},
		{Label: "Vendors", Engineering: fte1(e.Vendor), Operations: fte1(o.Vendor), Sub: true},
		{Label: "In house", Engineering: fte1(e.InHouse), Operations: fte1(o.InHouse), Sub: true},
	}
	for i, p := range questions.Performers[:questions.NumPerformers] {
		if p == assessment.Vendor || (e.ByPerformer[i] == 0 && o.ByPerformer[i] == 0) {
			continue
		}
		s.Rows = append(s.Rows, WorkloadRow{Label: "by " + p.Short(), Engineering: fte1(e.ByPerformer[i]), Operations: fte1(o.ByPerformer[i]), Sub: true})
	}
	s.Rows = append(s.Rows,
		WorkloadRow{Label: "On staff (CE / BMET FTE)", Engineering: FTE(e.Staff), Operations: FTE(o.Staff)},
		WorkloadRow{Label: "BMET load (operations + absorbed)", Operations: fte1(w.BMETLoad)},
	)
	return s
}

// carried is " — carried today by BMETs 0.6, the manager 0.4" for the in-house
// performers with a share of k, largest first; "" when nothing is done in house.
func carried(k assessment.KindWorkload) string {
	type part struct {
		i int
		v float64
	}
	var parts []part
	for i, v := range k.ByPerformer {
		if v > 0 && questions.Performers[i] != assessment.Vendor {
			parts = append(parts, part{i, v})
		}
	}
	if len(parts) == 0 {
		return ""
	}
	// Largest first, performer order among equals; a handful of entries.
	for i := 1; i < len(parts); i++ {
		for j := i; j > 0 && parts[j].v > parts[j-1].v; j-- {
			parts[j], parts[j-1] = parts[j-1], parts[j]
		}
	}
	out := make([]string, len(parts))
	for n, p := range parts {
		out[n] = carriers[p.i] + " " + fteSome(p.v)
	}
	return " — carried today by " + strings.Join(out, ", ")
}

// fteSome formats a workload FTE that is more than zero: one that would read 0.0 reads
// "< 0.1", so that work someone carries never looks like none.
func fteSome(v float64) string {
	if s := fte1(v); s != "0.0" {
		return s
	}
	return "< 0.1"
}

// fteOf formats a nullable workload FTE with one decimal, or Dash.
func fteOf(p *float64) string {
	if p == nil {
		return Dash
	}
	return fte1(*p)
}

// GroupWorkload is the change group of the workload figures.
const GroupWorkload = "Workload (FTE)"

// workloadChanges are the change rows of the workload FTEs; none when neither side has
// an estimate.
func workloadChanges(c *assessment.Comparison) []ChangeRow {
	w := c.Workload
	if w == nil {
		return nil
	}
	var rows []ChangeRow
	for _, d := range []struct {
		name string
		d    assessment.Delta
	}{
		{"Engineering work", w.EngineeringFTE}, {"Engineering in house", w.EngineeringInHouse},
		{"Operations work", w.OperationsFTE}, {"Operations in house", w.OperationsInHouse}, {"BMET load", w.BMETLoad},
	} {
		then, now := fteOf(d.d.From), fteOf(d.d.To)
		rows = append(rows, ChangeRow{Group: GroupWorkload, Label: d.name, Then: then, Now: now,
			Change: Change(d.d.From, d.d.To), Same: then == now})
	}
	return rows
}

// EstimateChanged is one function whose estimate of hours a month changed.
type EstimateChanged struct{ Title, From, To string }

// Hours formats an estimate of hours a month, "12 h", or Dash for none.
func Hours(h *float64) string {
	if h == nil {
		return Dash
	}
	return assessment.FormatHours(*h) + " h"
}

// EstimateRows are the functions of c whose estimate changed, in bank order.
func EstimateRows(c *assessment.Comparison) []EstimateChanged {
	if c.Workload == nil {
		return nil
	}
	out := make([]EstimateChanged, 0, len(c.Workload.Estimates))
	for _, e := range c.Workload.Estimates {
		out = append(out, EstimateChanged{Clean(e.Title), Hours(e.From), Hours(e.To)})
	}
	return out
}

// EstimatesIntro is "2 estimates of hours changed:".
func EstimatesIntro(n int) string {
	if n == 1 {
		return "1 estimate of hours a month changed:"
	}
	return fmt.Sprintf("%d estimates of hours a month changed:", n)
}

// WorkloadHeading is the heading of a trend's workload column.
const WorkloadHeading = "Eng. work"

// PointWorkload is the engineering work done in house of a trend point, in FTE with
// one decimal ("1.4"), "≥1.4" when only some functions are estimated (a lower bound,
// never extrapolated), or Dash when the assessment carries no estimate.
func PointWorkload(p assessment.Point) string {
	if p.Workload == nil {
		return Dash
	}
	e := p.Workload.Engineering
	if e.Partial {
		return "≥" + fte1(e.InHouse)
	}
	return fte1(e.InHouse)
}
