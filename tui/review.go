package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
)

// reviewModel lists every answer by domain. Any answer can be changed from here, and
// the assessment is finished from here: finishing is refused, with the list of
// unanswered functions, until every function is answered, and asks for confirmation
// because a finished assessment is locked.
type reviewModel struct {
	noInput
	styles *styles
	keys   reviewKeys

	orgName string
	number  int
	bank    *questions.Bank
	answers map[string]assessment.Answer

	cursor     int // function index
	confirming bool
	refusal    string
	notice     string // a change another session made

	width, height int

	// The list, rendered when the answers or the width change, not per message:
	// lines are the domain headings and the functions' rows as shown off the cursor,
	// text the functions' rows unstyled (for the cursor), at the line of each function.
	lines   []string
	text    []string
	at      []int
	shown   []rowState // what each function's row shows, to render only the rows that changed
	missing int
	rowsW   int  // the width the rows were rendered for; 0: to render
	stale   bool // the answers changed since the rows were rendered
}

// rowState is what a review row shows of an answer: a save acknowledged while the
// review is open re-renders the rows whose state changed, not the whole list.
type rowState struct {
	stored   bool // an answer is stored (an unknown performer shows as not answered)
	answered bool
	who      string
}

func newReview(s *styles, sess sessionMsg, answers map[string]assessment.Answer, at int) *reviewModel {
	return &reviewModel{
		styles: s, keys: newReviewKeys(),
		orgName: sess.org.Name, number: sess.draft.Number, bank: sess.bank, answers: answers,
		cursor: max(0, min(at, len(sess.bank.Functions)-1)),
	}
}

func (m *reviewModel) id() screenID { return screenReview }

// setAnswers updates the answers shown, when a save in flight has returned.
func (m *reviewModel) setAnswers(answers map[string]assessment.Answer) {
	if m.bank != nil {
		m.answers = answers
		m.stale = true
	}
}

// remote shows an answer another session saved (by, to function fid): a finish being
// confirmed is asked again, since it would now finish something else.
func (m *reviewModel) remote(answers map[string]assessment.Answer, by, fid string) {
	if m.bank == nil {
		return
	}
	m.answers = answers
	m.stale = true
	name := fid
	if f, ok := m.bank.Function(fid); ok {
		name = assessment.SanitizeNote(f.Name())
	}
	m.notice = by + " changed “" + name + "”."
	if m.confirming {
		m.confirming = false
		m.refusal = by + " changed “" + name + "” just now: look again, then press f to finish."
	}
}

// changed shows the draft as read again after finishing was refused because it had
// changed since it was reviewed: which answers differ, and asks to look again.
func (m *reviewModel) changed(old, now map[string]assessment.Answer) {
	if m.bank == nil {
		return
	}
	m.answers = now
	m.stale = true
	m.confirming = false
	var names []string
	for i := range m.bank.Functions {
		f := &m.bank.Functions[i]
		a, had := old[f.ID]
		b, has := now[f.ID]
		if had != has || a.Performer != b.Performer || a.Note != b.Note {
			names = append(names, assessment.SanitizeNote(f.Name()))
		}
	}
	what := "the profile or an answer"
	if len(names) > 0 {
		what = strings.Join(names[:min(len(names), 4)], ", ")
		if len(names) > 4 {
			what += fmt.Sprintf(" and %d more", len(names)-4)
		}
	}
	m.refusal = "Not finished: someone else changed the draft since you reviewed it (" + what + "). Look again, then press f to finish."
}

// refused shows why the store would not finish the assessment.
func (m *reviewModel) refused(err error) {
	m.confirming = false
	m.refusal = "Not finished: " + sentence(err)
}

func (m *reviewModel) unanswered() []string {
	if m.bank == nil {
		return nil
	}
	return assessment.Unanswered(m.bank, m.answers)
}

func (m *reviewModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answersMsg:
		switch {
		case msg.old != nil:
			m.changed(msg.old, msg.answers)
		case msg.by != "":
			m.remote(msg.answers, msg.by, msg.fid)
		default:
			m.setAnswers(msg.answers)
		}
		return nil
	case completedMsg:
		m.refused(msg.err)
		return nil
	case askFinishMsg:
		if m.bank != nil {
			m.finish()
		}
		return nil
	}
	k, ok := msg.(tea.KeyMsg)
	if !ok || m.bank == nil {
		return nil
	}
	if m.confirming {
		switch {
		case key.Matches(k, m.keys.Confirm):
			m.confirming = false
			return emit(finishMsg{})
		case key.Matches(k, m.keys.Cancel):
			m.confirming = false
		}
		return nil
	}
	n := len(m.bank.Functions)
	l := m.keys.list
	switch {
	case l.isMove(k):
		m.cursor = l.move(k, m.cursor, n)
	case key.Matches(k, l.Enter):
		return emit(editAnswerMsg{m.cursor})
	case key.Matches(k, m.keys.Unanswered):
		if next := assessment.NextUnanswered(m.bank, m.answers, -1); next >= 0 {
			return emit(editAnswerMsg{next})
		}
	case key.Matches(k, m.keys.Finish):
		m.finish()
	case key.Matches(k, m.keys.Workload):
		return emit(openWorkloadMsg{at: m.cursor})
	case key.Matches(k, m.keys.Back):
		return emit(backMsg{})
	}
	return nil
}

// askFinishMsg asks the review to finish the assessment, as f does: the questionnaire's
// f opens the review with it, so that one key finishes from wherever it is offered.
type askFinishMsg struct{}

// finish refuses, naming what is not answered, or asks to confirm.
func (m *reviewModel) finish() {
	missing := m.unanswered()
	if len(missing) > 0 {
		var names []string
		for _, id := range missing[:min(len(missing), 4)] {
			f, _ := m.bank.Function(id)
			names = append(names, assessment.SanitizeNote(f.Name()))
		}
		list := strings.Join(names, ", ")
		if more := len(missing) - len(names); more > 0 {
			list += fmt.Sprintf(" and %d more (marked · below)", more)
		}
		m.refusal = fmt.Sprintf("Cannot finish yet — %d of %d functions are not answered: %s. Press u to answer the first one.",
			len(missing), len(m.bank.Functions), list)
		return
	}
	m.refusal = ""
	m.confirming = true
}

func (m *reviewModel) setSize(w, h int) { m.width, m.height = w, h }

// rows renders the list when the width changed since the last time, and again only the
// rows whose answer changed when the answers did.
func (m *reviewModel) rows() {
	if m.rowsW == m.width && !m.stale {
		return
	}
	if m.rowsW == m.width && len(m.shown) == len(m.bank.Functions) {
		m.stale = false
		m.missing = 0
		for i := range m.bank.Functions {
			st := m.rowState(i)
			if !st.answered {
				m.missing++
			}
			if st != m.shown[i] {
				m.shown[i] = st
				m.text[i], m.lines[m.at[i]] = m.row(i, st)
			}
		}
		return
	}
	m.rowsW, m.stale = m.width, false
	s := m.styles
	m.lines, m.text, m.at, m.shown = m.lines[:0], m.text[:0], m.at[:0], m.shown[:0]
	m.missing = 0
	dom := -1
	for i := range m.bank.Functions {
		if d := m.bank.DomainOf(i); d != dom {
			dom = d
			if d >= 0 {
				m.lines = append(m.lines, " "+s.heading.Render(strings.ToUpper(assessment.SanitizeNote(m.bank.Domains[d].Name))))
			}
		}
		st := m.rowState(i)
		if !st.answered {
			m.missing++
		}
		text, line := m.row(i, st)
		m.shown = append(m.shown, st)
		m.text = append(m.text, text)
		m.at = append(m.at, len(m.lines))
		m.lines = append(m.lines, line)
	}
}

// rowState is what function i's row shows of its answer.
func (m *reviewModel) rowState(i int) rowState {
	a, ok := m.answers[m.bank.Functions[i].ID]
	if !ok || !a.Performer.Valid() {
		return rowState{stored: ok, who: "not answered"}
	}
	who := a.Performer.Label()
	if a.Note != "" {
		who += " · note"
	}
	return rowState{stored: true, answered: true, who: who}
}

// row renders function i's row showing st: its text unstyled (for the cursor) and its
// line as shown off the cursor.
func (m *reviewModel) row(i int, st rowState) (text, line string) {
	titleW := max(20, min(44, m.width-3-4-30))
	mark := "·"
	if st.answered {
		mark = "✓"
	}
	text = mark + " " + pad(assessment.SanitizeNote(m.bank.Functions[i].Name()), titleW) + "  " + st.who
	if !st.stored {
		return text, "   " + m.styles.warn.Render(truncate(text, m.width-3))
	}
	return text, "   " + truncate(text, m.width-3)
}

func (m *reviewModel) help() keyHelp {
	k := m.keys
	if m.confirming {
		// n/esc is the answer here, not "back": the global esc is left out.
		return keyHelp{noEsc: true, short: []key.Binding{k.Confirm, k.Cancel}, full: [][]key.Binding{{k.Confirm, k.Cancel}}}
	}
	return keyHelp{
		short: []key.Binding{k.list.Move, k.list.Enter, k.Finish, k.Unanswered},
		full:  [][]key.Binding{{k.list.Up, k.list.Down, k.list.Top, k.list.Bottom}, {k.list.Enter, k.Unanswered, k.Workload, k.Finish}},
	}
}

func (m *reviewModel) view() string {
	if m.bank == nil {
		return ""
	}
	s := m.styles
	tw := textWidth(m.width)
	n := len(m.bank.Functions)
	m.rows()
	missing := m.missing
	var b strings.Builder
	b.WriteString(s.titleBar(m.width, assessment.SanitizeNote(m.orgName), fmt.Sprintf("Assessment #%d", m.number), "Review"))
	b.WriteString("\n\n")
	head := 2
	intro := fmt.Sprintf("Review your answers — %d of %d answered. enter changes the answer under the cursor; f finishes the assessment.", n-missing, n)
	var top []string
	for _, l := range wrap(intro, tw) {
		top = append(top, " "+l)
	}
	if missing == 0 && !m.confirming && m.refusal == "" {
		for _, l := range wrap("✓ Every function is answered: press f to finish and see the scorecard.", tw) {
			top = append(top, " "+s.ok.Render(l))
		}
	}
	if m.notice != "" {
		top = append(top, " "+s.warn.Render(truncate(m.notice, tw)))
	}
	switch {
	case m.confirming:
		top = append(top, "")
		for _, l := range wrap(fmt.Sprintf("Finish assessment #%d now? A finished assessment is locked: its answers can no longer be changed. Press y or enter to finish, n or esc to keep reviewing.", m.number), tw) {
			top = append(top, " "+s.warn.Render(l))
		}
	case m.refusal != "":
		top = append(top, "")
		for _, l := range wrap(m.refusal, tw) {
			top = append(top, " "+s.bad.Render(l))
		}
	}
	for _, l := range top {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	head += len(top) + 1

	// The list: a heading per domain, then its functions; the row under the cursor
	// is the only one rendered here.
	sel := m.at[m.cursor]
	lines := m.lines
	room := max(1, m.height-head)
	start := window(0, sel, len(lines), room)
	end := min(len(lines), start+room)
	for i := start; i < end; i++ {
		if i > start {
			b.WriteByte('\n')
		}
		if i == sel {
			b.WriteString(listRow(s, m.text[m.cursor], true, m.width))
			continue
		}
		b.WriteString(lines[i])
	}
	return b.String()
}
