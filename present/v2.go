package present

import (
	"fmt"
	"strings"

	"cebalance/assessment"
	"cebalance/questions"
)

// ShareColumns are the performers (positions in questions.Performers) that have a
// share of the work in r, engineering or operations, in performer order: the columns
// of a share table and the entries of its legend. Performers nobody named are left
// out, so that a table of nine possible performers stays readable in 80 cells; with
// nothing answered the list is empty.
func ShareColumns(r *assessment.Report) []int {
	var out []int
	for i := range questions.Performers {
		if r.Engineering.Shares[i] > 0 || r.Operations.Shares[i] > 0 {
			out = append(out, i)
		}
	}
	return out
}

// Legend is the legend of the share bars of r: one entry per performer in
// ShareColumns.
func Legend(r *assessment.Report) []LegendItem {
	cols := ShareColumns(r)
	out := make([]LegendItem, 0, len(cols))
	for _, i := range cols {
		out = append(out, LegendItem{Index: i, Letter: Letter(i), Name: questions.Performers[i].Short()})
	}
	return out
}

// Finding is one consistency finding, shown beside the verdict.
type Finding struct {
	ID       string
	Severity string // "warning" or "notice"
	Text     string
}

// Findings are the findings of r's scorecard, in the order the scorecard lists them
// (empty when the answers and the profile agree).
func Findings(r *assessment.Report) []Finding {
	out := make([]Finding, 0, len(r.Findings))
	for _, f := range r.Findings {
		out = append(out, Finding{ID: f.ID, Severity: string(f.Severity), Text: Clean(f.Text)})
	}
	return out
}

// FindingsTitle is the heading of the findings.
const FindingsTitle = "Findings"

// NoFindings is what a scorecard says when there is no finding.
const NoFindings = "No findings: the answers agree with the profile."

// Reference is one published staffing figure, with what a reader needs to weigh it:
// the figure, its source, the year of its data, what it counts, why it is not a
// target, and the figure to read beside it.
type Reference struct {
	Label     string // the ratio it compares with, e.g. "HTM FTE per 100 beds"
	Figure    string // the figure as people read it
	Source    string
	Year      string
	Scope     string
	Caveat    string
	Companion string // "" when there is none
}

// References are the reference figures of the staffing ratios, in ratio order.
func References(s assessment.Staffing) []Reference {
	var out []Reference
	for _, r := range s.Ratios() {
		if r.Ref == nil {
			continue
		}
		out = append(out, Reference{Label: r.Label, Figure: r.Ref.Text, Source: r.Ref.Source,
			Year: r.Ref.Year, Scope: r.Ref.Scope, Caveat: r.Ref.Caveat, Companion: r.Ref.Companion})
	}
	return out
}

// Lines are the reference's details as "Label: text" sentences, in the order every
// renderer shows them.
func (r Reference) Lines() []string {
	out := []string{
		"Source: " + r.Source + ".",
		"Year: " + r.Year + ".",
		"Counts: " + r.Scope + ".",
		"Caveat: " + r.Caveat + ".",
	}
	if r.Companion != "" {
		out = append(out, "Read with: "+r.Companion+".")
	}
	return out
}

// Title is "HTM FTE per 100 beds: 2.5".
func (r Reference) Title() string { return r.Label + ": " + r.Figure }

// BankChange says that a comparison spans two banks: "The question bank changed from
// default v1 to default v2: function changes cover the 37 functions both have; 5 were
// added." It is "" when both assessments used the same bank.
func BankChange(c *assessment.Comparison) string {
	if !c.BankChanged {
		return ""
	}
	s := fmt.Sprintf("The question bank changed from %s to %s: the function changes below cover only the functions both have",
		Clean(c.FromBank.String()), Clean(c.ToBank.String()))
	var parts []string
	if n := len(c.Added); n > 0 {
		parts = append(parts, plural(n, "function was added", "functions were added"))
	}
	if n := len(c.Removed); n > 0 {
		parts = append(parts, plural(n, "function was removed", "functions were removed"))
	}
	if len(parts) > 0 {
		s += "; " + strings.Join(parts, " and ")
	}
	return s + "."
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %s", n, many)
}

// BankFunction is one function only one side of a comparison's banks has.
type BankFunction struct{ Title, Severity string }

// Added are the functions the newer bank added, most important first as the bank
// lists them; Removed those it dropped.
func Added(c *assessment.Comparison) []BankFunction { return bankFunctions(c.Added) }

// Removed are the functions the older bank had and the newer one does not.
func Removed(c *assessment.Comparison) []BankFunction { return bankFunctions(c.Removed) }

func bankFunctions(fs []assessment.BankFunction) []BankFunction {
	out := make([]BankFunction, 0, len(fs))
	for _, f := range fs {
		out = append(out, BankFunction{Clean(f.Title), Severity(f.Weight)})
	}
	return out
}

// AddedIntro is "Added in default v2 (not answered in the earlier assessment):".
func AddedIntro(c *assessment.Comparison) string {
	return "Added in " + Clean(c.ToBank.String()) + " (not in the earlier assessment's questions):"
}

// RemovedIntro is "No longer asked in default v3:".
func RemovedIntro(c *assessment.Comparison) string {
	return "No longer asked in " + Clean(c.ToBank.String()) + ":"
}

// BankMark is the mark on a history point answered with a different bank than the
// point before it: "bank v2". It is "" when the bank did not change.
func BankMark(p assessment.Point) string {
	if !p.BankChanged {
		return ""
	}
	return fmt.Sprintf("bank v%d", p.Bank.Version)
}

// BankMarks explain the bank changes in a history chart, one sentence per change:
// "¦ question bank default v2 from assessment 3: the questions changed, so compare
// the figures on either side with care."
func BankMarks(pts []assessment.Point) []string {
	var out []string
	for _, p := range pts {
		if p.BankChanged {
			out = append(out, fmt.Sprintf("¦ question bank %s from assessment %d: the questions changed, so compare the figures on either side with care.",
				Clean(p.Bank.String()), p.Number))
		}
	}
	return out
}
