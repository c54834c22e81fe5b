package report

import (
	"bytes"
	"fmt"
	"math"
	"strings"

	"cebalance/assessment"
	"cebalance/questions"
)

// textOut writes the plain-text form: no color, no line over maxWidth runes.
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
	t.line(strings.Repeat("-", runes(s)))
}

// joinFit joins parts with sep into lines of at most width runes, breaking only
// between parts.
func joinFit(parts []string, sep string, width int) []string {
	var lines []string
	cur := ""
	for _, p := range parts {
		switch {
		case cur == "":
			cur = p
		case runes(cur)+runes(sep)+runes(p) > width:
			lines = append(lines, cur)
			cur = p
		default:
			cur += sep + p
		}
	}
	var out []string
	for _, l := range append(lines, cur) {
		out = append(out, wrap(l, width, "", "  ")...)
	}
	return out
}

func isDraft(r *assessment.Report) bool {
	return r.Provisional || r.Assessment.Status != assessment.Completed
}

func orgName(o assessment.Organization) string {
	n := clean(o.Name)
	if n == "" {
		n = clean(o.ID)
	}
	if o.Demo {
		n += " (demo data)"
	}
	return n
}

// statusParts are "Assessment 3 · completed 2025-03-14 · question bank default v1", or
// the draft equivalent, to be joined with " · ".
func statusParts(r *assessment.Report) []string {
	info := r.Assessment
	parts := []string{fmt.Sprintf("Assessment %d", info.Number)}
	if isDraft(r) {
		parts = append(parts, fmt.Sprintf("DRAFT — provisional, %d of %d answered", r.Answered, r.Total))
		if !info.StartedAt.IsZero() {
			parts = append(parts, "started "+date(&info.StartedAt))
		}
	} else {
		parts = append(parts, "completed "+date(info.CompletedAt))
	}
	if info.Bank.ID != "" {
		parts = append(parts, "question bank "+clean(info.Bank.String()))
	}
	return parts
}

// headline is "Balance index 71.3 / 100 — Mostly balanced".
func headline(r *assessment.Report) string {
	s := "Balance index not scored yet"
	if r.BalanceIndex != nil {
		s = "Balance index " + index(r.BalanceIndex) + " / 100"
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

	textKinds(t, r)
	textDomains(t, r)
	textGaps(t, r, a)
	textStaffing(t, r.Staffing)
	textPeers(t, r)
	if c := r.Change; c != nil {
		textChange(t, c, fmt.Sprintf("Since assessment %d (%s)", c.From.Number, date(c.From.CompletedAt)))
	}
}

func answeredOf(s assessment.Section) string { return fmt.Sprintf("%d/%d", s.Answered, s.Total) }

// shareCells are a section's shares as whole percents, or dashes when nothing in it is
// answered.
func shareCells(s assessment.Section) []string {
	out := make([]string, questions.NumPerformers)
	for i, v := range s.Shares {
		if s.Index == nil {
			out[i] = dash
		} else {
			out[i] = pct(v)
		}
	}
	return out
}

func absorbedLine(r *assessment.Report) string {
	if r.Engineering.Index == nil {
		return "Absorbed: " + dash + " (no engineering function answered yet)."
	}
	return "Absorbed: " + pct(r.Absorbed) + " of engineering work is done by BMETs or IT."
}

func textKinds(t textOut, r *assessment.Report) {
	t.heading("Engineering vs operations")
	kinds := []struct {
		name string
		s    assessment.Section
	}{{"Engineering", r.Engineering}, {"Operations", r.Operations}}

	var rows [][]string
	for _, k := range kinds {
		rows = append(rows, []string{k.name, index(k.s.Index), pctOf(k.s.Coverage), answeredOf(k.s)})
	}
	t.lines(table("", []column{{"", false}, {"Index", true}, {"Coverage", true}, {"Answered", true}}, rows))

	t.blank()
	t.line("Who does the work (share of the answered functions, by weight):")
	const lead = 13
	for _, k := range kinds {
		if k.s.Index == nil {
			t.line(pad(k.name, lead, false) + "(nothing answered)")
			continue
		}
		t.line(pad(k.name, lead, false) + "[" + bar(k.s.Shares, barWidth) + "]")
	}
	t.line(strings.Repeat(" ", lead+1) + legend())

	t.blank()
	cols := []column{{"", false}}
	for _, p := range questions.Performers {
		cols = append(cols, column{p.Short(), true})
	}
	rows = rows[:0]
	for _, k := range kinds {
		rows = append(rows, append([]string{k.name}, shareCells(k.s)...))
	}
	t.lines(table("", cols, rows))

	t.blank()
	t.para(absorbedLine(r), "")
}

func textDomains(t textOut, r *assessment.Report) {
	t.heading("Domains")
	if len(r.Domains) == 0 {
		t.line("The question bank has no domains.")
		return
	}
	var rows [][]string
	for _, d := range r.Domains {
		rows = append(rows, []string{clean(d.Name), answeredOf(d), index(d.Index), pctOf(d.Coverage)})
	}
	t.lines(table("", []column{{"Domain", false}, {"Answered", true}, {"Index", true}, {"Coverage", true}}, rows))
}

// gapLine is "[critical] Recall management — Nobody — not done".
func gapLine(g assessment.Gap) string {
	return "[" + severity(g.Weight) + "] " + clean(g.Title) + " — " + g.Performer.Label()
}

func gapsSummary(r *assessment.Report) string {
	var s string
	switch n, c := len(r.Gaps), r.CriticalGaps; {
	case n == 1 && c == 1:
		s = "1 critical gap"
	case n == 1:
		s = "1 gap, not critical"
	case c == 0:
		s = fmt.Sprintf("%d gaps, none critical", n)
	case c == n:
		s = fmt.Sprintf("%d gaps, all critical", n)
	default:
		s = fmt.Sprintf("%d gaps, %d critical (listed first)", n, c)
	}
	return s + ". A gap is a function that nobody does, or that nobody knows who does."
}

func noteOf(a *assessment.Assessment, function string) string {
	if a == nil {
		return ""
	}
	return clean(a.Answers[function].Note)
}

func textGaps(t textOut, r *assessment.Report, a *assessment.Assessment) {
	t.heading("Gaps")
	if len(r.Gaps) == 0 {
		t.line("No gaps.")
		return
	}
	t.para(gapsSummary(r), "")
	for _, g := range r.Gaps {
		t.blank()
		t.lines(wrap(gapLine(g), maxWidth, "", "    "))
		t.para(clean(g.Recommendation), "    ")
		if note := noteOf(a, g.Function); note != "" {
			t.para("Your note: "+note, "    ")
		}
	}
}

// staffingRow is one ratio of the staffing figures, with the reference it is compared
// with.
type staffingRow struct {
	key   string
	label string
	value string // formatted, "—" when null
	why   string // why it is null
}

func staffingRows(s assessment.Staffing) []staffingRow {
	rows := []staffingRow{
		{key: "fte_per_100_beds", label: "HTM FTE per 100 beds", value: ratio(s.FTEPer100Beds)},
		{key: "devices_per_bmet", label: "Devices per BMET", value: devicesPer(s.DevicesPerBMET)},
		{key: "bmet_per_ce", label: "BMETs per CE", value: ratio(s.BMETPerCE)},
		{key: "ce_share_of_staff", label: "CE share of staff", value: pctOf(s.CEShareOfStaff)},
	}
	for i := range rows {
		r := &rows[i]
		if r.value != dash {
			continue
		}
		switch r.key {
		case "fte_per_100_beds":
			r.why = "beds not known"
		case "devices_per_bmet":
			if s.Devices == 0 {
				r.why = "devices not known"
			} else {
				r.why = "no BMETs"
			}
		case "bmet_per_ce":
			r.why = "no CEs"
		case "ce_share_of_staff":
			r.why = "no HTM staff"
		}
	}
	return rows
}

func bandLine(s assessment.Staffing) string {
	t := "not teaching"
	if s.Teaching {
		t = "teaching"
	}
	return s.SizeBand.Describe() + ", " + t
}

func staffLine(s assessment.Staffing) string {
	return fmt.Sprintf("CE %s · BMET %s · manager %s · total %s",
		fte(s.CEFTE), fte(s.BMETFTE), fte(s.ManagerFTE), fte(s.CEFTE+s.BMETFTE+s.ManagerFTE))
}

func devicesLine(s assessment.Staffing) string {
	if s.Devices == 0 {
		return "not known"
	}
	return whole(s.Devices)
}

func referenceLabel() string {
	return "Reference figures: each is a " + assessment.ReferenceLabel + "."
}

func textStaffing(t textOut, s assessment.Staffing) {
	t.heading("Staffing")
	t.lines(table("", []column{{"", false}, {"", false}}, [][]string{
		{"Size band", bandLine(s)},
		{"Staffed beds", whole(s.Beds)},
		{"HTM staff (FTE)", staffLine(s)},
		{"IT for devices", fte(s.ITFTE) + " FTE"},
		{"Devices", devicesLine(s)},
	}))

	t.blank()
	var rows [][]string
	var sources []string
	for _, sr := range staffingRows(s) {
		ref, _ := assessment.ReferenceFor(sr.key)
		n := len(sources) + 1
		sources = append(sources, fmt.Sprintf("[%d] %s", n, ref.Source))
		rows = append(rows, []string{sr.label, sr.value, fmt.Sprintf("%s [%d]", ref.Text, n)})
		if sr.why != "" {
			// Under the label rather than beside the value, so the reference keeps
			// its line.
			rows = append(rows, []string{"  (" + sr.why + ")", "", ""})
		}
	}
	t.lines(table("", []column{{"", false}, {"Yours", true}, {"Reference", false}}, rows))

	t.blank()
	t.para(referenceLabel(), "")
	for _, src := range sources {
		t.lines(wrap(src, proseWide, "", "    "))
	}
	t.blank()
	t.para(assessment.NoCEBenchmark, "")
}

// peerRows are the figures of the peer benchmark: name, the published 25th percentile,
// median and 75th percentile as formatted cells (a dash where not published), and this
// organization's own figure.
func peerRows(r *assessment.Report) [][]string {
	p := r.Peers
	q := func(x *assessment.Figure, f func(*float64) string) []string {
		if x == nil {
			return []string{dash, dash, dash}
		}
		return []string{f(x.P25), f(&x.Median), f(x.P75)}
	}
	var ceShare *float64
	if r.Engineering.Index != nil {
		v := r.Engineering.Shares.Of(assessment.CE)
		ceShare = &v
	}
	bmetLabel := "BMETs per CE"
	var bmet *assessment.Figure
	if p.BMETPerCE != nil && p.BMETPerCE.Figure != nil {
		bmetLabel = fmt.Sprintf("BMETs per CE (n = %d)", p.BMETPerCE.N)
		bmet = p.BMETPerCE.Figure
	}
	return [][]string{
		append(append([]string{"Balance index"}, q(p.BalanceIndex, index)...), index(r.BalanceIndex)),
		append(append([]string{"Engineering index"}, q(p.EngineeringIndex, index)...), index(r.EngineeringIndex)),
		append(append([]string{"CE share of engineering work"}, q(p.CEEngineeringShare, pctOf)...), pctOf(ceShare)),
		append(append([]string{bmetLabel}, q(bmet, ratio)...), ratio(r.Staffing.BMETPerCE)),
	}
}

func peersIntro(p assessment.PeerBenchmark) string {
	shown := "Only the median is shown (quartiles from 10 peers)"
	if p.Quartiles() {
		shown = "Only quartiles are shown"
	}
	s := fmt.Sprintf("%d peers in the %s band, benchmark of %s: the latest completed assessment of each organization of this size that you cannot see yourself. %s, rounded, never a single peer.",
		p.N, p.SizeBand.Describe(), date(p.AsOf), shown)
	if p.Outside > 0 {
		s += fmt.Sprintf(" %d of them came from outside this server.", p.Outside)
	}
	if p.Demo {
		s += " Demo data: compared only with other demo data."
	}
	return s
}

// notEnoughPeers says why no figure is shown: a draft, or fewer than MinPeers peers (no
// count: a count below the threshold is itself a figure about few organizations).
func notEnoughPeers(p assessment.PeerBenchmark) string {
	if p.Pending != "" {
		return "No peers for a draft: " + p.Pending + "."
	}
	return fmt.Sprintf("Fewer than %d peers in this band (%s). The benchmark appears once %d organizations of this size that you cannot see yourself have completed an assessment.",
		assessment.MinPeers, p.SizeBand.Describe(), assessment.MinPeers)
}

func peerNotes(p assessment.PeerBenchmark) []string {
	var out []string
	if p.BMETPerCE != nil && p.BMETPerCE.Figure == nil {
		out = append(out, fmt.Sprintf("BMETs per CE: fewer than %d peers have clinical engineers, too few to show.", assessment.MinPeers))
	}
	if p.NoCEShare != nil {
		v := *p.NoCEShare
		out = append(out, fmt.Sprintf("About %s of them have no clinical engineer.", pctOf(&v)))
	}
	return out
}

var peerCols = []column{{"", false}, {"25th pct", true}, {"Median", true}, {"75th pct", true}, {"Yours", true}}

func textPeers(t textOut, r *assessment.Report) {
	t.heading("Peers")
	p := r.Peers
	if !p.Enough() {
		t.para(notEnoughPeers(p), "")
		return
	}
	t.para(peersIntro(p), "")
	t.blank()
	t.lines(table("", peerCols, peerRows(r)))
	t.blank()
	for _, n := range peerNotes(p) {
		t.para(n, "")
	}
}

// changeRows are the figures of a comparison: then, now and the change. The change is
// that of the figures as shown, rounded, so that the columns add up on paper. Each row
// has a group ("" for the indexes) for the text form's sub-headings.
func changeRows(c *assessment.Comparison) (rows [][]string, groups []string) {
	add := func(group string, row ...string) {
		rows = append(rows, row)
		groups = append(groups, group)
	}
	idx := func(name string, d assessment.Delta) {
		add("", name, index(d.From), index(d.To), shownChange(d.From, d.To))
	}
	idx("Balance index", c.BalanceIndex)
	idx("Engineering index", c.EngineeringIndex)
	idx("Operations index", c.OperationsIndex)
	for i, d := range c.EngineeringShare {
		if d.From == nil || d.To == nil || percent(*d.To) == percent(*d.From) {
			continue
		}
		add("Engineering work done by", questions.Performers[i].Short(), pctOf(d.From), pctOf(d.To),
			signedPts(percent(*d.To)-percent(*d.From)))
	}
	then, now := c.StaffingThen, c.StaffingNow
	fteRow := func(name string, a, b float64) {
		ch := ""
		if a != b {
			ch = signedFTE(b - a)
		}
		add("Staffing", name, fte(a), fte(b), ch)
	}
	fteRow("CE FTE", then.CEFTE, now.CEFTE)
	fteRow("BMET FTE", then.BMETFTE, now.BMETFTE)
	add("Staffing", "HTM FTE per 100 beds", ratio(then.FTEPer100Beds), ratio(now.FTEPer100Beds), shownChange(then.FTEPer100Beds, now.FTEPer100Beds))
	add("Staffing", "BMETs per CE", ratio(then.BMETPerCE), ratio(now.BMETPerCE), shownChange(then.BMETPerCE, now.BMETPerCE))
	return rows, groups
}

// shownChange is the change between two figures as shown with one decimal, or "" when
// either is missing.
func shownChange(from, to *float64) string {
	if from == nil || to == nil {
		return ""
	}
	return signed(round1(*to) - round1(*from))
}

// signedFTE formats a change of FTEs: +1, -0.5. It rounds to hundredths, so that
// 2.3 − 2.2 shows as 0.1 and not as a float's remainder.
func signedFTE(v float64) string {
	v = math.Round(v*100)/100 + 0
	s := fte(v)
	if v > 0 {
		return "+" + s
	}
	return s
}

var changeCols = []column{{"", false}, {"Then", true}, {"Now", true}, {"Change", true}}

// changedLine is "Recall management: Nobody → CE".
func changedLine(ch assessment.Change) string {
	return clean(ch.Title) + ": " + performerName(ch.From) + " → " + performerName(ch.To)
}

func changedIntro(n int) string {
	if n == 1 {
		return "1 function changed hands (most important first):"
	}
	return fmt.Sprintf("%d functions changed hands (most important first):", n)
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
	t.blank()
	if len(c.Changed) == 0 {
		t.line("No function changed hands.")
		return
	}
	t.line(changedIntro(len(c.Changed)))
	for _, ch := range c.Changed {
		t.lines(wrap(changedLine(ch), maxWidth, "  ", "    "))
	}
}
