package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// compareModel shows the comparison of two assessments (SPEC §4.2): the change of the
// indexes and of who does the engineering work, the functions whose performer changed,
// and the staffing ratios then and now.
type compareModel struct {
	styles *styles
	keys   scrollKeys
	back   key.Binding

	org    store.Organization
	cmp    *assessment.Comparison
	page   page
	header string

	width, height int
	renderedW     int
}

func (m *compareModel) set(s *styles, org store.Organization, c assessment.Comparison) {
	m.styles, m.keys, m.back, m.org, m.cmp = s, newScrollKeys(), newGlobalKeys().Back, org, &c
	m.page = newPage()
	m.page.setSize(m.width, m.height-2)
	m.renderedW = 0
	m.render()
}

func (m *compareModel) setSize(w, h int) {
	if m.width == w && m.height == h {
		return
	}
	m.width, m.height = w, h
	m.page.setSize(w, h-2)
	m.render()
}

func (m *compareModel) render() {
	if m.cmp == nil || m.width == 0 || m.renderedW == m.width {
		return
	}
	m.renderedW = m.width
	c := m.cmp
	m.header = m.styles.titleBar(m.width, assessment.SanitizeNote(m.org.Name),
		fmt.Sprintf("Compare #%d → #%d", c.From.Number, c.To.Number))
	lines := []string{
		" " + m.styles.bold.Render(fmt.Sprintf("From assessment #%d (%s) to #%d (%s)",
			c.From.Number, fmtDatePtr(c.From.CompletedAt), c.To.Number, fmtDatePtr(c.To.CompletedAt))),
		"",
	}
	lines = append(lines, comparisonLines(m.styles, *c, textWidth(m.width))...)
	m.page.setContent(strings.Join(lines, "\n"))
}

func (m *compareModel) update(msg tea.Msg) tea.Cmd {
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.cmp == nil {
		return nil
	}
	switch {
	case m.page.scroll(k):
	case key.Matches(k, m.back):
		return emit(backMsg{})
	}
	return nil
}

func (m *compareModel) help() keyHelp {
	return keyHelp{
		short: []key.Binding{m.keys.Scroll, m.keys.PageDown},
		full:  [][]key.Binding{m.page.bindings()},
	}
}

func (m *compareModel) view() string {
	if m.cmp == nil {
		return ""
	}
	return m.header + "\n" + m.styles.muted.Render(" "+m.page.position()) + "\n" + m.page.view()
}

// comparisonLines renders a comparison; the scorecard uses it for "change since the
// previous assessment".
func comparisonLines(s *styles, c assessment.Comparison, w int) []string {
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	from := fmt.Sprintf("#%d", c.From.Number)
	to := fmt.Sprintf("#%d", c.To.Number)
	nameW := max(18, min(30, w-36))
	row := func(name, a, b, d string) string {
		return "   " + pad(name, nameW) + "  " + padLeft(a, 8) + "  " + padLeft(b, 8) + "  " + padLeft(d, 9)
	}
	add(s.muted.Render(row("Figure", from, to, "change")))
	for _, d := range []struct {
		name string
		d    assessment.Delta
	}{{"Balance index", c.BalanceIndex}, {"Engineering index", c.EngineeringIndex}, {"Operations index", c.OperationsIndex}} {
		add(row(d.name, fmtIndex(d.d.From), fmtIndex(d.d.To), fmtDelta(d.d)))
	}
	add("", " "+s.bold.Render("Who does the engineering work")+s.muted.Render(" (share of weighted functions)"))
	shown := 0
	for i, p := range questions.Performers {
		d := c.EngineeringShare[i]
		if (d.From == nil || *d.From == 0) && (d.To == nil || *d.To == 0) {
			continue
		}
		shown++
		add(row(performerLetter[i]+" "+p.Label(), fmtPctPtr(d.From), fmtPctPtr(d.To), fmtPoints(d)))
	}
	if shown == 0 {
		add("   " + s.muted.Render("no engineering function answered in either assessment"))
	}

	add("", " "+s.bold.Render(fmt.Sprintf("Functions whose performer changed (%d)", len(c.Changed))))
	if len(c.Changed) == 0 {
		add("   " + s.muted.Render("none: every function has the same performer"))
	}
	for _, ch := range c.Changed {
		title := assessment.SanitizeNote(ch.Title)
		if ch.Weight == 3 {
			title += " (critical)"
		}
		text := title + ": " + fmtPerformer(ch.From) + " → " + fmtPerformer(ch.To)
		for i, l := range wrap(text, w-4) {
			if i > 0 {
				l = "  " + l
			}
			add("   " + l)
		}
	}

	add("", " "+s.bold.Render("Staffing then and now"))
	then, now := c.StaffingThen, c.StaffingNow
	for _, k := range []struct{ name, key string }{
		{"BMETs per CE", "bmet_per_ce"},
		{"HTM FTE per 100 beds", "fte_per_100_beds"},
		{"Devices per BMET", "devices_per_bmet"},
		{"CE share of HTM staff", "ce_share_of_staff"},
	} {
		add(row(k.name, staffingFigure(then, k.key), staffingFigure(now, k.key), ""))
	}
	add(row("Staffed beds", fmtThousands(then.Beds), fmtThousands(now.Beds), ""))
	return out
}
