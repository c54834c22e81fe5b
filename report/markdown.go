package report

import (
	"bytes"
	"fmt"
	"strings"

	"cebalance/assessment"
	"cebalance/questions"
)

// mdOut writes the Markdown form. Paragraphs are not wrapped: Markdown reflows them.
type mdOut struct{ b *bytes.Buffer }

func (m mdOut) line(s string) {
	m.b.WriteString(s)
	m.b.WriteByte('\n')
}

// para writes a paragraph and the blank line after it.
func (m mdOut) para(s string) {
	m.line(s)
	m.line("")
}

func (m mdOut) heading(s string) { m.para("## " + s) }

// cell escapes text for a table cell.
func cell(s string) string { return strings.ReplaceAll(s, "|", `\|`) }

// mdEscaper escapes the characters that would turn text from a bank, an organization
// or a note into Markdown or HTML.
var mdEscaper = strings.NewReplacer(
	`\`, `\\`, "`", "\\`", "*", `\*`, "_", `\_`, "[", `\[`, "]", `\]`, "<", `\<`, ">", `\>`, "#", `\#`,
)

// text makes text from a bank, an organization or a note safe in Markdown.
func text(s string) string { return mdEscaper.Replace(clean(s)) }

// table writes a Markdown table; right marks the right-aligned (number) columns.
func (m mdOut) table(head []string, right []bool, rows [][]string) {
	row := func(cells []string) {
		var b strings.Builder
		b.WriteString("|")
		for _, c := range cells {
			b.WriteString(" ")
			b.WriteString(cell(c))
			b.WriteString(" |")
		}
		m.line(b.String())
	}
	row(head)
	var b strings.Builder
	b.WriteString("|")
	for i := range head {
		if i < len(right) && right[i] {
			b.WriteString("---:|")
		} else {
			b.WriteString("---|")
		}
	}
	m.line(b.String())
	for _, r := range rows {
		row(r)
	}
	m.line("")
}

func writeMarkdown(buf *bytes.Buffer, r *assessment.Report, a *assessment.Assessment) {
	m := mdOut{buf}

	m.para("# " + mdEscaper.Replace(orgName(r.Organization)) + " — clinical engineering balance scorecard")
	m.para(strings.Join(statusParts(r), " · "))
	m.para("**" + headline(r) + "**")
	m.para(meaning(r))
	if isDraft(r) {
		m.para("*" + draftNote(r) + "*")
	}

	m.heading("Engineering vs operations")
	head := []string{"Work", "Index", "Coverage", "Answered"}
	right := []bool{false, true, true, true}
	for _, p := range questions.Performers {
		head = append(head, p.Short())
		right = append(right, true)
	}
	var rows [][]string
	for _, k := range []struct {
		name string
		s    assessment.Section
	}{{"Engineering", r.Engineering}, {"Operations", r.Operations}} {
		row := []string{k.name, index(k.s.Index), pctOf(k.s.Coverage), answeredOf(k.s)}
		rows = append(rows, append(row, shareCells(k.s)...))
	}
	m.table(head, right, rows)
	m.para("Shares are of the answered functions, by weight. " + absorbedLine(r))

	m.heading("Domains")
	rows = nil
	for _, d := range r.Domains {
		rows = append(rows, []string{text(d.Name), answeredOf(d), index(d.Index), pctOf(d.Coverage)})
	}
	m.table([]string{"Domain", "Answered", "Index", "Coverage"}, []bool{false, true, true, true}, rows)

	m.heading("Gaps")
	if len(r.Gaps) == 0 {
		m.para("No gaps.")
	} else {
		m.para(gapsSummary(r))
		rows = nil
		for _, g := range r.Gaps {
			rec := text(g.Recommendation)
			if note := noteOf(a, g.Function); note != "" {
				rec += " *Your note: " + mdEscaper.Replace(note) + "*"
			}
			rows = append(rows, []string{severity(g.Weight), text(g.Title), g.Performer.Label(), rec})
		}
		m.table([]string{"Severity", "Function", "Performer", "Recommendation"}, nil, rows)
	}

	m.heading("Staffing")
	s := r.Staffing
	m.table([]string{"Profile", "Value"}, nil, [][]string{
		{"Size band", bandLine(s)},
		{"Staffed beds", whole(s.Beds)},
		{"HTM staff (FTE)", staffLine(s)},
		{"IT for devices", fte(s.ITFTE) + " FTE"},
		{"Devices", devicesLine(s)},
	})
	rows = nil
	for _, sr := range staffingRows(s) {
		ref, _ := assessment.ReferenceFor(sr.key)
		v := sr.value
		if sr.why != "" {
			v += " (" + sr.why + ")"
		}
		rows = append(rows, []string{sr.label, v, ref.Text, ref.Source})
	}
	m.table([]string{"Ratio", "Yours", "Reference", "Source"}, []bool{false, true}, rows)
	m.para("*" + referenceLabel() + "* " + assessment.NoCEBenchmark)

	m.heading("Peers")
	if p := r.Peers; !p.Enough() {
		m.para(notEnoughPeers(p))
	} else {
		m.para(peersIntro(p))
		head := []string{"Figure"}
		right := []bool{false}
		for _, c := range peerCols[1:] {
			head = append(head, c.head)
			right = append(right, true)
		}
		m.table(head, right, peerRows(r))
		if notes := peerNotes(p); len(notes) > 0 {
			m.para(strings.Join(notes, " "))
		}
	}

	if c := r.Change; c != nil {
		mdChange(m, c, fmt.Sprintf("Since assessment %d (%s)", c.From.Number, date(c.From.CompletedAt)))
	}
	// Every block ends with a blank line; the document ends with one newline.
	buf.Truncate(len(bytes.TrimRight(buf.Bytes(), "\n")) + 1)
}

func mdChange(m mdOut, c *assessment.Comparison, title string) {
	m.heading(title)
	rows, groups := changeRows(c)
	for i := range rows {
		switch groups[i] {
		case "Engineering work done by":
			rows[i][0] = "Engineering work: " + rows[i][0]
		}
	}
	m.table([]string{"Figure", "Then", "Now", "Change"}, []bool{false, true, true, true}, rows)
	if len(c.Changed) == 0 {
		m.para("No function changed hands.")
		return
	}
	m.para(changedIntro(len(c.Changed)))
	var changed [][]string
	for _, ch := range c.Changed {
		changed = append(changed, []string{text(ch.Title), severity(ch.Weight), performerName(ch.From), performerName(ch.To)})
	}
	m.table([]string{"Function", "Severity", "From", "To"}, nil, changed)
}
