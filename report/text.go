package report

import (
	"bytes"
	"fmt"
	"strings"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
)

// textOut writes the plain-text form: no color, no line over maxWidth display cells.
type textOut struct{ b *bytes.Buffer }

func (t textOut) line(s string) {
	t.b.WriteString(s)
	t.b.WriteByte('\n')
}

func (t textOut) lines(ls []string) {
	for _, l := range ls {
		t.line(l)
	}
}

func (t textOut) blank() { t.b.WriteByte('\n') }

// para writes s wrapped at proseWide, every line starting with indent.
func (t textOut) para(s, indent string) { t.lines(wrap(s, proseWide, indent, indent)) }

// heading starts a section: a blank line, the title and a rule under it.
func (t textOut) heading(s string) {
	t.blank()
	t.line(s)
	t.line(strings.Repeat("-", width(s)))
}

// joinFit joins parts with sep into lines of at most w display cells, breaking only
// between parts (fitParts); a part longer than a line is wrapped.
func joinFit(parts []string, sep string, w int) []string {
	var out []string
	for _, l := range fitParts(parts, sep, w) {
		out = append(out, wrap(l, w, "", "  ")...)
	}
	return out
}

// fitParts joins short parts with sep into lines of at most w display cells, breaking
// only between parts and keeping sep as it is (wrap would collapse its spaces).
func fitParts(parts []string, sep string, w int) []string {
	var lines []string
	cur := ""
	for _, p := range parts {
		switch {
		case cur == "":
			cur = p
		case width(cur)+width(sep)+width(p) > w:
			lines = append(lines, cur)
			cur = p
		default:
			cur += sep + p
		}
	}
	return append(lines, cur)
}

func isDraft(r *assessment.Report) bool { return present.IsDraft(r) }

func orgName(o assessment.Organization) string { return present.OrgName(o) }

func statusParts(r *assessment.Report) []string { return present.Status(r) }

// headline is "Balance index 71.3 / 100 — Mostly balanced".
func headline(r *assessment.Report) string {
	s := "Balance index not scored yet"
	if r.BalanceIndex != nil {
		s = "Balance index " + present.Index(r.BalanceIndex) + " / 100"
	}
	s += " — " + r.Verdict.Title()
	if isDraft(r) && r.Answered > 0 {
		s += " (provisional)"
	}
	return s
}

func meaning(r *assessment.Report) string {
	if m := r.Verdict.Meaning(); m != "" {
		return m
	}
	return clean(r.VerdictMeaning)
}

func draftNote(r *assessment.Report) string {
	return fmt.Sprintf("This is a draft: the figures cover the %d functions answered so far and will change as the other %d are answered.", r.Answered, r.Total-r.Answered)
}

func writeText(buf *bytes.Buffer, r *assessment.Report, a *assessment.Assessment) {
	t := textOut{buf}

	t.lines(wrap(orgName(r.Organization), maxWidth, "", ""))
	t.line("Clinical engineering balance scorecard")
	t.lines(joinFit(statusParts(r), " · ", maxWidth))
	t.line(strings.Repeat("=", proseWide))

	t.blank()
	t.lines(wrap(headline(r), maxWidth, "", ""))
	t.blank()
	t.para(meaning(r), "")
	if isDraft(r) {
		t.blank()
		t.para(draftNote(r), "")
	}

	textFindings(t, r)
	textKinds(t, r)
	textDomains(t, r)
	textGaps(t, r, a)
	textStaffing(t, r.Staffing)
	textWorkload(t, r)
	textPeers(t, r)
	if c := r.Change; c != nil {
		textChange(t, c, present.Since(c))
	}
}

func absorbedLine(r *assessment.Report) string {
	if r.Engineering.Index == nil {
		return "Absorbed: " + dash + " (no engineering function answered yet)."
	}
	return "Absorbed: " + present.Absorbed(r) + " of engineering work is done by BMETs or IT."
}

func textKinds(t textOut, r *assessment.Report) {
	t.heading("Engineering vs operations")
	kinds := present.Kinds(r)
	var rows [][]string
	for _, k := range kinds {
		rows = append(rows, []string{k.Name, k.Index, k.Coverage, k.Answered})
	}
	t.lines(table("", []column{{"", false}, {"Index", true}, {"Coverage", true}, {"Answered", true}}, rows))

	t.blank()
	t.line("Who does the work (share of the answered functions, by weight):")
	const lead = 13
	for _, k := range kinds {
		if k.Empty {
			t.line(pad(k.Name, lead, false) + "(nothing answered)")
			continue
		}
		t.line(pad(k.Name, lead, false) + "[" + bar(k.Raw, barWidth) + "]")
	}
	if l := legend(r); len(l) > 0 {
		ind := strings.Repeat(" ", lead+1)
		for _, line := range fitParts(l, "  ", maxWidth-lead-1) {
			t.line(ind + line)
		}
	}
	if cols := present.ShareColumns(r); len(cols) > 0 {
		t.blank()
		t.lines(shareTables(kinds, cols))
	}

	t.blank()
	t.para(absorbedLine(r), "")
}

// shareTables lays out the share of each performer in cols, one column each, as one
// table, or as several stacked tables when the columns do not fit in maxWidth cells.
func shareTables(kinds []present.Kind, cols []int) []string {
	name := 0
	for _, k := range kinds {
		name = max(name, width(k.Name))
	}
	colWidth := func(i int) int {
		w := width(questions.Performers[i].Short())
		for _, k := range kinds {
			w = max(w, width(k.Shares[i]))
		}
		return w
	}
	var out []string
	for len(cols) > 0 {
		n, used := 0, name
		for n < len(cols) && (n == 0 || used+2+colWidth(cols[n]) <= maxWidth) {
			used += 2 + colWidth(cols[n])
			n++
		}
		tc := []column{{"", false}}
		for _, i := range cols[:n] {
			tc = append(tc, column{questions.Performers[i].Short(), true})
		}
		var rows [][]string
		for _, k := range kinds {
			row := []string{k.Name}
			for _, i := range cols[:n] {
				row = append(row, k.Shares[i])
			}
			rows = append(rows, row)
		}
		if len(out) > 0 {
			out = append(out, "")
		}
		out = append(out, table("", tc, rows)...)
		cols = cols[n:]
	}
	return out
}

// textFindings lists the findings beside the verdict: consistency checks between the
// answers and the profile.
func textFindings(t textOut, r *assessment.Report) {
	fs := present.Findings(r)
	if len(fs) == 0 {
		return
	}
	t.blank()
	t.line(present.FindingsTitle + ":")
	for _, f := range fs {
		t.lines(wrap("["+f.Severity+"] "+f.Text, proseWide, "  ", "    "))
	}
}

func textDomains(t textOut, r *assessment.Report) {
	t.heading("Domains")
	if len(r.Domains) == 0 {
		t.line("The question bank has no domains.")
		return
	}
	var rows [][]string
	for _, d := range present.Domains(r) {
		rows = append(rows, []string{d.Name, d.Answered, d.Index, d.Coverage})
	}
	t.lines(table("", []column{{"Domain", false}, {"Answered", true}, {"Index", true}, {"Coverage", true}}, rows))
}

// gapLine is "[critical] Recall management — Nobody — not done".
func gapLine(g present.Gap) string {
	return "[" + g.Severity + "] " + g.Title + " — " + g.Performer
}

func textGaps(t textOut, r *assessment.Report, a *assessment.Assessment) {
	t.heading("Gaps")
	if len(r.Gaps) == 0 {
		t.line("No gaps.")
		return
	}
	t.para(present.GapsSummary(r), "")
	for _, g := range present.Gaps(r, a) {
		t.blank()
		t.lines(wrap(gapLine(g), maxWidth, "", "    "))
		t.para(g.Recommendation, "    ")
		if g.Note != "" {
			t.para("Your note: "+g.Note, "    ")
		}
	}
}

func referenceLabel() string {
	return "Reference figures: each is a " + assessment.ReferenceLabel + "."
}

func profileRows(s assessment.Staffing) [][]string {
	var rows [][]string
	for _, p := range present.Profile(s) {
		rows = append(rows, []string{p[0], p[1]})
	}
	return rows
}

func textStaffing(t textOut, s assessment.Staffing) {
	t.heading("Staffing")
	t.lines(table("", []column{{"", false}, {"", false}}, profileRows(s)))

	t.blank()
	var rows [][]string
	n := 0
	for _, sr := range present.StaffingRows(s) {
		ref := ""
		if sr.Reference != "" {
			n++
			ref = fmt.Sprintf("%s [%d]", sr.Reference, n)
		}
		rows = append(rows, []string{sr.Label, sr.Value, ref})
		if sr.WhyEmpty != "" {
			// Under the label rather than beside the value, so the reference keeps
			// its line.
			rows = append(rows, []string{"  (" + sr.WhyEmpty + ")", "", ""})
		}
	}
	t.lines(table("", []column{{"", false}, {"Yours", true}, {"Reference", false}}, rows))

	t.blank()
	t.para(referenceLabel(), "")
	for i, ref := range present.References(s) {
		t.lines(wrap(fmt.Sprintf("[%d] %s", i+1, ref.Title()), proseWide, "", "    "))
		for _, l := range ref.Lines() {
			t.lines(wrap(l, proseWide, "    ", "      "))
		}
	}
	t.blank()
	t.para(assessment.NoCEBenchmark, "")
}

// peerRows are the figures of the peer benchmark as table cells.
func peerRows(r *assessment.Report) [][]string {
	var rows [][]string
	for _, p := range present.Peers(r) {
		rows = append(rows, []string{p.Label, p.P25, p.Median, p.P75, p.Yours})
	}
	return rows
}

var peerCols = []column{{"", false}, {"25th pct", true}, {"Median", true}, {"75th pct", true}, {"Yours", true}}

func textPeers(t textOut, r *assessment.Report) {
	t.heading("Peers")
	p := r.Peers
	if !p.Enough() {
		t.para(present.NotEnoughPeers(p), "")
		return
	}
	t.para(present.PeersIntro(p), "")
	t.blank()
	t.lines(table("", peerCols, peerRows(r)))
	t.blank()
	for _, n := range present.PeerNotes(p) {
		t.para(n, "")
	}
}

// changeRows are the figures of a comparison as table cells, without the figures
// that read the same then and now in the shares (they would only repeat), with the
// group of each row for the sub-headings.
func changeRows(c *assessment.Comparison) (rows [][]string, groups []string) {
	for _, r := range present.Changes(c) {
		if r.Group == present.GroupShare && r.Same {
			continue
		}
		rows = append(rows, []string{r.Label, r.Then, r.Now, r.Change})
		groups = append(groups, r.Group)
	}
	return rows, groups
}

var changeCols = []column{{"", false}, {"Then", true}, {"Now", true}, {"Change", true}}

// changedLine is "Recall management: Nobody → CE".
func changedLine(ch present.Changed) string {
	return ch.Title + ": " + ch.From + " → " + ch.To
}

func textChange(t textOut, c *assessment.Comparison, title string) {
	t.heading(title)
	rows, groups := changeRows(c)
	var grouped [][]string
	for i, row := range rows {
		if g := groups[i]; g != "" {
			if i == 0 || groups[i-1] != g {
				grouped = append(grouped, []string{g, "", "", ""})
			}
			row = append([]string{"  " + row[0]}, row[1:]...)
		}
		grouped = append(grouped, row)
	}
	t.lines(table("", changeCols, grouped))
	if bc := present.BankChange(c); bc != "" {
		t.blank()
		t.para(bc, "")
		if added := present.Added(c); len(added) > 0 {
			t.line(present.AddedIntro(c))
			for _, f := range added {
				t.lines(wrap("["+f.Severity+"] "+f.Title, maxWidth, "  ", "    "))
			}
		}
		if removed := present.Removed(c); len(removed) > 0 {
			t.line(present.RemovedIntro(c))
			for _, f := range removed {
				t.lines(wrap("["+f.Severity+"] "+f.Title, maxWidth, "  ", "    "))
			}
		}
	}
	t.blank()
	if len(c.Changed) == 0 {
		t.line("No function changed hands.")
	} else {
		t.line(present.ChangedIntro(len(c.Changed)))
		for _, ch := range present.ChangedRows(c) {
			t.lines(wrap(changedLine(ch), maxWidth, "  ", "    "))
		}
	}
	if es := present.EstimateRows(c); len(es) > 0 {
		t.blank()
		t.line(present.EstimatesIntro(len(es)))
		for _, e := range es {
			t.lines(wrap(e.Title+": "+e.From+" → "+e.To, maxWidth, "  ", "    "))
		}
	}
}

// textWorkload is the workload section, when any answer carries an estimate.
func textWorkload(t textOut, r *assessment.Report) {
	w := present.Workload(r)
	if w == nil {
		return
	}
	t.heading(present.WorkloadTitle)
	for _, l := range w.Lines {
		t.para(l, "")
	}
	if w.Partial != "" {
		t.para(w.Partial, "")
	}
	t.blank()
	var rows [][]string
	for _, row := range w.Rows {
		label := row.Label
		if row.Sub {
			label = "  " + label
		}
		rows = append(rows, []string{label, row.Engineering, row.Operations})
	}
	t.lines(table("", []column{{"", false}, {present.WorkloadColumns[0], true}, {present.WorkloadColumns[1], true}}, rows))
	t.blank()
	t.para(w.Assumption, "")
}
