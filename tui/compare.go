package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/store"
)

// compareModel shows the comparison of two assessments: the change of the
// indexes and of who does the engineering work, the functions whose performer changed,
// and the staffing ratios then and now.
type compareModel struct {
	noInput
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

func newCompare(s *styles) *compareModel {
	return &compareModel{styles: s, keys: newScrollKeys(), back: newGlobalKeys().Back}
}

func (m *compareModel) id() screenID { return screenCompare }

func (m *compareModel) set(org store.Organization, c assessment.Comparison) {
	m.org, m.cmp = org, &c
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
	if c, ok := msg.(comparisonMsg); ok {
		m.set(c.org, c.cmp)
		return nil
	}
	if mm, ok := msg.(tea.MouseMsg); ok && m.cmp != nil {
		m.page.mouse(mm)
		return nil
	}
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

// comparisonLines lays out the rows of present.Changes; the scorecard uses it for
// "change since the previous assessment".
func comparisonLines(s *styles, c assessment.Comparison, w int) []string {
	var out []string
	add := func(l ...string) { out = append(out, l...) }
	nameW := max(18, min(30, w-36))
	row := func(name, a, b, d string) string {
		return "   " + pad(name, nameW) + "  " + padLeft(a, 8) + "  " + padLeft(b, 8) + "  " + padLeft(d, 9)
	}
	add(s.muted.Render(row("Figure", fmt.Sprintf("#%d", c.From.Number), fmt.Sprintf("#%d", c.To.Number), "change")))
	var staffing, workload []present.ChangeRow
	shares := 0
	for _, r := range present.Changes(&c) {
		switch r.Group {
		case present.GroupStaffing:
			staffing = append(staffing, r)
			continue
		case present.GroupWorkload:
			workload = append(workload, r)
			continue
		case present.GroupShare:
			if shares == 0 {
				add("", " "+s.bold.Render("Who does the engineering work")+s.muted.Render(" (share of weighted functions)"))
			}
			shares++
			add(row(r.Letter+" "+r.Label, r.Then, r.Now, r.Change))
			continue
		}
		add(row(r.Label, r.Then, r.Now, r.Change))
	}
	if shares == 0 {
		add("", " "+s.bold.Render("Who does the engineering work"),
			"   "+s.muted.Render("no engineering function answered in either assessment"))
	}

	if bc := present.BankChange(&c); bc != "" {
		add("")
		for _, l := range wrap(bc, w-2) {
			add(" " + s.warn.Render(l))
		}
		for _, l := range []struct {
			intro string
			fs    []present.BankFunction
		}{{present.AddedIntro(&c), present.Added(&c)}, {present.RemovedIntro(&c), present.Removed(&c)}} {
			if len(l.fs) == 0 {
				continue
			}
			add(" " + s.bold.Render(truncate(l.intro, w-2)))
			for _, f := range l.fs {
				for i, line := range wrap(f.Title+" ("+f.Severity+")", w-4) {
					if i > 0 {
						line = "  " + line
					}
					add("   " + line)
				}
			}
		}
	}

	changed := present.ChangedRows(&c)
	add("", " "+s.bold.Render(fmt.Sprintf("Functions whose performer changed (%d)", len(changed))))
	if len(changed) == 0 {
		add("   " + s.muted.Render("none: every function has the same performer"))
	}
	for _, ch := range changed {
		title := ch.Title
		if ch.Severity == present.Severity(3) {
			title += " (critical)"
		}
		for i, l := range wrap(title+": "+ch.From+" → "+ch.To, w-4) {
			if i > 0 {
				l = "  " + l
			}
			add("   " + l)
		}
	}

	add("", " "+s.bold.Render("Staffing then and now"))
	for _, r := range staffing {
		add(row(r.Label, r.Then, r.Now, r.Change))
	}

	if len(workload) > 0 {
		add("", " "+s.bold.Render(present.GroupWorkload)+s.muted.Render(" — from the estimates of hours a month"))
		for _, r := range workload {
			add(row(r.Label, r.Then, r.Now, r.Change))
		}
		if es := present.EstimateRows(&c); len(es) > 0 {
			add(" " + s.muted.Render(truncate(present.EstimatesIntro(len(es)), w-2)))
			for _, e := range es {
				for i, l := range wrap(e.Title+": "+e.From+" → "+e.To, w-4) {
					if i > 0 {
						l = "  " + l
					}
					add("   " + l)
				}
			}
		}
	}
	return out
}
