package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
	"cebalance/store"
)

// scorecardModel shows the balance scorecard of one assessment: the balance
// index and verdict first, then who does the work, the domains, the gaps, staffing
// beside the reference figures, the peers and the change since the previous assessment.
// The page is rendered when the report arrives or the width changes, never in View.
type scorecardModel struct {
	noInput
	styles *styles
	keys   scorecardKeys

	org    store.Organization
	report *assessment.Report
	a      *assessment.Assessment // for the notes on gaps
	page   page
	header string
	// sections are the first lines of the page's sections, for [, ] and 1–9.
	sections []int

	width, height int
	renderedW     int

	packet packetOptions
	notice string // what the packet key did, until the next key
}

// packetOptions are how the packet key gets the committee packet to the director.
type packetOptions struct {
	write   func(orgID string, number int) (string, error)
	remote  bool
	command string
}

// packetMsg reports the packet file written, or why not.
type packetMsg struct {
	path string
	err  error
}

// packetNotice says where the packet is or how to get it; a returned command writes it.
func (m *scorecardModel) packetNotice() (string, tea.Cmd) {
	n := m.report.Assessment.Number
	if m.packet.remote || m.packet.write == nil {
		host := m.packet.command
		if host == "" {
			host = "cebalance"
		}
		return fmt.Sprintf("Committee packet (HTML): on your computer, run\n  %s report --org %s --assessment %d --format html > packet.html\nthen open packet.html in a browser; it prints on A4 and Letter.",
			host, m.org.ID, n), nil
	}
	write, org := m.packet.write, m.org.ID
	return "Writing the committee packet…", func() tea.Msg {
		path, err := write(org, n)
		return packetMsg{path, err}
	}
}

func newScorecard(s *styles, packet packetOptions) *scorecardModel {
	return &scorecardModel{styles: s, keys: newScorecardKeys(), packet: packet}
}

func (m *scorecardModel) id() screenID { return screenScorecard }

func (m *scorecardModel) set(org store.Organization, d *scored) {
	m.org, m.report, m.a = org, d.report, d.a
	m.notice = ""
	m.page = newPage()
	m.page.setSize(m.width, m.height-2)
	m.renderedW = 0
	m.render()
}

func (m *scorecardModel) setSize(w, h int) {
	if m.width == w && m.height == h {
		return
	}
	m.width, m.height = w, h
	m.page.setSize(w, h-1-len(m.noticeLines()))
	m.render()
}

// noticeLines are the lines above the page: the notice, wrapped, or the position.
func (m *scorecardModel) noticeLines() []string {
	if m.notice == "" {
		return []string{""}
	}
	var out []string
	for _, para := range strings.Split(m.notice, "\n") {
		ind := para[:len(para)-len(strings.TrimLeft(para, " "))]
		for _, l := range wrap(strings.TrimLeft(para, " "), max(m.width-2-len(ind), 20)) {
			out = append(out, ind+l)
		}
	}
	return out
}

func (m *scorecardModel) setNotice(s string) {
	m.notice = s
	m.page.setSize(m.width, m.height-1-len(m.noticeLines()))
}

// render lays the report out for the current width.
func (m *scorecardModel) render() {
	if m.report == nil || m.width == 0 || m.renderedW == m.width {
		return
	}
	m.renderedW = m.width
	r := m.report
	s := m.styles
	what := fmt.Sprintf("Assessment #%d", r.Assessment.Number)
	m.header = s.titleBar(m.width, assessment.SanitizeNote(m.org.Name), what, "Scorecard")
	lines, sections := scorecardLines(s, r, m.a, textWidth(m.width))
	m.sections = sections
	m.page.setContent(strings.Join(lines, "\n"))
}

func (m *scorecardModel) update(msg tea.Msg) tea.Cmd {
	if r, ok := msg.(reportMsg); ok {
		m.set(r.org, r.report)
		return nil
	}
	if p, ok := msg.(packetMsg); ok {
		if p.err != nil {
			m.setNotice("Could not write the committee packet: " + p.err.Error())
		} else {
			m.setNotice("Committee packet written to " + p.path + "\nOpen it in a browser; it prints on A4 and Letter.")
		}
		return nil
	}
	if mm, ok := msg.(tea.MouseMsg); ok && m.report != nil {
		m.page.mouse(mm)
		return nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.report == nil {
		return nil
	}
	if m.notice != "" {
		m.setNotice("")
	}
	switch {
	case key.Matches(k, m.keys.Packet):
		notice, cmd := m.packetNotice()
		m.setNotice(notice)
		return cmd
	case m.page.scroll(k):
	case key.Matches(k, m.keys.NextSect):
		m.jump(+1)
	case key.Matches(k, m.keys.PrevSect):
		m.jump(-1)
	case key.Matches(k, m.keys.Section):
		if i := int(k.Runes[0] - '0'); i <= len(m.sections) {
			m.page.goTo(m.sections[i-1])
		}
	case key.Matches(k, m.keys.History):
		return emit(openHistoryMsg{m.org, false})
	case key.Matches(k, m.keys.Back):
		return emit(backMsg{})
	}
	return nil
}

// jump scrolls to the start of the next (dir +1) or previous (-1) section.
func (m *scorecardModel) jump(dir int) {
	at := m.page.offset()
	if dir > 0 {
		for _, l := range m.sections {
			if l > at {
				m.page.goTo(l)
				return
			}
		}
		return
	}
	for i := len(m.sections) - 1; i >= 0; i-- {
		if m.sections[i] < at {
			m.page.goTo(m.sections[i])
			return
		}
	}
	m.page.goTo(0)
}

func (m *scorecardModel) help() keyHelp {
	sk := m.keys
	return keyHelp{
		// Page down is in the full help and on the position line ("space for more"),
		// so that the short help keeps esc, ? and q at 80 columns.
		short: []key.Binding{sk.scroll.Scroll, sk.History, sk.Packet},
		full:  [][]key.Binding{m.page.bindings(), {sk.NextSect, sk.PrevSect, sk.Section, sk.Mouse}, {sk.History, sk.Packet}},
	}
}

func (m *scorecardModel) view() string {
	if m.report == nil {
		return ""
	}
	// The section keys are on the position line, so that the short help keeps esc, ?
	// and q at 80 columns.
	top := m.styles.muted.Render(truncate(" "+strings.TrimPrefix(m.page.position()+" · [ ] or 1–9: sections", " · "), m.width))
	if m.notice != "" {
		lines := m.noticeLines()
		for i := range lines {
			lines[i] = " " + lines[i]
		}
		top = m.styles.heading.Render(strings.Join(lines, "\n"))
	}
	return m.header + "\n" + top + "\n" + m.page.view()
}

// scorecardLines lays out the rows of the present package as lines of at most w
// columns (plus a one-column margin), and the first line of each section; a supplies
// the notes on gaps and may be nil.
func scorecardLines(s *styles, r *assessment.Report, a *assessment.Assessment, w int) (lines []string, sections []int) {
	c := &card{s: s, w: w}
	c.headline(r)
	c.kinds(r)
	c.domains(r)
	c.gaps(r, a)
	c.staffing(r)
	c.workload(r)
	c.peers(r)
	if r.Change == nil {
		c.section("CHANGE SINCE THE PREVIOUS ASSESSMENT")
		c.para("This is the first completed assessment: there is nothing to compare with yet.", s.muted.Render, " ")
	} else {
		c.section(fmt.Sprintf("CHANGE SINCE #%d (completed %s)", r.Change.From.Number, present.Date(r.Change.From.CompletedAt)))
		c.add(comparisonLines(s, *r.Change, w)...)
	}
	return c.out, c.sections
}

// card accumulates the lines of a scorecard.
type card struct {
	s        *styles
	w        int
	out      []string
	sections []int // the line of each section's heading
}

func (c *card) add(lines ...string) { c.out = append(c.out, lines...) }

func (c *card) para(text string, st func(...string) string, ind string) {
	for _, l := range wrap(text, c.w-len(ind)) {
		if st != nil {
			l = st(l)
		}
		c.add(" " + ind + l)
	}
}

func (c *card) section(title string) {
	c.add("")
	c.sections = append(c.sections, len(c.out))
	c.add(" " + c.s.heading.Render(fmt.Sprintf("%d  %s", len(c.sections), title)))
}

// headline: index and verdict, in words, in a box: the first thing a director reads.
func (c *card) headline(r *assessment.Report) {
	s, w := c.s, c.w
	when := "completed " + present.Date(r.Assessment.CompletedAt)
	if r.Assessment.Status == assessment.Draft {
		when = "draft started " + present.Date(&r.Assessment.StartedAt)
	}
	c.add(" " + s.muted.Render(fmt.Sprintf("Assessment #%d · %s · %s", r.Assessment.Number, when, r.Assessment.Bank)))
	c.add("")
	var box []string
	box = append(box, s.bold.Render("BALANCE INDEX ")+s.big.Render(present.Index(r.BalanceIndex))+s.muted.Render(" / 100")+
		"    "+s.bold.Render("VERDICT ")+s.verdict(r.Verdict).Render(strings.ToUpper(r.Verdict.Title())))
	if r.Provisional {
		for _, l := range wrap(fmt.Sprintf("PROVISIONAL — a draft with %d of %d answered: the figures cover only what is answered so far.", r.Answered, r.Total), w-4) {
			box = append(box, s.warn.Render(l))
		}
	}
	box = append(box, wrap(r.VerdictMeaning, w-4)...)
	for _, l := range strings.Split(s.box.Width(w-2).Render(strings.Join(box, "\n")), "\n") {
		c.add(" " + l)
	}
	// The findings stand beside the verdict: checks of the answers against the profile.
	for _, f := range present.Findings(r) {
		st := s.warn
		if f.Severity != string(assessment.Warning) {
			st = s.muted
		}
		lines := wrap(f.Text, w-14)
		for i, l := range lines {
			lead := strings.Repeat(" ", 10)
			if i == 0 {
				lead = st.Render(pad(strings.ToUpper(f.Severity), 9)) + " "
			}
			c.add("  " + lead + l)
		}
	}
	c.add("")
	c.para(fmt.Sprintf("Engineering index %s · Operations index %s · Engineering work absorbed by BMETs or IT: %s",
		present.Index(r.EngineeringIndex), present.Index(r.OperationsIndex), present.Absorbed(r)), nil, "")
	c.para("Index: 100 means every function is done by the people who fit it best, 0 that nothing is done. Critical functions weigh 3, important 2, others 1.", s.muted.Render, "")
}

// kinds: who does the work.
func (c *card) kinds(r *assessment.Report) {
	s, w := c.s, c.w
	c.section("WHO DOES THE WORK (share of weighted functions)")
	names := [2]string{"Engineering / management work", "Day-to-day operations work"}
	for i, k := range present.Kinds(r) {
		figures := fmt.Sprintf("index %s · coverage %s · %s answered", k.Index, k.Coverage, strings.Replace(k.Answered, "/", " of ", 1))
		if width(names[i])+3+width(figures) <= w+3 { // the line may use the margin
			c.add(" " + s.bold.Render(names[i]) + s.muted.Render(" — "+figures))
		} else { // narrow: the figures go under the name
			c.add(" "+s.bold.Render(names[i]), "   "+s.muted.Render(truncate(figures, w-2)))
		}
		if k.Empty {
			c.add("   " + s.muted.Render("nothing answered yet"))
			continue
		}
		c.add("   " + shareBar(s, k.Raw, w-4))
		var parts []string
		for j, p := range questions.Performers {
			if k.Raw[j] > 0 {
				parts = append(parts, present.Letter(j)+" "+p.Short()+" "+k.Shares[j])
			}
		}
		c.para(strings.Join(parts, " · "), nil, "  ")
	}
	// The legend lists the performers that have a share, wrapped to the width.
	line, lineW := s.muted.Render("Legend: "), 8
	sep := s.muted.Render(" · ")
	first := true
	for _, i := range present.ShareColumns(r) {
		name := legendName(questions.Performers[i])
		entryW := 2 + width(name)
		if !first && lineW+3+entryW > w-2 {
			c.add(" " + line)
			line, lineW, first = strings.Repeat(" ", 8), 8, true
		}
		if !first {
			line += sep
			lineW += 3
		}
		line += s.bar[i].Render(present.Letter(i)) + " " + name
		lineW += entryW
		first = false
	}
	if !first {
		c.add(" " + line)
	}
}

func (c *card) domains(r *assessment.Report) {
	s, w := c.s, c.w
	c.section("BY DOMAIN")
	nameW := max(16, min(36, w-32))
	c.add(" " + s.muted.Render("  "+pad("Domain", nameW)+"  "+padLeft("Index", 6)+"  "+padLeft("Coverage", 8)+"  "+padLeft("Answered", 8)))
	for _, d := range present.Domains(r) {
		c.add("   " + pad(d.Name, nameW) + "  " + padLeft(d.Index, 6) + "  " + padLeft(d.Coverage, 8) + "  " + padLeft(d.Answered, 8))
	}
}

func (c *card) gaps(r *assessment.Report, a *assessment.Assessment) {
	s, w := c.s, c.w
	c.section(fmt.Sprintf("GAPS (%d, %d critical)", len(r.Gaps), r.CriticalGaps))
	if len(r.Gaps) == 0 {
		c.para("No gaps: every answered function has an owner.", s.ok.Render, " ")
	}
	for _, g := range present.Gaps(r, a) {
		st := s.warn
		if g.Critical {
			st = s.bad
		}
		who := " — " + g.Performer
		c.add("   " + st.Render(pad(strings.ToUpper(g.Severity), 9)) + " " + s.bold.Render(truncate(g.Title, max(10, w-12-width(who)))) +
			s.muted.Render(who))
		c.para(g.Recommendation, nil, strings.Repeat(" ", 12))
		if g.Note != "" {
			c.para("Your note: "+g.Note, s.muted.Render, strings.Repeat(" ", 12))
		}
	}
}

// staffing: the profile and the ratios beside the references.
func (c *card) staffing(r *assessment.Report) {
	s, w := c.s, c.w
	st := r.Staffing
	teaching := "not teaching"
	if st.Teaching {
		teaching = "teaching"
	}
	c.section("STAFFING")
	c.para(fmt.Sprintf("%s · %s staffed beds · %s", st.SizeBand.Describe(), present.Thousands(st.Beds), teaching), nil, " ")
	devices := "devices not known"
	if st.Devices > 0 {
		devices = present.Thousands(st.Devices) + " devices"
	}
	c.para(fmt.Sprintf("FTE: clinical engineers %s · BMETs %s · managers %s · IT for devices %s · %s",
		present.FTE(st.CEFTE), present.FTE(st.BMETFTE), present.FTE(st.ManagerFTE), present.FTE(st.ITFTE), devices), nil, " ")
	figW := max(20, min(32, w-40))
	c.add("")
	c.add(" " + s.muted.Render("  "+pad("Figure", figW)+"  "+padLeft("Yours", 8)+"  Reference"))
	for _, row := range present.StaffingRows(st) {
		c.add("   " + pad(row.Label, figW) + "  " + padLeft(row.Value, 8) + "  " + truncate(row.Reference, max(10, w-figW-14)))
		if row.WhyEmpty != "" {
			c.para("("+row.WhyEmpty+")", s.muted.Render, strings.Repeat(" ", 4))
		}
	}
	c.add("")
	c.para("Reference figures — each a "+assessment.ReferenceLabel+":", s.muted.Render, " ")
	for _, ref := range present.References(st) {
		c.para(ref.Title(), s.bold.Render, "  ")
		for _, l := range ref.Lines() {
			c.para(l, s.muted.Render, "    ")
		}
	}
	c.para(assessment.NoCEBenchmark, s.muted.Render, " ")
}

// workload: the estimate of hours turned into FTE beside the staff, when any answer
// carries one (present.Workload).
func (c *card) workload(r *assessment.Report) {
	wl := present.Workload(r)
	if wl == nil {
		return
	}
	s, w := c.s, c.w
	c.section(strings.ToUpper(present.WorkloadTitle))
	for _, l := range wl.Lines {
		c.para(l, nil, " ")
	}
	if wl.Partial != "" {
		c.para(wl.Partial, s.warn.Render, " ")
	}
	figW := max(20, min(34, w-28))
	c.add("")
	c.add(" " + s.muted.Render("  "+pad("Figure", figW)+"  "+padLeft(present.WorkloadColumns[0], 11)+"  "+padLeft(present.WorkloadColumns[1], 11)))
	for _, row := range wl.Rows {
		label := row.Label
		if row.Sub {
			label = "  " + label
		}
		c.add("   " + pad(label, figW) + "  " + padLeft(row.Engineering, 11) + "  " + padLeft(row.Operations, 11))
	}
	c.add("")
	c.para(wl.Assumption, s.muted.Render, " ")
}

func (c *card) peers(r *assessment.Report) {
	s, w := c.s, c.w
	figW := max(20, min(32, w-40))
	c.section("PEERS — " + strings.ToUpper(r.Peers.SizeBand.Describe()))
	if !r.Peers.Enough() {
		c.para(present.NotEnoughPeers(r.Peers), nil, " ")
		return
	}
	c.para(present.PeersIntro(r.Peers), s.muted.Render, " ")
	c.add(" " + s.muted.Render(fmt.Sprintf("  %s  %8s  %8s  %8s  %8s", pad("Figure", figW), "25th pct", "median", "75th pct", "yours")))
	for _, p := range present.Peers(r) {
		lead := "   " + pad(p.Label, figW) + "  "
		if !p.Shown {
			c.add(lead + s.muted.Render("too few values to show"))
			continue
		}
		c.add(lead + padLeft(p.P25, 8) + "  " + padLeft(p.Median, 8) + "  " + padLeft(p.P75, 8) + "  " + padLeft(p.Yours, 8))
	}
	for _, n := range present.PeerNotes(r.Peers) {
		c.para(n, nil, " ")
	}
}

// legendName is a performer's name in the legend.
func legendName(p questions.Performer) string {
	switch p {
	case assessment.CE:
		return "clinical engineer"
	case assessment.Manager:
		return "HTM manager"
	case assessment.Vendor:
		return "vendor"
	case assessment.Nobody:
		return "nobody"
	case assessment.Unsure:
		return "don't know"
	}
	return p.Short()
}

// shareBar draws shares as w cells, each performer in its color and with its letter,
// so the bar reads in monochrome too; present.Bar allocates the cells.
func shareBar(s *styles, sh assessment.Shares, w int) string {
	w = max(w, questions.NumPerformers)
	cells := present.Bar(sh, w)
	if cells == [questions.NumPerformers]int{} {
		return strings.Repeat("·", w)
	}
	var b strings.Builder
	for i, n := range cells {
		if n > 0 {
			b.WriteString(s.bar[i].Render(strings.Repeat(present.Letter(i), n)))
		}
	}
	return b.String()
}
