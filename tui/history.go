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

// historyModel shows an organization's trend: a chart of the balance,
// engineering and operations indexes over its completed assessments, a table of them,
// and the comparison of any two (mark two with space, then c).
type historyModel struct {
	noInput
	styles *styles
	keys   historyKeys

	org      store.Organization
	trend    assessment.Trend
	done     []assessment.Scored // in trend order
	loaded   bool
	cursor   int
	marked   []int // trend positions, at most two
	pickHint bool  // opened to compare: say how
	message  string

	chart  []string // rendered on data or size change
	chartH int

	width, height int
}

func newHistory(s *styles) *historyModel {
	return &historyModel{styles: s, keys: newHistoryKeys()}
}

func (m *historyModel) id() screenID { return screenHistory }

func (m *historyModel) set(msg historyMsg) {
	m.org, m.trend, m.done, m.loaded = msg.org, msg.trend, msg.done, true
	m.pickHint = msg.compare
	m.cursor = max(0, len(msg.trend.Points)-1)
	m.marked, m.message = nil, ""
	m.render()
}

func (m *historyModel) setSize(w, h int) {
	if m.width == w && m.height == h {
		return
	}
	m.width, m.height = w, h
	m.render()
}

func (m *historyModel) render() {
	if !m.loaded || m.width == 0 {
		return
	}
	// The chart takes what the title, the hint, the table's head and up to three of
	// its rows leave; present.ChartScale picks the finest scale that fits.
	m.chartH = max(0, min(21, m.height-8-min(3, max(1, len(m.trend.Points)))))
	m.chart = chartLines(m.styles, m.trend.Points, m.width-2, m.chartH)
}

func (m *historyModel) update(msg tea.Msg) tea.Cmd {
	if h, ok := msg.(historyMsg); ok {
		m.set(h)
		return nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok || !m.loaded {
		return nil
	}
	n := len(m.trend.Points)
	l := m.keys.list
	switch {
	case key.Matches(k, m.keys.Back):
		return emit(backMsg{})
	case n == 0:
		return nil
	case l.isMove(k):
		m.cursor = l.move(k, m.cursor, n)
	case key.Matches(k, l.Enter):
		return emit(openScorecardMsg{m.org, m.trend.Points[m.cursor].Number})
	case key.Matches(k, m.keys.Mark):
		m.toggleMark(m.cursor)
	case key.Matches(k, m.keys.Compare):
		return m.compare()
	}
	return nil
}

func (m *historyModel) toggleMark(i int) {
	for j, x := range m.marked {
		if x == i {
			m.marked = append(m.marked[:j], m.marked[j+1:]...)
			m.message = ""
			return
		}
	}
	if len(m.marked) == 2 {
		m.marked = m.marked[1:]
	}
	m.marked = append(m.marked, i)
	m.message = ""
}

func (m *historyModel) compare() tea.Cmd {
	pair := append([]int(nil), m.marked...)
	if len(pair) == 1 && pair[0] != m.cursor {
		pair = append(pair, m.cursor)
	}
	if len(pair) != 2 {
		if len(m.trend.Points) < 2 {
			m.message = "A comparison needs two completed assessments."
		} else {
			m.message = "Mark two assessments with space first (or one, and put the cursor on the other)."
		}
		return nil
	}
	a, b := min(pair[0], pair[1]), max(pair[0], pair[1])
	return emit(compareMsg{m.org, m.done[a], m.done[b]})
}

func (m *historyModel) help() keyHelp {
	l := m.keys.list
	return keyHelp{
		short: []key.Binding{l.Move, l.Enter, m.keys.Mark, m.keys.Compare},
		full:  [][]key.Binding{{l.Up, l.Down, l.Top, l.Bottom}, {l.Enter, m.keys.Mark, m.keys.Compare}},
	}
}

func (m *historyModel) isMarked(i int) bool {
	for _, x := range m.marked {
		if x == i {
			return true
		}
	}
	return false
}

func (m *historyModel) view() string {
	if !m.loaded {
		return ""
	}
	s := m.styles
	var b strings.Builder
	b.WriteString(s.titleBar(m.width, assessment.SanitizeNote(m.org.Name), "History"))
	b.WriteString("\n\n")
	n := len(m.trend.Points)
	if n == 0 {
		b.WriteString(" " + truncate("No completed assessment yet: finish one to see the trend here.", m.width-2))
		return b.String()
	}
	used := 2
	for _, l := range m.chart {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	used += len(m.chart)

	hint := m.message
	switch {
	case hint != "":
	case len(m.marked) == 1:
		hint = fmt.Sprintf("Marked #%d: mark one more with space, or c compares it with the selected row.", m.trend.Points[m.marked[0]].Number)
	case len(m.marked) == 2:
		hint = fmt.Sprintf("Press c to compare #%d with #%d.", m.trend.Points[min(m.marked[0], m.marked[1])].Number, m.trend.Points[max(m.marked[0], m.marked[1])].Number)
	case n == 1:
		hint = "enter shows the scorecard · the next completed assessment starts the trend"
	case m.pickHint:
		hint = "To compare two assessments: mark each with space, then press c."
	default:
		hint = "enter shows a scorecard · space marks two assessments to compare, then c"
	}
	b.WriteString("\n " + s.accent.Render(truncate(hint, m.width-2)) + "\n")
	used += 2

	verdictW := len("Verdict")
	for _, p := range m.trend.Points {
		verdictW = max(verdictW, width(p.Verdict.Title()))
	}
	// The workload column shows when any assessment carries an estimate.
	work := false
	for _, p := range m.trend.Points {
		work = work || p.Workload != nil
	}
	workW := width(present.WorkloadHeading)
	workCol := func(s string) string {
		if !work {
			return ""
		}
		return padLeft(s, workW) + "  "
	}
	head := "   " + pad("", 3) + " " + pad("#", 4) + "  " + pad("Completed", 10) + "  " + padLeft("Balance", 7) + "  " +
		padLeft("Eng.", 5) + "  " + padLeft("Ops.", 5) + "  " + workCol(present.WorkloadHeading) + pad("Verdict", verdictW) + "  " + "Gaps (critical)"
	b.WriteString(s.muted.Render(truncate(head, m.width)))
	b.WriteByte('\n')
	used++
	room := max(1, m.height-used)
	top := window(0, m.cursor, n, room)
	end := min(n, top+room)
	rows := make([]string, 0, end-top)
	for i := top; i < end; i++ {
		p := m.trend.Points[i]
		mark := "[ ]"
		if m.isMarked(i) {
			mark = "[x]"
		}
		text := mark + " " + pad(fmt.Sprintf("#%d", p.Number), 4) + "  " + pad(fmtDatePtr(p.CompletedAt), 10) + "  " +
			padLeft(fmtIndex(p.BalanceIndex), 7) + "  " + padLeft(fmtIndex(p.EngineeringIndex), 5) + "  " +
			padLeft(fmtIndex(p.OperationsIndex), 5) + "  " + workCol(present.PointWorkload(p)) + pad(p.Verdict.Title(), verdictW) + "  " +
			fmt.Sprintf("%d (%d)", p.Gaps, p.CriticalGaps)
		if mark := present.BankMark(p); mark != "" {
			text += "  ¦ " + mark
		}
		rows = append(rows, listRow(s, text, i == m.cursor, m.width))
	}
	b.WriteString(strings.Join(rows, "\n"))
	return b.String()
}
