package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/store"
)

// orgModel is an organization's screen: what can be done next (resume the draft or
// start an assessment, the latest scorecard, the history, a comparison) and the list of
// its assessments, newest first. Both are one list, so ↑/↓ and enter are all a new user
// needs.
type orgModel struct {
	noInput
	styles *styles
	keys   orgKeys

	org    store.Organization
	rows   []assessmentRow // oldest first, as loaded
	loaded bool
	items  []orgItem
	cursor int
	// asking is set while asking whether to discard the draft.
	asking bool

	width, height int
}

// orgItem is one selectable line: an action, or an assessment (row >= 0).
type orgItem struct {
	label string
	msg   tea.Msg
	row   int // index in rows, -1 for actions
}

func newOrg(s *styles, org store.Organization) *orgModel {
	return &orgModel{styles: s, keys: newOrgKeys(), org: org}
}

func (m *orgModel) id() screenID { return screenOrg }

func (m *orgModel) setRows(rows []assessmentRow) {
	m.rows, m.loaded = rows, true
	m.items = m.items[:0]
	var draft, latest *assessmentRow
	completed := 0
	for i := range rows {
		switch rows[i].status {
		case assessment.Draft:
			draft = &rows[i]
		case assessment.Completed:
			latest = &rows[i]
			completed++
		}
	}
	add := func(label string, msg tea.Msg) { m.items = append(m.items, orgItem{label, msg, -1}) }
	switch {
	case draft != nil:
		add(fmt.Sprintf("Resume draft #%d — %d of %d answered", draft.number, draft.answered, draft.total), resumeMsg{m.org})
	case latest != nil:
		add(fmt.Sprintf("Start a re-assessment (#%d, starting from #%d's profile; last answers shown)", latest.number+1, latest.number), startMsg{m.org})
	default:
		add("Start the first assessment", startMsg{m.org})
	}
	if latest != nil {
		add(fmt.Sprintf("Scorecard of #%d (latest, completed %s)", latest.number, fmtDatePtr(latest.completed)),
			openScorecardMsg{m.org, latest.number})
		add(fmt.Sprintf("History and trend (%d completed)", completed), openHistoryMsg{m.org, false})
	}
	if completed >= 2 {
		add("Compare two assessments", openHistoryMsg{m.org, true})
	}
	for i := len(rows) - 1; i >= 0; i-- {
		r := rows[i]
		var msg tea.Msg = openScorecardMsg{m.org, r.number}
		if r.status == assessment.Draft {
			msg = resumeMsg{m.org}
		}
		m.items = append(m.items, orgItem{msg: msg, row: i})
	}
	m.cursor = min(m.cursor, max(0, len(m.items)-1))
}

func (m *orgModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case orgLoadedMsg:
		m.setRows(msg.rows)
	case shownMsg:
		return emit(openOrgMsg{m.org}) // a summary: read it again
	case tea.KeyMsg:
		return m.key(msg)
	}
	return nil
}

// draft is the organization's draft, or nil.
func (m *orgModel) draft() *assessmentRow {
	for i := range m.rows {
		if m.rows[i].status == assessment.Draft {
			return &m.rows[i]
		}
	}
	return nil
}

func (m *orgModel) key(k tea.KeyMsg) tea.Cmd {
	l := m.keys.list
	if m.asking {
		m.asking = false
		if d := m.draft(); d != nil && key.Matches(k, m.keys.Confirm) {
			return emit(discardDraftMsg{m.org, d.number})
		}
		return nil // n, esc or any other key keeps the draft
	}
	switch {
	case key.Matches(k, m.keys.Discard):
		m.asking = m.draft() != nil
	case l.isMove(k):
		m.cursor = l.move(k, m.cursor, len(m.items))
	case key.Matches(k, l.Enter):
		if m.cursor < len(m.items) {
			return emit(m.items[m.cursor].msg)
		}
	case key.Matches(k, m.keys.Workload):
		if m.draft() != nil {
			return emit(orgWorkloadMsg{m.org})
		}
	case key.Matches(k, m.keys.History):
		if m.completed() > 0 {
			return emit(openHistoryMsg{m.org, false})
		}
	case key.Matches(k, m.keys.Compare):
		if m.completed() >= 2 {
			return emit(openHistoryMsg{m.org, true})
		}
	case key.Matches(k, m.keys.Back):
		return emit(backMsg{})
	}
	return nil
}

func (m *orgModel) completed() int {
	n := 0
	for _, r := range m.rows {
		if r.status == assessment.Completed {
			n++
		}
	}
	return n
}

func (m *orgModel) setSize(w, h int) { m.width, m.height = w, h }

func (m *orgModel) help() keyHelp {
	l := m.keys.list
	short := []key.Binding{l.Move, l.Enter}
	if m.asking {
		return keyHelp{noEsc: true, short: []key.Binding{m.keys.Confirm, m.keys.Keep}, full: [][]key.Binding{{m.keys.Confirm, m.keys.Keep}}}
	}
	full := []key.Binding{l.Enter}
	if m.draft() != nil {
		full = append(full, m.keys.Workload, m.keys.Discard)
	}
	if m.completed() > 0 {
		short = append(short, m.keys.History)
		full = append(full, m.keys.History)
	}
	if m.completed() >= 2 {
		full = append(full, m.keys.Compare)
	}
	return keyHelp{short: short, full: [][]key.Binding{{l.Up, l.Down, l.Top, l.Bottom}, full}}
}

// Column widths of the assessment table.
const (
	orgNumW    = 4
	orgStatusW = 13
	orgDateW   = 10
	orgIndexW  = 7
)

func (m *orgModel) view() string {
	s := m.styles
	name := assessment.SanitizeNote(m.org.Name)
	var b strings.Builder
	b.WriteString(s.titleBar(m.width, name))
	b.WriteString("\n\n")
	if !m.loaded {
		b.WriteString(" Loading…")
		return b.String()
	}
	// Lines: the title (2), "What next" (2), the actions, a gap and the table heading
	// (3), the assessment rows.
	actions := 0
	for _, it := range m.items {
		if it.row < 0 {
			actions++
		}
	}
	var lines []string
	sel := -1
	lines = append(lines, s.bold.Render(" What would you like to do?"))
	for i, it := range m.items[:actions] {
		if i == m.cursor {
			sel = len(lines)
		}
		lines = append(lines, listRow(s, it.label, i == m.cursor, m.width))
	}
	lines = append(lines, "")
	if len(m.rows) == 0 {
		for _, l := range wrap("No assessments yet. The first one takes about 15 minutes; you can stop at any time and resume later — every answer is saved as you give it.", textWidth(m.width)) {
			lines = append(lines, " "+s.muted.Render(l))
		}
	} else {
		lines = append(lines, s.bold.Render(" Assessments")+s.muted.Render(" — enter opens a scorecard, or resumes the draft"))
		head := "   " + pad("#", orgNumW) + "  " + pad("Status", orgStatusW) + "  " + pad("Date", orgDateW) + "  " +
			padLeft("Balance", orgIndexW) + "  " + "Verdict"
		lines = append(lines, s.muted.Render(truncate(head, m.width)))
		for i, it := range m.items[actions:] {
			r := m.rows[it.row]
			date := fmtDatePtr(r.completed)
			verdict := r.verdict.Title()
			status := "completed"
			if r.status == assessment.Draft {
				status = fmt.Sprintf("draft, %d/%d", r.answered, r.total)
				date = fmtDate(r.started)
				verdict += " (provisional)"
			}
			text := pad(fmt.Sprintf("#%d", r.number), orgNumW) + "  " + pad(status, orgStatusW) + "  " + pad(date, orgDateW) + "  " +
				padLeft(fmtIndex(r.index), orgIndexW) + "  " + verdict
			if actions+i == m.cursor {
				sel = len(lines)
			}
			lines = append(lines, listRow(s, text, actions+i == m.cursor, m.width))
		}
	}
	if d := m.draft(); d != nil && m.asking {
		lines = append(lines, "")
		q := fmt.Sprintf("Discard draft #%d (%d of %d answered)? Its answers are deleted for good; completed assessments are kept. y discards it · n or esc keeps it.", d.number, d.answered, d.total)
		for _, l := range wrap(q, textWidth(m.width)) {
			lines = append(lines, " "+s.warn.Render(l))
		}
		sel = len(lines) - 1
	}
	room := max(1, m.height-2)
	top := window(0, max(0, sel), len(lines), room)
	end := min(len(lines), top+room)
	b.WriteString(strings.Join(lines[top:end], "\n"))
	return b.String()
}
