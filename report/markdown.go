package report

import (
	"bytes"
	"strings"

	"cebalance/assessment"
	"cebalance/present"
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
	if fs := present.Findings(r); len(fs) > 0 {
		m.para("**" + present.FindingsTitle + "**")
		var items []string
		for _, f := range fs {
			items = append(items, "- *"+f.Severity+"* — "+text(f.Text))
		}
		m.para(strings.Join(items, "\n"))
	}

	m.heading("Engineering vs operations")
	head := []string{"Work", "Index", "Coverage", "Answered"}
	right := []bool{false, true, true, true}
	cols := present.ShareColumns(r)
	for _, i := range cols {
		head = append(head, questions.Performers[i].Short())
		right = append(right, true)
	}
	var rows [][]string
	for _, k := range present.Kinds(r) {
		row := []string{k.Name, k.Index, k.Coverage, k.Answered}
		for _, i := range cols {
			row = append(row, k.Shares[i])
		}
		rows = append(rows, row)
	}
	m.table(head, right, rows)
	m.para("Shares are of the answered functions, by weight. " + absorbedLine(r))

	m.heading("Domains")
	rows = nil
	for _, d := range present.Domains(r) {
		rows = append(rows, []string{mdEscaper.Replace(d.Name), d.Answered, d.Index, d.Coverage})
	}
	m.table([]string{"Domain", "Answered", "Index", "Coverage"}, []bool{false, true, true, true}, rows)

	mdGaps(m, r, a)
	mdStaffing(m, r.Staffing)
	mdWorkload(m, r)
	mdPeers(m, r)
	if c := r.Change; c != nil {
		mdChange(m, c, present.Since(c))
	}
	// Every block ends with a blank line; the document ends with one newline.
	buf.Truncate(len(bytes.TrimRight(buf.Bytes(), "\n")) + 1)
}

func mdGaps(m mdOut, r *assessment.Report, a *assessment.Assessment) {
	m.heading("Gaps")
	if len(r.Gaps) == 0 {
		m.para("No gaps.")
		return
	}
	m.para(present.GapsSummary(r))
	var rows [][]string
	for _, g := range present.Gaps(r, a) {
		rec := mdEscaper.Replace(g.Recommendation)
		if g.Note != "" {
			rec += " *Your note: " + mdEscaper.Replace(g.Note) + "*"
		}
		rows = append(rows, []string{g.Severity, mdEscaper.Replace(g.Title), g.Performer, rec})
	}
	m.table([]string{"Severity", "Function", "Performer", "Recommendation"}, nil, rows)
}

func mdStaffing(m mdOut, s assessment.Staffing) {
	m.heading("Staffing")
	m.table([]string{"Profile", "Value"}, nil, profileRows(s))
	var rows [][]string
	for _, sr := range present.StaffingRows(s) {
		v := sr.Value
		if sr.WhyEmpty != "" {
			v += " (" + sr.WhyEmpty + ")"
		}
		rows = append(rows, []string{sr.Label, v, sr.Reference, sr.Source})
	}
	m.table([]string{"Ratio", "Yours", "Reference", "Source"}, []bool{false, true}, rows)
	m.para("*" + referenceLabel() + "* " + assessment.NoCEBenchmark)
	var items []string
	for _, ref := range present.References(s) {
		items = append(items, "- **"+text(ref.Title())+"** "+text(strings.Join(ref.Lines(), " ")))
	}
	if len(items) > 0 {
		m.para(strings.Join(items, "\n"))
	}
}

func mdPeers(m mdOut, r *assessment.Report) {
	m.heading("Peers")
	p := r.Peers
	if !p.Enough() {
		m.para(present.NotEnoughPeers(p))
		return
	}
	m.para(present.PeersIntro(p))
	head := []string{"Figure"}
	right := []bool{false}
	for _, c := range peerCols[1:] {
		head = append(head, c.head)
		right = append(right, true)
	}
	m.table(head, right, peerRows(r))
	if notes := present.PeerNotes(p); len(notes) > 0 {
		m.para(strings.Join(notes, " "))
	}
}

func mdChange(m mdOut, c *assessment.Comparison, title string) {
	m.heading(title)
	rows, groups := changeRows(c)
	for i := range rows {
		switch groups[i] {
		case "Engineering work done by":
			rows[i][0] = "Engineering work: " + rows[i][0]
		case present.GroupWorkload:
			rows[i][0] = present.GroupWorkload + ": " + rows[i][0]
		}
	}
	m.table([]string{"Figure", "Then", "Now", "Change"}, []bool{false, true, true, true}, rows)
	if bc := present.BankChange(c); bc != "" {
		m.para(text(bc))
		for _, l := range []struct {
			intro string
			fs    []present.BankFunction
		}{{present.AddedIntro(c), present.Added(c)}, {present.RemovedIntro(c), present.Removed(c)}} {
			if len(l.fs) == 0 {
				continue
			}
			items := []string{text(l.intro), ""}
			for _, f := range l.fs {
				items = append(items, "- "+text(f.Title)+" ("+f.Severity+")")
			}
			m.para(strings.Join(items, "\n"))
		}
	}
	if len(c.Changed) == 0 {
		m.para("No function changed hands.")
	} else {
		m.para(present.ChangedIntro(len(c.Changed)))
		var changed [][]string
		for _, ch := range present.ChangedRows(c) {
			changed = append(changed, []string{mdEscaper.Replace(ch.Title), ch.Severity, ch.From, ch.To})
		}
		m.table([]string{"Function", "Severity", "From", "To"}, nil, changed)
	}
	if es := present.EstimateRows(c); len(es) > 0 {
		m.para(present.EstimatesIntro(len(es)))
		var rows [][]string
		for _, e := range es {
			rows = append(rows, []string{mdEscaper.Replace(e.Title), e.From, e.To})
		}
		m.table([]string{"Function", "From", "To"}, []bool{false, true, true}, rows)
	}
}

// mdWorkload is the workload section, when any answer carries an estimate.
func mdWorkload(m mdOut, r *assessment.Report) {
	w := present.Workload(r)
	if w == nil {
		return
	}
	m.heading(present.WorkloadTitle)
	for _, l := range w.Lines {
		m.para(text(l))
	}
	if w.Partial != "" {
		m.para("*" + text(w.Partial) + "*")
	}
	var rows [][]string
	for _, row := range w.Rows {
		label := row.Label
		if row.Sub {
			label = "— " + label
		}
		rows = append(rows, []string{cell(label), row.Engineering, row.Operations})
	}
	m.table([]string{"Figure", present.WorkloadColumns[0], present.WorkloadColumns[1]}, []bool{false, true, true}, rows)
	m.para(text(w.Assumption))
}
