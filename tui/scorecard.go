package tui

import (
	"fmt"
	"math"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// scorecardModel shows the balance scorecard of one assessment (SPEC §4): the balance
// index and verdict first, then who does the work, the domains, the gaps, staffing
// beside the reference figures, the peers and the change since the previous assessment.
// The page is rendered when the report arrives or the width changes, never in View.
type scorecardModel struct {
	styles *styles
	keys   scorecardKeys

	org    store.Organization
	report *assessment.Report
	page   page
	header string

	width, height int
	renderedW     int
}

func (m *scorecardModel) set(s *styles, org store.Organization, r *assessment.Report) {
	m.styles, m.keys, m.org, m.report = s, newScorecardKeys(), org, r
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
	m.page.setSize(w, h-2)
	m.render()
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
	m.page.setContent(strings.Join(scorecardLines(s, r, textWidth(m.width)), "\n"))
}

func (m *scorecardModel) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.report == nil {
		return nil
	}
	switch {
	case m.page.scroll(k):
	case key.Matches(k, m.keys.History):
		return emit(openHistoryMsg{m.org, false})
	case key.Matches(k, m.keys.Back):
		return emit(backMsg{})
	}
	return nil
}

func (m *scorecardModel) help() keyHelp {
	sk := m.keys.scroll
	return keyHelp{
		short: []key.Binding{sk.Scroll, sk.PageDown, m.keys.History},
		full:  [][]key.Binding{m.page.bindings(), {m.keys.History}},
	}
}

func (m *scorecardModel) view() string {
	if m.report == nil {
		return ""
	}
	return m.header + "\n" + m.styles.muted.Render(" "+m.page.position()) + "\n" + m.page.view()
}

// scorecardLines renders a report as lines of at most w columns (plus a one-column
// margin).
func scorecardLines(s *styles, r *assessment.Report, w int) []string {
	var out []string
	add := func(lines ...string) { out = append(out, lines...) }
	para := func(text string, st func(...string) string, ind string) {
		for _, l := range wrap(text, w-len(ind)) {
			if st != nil {
				l = st(l)
			}
			add(" " + ind + l)
		}
	}
	section := func(title string) {
		add("", " "+s.heading.Render(title))
	}

	// The headline: index and verdict, in words.
	when := "completed " + fmtDatePtr(r.Assessment.CompletedAt)
	if r.Assessment.Status == assessment.Draft {
		when = "draft started " + fmtDate(r.Assessment.StartedAt)
	}
	add(" " + s.muted.Render(fmt.Sprintf("Assessment #%d · %s · %s", r.Assessment.Number, when, r.Assessment.Bank)))
	add("")
	// The headline sits in a box: the first thing a director reads.
	var box []string
	box = append(box, s.bold.Render("BALANCE INDEX ")+s.big.Render(fmtIndex(r.BalanceIndex))+s.muted.Render(" / 100")+
		"    "+s.bold.Render("VERDICT ")+s.verdict(r.Verdict).Render(strings.ToUpper(r.Verdict.Title())))
	if r.Provisional {
		for _, l := range wrap(fmt.Sprintf("PROVISIONAL — a draft with %d of %d answered: the figures cover only what is answered so far.", r.Answered, r.Total), w-4) {
			box = append(box, s.warn.Render(l))
		}
	}
	box = append(box, wrap(r.VerdictMeaning, w-4)...)
	for _, l := range strings.Split(s.box.Width(w-2).Render(strings.Join(box, "\n")), "\n") {
		add(" " + l)
	}
	add("")
	para(fmt.Sprintf("Engineering index %s · Operations index %s · Engineering work absorbed by BMETs or IT: %s",
		fmtIndex(r.EngineeringIndex), fmtIndex(r.OperationsIndex), fmtPct(r.Absorbed)), nil, "")
	para("Index: 100 means every function is done by the people who fit it best, 0 that nothing is done. Critical functions weigh 3, important 2, others 1.", s.muted.Render, "")

	// Who does the work.
	section("WHO DOES THE WORK (share of weighted functions)")
	for _, k := range []struct {
		name string
		sec  assessment.Section
	}{{"Engineering / management work", r.Engineering}, {"Day-to-day operations work", r.Operations}} {
		add(" " + s.bold.Render(k.name) + s.muted.Render(fmt.Sprintf(" — index %s · coverage %s · %d of %d answered",
			fmtIndex(k.sec.Index), fmtPctPtr(k.sec.Coverage), k.sec.Answered, k.sec.Total)))
		if k.sec.Answered == 0 {
			add("   " + s.muted.Render("nothing answered yet"))
			continue
		}
		add("   " + shareBar(s, k.sec.Shares, w-4))
		var parts []string
		for i, p := range questions.Performers {
			if v := k.sec.Shares[i]; v > 0 {
				parts = append(parts, performerLetter[i]+" "+p.Short()+" "+fmtPct(v))
			}
		}
		para(strings.Join(parts, " · "), nil, "  ")
	}
	var legend []string
	for i, p := range questions.Performers {
		legend = append(legend, s.bar[i].Render(performerLetter[i])+" "+legendName(p))
	}
	add(" " + s.muted.Render("Legend: ") + strings.Join(legend[:4], s.muted.Render(" · ")))
	add(" " + strings.Repeat(" ", 8) + strings.Join(legend[4:], s.muted.Render(" · ")))

	// Domains.
	section("BY DOMAIN")
	nameW := max(16, min(36, w-32))
	add(" " + s.muted.Render("  "+pad("Domain", nameW)+"  "+padLeft("Index", 6)+"  "+padLeft("Coverage", 8)+"  "+padLeft("Answered", 8)))
	for _, d := range r.Domains {
		add("   " + pad(assessment.SanitizeNote(d.Name), nameW) + "  " + padLeft(fmtIndex(d.Index), 6) + "  " +
			padLeft(fmtPctPtr(d.Coverage), 8) + "  " + padLeft(fmt.Sprintf("%d/%d", d.Answered, d.Total), 8))
	}

	// Gaps.
	section(fmt.Sprintf("GAPS (%d, %d critical)", len(r.Gaps), r.CriticalGaps))
	if len(r.Gaps) == 0 {
		para("No gaps: every answered function has an owner.", s.ok.Render, " ")
	}
	for _, g := range r.Gaps {
		tag := pad(strings.ToUpper(weightWord(g.Weight)), 9)
		st := s.warn
		if g.Critical() {
			st = s.bad
		}
		add("   " + st.Render(tag) + " " + s.bold.Render(truncate(assessment.SanitizeNote(g.Title), w-14)) +
			s.muted.Render(" — "+g.Performer.Label()))
		para(g.Recommendation, nil, strings.Repeat(" ", 12))
	}

	// Staffing beside the references.
	st := r.Staffing
	teaching := "not teaching"
	if st.Teaching {
		teaching = "teaching"
	}
	section("STAFFING")
	para(fmt.Sprintf("%s · %s staffed beds · %s", st.SizeBand.Describe(), fmtThousands(st.Beds), teaching), nil, " ")
	devices := "devices not known"
	if st.Devices > 0 {
		devices = fmtThousands(st.Devices) + " devices"
	}
	para(fmt.Sprintf("FTE: clinical engineers %s · BMETs %s · managers %s · IT for devices %s · %s",
		assessment.FormatFTE(st.CEFTE), assessment.FormatFTE(st.BMETFTE), assessment.FormatFTE(st.ManagerFTE),
		assessment.FormatFTE(st.ITFTE), devices), nil, " ")
	figW := max(20, min(32, w-40))
	add("")
	add(" " + s.muted.Render("  "+pad("Figure", figW)+"  "+padLeft("Yours", 8)+"  Reference"))
	for _, ref := range assessment.References {
		yours := staffingFigure(st, ref.Key)
		add("   " + pad(ref.Figure, figW) + "  " + padLeft(yours, 8) + "  " + truncate(ref.Text, max(10, w-figW-14)))
		para(assessment.ReferenceLabel+" — "+ref.Source, s.muted.Render, strings.Repeat(" ", 4))
	}
	para(assessment.NoCEBenchmark, s.muted.Render, " ")

	// Peers.
	section("PEERS — " + strings.ToUpper(r.Peers.SizeBand.Describe()))
	if !r.Peers.Enough() {
		if r.Peers.Pending != "" {
			para(r.Peers.Pending, nil, " ")
		} else {
			para(fmt.Sprintf("fewer than %d peers in this band", assessment.MinPeers), nil, " ")
			para("The benchmark appears when at least five organizations of this size that you cannot see have completed an assessment; it never shows a single peer's figures.", s.muted.Render, " ")
		}
	} else {
		para(fmt.Sprintf("%d peers · benchmark of %s · rounded", r.Peers.N, fmtDatePtr(r.Peers.AsOf)), s.muted.Render, " ")
		add(" " + s.muted.Render(fmt.Sprintf("  %s  %8s  %8s  %8s  %8s", pad("Figure", figW), "25th pct", "median", "75th pct", "yours")))
		q := func(name string, qs *assessment.Figure, yours string, f func(float64) string) {
			if qs == nil {
				add("   " + pad(name, figW) + "  " + s.muted.Render("too few values to show"))
				return
			}
			opt := func(p *float64) string {
				if p == nil {
					return "–"
				}
				return f(*p)
			}
			add("   " + pad(name, figW) + "  " + padLeft(opt(qs.P25), 8) + "  " +
				padLeft(f(qs.Median), 8) + "  " + padLeft(opt(qs.P75), 8) + "  " + padLeft(yours, 8))
		}
		whole := func(v float64) string { return fixed(v, 0) }
		half := func(v float64) string { return fixed(v, 1) }
		q("Balance index", r.Peers.BalanceIndex, fmtIndex(r.BalanceIndex), whole)
		q("Engineering index", r.Peers.EngineeringIndex, fmtIndex(r.EngineeringIndex), whole)
		q("CE share of engineering work", r.Peers.CEEngineeringShare, fmtPct(r.Engineering.Shares.Of(assessment.CE)), fmtPct)
		if b := r.Peers.BMETPerCE; b != nil {
			q("BMETs per CE", b.Figure, fmtRatio(st.BMETPerCE, 1), half)
		}
		if p := r.Peers.NoCEShare; p != nil {
			para(fmt.Sprintf("About %s of peers have no clinical engineer.", fmtPct(*p)), nil, " ")
		}
	}

	// Change since the previous assessment.
	if r.Change == nil {
		section("CHANGE SINCE THE PREVIOUS ASSESSMENT")
		para("This is the first completed assessment: there is nothing to compare with yet.", s.muted.Render, " ")
	} else {
		section(fmt.Sprintf("CHANGE SINCE #%d (completed %s)", r.Change.From.Number, fmtDatePtr(r.Change.From.CompletedAt)))
		add(comparisonLines(s, *r.Change, w)...)
	}
	return out
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

// staffingFigure formats the organization's value of a staffing ratio.
func staffingFigure(st assessment.Staffing, k string) string {
	switch k {
	case "fte_per_100_beds":
		return fmtRatio(st.FTEPer100Beds, 1)
	case "devices_per_bmet":
		return fmtRatio(st.DevicesPerBMET, 0)
	case "bmet_per_ce":
		return fmtRatio(st.BMETPerCE, 1)
	case "ce_share_of_staff":
		return fmtPctPtr(st.CEShareOfStaff)
	}
	return dash
}

// shareBar draws shares as w cells, each performer in its color and with its letter,
// so the bar reads in monochrome too. Cells are given by largest remainder so that
// they add up to w.
func shareBar(s *styles, sh assessment.Shares, w int) string {
	w = max(w, questions.NumPerformers)
	var cells [questions.NumPerformers]int
	var rem [questions.NumPerformers]float64
	used := 0
	for i, v := range sh {
		exact := v * float64(w)
		cells[i] = int(math.Floor(exact))
		rem[i] = exact - float64(cells[i])
		used += cells[i]
	}
	total := 0.0
	for _, v := range sh {
		total += v
	}
	if total == 0 {
		return strings.Repeat("·", w)
	}
	for ; used < w; used++ {
		best := -1
		for i := range rem {
			if sh[i] > 0 && (best < 0 || rem[i] > rem[best]) {
				best = i
			}
		}
		cells[best]++
		rem[best] = -1
	}
	var b strings.Builder
	for i, n := range cells {
		if n > 0 {
			b.WriteString(s.bar[i].Render(strings.Repeat(performerLetter[i], n)))
		}
	}
	return b.String()
}
