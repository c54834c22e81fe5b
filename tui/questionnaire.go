package tui

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"sync"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/muesli/termenv"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// questionnaireModel asks one function per screen: who performs it? Confirming an
// answer queues a store write and moves on at once, so a director can type ahead; the
// answer counts as answered, and is marked saved, only when the write has returned.
// Writes go through the root's autosave, one at a time, in order. If one fails, the
// questionnaire goes back to that function and the error view says it is not saved.
type questionnaireModel struct {
	// rowAt is answersRow, kept for the size it was computed for.
	rowAt struct {
		key answersKey
		row int
		ok  bool
	}
	styles    *styles
	keys      questKeys
	answering [2]*keyHelp       // help while answering, without and with "not applicable"; see help
	muted     map[string]string // see mutedText
	// statusDrawn is the status line as last drawn, and what it showed.
	statusDrawn struct {
		key  statusKey
		line string
		ok   bool
	}
	saves *autosave
	now   func() time.Time

	orgID, orgName string
	number         int
	bank           *questions.Bank
	answers        map[string]assessment.Answer // saved answers only
	// last is what the previous completed assessment suggests for each function
	// (assessment.Prefill: by function id, only answers this bank accepts); carried
	// marks the functions new in this bank. A suggestion is never stored by itself:
	// the cursor starts on it, and the director confirms or changes it.
	last       map[string]assessment.Answer
	carried    map[string]assessment.Carried
	lastNumber int

	idx        int // the function shown
	cursor     int // the performer under the cursor
	helpMode   helpMode
	fromReview bool // go back to the review after answering

	note    textinput.Model
	editing bool // the note has the keyboard
	// noteFor is the answer option the note being typed is for: -1 until one is
	// chosen (an unanswered function with no suggestion). moved is set once the
	// cursor was moved on this function: a choice. noteOrig is the note as it was
	// when editing began; noteAsk is set while asking whether to discard a changed one.
	noteFor  int
	moved    bool
	noteOrig string
	noteAsk  bool

	// hours is the estimate of hours a month being typed (t), for the answer under
	// the cursor; editingHours is set while it has the keyboard.
	hours        textinput.Model
	editingHours bool
	hoursFresh   bool // the prefilled value is replaced by what is typed first

	// nav is the search or the domain list, when one is open (questnav.go).
	nav navState
	// optionsY is the line of the first answer option in the view, for the mouse.
	optionsY int

	// pend are the writes asked for and not yet returned, by function: how many, and
	// the last one (what the function will hold).
	pend pending

	// conflict is set when a save was refused because someone else changed the answer
	// first: the editor chooses between theirs and theirs overwritten with this one.
	conflict *answerConflict
	// by names who last changed an answer in another session, by function.
	by map[string]string
	// shown is the saved answer to the current function as the screen showed it when
	// the function was opened (nil: unanswered): what the editor answers over. A change
	// from another session while the editor is typing a note does not move it, so the
	// save is refused and both answers are shown rather than one overwriting the other.
	shown *assessment.Answer

	// leaving is set when the questionnaire has asked for the review: keys typed ahead
	// must not answer the last function again before the review opens.
	leaving bool

	status    string
	statusBad bool

	barWidth      int // the progress bar's cells
	width, height int
	c             questCache
	body          string // see view
	bodyOK        bool
	mk            *performerMarks
}

// helpMode says whether the explanation of a function is shown: by default when it fits
// (the user toggles it with h).
type helpMode int

const (
	helpAuto helpMode = iota
	helpOn
	helpOff
)

// answerConflict is a save refused because the stored answer is not the one the editor
// saw: mine is what the editor wanted, theirs what is stored (nil: unanswered).
type answerConflict struct {
	mine   saveJob
	theirs *assessment.Answer
}

// questCache holds the parts of the frame that change only with the function, the
// window size or the help toggle, so that View only assembles lines. text is shared
// with every session showing the same function at the same width and colors: it is
// never changed, only replaced.
type questCache struct {
	title     string
	titleW    int    // the width title was rendered for
	*funcText        // of the function shown
	domLine   string // the domain line, with this session's "new" mark
	progress  string
}

// funcText is a function's text as the questionnaire shows it: rendered once per bank,
// function, width and colors, and shared by every session (see funcTexts).
type funcText struct {
	domain   string // the domain line, cut to the width
	domRaw   string // the domain line, not cut
	desc     []string
	question []string
	help     []string
	// the answer options, and their rows under the cursor and not
	options       []questions.Performer
	rowOn, rowOff [questions.NumOptions]string
}

// mutedText is text in the muted style, drawn once per session: the lines under the
// answers ("Note: none …", "Hours a month: none …") are the same for most functions
// and are drawn with every answer.
func (m *questionnaireModel) mutedText(text string) string {
	if v, ok := m.muted[text]; ok {
		return v
	}
	if m.muted == nil || len(m.muted) >= 64 {
		m.muted = make(map[string]string, 8)
	}
	v := m.styles.muted.Render(text)
	m.muted[text] = v
	return v
}

// optionKey returns the number key of the i-th answer option: 1–9, then 0 for the tenth.
func optionKey(i int) int { return (i + 1) % 10 }

// funcTextKey names a funcText. A bank is named by its content hash; one without a
// hash (built in a test) by its address.
type funcTextKey struct {
	hash    string
	bank    *questions.Bank
	idx     int
	width   int
	profile termenv.Profile
	dark    bool
}

// funcTexts is the shared cache of function texts. A bank of 40 functions at a few
// widths and color profiles is a few hundred entries of a few KB; maxFuncTexts bounds
// what many banks and window sizes can make it hold.
var funcTexts = struct {
	sync.Mutex
	m map[funcTextKey]*funcText
}{m: map[funcTextKey]*funcText{}}

const maxFuncTexts = 2048

// functionText returns the text of the function shown, from the shared cache or
// rendered now.
func (m *questionnaireModel) functionText() *funcText { return m.functionTextAt(m.idx) }

// functionTextAt returns the text of function idx of the questionnaire's bank at its
// width, from the shared cache or rendered now.
func (m *questionnaireModel) functionTextAt(idx int) *funcText {
	k := funcTextKey{hash: m.bank.Hash, idx: idx, width: m.width,
		profile: m.styles.r.ColorProfile(), dark: m.styles.r.HasDarkBackground()}
	if k.hash == "" {
		k.bank = m.bank
	}
	funcTexts.Lock()
	t := funcTexts.m[k]
	funcTexts.Unlock()
	if t != nil {
		return t
	}
	t = m.renderText(idx)
	funcTexts.Lock()
	if len(funcTexts.m) >= maxFuncTexts {
		for old := range funcTexts.m { // evict one at random
			delete(funcTexts.m, old)
			break
		}
	}
	funcTexts.m[k] = t
	funcTexts.Unlock()
	return t
}

// renderText renders the text of function idx at the questionnaire's width.
func (m *questionnaireModel) renderText(idx int) *funcText {
	s := m.styles
	tw := textWidth(m.width)
	f := &m.bank.Functions[idx]
	d := m.bank.DomainOf(idx)
	var dom questions.Domain
	if d >= 0 {
		dom = m.bank.Domains[d]
	}
	t := &funcText{}
	kind := "engineering work"
	if f.Kind == questions.Operations {
		kind = "operations work"
	}
	t.domRaw = s.heading.Render(strings.ToUpper(assessment.SanitizeNote(dom.Name))) +
		s.muted.Render(fmt.Sprintf(" · function %d of %d", idx+1, len(m.bank.Functions)))
	t.domain = truncate(t.domRaw, m.width-1)
	for _, l := range wrap(dom.Description, tw) {
		t.desc = append(t.desc, s.muted.Render(l))
	}
	weight := s.muted.Render(fmt.Sprintf("weight %d (%s)", f.Weight, weightWord(f.Weight)))
	if f.Weight == 3 {
		weight = s.muted.Render("weight 3 (") + s.warn.Render("critical") + s.muted.Render(": safety or regulatory)")
	}
	t.question = append(t.question, truncate(s.title.Render(assessment.SanitizeNote(f.Name()))+
		s.muted.Render(" · "+kind+" · ")+weight, tw))
	t.question = append(t.question, wrap(f.Question, tw)...)
	text := f.Help
	if text == "" {
		text = "No further explanation for this function."
	}
	for _, l := range wrap(text, tw-2) {
		t.help = append(t.help, s.muted.Render("│ ")+l)
	}
	t.options = f.AnswerOptions()
	for i, p := range t.options {
		row := pad(fmt.Sprintf("%d  %s", optionKey(i), p.Label()), 32)
		t.rowOn[i] = s.selected.Render(" › " + row)
		// "Not applicable" (the tenth option) is no performer: it has no color.
		lead := row[:2]
		if i < questions.NumPerformers {
			lead = s.performer[i].Render(lead)
		}
		t.rowOff[i] = "   " + lead + row[2:]
	}
	return t
}

// performerMarks are the marks after a performer, rendered once per questionnaire.
type performerMarks struct {
	yours, yoursShort, saving, last, lastShort string
}

func (m *questionnaireModel) marks() *performerMarks {
	if m.mk == nil {
		s := m.styles
		m.mk = &performerMarks{
			yours:      s.ok.Render("✓ your answer"),
			yoursShort: s.ok.Render("✓ yours"),
			saving:     s.muted.Render("saving…"),
			last:       s.muted.Render(fmt.Sprintf("◂ last time (#%d)", m.lastNumber)),
			lastShort:  s.muted.Render(fmt.Sprintf("◂ last (#%d)", m.lastNumber)),
		}
	}
	return m.mk
}

func newQuestionnaire(s *styles, saves *autosave, sess sessionMsg, now func() time.Time) *questionnaireModel {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "optional: who exactly, how, what to change…"
	ti.CharLimit = assessment.MaxNoteRunes
	ti.KeyMap.Paste.SetEnabled(false) // would read the server's clipboard over SSH
	ti.Cursor.SetMode(cursor.CursorStatic)
	s.styleInput(&ti)
	m := &questionnaireModel{
		styles: s, keys: newQuestKeys(), saves: saves, now: now,
		orgID: sess.org.ID, orgName: sess.org.Name, number: sess.draft.Number,
		bank:    sess.bank,
		answers: make(map[string]assessment.Answer, len(sess.bank.Functions)),
		note:    ti,
		hours:   newHoursInput(s),
	}
	m.c.funcText = &funcText{} // until the first size
	for id, a := range sess.draft.Answers {
		m.answers[id] = a
	}
	if sess.prev != nil {
		m.last, m.carried = assessment.Prefill(sess.bank, sess.prevBank, sess.prev)
		m.lastNumber = sess.prev.Number
	}
	m.goTo(assessment.ResumeIndex(sess.bank, m.answers), false)
	return m
}

func (m *questionnaireModel) id() screenID { return screenQuestionnaire }

func (m *questionnaireModel) capturing() bool {
	return m.editing || m.editingHours || m.nav.finding()
}

// newHoursInput is the field an estimate of hours a month is typed in: "744" or
// "12.5" at most, so six characters.
func newHoursInput(s *styles) textinput.Model {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "none"
	ti.CharLimit = 6
	ti.Width = 7
	ti.KeyMap.Paste.SetEnabled(false)
	ti.Cursor.SetMode(cursor.CursorStatic)
	s.styleInput(&ti)
	return ti
}

// lastNoteDropped reports whether the note shown is last time's, for a function not
// yet answered in this draft, with the cursor on another answer than last time's:
// confirming would not carry it (assessment.LastNote).
func (m *questionnaireModel) lastNoteDropped() bool {
	f := m.fn()
	last, ok := m.last[f.ID]
	if !ok || m.note.Value() == "" || m.note.Value() != last.Note {
		return false
	}
	if _, answered := m.answers[f.ID]; answered {
		return false
	}
	return assessment.LastNote(last, f.AnswerOptions()[m.cursor]) != ""
}

// draft is the draft the questionnaire is answering.
func (m *questionnaireModel) draft() draftKey { return draftKey{m.orgID, m.number} }

// title returns the name of function fid.
func (m *questionnaireModel) title(fid string) string { return functionTitle(m.bank, fid) }

// functionTitle returns the name of function fid of bank, as it may be shown.
func functionTitle(bank *questions.Bank, fid string) string {
	if bank == nil {
		return fid
	}
	if f, ok := bank.Function(fid); ok {
		return assessment.SanitizeNote(f.Name())
	}
	return fid
}

func (m *questionnaireModel) fn() *questions.Function { return &m.bank.Functions[m.idx] }

// goTo shows function i, with the cursor on its answer, or on last time's answer.
func (m *questionnaireModel) goTo(i int, fromReview bool) tea.Cmd {
	m.idx = max(0, min(i, len(m.bank.Functions)-1))
	m.fromReview = fromReview
	m.leaving = false
	m.editing, m.noteAsk, m.moved = false, false, false
	m.note.Blur()
	m.editingHours = false
	m.hours.Blur()
	f := m.fn()
	m.cursor = 0
	note := ""
	m.shown = nil
	if a, ok := m.answers[f.ID]; ok {
		m.shown = &a
	}
	if a, ok := m.answers[f.ID]; ok && f.Allows(a.Performer) {
		m.cursor, note = a.Performer.Index(), a.Note
	} else if a, ok := m.last[f.ID]; ok && f.Allows(a.Performer) {
		m.cursor, note = a.Performer.Index(), a.Note
	}
	m.note.SetValue(note)
	m.refresh()
	return nil
}

func (m *questionnaireModel) update(msg tea.Msg) tea.Cmd {
	if ack, ok := msg.(answerSavedMsg); !ok || ack.err != nil || ack.fid == m.fn().ID {
		m.bodyOK = false // see view
	}
	switch msg := msg.(type) {
	case answerSavedMsg:
		if msg.draft != m.draft() {
			return nil
		}
		return m.saved(msg)
	case DraftChangedMsg:
		if (draftKey{msg.OrgID, msg.Number}) == m.draft() && msg.Profile == nil {
			m.remote(msg.Function, msg.By, msg.Answer)
		}
	case answersMsg:
		m.setAnswers(msg.answers)
	case editAnswerMsg:
		return m.goTo(msg.index, true)
	case shownMsg:
		m.leaving = false
	case tea.MouseMsg:
		return m.mouse(msg)
	case tea.KeyMsg:
		switch {
		case m.conflict != nil:
			return m.conflictKey(msg)
		case m.nav.open():
			return m.navKey(msg)
		case m.editing:
			return m.noteKey(msg)
		case m.editingHours:
			return m.hoursKey(msg)
		}
		return m.key(msg)
	}
	return nil
}

func (m *questionnaireModel) key(k tea.KeyMsg) tea.Cmd {
	if m.leaving {
		return nil
	}
	n := len(m.bank.Functions)
	switch {
	case key.Matches(k, m.keys.Up):
		n := len(m.fn().AnswerOptions())
		m.cursor, m.moved = (m.cursor+n-1)%n, true
	case key.Matches(k, m.keys.Down):
		m.cursor, m.moved = (m.cursor+1)%len(m.fn().AnswerOptions()), true
	case key.Matches(k, m.keys.Number):
		i := (int(k.Runes[0]-'0') + 9) % 10 // 1–9, then 0 for the tenth
		if i >= len(m.fn().AnswerOptions()) {
			return nil // "0" where "not applicable" is not offered
		}
		m.cursor = i
		return m.answer()
	case key.Matches(k, m.keys.Answer):
		return m.answer()
	case key.Matches(k, m.keys.Next):
		if m.idx == n-1 {
			m.setStatus("This is the last function: press f to finish, or r to review your answers.", false)
			return nil
		}
		m.status = ""
		return m.goTo(m.idx+1, false)
	case key.Matches(k, m.keys.Prev):
		if m.idx == 0 {
			m.setStatus("This is the first function.", false)
			return nil
		}
		m.status = ""
		return m.goTo(m.idx-1, false)
	case key.Matches(k, m.keys.Unanswered):
		next := assessment.NextUnanswered(m.bank, m.answers, m.idx)
		if next < 0 {
			m.setStatus("Every function is answered: press f to finish.", false)
			return nil
		}
		m.status = ""
		return m.goTo(next, false)
	case key.Matches(k, m.keys.Gap):
		next := assessment.NextGap(m.bank, m.answers, m.idx)
		if next < 0 {
			m.setStatus("No gaps: no answer so far is “nobody” or “don't know”.", false)
			return nil
		}
		m.setStatus("", false)
		return m.goTo(next, false)
	case key.Matches(k, m.keys.Domain):
		m.nav = navState{mode: navDomain, sel: max(0, m.bank.DomainOf(m.idx))}
	case key.Matches(k, m.keys.Find):
		return m.openFind()
	case key.Matches(k, m.keys.Explain):
		if m.helpShown() {
			m.helpMode = helpOff
		} else {
			m.helpMode = helpOn
		}
	case key.Matches(k, m.keys.Note):
		return m.startNote()
	case key.Matches(k, m.keys.Hours):
		return m.startHours()
	case key.Matches(k, m.keys.Workload):
		return emit(openWorkloadMsg{at: m.idx})
	case key.Matches(k, m.keys.Clear):
		if _, ok := m.answers[m.fn().ID]; !ok {
			m.setStatus("Nothing to clear: this function is not answered.", false)
			return nil
		}
		return m.enqueue(saveJob{fid: m.fn().ID, clear: true})
	case key.Matches(k, m.keys.Review):
		return emit(openReviewMsg{at: m.idx})
	case key.Matches(k, m.keys.Finish):
		return emit(openReviewMsg{at: m.idx, finish: true})
	case key.Matches(k, m.keys.Profile):
		return emit(editProfileMsg{})
	case key.Matches(k, m.keys.Back):
		return emit(backMsg{})
	}
	return nil
}

// conflictKey takes the editor's choice after someone else changed an answer first.
func (m *questionnaireModel) conflictKey(k tea.KeyMsg) tea.Cmd {
	c := m.conflict
	switch {
	case key.Matches(k, m.keys.Overwrite):
		m.conflict = nil
		j := c.mine
		j.base, j.based = c.theirs, true // now seen: overwrite exactly that
		return m.enqueue(j)
	case key.Matches(k, m.keys.KeepTheirs):
		m.conflict = nil
		m.goTo(m.idx, false)
		m.setStatus("Kept their answer to "+m.title(c.mine.fid)+": "+answerLabel(c.theirs)+".", false)
	}
	return nil
}

// answerLabel names an answer for a line of text.
func answerLabel(a *assessment.Answer) string {
	if a == nil {
		return "not answered"
	}
	label := a.Performer.Label()
	if a.Hours != nil {
		label += ", " + assessment.FormatHours(*a.Hours) + " h/month"
	}
	if a.Note != "" {
		label += " (note: " + a.Note + ")"
	}
	return label
}

// remote takes a change another session saved to the answer to fid (nil: cleared).
func (m *questionnaireModel) remote(fid, by string, ans *assessment.Answer) {
	if ans == nil {
		delete(m.answers, fid)
	} else {
		m.answers[fid] = *ans
	}
	if m.by == nil {
		m.by = map[string]string{}
	}
	m.by[fid] = by
	if m.conflict != nil && m.conflict.mine.fid == fid {
		m.conflict.theirs = ans
	}
	if m.fn().ID == fid && !m.editing && m.conflict == nil && !m.queued(fid) {
		m.goTo(m.idx, m.fromReview)
	}
	m.setStatus(by+" answered "+m.title(fid)+": "+answerLabel(ans)+".", false)
	m.refresh()
}

// setAnswers replaces the saved answers with the draft as read again.
func (m *questionnaireModel) setAnswers(answers map[string]assessment.Answer) {
	m.answers = make(map[string]assessment.Answer, len(answers))
	for k, v := range answers {
		m.answers[k] = v
	}
	m.refresh()
}

// startNote gives the note the keyboard. The note is for the saved answer, or last
// time's suggestion, or the answer the cursor was moved to; on an unanswered function
// with none of these no answer is chosen yet, and saving asks for one.
func (m *questionnaireModel) startNote() tea.Cmd {
	f := m.fn()
	_, answered := m.answers[f.ID]
	_, suggested := m.last[f.ID]
	m.noteFor = -1
	if answered || suggested || m.moved || m.queued(f.ID) {
		m.noteFor = m.cursor
	}
	m.editing, m.noteAsk, m.noteOrig = true, false, m.note.Value()
	m.note.CursorEnd()
	return m.note.Focus()
}

// stopNote takes the keyboard from the note; discard puts back the note as it was.
func (m *questionnaireModel) stopNote(discard bool) {
	m.editing, m.noteAsk = false, false
	m.note.Blur()
	if discard {
		m.note.SetValue(m.noteOrig)
	}
}

// noteKey takes a key while the note has the keyboard: ↑/↓ choose the answer the note
// is for, enter saves both, esc stops, and asks first when the typed note would be lost.
func (m *questionnaireModel) noteKey(k tea.KeyMsg) tea.Cmd {
	if m.noteAsk {
		switch {
		case key.Matches(k, m.keys.Discard):
			m.stopNote(true)
			m.setStatus("Note discarded; the saved answer is unchanged.", false)
			return nil
		case key.Matches(k, m.keys.KeepNote):
			m.noteAsk = false
			return nil
		}
		m.noteAsk = false // any other key goes on editing
	}
	n := len(m.fn().AnswerOptions())
	switch {
	case key.Matches(k, m.keys.SaveNote):
		if m.noteFor < 0 {
			m.setStatus("Choose the answer this note is for with ↑/↓ first; the note is kept.", false)
			return nil
		}
		m.cursor = m.noteFor
		m.stopNote(false)
		return m.answerKeep(true)
	case key.Matches(k, m.keys.CancelNote):
		if m.note.Value() != m.noteOrig {
			m.noteAsk = true
			return nil
		}
		m.stopNote(true)
		return nil
	case k.Type == tea.KeyUp:
		if m.noteFor < 0 {
			m.noteFor = n - 1
		} else {
			m.noteFor = (m.noteFor + n - 1) % n
		}
		m.cursor, m.moved = m.noteFor, true
		return nil
	case k.Type == tea.KeyDown:
		m.noteFor = (m.noteFor + 1) % n
		m.cursor, m.moved = m.noteFor, true
		return nil
	}
	var cmd tea.Cmd
	m.note, cmd = m.note.Update(k)
	return cmd
}

// nextOpen is the first function after the current one, wrapping round, that has
// neither a saved answer nor one on its way to the store; -1 when there is none.
func (m *questionnaireModel) nextOpen() int {
	n := len(m.bank.Functions)
	for k := 1; k <= n; k++ {
		i := (m.idx + k) % n
		id := m.bank.Functions[i].ID
		if _, ok := m.answers[id]; !ok && !m.queued(id) {
			return i
		}
	}
	return -1
}

// snapshot copies the saved answers for another screen.
func (m *questionnaireModel) snapshot() map[string]assessment.Answer {
	c := make(map[string]assessment.Answer, len(m.answers))
	for k, v := range m.answers {
		c[k] = v
	}
	return c
}

// answer answers the current function with the performer under the cursor and the note.
func (m *questionnaireModel) answer() tea.Cmd { return m.answerKeep(false) }

// answerKeep answers the current function, with the estimate it carries (hoursFor).
// When the function has no answer in this draft yet and last time's is the
// suggestion, last time's note goes with the answer only while the answer is
// unchanged; a note confirmed in the note editor (keep) is taken as it stands. A note
// written about another performer would otherwise contradict the new answer.
func (m *questionnaireModel) answerKeep(keep bool) tea.Cmd {
	p := m.fn().AnswerOptions()[m.cursor]
	return m.answerWith(keep, m.hoursFor(p))
}

// answerWith answers the current function with the performer under the cursor, the
// note and the estimate hours.
func (m *questionnaireModel) answerWith(keep bool, hours *float64) tea.Cmd {
	f := m.fn()
	p := m.fn().AnswerOptions()[m.cursor]
	note := assessment.SanitizeNote(m.note.Value())
	if last, ok := m.last[f.ID]; ok {
		// A note confirmed in the editor is the director's, as typed (even empty).
		if _, answered := m.answers[f.ID]; !answered && !m.queued(f.ID) && !keep {
			note = assessment.NoteFor(last, p, note, false)
		}
	}
	if cur, ok := m.answers[f.ID]; ok && cur.Performer == p && cur.Note == note && sameHours(cur.Hours, hours) && !m.queued(f.ID) {
		m.setStatus("Unchanged: "+m.title(f.ID)+" — "+p.Label()+".", false)
		return m.advance()
	}
	cmd := m.enqueue(saveJob{
		fid: f.ID,
		ans: assessment.Answer{Performer: p, Note: note, Hours: copyHours(hours), AnsweredAt: m.now().UTC()},
	})
	return tea.Batch(cmd, m.advance())
}

// draftHours is the estimate the current function holds in this draft: the last write
// on its way to the store, else the saved answer's; ok is false when it has neither.
func (m *questionnaireModel) draftHours() (h *float64, ok bool) {
	fid := m.fn().ID
	if p, queued := m.pend[fid]; queued && !p.last.clear {
		return p.last.ans.Hours, true
	}
	if a, answered := m.answers[fid]; answered {
		return a.Hours, true
	}
	return nil, false
}

// hoursFor is the estimate an answer p to the current function carries: the one it
// holds in this draft; for a function not yet answered in this draft, last time's,
// while the answer is last time's (a suggestion confirmed whole, like its note); none
// for "not applicable".
func (m *questionnaireModel) hoursFor(p assessment.Performer) *float64 {
	if p == questions.NA {
		return nil
	}
	if h, ok := m.draftHours(); ok {
		return h
	}
	if last, ok := m.last[m.fn().ID]; ok && last.Performer == p {
		return last.Hours
	}
	return nil
}

// sameHours reports whether two estimates are the same (both none, or equal).
func sameHours(a, b *float64) bool {
	if a == nil || b == nil {
		return a == b
	}
	return *a == *b
}

// copyHours copies an estimate, so that an answer never shares one with another.
func copyHours(h *float64) *float64 {
	if h == nil {
		return nil
	}
	v := *h
	return &v
}

// startHours gives the hours field the keyboard, prefilled with the estimate this
// draft holds, else last time's (a suggestion, stored only when enter confirms it). The estimate is for the answer under the cursor,
// which must be chosen: the saved one, last time's, or one the cursor was moved to.
func (m *questionnaireModel) startHours() tea.Cmd {
	f := m.fn()
	_, answered := m.answers[f.ID]
	_, suggested := m.last[f.ID]
	if !(answered || suggested || m.moved || m.queued(f.ID)) {
		m.setStatus("Choose the answer first (↑/↓), then t to estimate its hours; or answer with 1–9 and come back.", false)
		return nil
	}
	if f.AnswerOptions()[m.cursor] == questions.NA {
		m.setStatus("A function that does not apply takes no hours.", false)
		return nil
	}
	v := ""
	if h, _ := m.draftHours(); h != nil {
		v = assessment.FormatHours(*h)
	} else if last, ok := m.last[f.ID]; ok && last.Hours != nil {
		v = assessment.FormatHours(*last.Hours) // a suggestion: saved only with enter
	}
	m.hours.SetValue(v)
	m.hours.CursorEnd()
	m.editingHours, m.hoursFresh = true, v != ""
	m.setStatus("", false)
	return m.hours.Focus()
}

// hoursKey takes a key while the hours field has the keyboard: enter saves the answer
// under the cursor with the estimate and moves on, esc stops without saving. A value
// outside the rule (assessment.ParseHours) is said in one line and nothing is saved.
func (m *questionnaireModel) hoursKey(k tea.KeyMsg) tea.Cmd {
	switch {
	case key.Matches(k, m.keys.SaveHours):
		p := m.fn().AnswerOptions()[m.cursor]
		h, err := assessment.ParseHours(p, m.hours.Value())
		if err != nil {
			m.setStatus("NOT saved: "+fieldMessage(err), true)
			return nil
		}
		m.editingHours = false
		m.hours.Blur()
		return m.answerWith(false, h)
	case key.Matches(k, m.keys.CancelHours):
		m.editingHours = false
		m.hours.Blur()
		m.setStatus("Estimate not changed.", false)
		return nil
	}
	if m.hoursFresh && k.Type == tea.KeyRunes {
		m.hours.SetValue("") // typing replaces the prefilled figure
	}
	m.hoursFresh = false
	var cmd tea.Cmd
	m.hours, cmd = m.hours.Update(k)
	return cmd
}

// fieldMessage is the message of a rule's error, without the field's name.
func fieldMessage(err error) string {
	var fe *assessment.FieldError
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}

func (m *questionnaireModel) queued(fid string) bool { return m.pend[fid].n > 0 }

// enqueue queues a write with the root's autosave. The editor saw, for its base, the
// saved answer as the function showed it; the autosave takes instead the last write of
// the same function still queued, if any. An overwrite after a conflict comes with its
// base.
func (m *questionnaireModel) enqueue(j saveJob) tea.Cmd {
	j.owner, j.draft = screenQuestionnaire, m.draft()
	if !j.based {
		j.base = m.seen(j.fid)
	}
	m.pend.add(j)
	m.setStatus("saving…", false)
	return m.saves.add(j)
}

// seen is the saved answer to fid as this editor saw it; nil when unanswered.
func (m *questionnaireModel) seen(fid string) *assessment.Answer {
	if fid == m.fn().ID {
		return m.shown
	}
	if a, ok := m.answers[fid]; ok {
		return &a
	}
	return nil
}

// returned counts n writes of fid as returned.
func (m *questionnaireModel) returned(fid string, n int) { m.pend.returned(fid, n) }

// saved takes the result of a write this questionnaire asked for.
func (m *questionnaireModel) saved(msg answerSavedMsg) tea.Cmd {
	j := msg.job
	m.returned(j.fid, 1+msg.dropped)
	var ce *store.ConflictError
	if errors.As(msg.err, &ce) {
		// Someone else changed it first. What this editor wants is the last of its
		// writes of that function (the autosave dropped the later ones: they would
		// only conflict again).
		mine := msg.mine
		if ce.Current == nil {
			delete(m.answers, j.fid)
		} else {
			m.answers[j.fid] = *ce.Current
		}
		m.goTo(m.bank.FunctionIndex(j.fid), false)
		m.conflict = &answerConflict{mine: mine, theirs: ce.Current}
		m.setStatus("", false)
		return nil
	}
	if msg.err != nil {
		// Back to the function whose answer is not saved, so it can be given again.
		m.goTo(m.bank.FunctionIndex(j.fid), false)
		m.setStatus("NOT saved: "+m.title(j.fid)+" — answer it again.", true)
		return nil
	}
	if j.fid == m.fn().ID {
		// This editor's own write: what the function shows now.
		m.shown = nil
		if !j.clear {
			a := j.ans
			m.shown = &a
		}
	}
	if j.clear {
		delete(m.answers, j.fid)
		m.setStatus("Cleared ✓ "+m.title(j.fid)+" is unanswered again.", false)
	} else {
		m.answers[j.fid] = j.ans
		var extra string
		if j.ans.Note != "" {
			extra += ", with your note"
		}
		if j.ans.Hours != nil {
			extra += ", " + assessment.FormatHours(*j.ans.Hours) + " h/month"
		}
		line := "saved ✓ " + m.title(j.fid) + " — " + j.ans.Performer.Label() + extra
		if width(line) > m.width-2 {
			// The short performer name, so that the note and hours stay in view.
			line = "saved ✓ " + m.title(j.fid) + " — " + j.ans.Performer.Short() + extra
		}
		m.setStatus(line, false)
	}
	// Only the progress line changes with a saved answer; the function's text stays.
	m.refreshProgress()
	return nil
}

// advance moves on after an answer: back to the review when it came from there, else
// to the next function, and after the last one to the first unanswered, or to the
// review when everything is answered.
func (m *questionnaireModel) advance() tea.Cmd {
	n := len(m.bank.Functions)
	if m.fromReview {
		m.fromReview = false
		m.leaving = true
		return emit(openReviewMsg{at: m.idx})
	}
	if m.idx < n-1 {
		return m.goTo(m.idx+1, false)
	}
	if next := m.nextOpen(); next >= 0 {
		m.setStatus("That was the last function; here is the first one still unanswered.", false)
		return m.goTo(next, false)
	}
	m.leaving = true
	return emit(openReviewMsg{at: m.idx})
}

func (m *questionnaireModel) setStatus(s string, bad bool) { m.status, m.statusBad = s, bad }

func (m *questionnaireModel) setSize(w, h int) {
	if m.width == w && m.height == h {
		return
	}
	m.width, m.height = w, h
	m.note.Width = max(10, textWidth(w)-12)
	if m.bank != nil {
		m.refresh()
	}
}

// refresh rebuilds the cached parts of the frame: the title when the width changed,
// the function's text (shared) and the progress line.
func (m *questionnaireModel) refresh() {
	m.bodyOK = false
	if m.width == 0 || m.bank == nil {
		return
	}
	if m.c.titleW != m.width {
		m.c.titleW = m.width
		m.c.title = m.styles.titleBar(m.width, assessment.SanitizeNote(m.orgName), fmt.Sprintf("Assessment #%d", m.number), "Questions")
	}
	m.c.funcText = m.functionText()
	m.c.domLine = m.c.domain
	if m.carried[m.fn().ID].New {
		m.c.domLine = truncate(m.c.domRaw+m.styles.ok.Render(" · "+assessment.NewIn(m.bank)), m.width-1)
	}
	m.refreshProgress()
}

// refreshProgress renders the progress line: answered in all, and in this domain. It
// is all a saved answer changes.
func (m *questionnaireModel) refreshProgress() {
	if m.width == 0 || m.bank == nil {
		return
	}
	d := m.bank.DomainOf(m.idx)
	var dom questions.Domain
	if d >= 0 {
		dom = m.bank.Domains[d]
	}
	answered, domTotal, domAnswered := 0, 0, 0
	for i := range m.bank.Functions {
		a, ok := m.answers[m.bank.Functions[i].ID]
		done := ok && a.Performer.Valid()
		if done {
			answered++
		}
		if m.bank.DomainOf(i) == d {
			domTotal++
			if done {
				domAnswered++
			}
		}
	}
	total := len(m.bank.Functions)
	tw := textWidth(m.width)
	label := fmt.Sprintf(" %d/%d answered · %s %d/%d", answered, total, assessment.SanitizeNote(dom.Name), domAnswered, domTotal)
	m.barWidth = max(10, min(40, tw-width(label)))
	m.c.progress = m.barView(answered, total) + truncate(label, max(0, m.width-m.barWidth-1))
}

// barKey is what the progress bar's view depends on: the session's color profile and
// colors, the bar's width, and how many of how many functions are answered.
type barKey struct {
	profile            termenv.Profile
	full, empty        string
	width, answ, total int
}

// maxBarViews bounds barViews: the 43 counts of the default bank at 95 widths.
const maxBarViews = 4096

// barViews keeps the progress bars rendered, shared by every session of the process
// (each would otherwise render every count once: one bar per answer). Emptied when
// full.
var barViews struct {
	sync.Mutex
	m map[barKey]string
}

// barView is progressBar at the bar's width, rendered once per process.
func (m *questionnaireModel) barView(answered, total int) string {
	s := m.styles
	k := barKey{s.r.ColorProfile(), s.progressFull, s.progressEmpty, m.barWidth, answered, total}
	barViews.Lock()
	v, ok := barViews.m[k]
	barViews.Unlock()
	if ok {
		return v
	}
	v = progressBar(s, m.barWidth, answered, total)
	barViews.Lock()
	if barViews.m == nil || len(barViews.m) >= maxBarViews {
		barViews.m = make(map[barKey]string)
	}
	barViews.m[k] = v
	barViews.Unlock()
	return v
}

// progressBar draws answered of total as a bar of w cells: the answered share (rounded
// to the nearest cell) filled, the rest shaded, each one run of one color. The bar
// changes with every answer, so its line goes out with every answer's frame: one
// colored run per cell, as bubbles' progress bar draws it, made it 40 color changes and
// over 600 bytes of the frame.
func progressBar(s *styles, w, answered, total int) string {
	fw := 0
	if total > 0 {
		fw = int(math.Round(float64(w) * float64(answered) / float64(total)))
	}
	fw = max(0, min(w, fw))
	var b strings.Builder
	if fw > 0 {
		b.WriteString(s.progFull.Render(strings.Repeat("█", fw)))
	}
	if fw < w {
		b.WriteString(s.progEmpty.Render(strings.Repeat("░", w-fw)))
	}
	return b.String()
}

// requiredLines is the height of what is always shown: title, progress, domain,
// question, the seven performers, the note and the status line.
func (m *questionnaireModel) requiredLines() int { return m.requiredFor(m.c.funcText) }

// requiredFor is requiredLines for the function of text t.
func (m *questionnaireModel) requiredFor(t *funcText) int {
	noteLines := 2 // the note and the hours
	if m.editing {
		noteLines = 3
	}
	return 3 + len(t.question) + len(t.options) + noteLines + 1
}

// helpShown reports whether the explanation is shown: always when asked for, never
// when hidden, and by default when it fits with everything else.
func (m *questionnaireModel) helpShown() bool { return m.helpShownFor(m.c.funcText) }

// helpShownFor is helpShown for the function of text t.
func (m *questionnaireModel) helpShownFor(t *funcText) bool {
	switch m.helpMode {
	case helpOn:
		return true
	case helpOff:
		return false
	}
	return m.height-m.requiredFor(t) >= len(t.help)+len(t.desc)+4
}

// linesAbove is how many rows the function of text t has above its answers: title,
// progress, and what renderBody writes before them.
func (m *questionnaireModel) linesAbove(t *funcText) int {
	helpN, descN, blank := m.bodyRoomFor(t)
	n := 2 + 1 + descN + len(t.question) + helpN
	if helpN > 0 && helpN < len(t.help) {
		n++ // "… (enlarge the window to read the rest)"
	}
	for _, b := range blank[:3] {
		if b {
			n++
		}
	}
	return n
}

// answersKey is what the answers' row depends on besides the bank.
type answersKey struct {
	width, height int
	helpMode      helpMode
	editing       bool
}

// answersRow is the row of the first answer: the same for every function of the bank
// at this size, the lowest any of them needs. Computed once per size.
func (m *questionnaireModel) answersRow() int {
	k := answersKey{m.width, m.height, m.helpMode, m.editing}
	if m.rowAt.ok && m.rowAt.key == k {
		return m.rowAt.row
	}
	row := 0
	for i := range m.bank.Functions {
		row = max(row, m.linesAbove(m.functionTextAt(i)))
	}
	m.rowAt.key, m.rowAt.row, m.rowAt.ok = k, row, true
	return row
}

func (m *questionnaireModel) help() keyHelp {
	k := m.keys
	if m.conflict != nil {
		return keyHelp{noBack: true, short: []key.Binding{k.Overwrite, k.KeepTheirs}, full: [][]key.Binding{{k.Overwrite, k.KeepTheirs}}}
	}
	if m.nav.open() {
		return m.navHelp()
	}
	if m.editing && m.noteAsk {
		return keyHelp{noEsc: true, short: []key.Binding{k.Discard, k.KeepNote, k.SaveNote}, full: [][]key.Binding{{k.Discard, k.KeepNote, k.SaveNote}}}
	}
	if m.editing {
		return keyHelp{noEsc: true, short: []key.Binding{k.NoteFor, k.SaveNote, k.CancelNote}, full: [][]key.Binding{{k.NoteFor, k.SaveNote, k.CancelNote}}}
	}
	if m.editingHours {
		return keyHelp{noEsc: true, short: []key.Binding{k.SaveHours, k.CancelHours}, full: [][]key.Binding{{k.SaveHours, k.CancelHours}}}
	}
	// The help while answering, asked for after every message: built once per
	// session for functions with and without "not applicable".
	na := 0
	if m.fn().NAAllowed {
		na = 1
	}
	if h := m.answering[na]; h != nil {
		return *h
	}
	number := k.NumberNoNA // 0 answers nothing here: do not offer it
	if na == 1 {
		number = k.Number
	}
	h := &keyHelp{
		noBack: true,
		short:  []key.Binding{k.Choose, number, k.Move, k.Find, k.Finish},
		full: [][]key.Binding{
			{k.Up, k.Down, number, k.Answer, k.Mouse},
			{k.Next, k.Prev, k.Unanswered, k.Gap, k.Domain, k.Find},
			{k.Explain, k.Note, k.Hours, k.Workload, k.Clear, k.Profile, k.Review, k.Finish},
		},
	}
	m.answering[na] = h
	return *h
}

// view is the title, the progress line, the body and the status line. The body is
// rendered again only after something it shows changed: a save acknowledged for
// another function than the one shown changes only the progress and status lines.
func (m *questionnaireModel) view() string {
	if m.bank == nil {
		return ""
	}
	if m.nav.open() {
		return m.c.title + "\n" + m.c.progress + "\n" + m.navView() + m.statusLine()
	}
	if !m.bodyOK {
		m.body, m.bodyOK = m.renderBody(), true
	}
	status := ""
	if m.conflict == nil {
		status = m.statusLine()
	}
	return m.c.title + "\n" + m.c.progress + "\n" + m.body + status
}

// bodyRoom shares the lines left beside what is always shown: the explanation first
// (when shown), then the domain's description, then up to four blank lines.
func (m *questionnaireModel) bodyRoom() (helpN, descN int, blank [4]bool) {
	return m.bodyRoomFor(m.c.funcText)
}

// bodyRoomFor is bodyRoom for the function of text t.
func (m *questionnaireModel) bodyRoomFor(t *funcText) (helpN, descN int, blank [4]bool) {
	room := m.height - m.requiredFor(t)
	if m.helpShownFor(t) {
		helpN = min(len(t.help), max(0, room))
	}
	room -= helpN
	if room >= len(t.desc) {
		descN = len(t.desc)
		room -= descN
	}
	for i := range blank {
		if room > 0 {
			blank[i] = true
			room--
		}
	}
	return helpN, descN, blank
}

// renderBody renders the lines between the progress line and the status line.
func (m *questionnaireModel) renderBody() string {
	s := m.styles
	c := &m.c
	helpN, descN, blank := m.bodyRoom()
	var b strings.Builder
	b.Grow(4096)
	line := func(l string) {
		b.WriteString(l)
		b.WriteByte('\n')
	}
	gap := func(i int) {
		if blank[i] {
			line("")
		}
	}
	gap(0)
	line(" " + c.domLine)
	for _, l := range c.desc[:descN] {
		line(" " + l)
	}
	gap(1)
	for _, l := range c.question {
		line(" " + l)
	}
	for _, l := range c.help[:helpN] {
		line(" " + l)
	}
	if helpN > 0 && helpN < len(c.help) {
		line(" " + s.muted.Render("… (enlarge the window to read the rest)"))
	}
	gap(2)
	// The answers, and the lines under them, keep their rows from function to function
	// (as far as the window allows): the questions above differ in length, and
	// rows moved by one would make every answer line go out again with every answer's
	// frame, besides moving what a director aims at with the keys and the mouse.
	notes := m.noteLines()
	above := 2 + strings.Count(b.String(), "\n") // below the title and progress lines
	below := len(m.c.options) + len(notes) + 1   // the answer rows, the notes, the status
	if blank[3] {
		below++
	}
	if m.conflict == nil {
		below++ // the hours
	}
	pad := max(0, min(m.answersRow(), m.height-below)-above)
	for range pad {
		b.WriteByte('\n')
	}
	m.optionsY = 2 + strings.Count(b.String(), "\n")
	m.optionRows(&b)
	if na := questions.NumOptions - len(m.c.options); above+pad+below+na <= m.height {
		// The row of "not applicable", where it is not offered, when there is room:
		// the lines under the answers keep their rows too.
		for range na {
			b.WriteByte('\n')
		}
	}
	gap(3)
	for i, l := range notes {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(" " + l)
	}
	if m.conflict == nil {
		b.WriteString("\n " + m.hoursLine() + "\n")
	}
	return b.String()
}

// hoursLine is the line under the note: the estimate of hours a month the answer under
// the cursor carries (hoursFor), the field while it is typed, and last time's.
func (m *questionnaireModel) hoursLine() string {
	s, w := m.styles, m.width-2
	f := m.fn()
	p := f.AnswerOptions()[m.cursor]
	if m.editingHours {
		how := " · enter saves · esc stops"
		if m.hoursFresh {
			how = " · type to replace" + how
		}
		return truncate("Hours a month "+m.hours.View()+s.muted.Render(fmt.Sprintf(" for “%s”", p.Label())+how), w)
	}
	if p == questions.NA {
		return m.mutedText(truncate("Hours a month: none (not applicable)", w))
	}
	last, hasLast := m.last[f.ID]
	lastH := ""
	if hasLast && last.Hours != nil {
		lastH = assessment.FormatHours(*last.Hours)
	}
	if h, ok := m.draftHours(); ok {
		if h != nil {
			return truncate("Hours a month: "+assessment.FormatHours(*h)+m.mutedText("  (t to change · w: all at once)"), w)
		}
		if lastH != "" {
			return m.mutedText(truncate("Hours a month: none (t to estimate; last time "+lastH+") · w: all at once", w))
		}
		return m.mutedText(truncate("Hours a month: none (t to estimate)", w))
	}
	switch {
	case lastH != "" && last.Performer == p:
		return truncate("Hours a month: "+lastH+s.muted.Render(" — last time's, kept with this answer (t to change · w: all)"), w)
	case lastH != "":
		return s.muted.Render(truncate(fmt.Sprintf("Hours a month: none (last time %s with “%s”; t to estimate · w: all)", lastH, last.Performer.Label()), w))
	}
	return m.mutedText(truncate("Hours a month: none (t to estimate · w: all at once)", w))
}

// noteLines are the lines under the answers: the conflict and its choice, the note
// being typed and what it is for, or the note.
func (m *questionnaireModel) noteLines() []string {
	s, w := m.styles, m.width-2
	if c := m.conflict; c != nil {
		who := m.by[c.mine.fid]
		if who == "" {
			who = "someone else"
		}
		mine := answerLabel(&c.mine.ans)
		if c.mine.clear {
			mine = "clear it"
		}
		return []string{
			s.bad.Render(truncate(fmt.Sprintf("NOT saved: %s changed this meanwhile to %s.", who, answerLabel(c.theirs)), w)),
			s.warn.Render(truncate("o overwrites with yours · t or esc keeps theirs — yours: "+mine, w)),
		}
	}
	switch {
	case m.editing && m.noteAsk:
		return []string{"Note " + m.note.View(),
			s.warn.Render(truncate("Discard the note you typed? y or esc discards it · n keeps editing · enter saves it", w))}
	case m.editing && m.noteFor < 0:
		return []string{"Note " + m.note.View(),
			s.warn.Render(truncate("for no answer yet: choose it with ↑/↓ · enter saves both · esc stops", w))}
	case m.editing:
		return []string{"Note " + m.note.View(),
			s.muted.Render(truncate(fmt.Sprintf("for “%s” (↑/↓ changes it) · enter saves both · esc stops", m.fn().AnswerOptions()[m.noteFor].Label()), w))}
	case m.lastNoteDropped():
		// Last time's note stays visible, but goes with a changed answer only if the
		// director keeps it (n, then enter).
		return []string{s.muted.Render(truncate(fmt.Sprintf("Last time's note (not kept with a changed answer; n keeps it): %s", m.note.Value()), w))}
	case m.note.Value() != "":
		// " Note: " and "  (n to edit)" take 20 columns.
		return []string{"Note: " + truncate(m.note.Value(), m.width-20) + m.mutedText("  (n to edit)")}
	}
	return []string{m.mutedText("Note: none (n to add one)")}
}

// optionRows writes the answer options, one row each, with their marks: the saved
// answer, one on its way to the store, last time's.
func (m *questionnaireModel) optionRows(b *strings.Builder) {
	c := &m.c
	f := m.fn()
	cur, answered := m.answers[f.ID]
	last, hasLast := m.last[f.ID]
	var pending *saveJob
	if p, ok := m.pend[f.ID]; ok {
		pending = &p.last
	}
	mk := m.marks()
	for i, p := range c.options {
		// The marks after the performer, and shorter ones for narrow windows: the row is
		// 35 columns before them.
		var marks, short []string
		if answered && cur.Performer == p {
			marks = append(marks, mk.yours)
			short = append(short, mk.yoursShort)
		}
		if pending != nil && !pending.clear && pending.ans.Performer == p {
			marks = append(marks, mk.saving)
			short = append(short, mk.saving)
		}
		if hasLast && last.Performer == p {
			marks = append(marks, mk.last)
			short = append(short, mk.lastShort)
		}
		row := c.rowOff[i]
		if i == m.cursor && !(m.editing && m.noteFor < 0) {
			row = c.rowOn[i]
		}
		if len(marks) > 0 {
			tail := " " + strings.Join(marks, " ")
			if width(row)+width(tail) > m.width {
				tail = " " + strings.Join(short, " ")
			}
			row = truncate(row+tail, m.width)
		}
		b.WriteString(row)
		b.WriteByte('\n')
	}
}

// statusLine is the last line: what happened to the last answer.
func (m *questionnaireModel) statusLine() string {
	k := statusKey{m.status, m.statusBad, m.width}
	if m.statusDrawn.ok && m.statusDrawn.key == k {
		return m.statusDrawn.line
	}
	line := m.drawStatus()
	m.statusDrawn.key, m.statusDrawn.line, m.statusDrawn.ok = k, line, true
	return line
}

// statusKey is what the status line shows.
type statusKey struct {
	text  string
	bad   bool
	width int
}

// drawStatus draws the status line.
func (m *questionnaireModel) drawStatus() string {
	s := m.styles
	switch {
	case m.status == "":
		return " "
	case m.statusBad:
		return " " + s.bad.Render(truncate(m.status, m.width-2))
	case strings.HasPrefix(m.status, "saved ✓"), strings.HasPrefix(m.status, "Cleared ✓"):
		return " " + s.ok.Render(truncate(m.status, m.width-2))
	}
	return " " + s.muted.Render(truncate(m.status, m.width-2))
}

// inputRoom is the room left in the note while it has the keyboard.
func (m *questionnaireModel) inputRoom() (room, limit int) {
	if m.nav.finding() {
		return roomIn(&m.nav.input)
	}
	if m.editingHours {
		return roomIn(&m.hours)
	}
	if !m.editing {
		return 0, 0
	}
	return roomIn(&m.note)
}
