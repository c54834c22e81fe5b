package tui

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// workloadModel is the workload pass: every function of the draft on one screen, with
// its owner and its estimate of hours a month, so that a director estimates them all
// in one go. Digits type the hours of the row under the cursor; enter saves them and
// goes to the next row. A row with no estimate in this draft shows last time's as a
// suggestion: enter on it confirms it (nothing is stored until then). Writes go
// through the root's autosave like the questionnaire's; a row is marked saved only
// when the store has returned.
type workloadModel struct {
	noInput
	styles *styles
	keys   workloadKeys
	saves  *autosave
	now    func() time.Time

	orgID, orgName string
	number         int
	bank           *questions.Bank
	answers        map[string]assessment.Answer // saved answers only
	last           map[string]assessment.Answer // last time's (assessment.Prefill)
	lastNumber     int

	cursor int
	top    int // the first row shown
	// typed is what is being typed in the row under the cursor; typing is set while
	// the row is being edited (typed "" is "no estimate").
	typed  string
	typing bool

	// pend are the writes asked for and not yet returned, by function.
	pend pending
	// conflict is set when a save was refused because someone else changed the answer
	// first: the director keeps theirs or puts their estimate on it.
	conflict *answerConflict
	by       map[string]string

	status    string
	statusBad bool

	width, height int
}

// maxTyped is the longest estimate typed: "744" or "12.5".
const maxTyped = 6

func newWorkload(s *styles, saves *autosave, sess sessionMsg, answers map[string]assessment.Answer, at int, now func() time.Time) *workloadModel {
	m := &workloadModel{
		styles: s, keys: newWorkloadKeys(), saves: saves, now: now,
		orgID: sess.org.ID, orgName: sess.org.Name, number: sess.draft.Number,
		bank: sess.bank, answers: answers,
		cursor: max(0, min(at, len(sess.bank.Functions)-1)),
	}
	if sess.prev != nil {
		m.last, _ = assessment.Prefill(sess.bank, sess.prevBank, sess.prev)
		m.lastNumber = sess.prev.Number
	}
	return m
}

func (m *workloadModel) id() screenID { return screenWorkload }

func (m *workloadModel) draft() draftKey { return draftKey{m.orgID, m.number} }

func (m *workloadModel) setSize(w, h int) {
	m.width, m.height = w, h
	m.scroll()
}

// intro is the question the screen asks, wrapped to at most two lines.
func (m *workloadModel) intro() []string {
	lines := wrap("About how many hours a month does each function take — or would take, done properly?", max(20, m.width-2))
	return lines[:min(2, len(lines))]
}

// rowsRoom is how many function rows fit: the height less the title, the intro, the
// count and the column heads above, and the two status lines below.
func (m *workloadModel) rowsRoom() int { return max(1, m.height-len(m.intro())-5) }

// scroll keeps the cursor's row in view; view only reads top.
func (m *workloadModel) scroll() {
	if m.bank != nil {
		m.top = window(m.top, m.cursor, len(m.bank.Functions), m.rowsRoom())
	}
}

func (m *workloadModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case answerSavedMsg:
		if msg.draft == m.draft() {
			m.saved(msg)
		}
	case answersMsg:
		m.answers = msg.answers
		if msg.by != "" && msg.fid != "" {
			if m.by == nil {
				m.by = map[string]string{}
			}
			m.by[msg.fid] = msg.by
			a, ok := msg.answers[msg.fid]
			ans := &a
			if !ok {
				ans = nil
			}
			if m.conflict != nil && m.conflict.mine.fid == msg.fid {
				m.conflict.theirs = ans
			}
			m.setStatus(msg.by+" answered "+functionTitle(m.bank, msg.fid)+": "+answerLabel(ans)+".", false)
		}
	case tea.KeyMsg:
		defer m.scroll()
		if m.conflict != nil {
			return m.conflictKey(msg)
		}
		return m.key(msg)
	}
	return nil
}

func (m *workloadModel) fid() string { return m.bank.Functions[m.cursor].ID }

// current is the answer the row under the cursor holds in this draft: the last write
// on its way to the store, else the saved one; ok is false when it has neither.
func (m *workloadModel) current(fid string) (a assessment.Answer, ok bool) {
	if p, queued := m.pend[fid]; queued {
		if p.last.clear {
			return a, false
		}
		return p.last.ans, true
	}
	a, ok = m.answers[fid]
	return a, ok
}

// suggestion is last time's estimate of fid, offered while this draft has none.
func (m *workloadModel) suggestion(fid string) *float64 {
	a, ok := m.current(fid)
	if !ok || a.Hours != nil || a.Performer == questions.NA {
		return nil
	}
	if l, ok := m.last[fid]; ok {
		return l.Hours
	}
	return nil
}

func (m *workloadModel) key(k tea.KeyMsg) tea.Cmd {
	l := m.keys.list
	n := len(m.bank.Functions)
	switch {
	case k.Type == tea.KeyRunes && isHoursText(k.Runes):
		if !m.typing {
			m.typing, m.typed = true, ""
		}
		if len(m.typed)+len(k.Runes) > maxTyped {
			m.setStatus(fmt.Sprintf("An estimate takes at most %d characters (0 to %d, halves allowed).", maxTyped, assessment.MaxHours), true)
			return nil
		}
		m.typed += string(k.Runes)
		m.setStatus("", false)
	case k.Type == tea.KeyBackspace || k.Type == tea.KeyDelete:
		if !m.typing {
			m.typing, m.typed = true, ""
		} else if m.typed != "" {
			m.typed = m.typed[:len(m.typed)-1]
		}
	case l.isMove(k):
		if m.typing {
			m.setStatus("Not saved: "+typedLabel(m.typed)+" for "+functionTitle(m.bank, m.fid())+" (enter saves).", false)
			m.typing, m.typed = false, ""
		} else {
			m.setStatus("", false)
		}
		m.cursor = l.move(k, m.cursor, n)
	case key.Matches(k, l.Enter):
		return m.confirm()
	case key.Matches(k, m.keys.Back):
		if m.typing {
			m.typing, m.typed = false, ""
			m.setStatus("Not saved; the estimate is unchanged.", false)
			return nil
		}
		return emit(backMsg{})
	}
	return nil
}

// isHoursText reports whether runes are what an estimate is typed with: digits and a
// decimal point or comma.
func isHoursText(rs []rune) bool {
	for _, r := range rs {
		if (r < '0' || r > '9') && r != '.' && r != ',' {
			return false
		}
	}
	return len(rs) > 0
}

func typedLabel(t string) string {
	if t == "" {
		return "no estimate"
	}
	return t + " h"
}

// confirm saves the row under the cursor — what was typed, or last time's estimate
// offered as a suggestion — and moves to the next row.
func (m *workloadModel) confirm() tea.Cmd {
	fid := m.fid()
	title := functionTitle(m.bank, fid)
	cur, ok := m.current(fid)
	typing, typed := m.typing, m.typed
	m.typing, m.typed = false, ""
	switch {
	case !ok:
		m.setStatus(title+" is not answered yet: answer it in the questions first; no estimate saved.", false)
		return m.next()
	case cur.Performer == questions.NA:
		if typing && typed != "" {
			m.setStatus("A function that does not apply takes no hours: nothing saved.", true)
		}
		return m.next()
	}
	var h *float64
	switch {
	case typing:
		v, err := assessment.ParseHours(cur.Performer, typed)
		if err != nil {
			m.typing, m.typed = true, typed
			m.setStatus("NOT saved: "+fieldMessage(err), true)
			return nil
		}
		h = v
	case cur.Hours != nil:
		h = cur.Hours
	default:
		h = m.suggestion(fid)
		if h == nil {
			m.setStatus("", false)
			return m.next() // nothing to confirm
		}
	}
	if sameHours(cur.Hours, h) {
		m.setStatus("Unchanged: "+title+" — "+hoursText(h)+".", false)
		return m.next()
	}
	ans := cur
	ans.Hours = copyHours(h)
	ans.AnsweredAt = m.now().UTC()
	var base *assessment.Answer
	if a, saved := m.answers[fid]; saved {
		base = &a
	}
	cmd := m.enqueue(saveJob{fid: fid, ans: ans, base: base})
	return tea.Batch(cmd, m.next())
}

func hoursText(h *float64) string {
	if h == nil {
		return "no estimate"
	}
	return assessment.FormatHours(*h) + " h/month"
}

// next moves to the next row; at the last one it stays and says how to leave.
func (m *workloadModel) next() tea.Cmd {
	if m.cursor < len(m.bank.Functions)-1 {
		m.cursor++
	} else if m.status == "" || strings.HasPrefix(m.status, "saving") {
		m.setStatus("That was the last function: esc leaves; the sums are on the scorecard.", false)
	}
	return nil
}

func (m *workloadModel) enqueue(j saveJob) tea.Cmd {
	j.owner, j.draft = screenWorkload, m.draft()
	m.pend.add(j)
	m.setStatus("saving…", false)
	return m.saves.add(j)
}

// saved takes the result of a write this screen asked for.
func (m *workloadModel) saved(msg answerSavedMsg) {
	j := msg.job
	m.pend.returned(j.fid, 1+msg.dropped)
	title := functionTitle(m.bank, j.fid)
	var ce *store.ConflictError
	switch {
	case errors.As(msg.err, &ce):
		if ce.Current == nil {
			delete(m.answers, j.fid)
		} else {
			m.answers[j.fid] = *ce.Current
		}
		m.cursor = max(0, m.bank.FunctionIndex(j.fid))
		m.typing, m.typed = false, ""
		m.conflict = &answerConflict{mine: msg.mine, theirs: ce.Current}
		m.setStatus("", false)
	case msg.err != nil:
		m.cursor = max(0, m.bank.FunctionIndex(j.fid))
		m.setStatus("NOT saved: "+title+" — give the estimate again.", true)
	case j.clear:
		delete(m.answers, j.fid)
	default:
		m.answers[j.fid] = j.ans
		m.setStatus("saved ✓ "+title+" — "+hoursText(j.ans.Hours), false)
	}
}

// conflictKey takes the director's choice after someone else changed an answer first:
// put this estimate on their answer, or keep theirs.
func (m *workloadModel) conflictKey(k tea.KeyMsg) tea.Cmd {
	c := m.conflict
	switch {
	case key.Matches(k, m.keys.Overwrite):
		m.conflict = nil
		if c.theirs == nil || c.theirs.Performer == questions.NA {
			m.setStatus("Their answer takes no hours ("+answerLabel(c.theirs)+"): nothing saved.", false)
			return nil
		}
		ans := *c.theirs
		ans.Hours = copyHours(c.mine.ans.Hours)
		ans.AnsweredAt = m.now().UTC()
		return m.enqueue(saveJob{fid: c.mine.fid, ans: ans, base: c.theirs, based: true})
	case key.Matches(k, m.keys.KeepTheirs):
		m.conflict = nil
		m.setStatus("Kept their answer to "+functionTitle(m.bank, c.mine.fid)+": "+answerLabel(c.theirs)+".", false)
	}
	return nil
}

func (m *workloadModel) setStatus(s string, bad bool) { m.status, m.statusBad = s, bad }

func (m *workloadModel) help() keyHelp {
	k := m.keys
	if m.conflict != nil {
		return keyHelp{noBack: true, short: []key.Binding{k.Overwrite, k.KeepTheirs}, full: [][]key.Binding{{k.Overwrite, k.KeepTheirs}}}
	}
	return keyHelp{
		noBack: true,
		short:  []key.Binding{k.list.Move, k.Type, k.list.Enter, k.Back},
		full: [][]key.Binding{
			{k.list.Up, k.list.Down, k.list.Top, k.list.Bottom},
			{k.Type, k.Erase, k.list.Enter, k.Back},
		},
	}
}

// Column widths of the workload pass.
const (
	wlOwnerW = 15
	wlHoursW = 9
	wlMarkW  = 14
)

func (m *workloadModel) view() string {
	s := m.styles
	w := m.width
	var b strings.Builder
	b.WriteString(s.titleBar(w, assessment.SanitizeNote(m.orgName), fmt.Sprintf("Assessment #%d", m.number), "Workload"))
	b.WriteString("\n")
	estimated, answered := 0, 0
	for i := range m.bank.Functions {
		if a, ok := m.current(m.bank.Functions[i].ID); ok && a.Performer != questions.NA {
			answered++
			if a.Hours != nil {
				estimated++
			}
		}
	}
	lines := m.intro()
	for i := range lines {
		lines[i] = s.muted.Render(lines[i])
	}
	count := fmt.Sprintf("%d of %d answered functions estimated", estimated, answered)
	if m.lastNumber > 0 {
		count += fmt.Sprintf(" · grey = #%d's, enter confirms", m.lastNumber)
	}
	lines = append(lines, truncate(count, w-2))
	for _, l := range lines {
		b.WriteString(" " + l + "\n")
	}
	titleW := max(12, min(52, w-3-2-wlOwnerW-2-wlHoursW-2-wlMarkW))
	b.WriteString(s.muted.Render(truncate("   "+pad("Function", titleW)+"  "+pad("Owner", wlOwnerW)+"  "+padLeft("Hours", wlHoursW), w)) + "\n")
	room := m.rowsRoom()
	n := len(m.bank.Functions)
	top := window(m.top, m.cursor, n, room)
	end := min(n, top+room)
	for i := top; i < end; i++ {
		b.WriteString(m.row(i, titleW))
		b.WriteByte('\n')
	}
	for i := end - top; i < room; i++ {
		b.WriteByte('\n')
	}
	b.WriteString(m.statusLines())
	return b.String()
}

// row renders function i: its title, owner, hours and what state they are in.
func (m *workloadModel) row(i, titleW int) string {
	s := m.styles
	f := &m.bank.Functions[i]
	sel := i == m.cursor
	a, ok := m.current(f.ID)
	owner, hours, mark := "not answered", "", ""
	switch {
	case !ok:
		hours = "—"
	case a.Performer == questions.NA:
		owner, hours = a.Performer.Short(), "n/a"
	default:
		owner = a.Performer.Short()
		switch {
		case a.Hours != nil:
			hours = assessment.FormatHours(*a.Hours)
			if m.pend[f.ID].n > 0 {
				mark = "saving…"
			} else {
				mark = "✓"
			}
		case m.suggestion(f.ID) != nil:
			hours = assessment.FormatHours(*m.suggestion(f.ID))
			mark = fmt.Sprintf("last time (#%d)", m.lastNumber)
		default:
			hours = "—"
		}
	}
	if sel && m.typing {
		hours, mark = m.typed+"▏", "enter saves"
	}
	text := pad(assessment.SanitizeNote(f.Name()), titleW) + "  " + pad(owner, wlOwnerW) + "  " + padLeft(hours, wlHoursW)
	if sel {
		return s.selected.Render(truncate(" › "+text+"  "+mark, m.width))
	}
	tail := ""
	if mark == "✓" {
		tail = "  " + s.ok.Render(mark)
	} else if mark != "" {
		tail = "  " + s.muted.Render(mark)
	}
	if ok && a.Hours == nil && m.suggestion(f.ID) != nil {
		text = pad(assessment.SanitizeNote(f.Name()), titleW) + "  " + pad(owner, wlOwnerW) + "  " + s.muted.Render(padLeft(hours, wlHoursW))
	}
	return truncate("   "+text+tail, m.width)
}

// statusLines are the two lines under the list: the conflict and its choice, or the
// last thing that happened and how the figures add up.
func (m *workloadModel) statusLines() string {
	s, w := m.styles, m.width-2
	if c := m.conflict; c != nil {
		who := m.by[c.mine.fid]
		if who == "" {
			who = "someone else"
		}
		return " " + s.bad.Render(truncate(fmt.Sprintf("NOT saved: %s changed %s meanwhile to %s.", who, functionTitle(m.bank, c.mine.fid), answerLabel(c.theirs)), w)) + "\n" +
			" " + s.warn.Render(truncate("o puts your "+hoursText(c.mine.ans.Hours)+" on their answer · t or esc keeps theirs", w))
	}
	status := " "
	switch {
	case m.status == "":
	case m.statusBad:
		status = " " + s.bad.Render(truncate(m.status, w))
	case strings.HasPrefix(m.status, "saved ✓"):
		status = " " + s.ok.Render(truncate(m.status, w))
	default:
		status = " " + s.muted.Render(truncate(m.status, w))
	}
	return s.muted.Render(truncate(" digits type hours a month (0–744, halves) · ⌫ erases · enter saves, goes on", w+1)) + "\n" + status
}
