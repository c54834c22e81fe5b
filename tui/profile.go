package tui

import (
	"errors"
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/store"
)

// profileModel is the profile form: one line per field, validated inline with
// assessment.Profile.Set, each field saved as soon as the user leaves it. Saves go
// through the root's autosave, one at a time, in order, so a slow write never lets an
// older profile overwrite a newer one.
type profileModel struct {
	styles *styles
	keys   profileKeys
	saves  *autosave

	orgID, orgName string
	number         int
	prevNumber     int // the assessment the profile was copied from; 0 for a first one

	want   assessment.Profile // every valid value given so far
	stored assessment.Profile // the profile as last saved: what the database holds
	fields []profileField
	focus  int // len(fields) is the Continue button

	// waiting counts the saves asked for and not yet returned, by field.
	waiting       map[assessment.ProfileField]int
	continueAfter bool // continue once the saves in flight are done
	message       string

	width, height int
}

type fieldState int

const (
	fieldUntouched fieldState = iota
	fieldSaving
	fieldSaved
)

type profileField struct {
	f     assessment.ProfileField
	input textinput.Model // not used by the yes/no field
	blank bool            // no value given yet (a first assessment)
	fresh bool            // just focused: typing replaces the value, like a spreadsheet cell
	err   string
	state fieldState
	// unsaved is set when the save of this field's value failed: err says so until a
	// later save succeeds or the value changes, and leaving the field saves it again.
	unsaved bool
}

func newProfile(s *styles, saves *autosave, sess sessionMsg) *profileModel {
	p := sess.draft.Profile
	m := &profileModel{
		styles: s, keys: newProfileKeys(), saves: saves, waiting: map[assessment.ProfileField]int{},
		orgID: sess.org.ID, orgName: sess.org.Name, number: sess.draft.Number,
		want: p, stored: p,
	}
	if sess.prev != nil {
		m.prevNumber = sess.prev.Number
	}
	first := p.Beds == 0
	for _, f := range assessment.AllProfileFields {
		fld := profileField{f: f}
		if f != assessment.FieldTeaching {
			ti := textinput.New()
			ti.Prompt = "> "
			ti.CharLimit = 16
			ti.Width = 12
			ti.KeyMap.Paste.SetEnabled(false)
			ti.Cursor.SetMode(cursor.CursorStatic)
			s.styleInput(&ti)
			v := p.Value(f)
			if first && (v == "0" || f == assessment.FieldBeds) {
				fld.blank = true
				v = ""
			}
			ti.SetValue(v)
			fld.input = ti
		}
		m.fields = append(m.fields, fld)
	}
	return m
}

func (m *profileModel) id() screenID { return screenProfile }

// draft is the draft whose profile the form edits.
func (m *profileModel) draft() draftKey { return draftKey{m.orgID, m.number} }

// capturing is always true: the form is for typing, so q never quits here (esc leaves).
func (m *profileModel) capturing() bool { return true }

// focusCmd gives the keyboard to the current field.
func (m *profileModel) focusCmd() tea.Cmd {
	for i := range m.fields {
		m.fields[i].input.Blur()
	}
	if m.focus < len(m.fields) && m.fields[m.focus].f != assessment.FieldTeaching {
		fld := &m.fields[m.focus]
		fld.input.CursorEnd()
		fld.fresh = fld.input.Value() != ""
		return fld.input.Focus()
	}
	return nil
}

func (m *profileModel) move(to int) tea.Cmd {
	cmd := m.commit(m.focus)
	m.focus = (to + len(m.fields) + 1) % (len(m.fields) + 1)
	return tea.Batch(cmd, m.focusCmd())
}

func (m *profileModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case profileSavedMsg:
		if msg.draft != m.draft() {
			return nil
		}
		return m.saved(msg)
	case DraftChangedMsg:
		if (draftKey{msg.OrgID, msg.Number}) == m.draft() && msg.Profile != nil {
			m.remote(*msg.Profile, msg.By)
		}
	case openedMsg:
		return m.focusCmd()
	case quittingMsg:
		// Queues the save of the value typed, if any: the root quits once it is done.
		return m.commit(m.focus)
	case tea.KeyMsg:
		return m.key(msg)
	}
	return nil
}

func (m *profileModel) key(k tea.KeyMsg) tea.Cmd {
	m.message = ""
	onTeaching := m.focus < len(m.fields) && m.fields[m.focus].f == assessment.FieldTeaching
	switch {
	case key.Matches(k, m.keys.Back):
		cmd := m.commit(m.focus)
		return tea.Batch(cmd, emit(backMsg{}))
	case key.Matches(k, m.keys.Next):
		return m.move(m.focus + 1)
	case key.Matches(k, m.keys.Prev):
		return m.move(m.focus - 1)
	case key.Matches(k, m.keys.Enter):
		if m.focus == len(m.fields) {
			return m.tryContinue()
		}
		return m.move(m.focus + 1)
	case onTeaching && key.Matches(k, m.keys.Toggle):
		return m.setTeaching(!m.want.Teaching)
	case onTeaching && key.Matches(k, m.keys.Yes):
		return m.setTeaching(true)
	case onTeaching && key.Matches(k, m.keys.No):
		return m.setTeaching(false)
	}
	if m.focus < len(m.fields) && !onTeaching {
		fld := &m.fields[m.focus]
		if fld.fresh && k.Type == tea.KeyRunes && !k.Paste {
			// "1" typed into "250" means 1, not 2501.
			fld.input.SetValue("")
		}
		fld.fresh = false
		var cmd tea.Cmd
		fld.input, cmd = fld.input.Update(k)
		return cmd
	}
	return nil
}

func (m *profileModel) setTeaching(v bool) tea.Cmd {
	for _, fld := range m.fields {
		if fld.f == assessment.FieldTeaching && fld.state != fieldUntouched && v == m.want.Teaching {
			return nil
		}
	}
	m.want.Teaching = v
	return m.save(assessment.FieldTeaching)
}

// commit validates the text of field i and saves it when it changed.
func (m *profileModel) commit(i int) tea.Cmd {
	if i >= len(m.fields) || m.fields[i].f == assessment.FieldTeaching {
		return nil
	}
	fld := &m.fields[i]
	text := strings.TrimSpace(fld.input.Value())
	if text == "" {
		if !fld.blank {
			fld.err, fld.unsaved = "Type a value (0 if none).", false
		}
		return nil
	}
	p := m.want
	if err := p.Set(fld.f, text); err != nil {
		fld.err, fld.unsaved = sentence(err), false
		return nil
	}
	if fld.f == assessment.FieldProductiveHours && m.want.ProductiveHours == 0 && p.ProductiveHours == m.want.Productive() {
		// The default, shown and left as it was, stays "not set": reports say the
		// figures rest on the default, and an export is what it was.
		p.ProductiveHours = 0
	}
	fld.err, fld.unsaved = "", false
	fld.input.SetValue(p.Value(fld.f)) // shows how it was read: "7,000" → "7000"
	wasBlank := fld.blank
	fld.blank = false
	// Unchanged and in the database: nothing to save. A value whose save failed is
	// unchanged but not stored, so it is saved again.
	if p == m.want && !wasBlank && p.Value(fld.f) == m.stored.Value(fld.f) {
		return nil
	}
	m.want = p
	return m.save(fld.f)
}

// save asks for a save of the whole profile for field f.
func (m *profileModel) save(f assessment.ProfileField) tea.Cmd {
	for i := range m.fields {
		if m.fields[i].f == f {
			m.fields[i].state = fieldSaving
		}
	}
	return m.request([]assessment.ProfileField{f})
}

// request queues a write of fields of the profile the form holds with the root's
// autosave.
func (m *profileModel) request(fields []assessment.ProfileField) tea.Cmd {
	for _, f := range fields {
		m.waiting[f]++
	}
	return m.saves.add(saveJob{owner: screenProfile, draft: m.draft(), profile: m.want, pbase: m.stored, fields: fields})
}

// writing reports whether saves asked for have not returned yet.
func (m *profileModel) writing() bool { return len(m.waiting) > 0 }

func (m *profileModel) saved(msg profileSavedMsg) tea.Cmd {
	for _, f := range msg.reqs {
		if m.waiting[f] <= 1 {
			delete(m.waiting, f)
		} else {
			m.waiting[f]--
		}
	}
	var ce *store.ConflictError
	if errors.As(msg.err, &ce) {
		return m.conflicted(msg.fields, ce)
	}
	if msg.err == nil {
		m.stored = msg.profile
	}
	for _, f := range msg.fields {
		for i := range m.fields {
			fld := &m.fields[i]
			if fld.f != f || fld.state != fieldSaving {
				continue
			}
			if msg.err != nil {
				fld.state = fieldUntouched
				fld.err, fld.unsaved = "Not saved: "+sentence(msg.err), true
			} else if !m.isPending(f) {
				fld.state = fieldSaved
				if fld.unsaved {
					fld.err, fld.unsaved = "", false
				}
			}
		}
	}
	if m.writing() {
		return nil
	}
	if m.continueAfter && msg.err == nil {
		m.continueAfter = false
		return m.tryContinue()
	}
	m.continueAfter = false
	return nil
}

// conflicted takes a save refused because someone else changed field ce.Field first:
// that field keeps the editor's value, not saved, with both values and the choice; the
// other fields of the refused save go out again over what is stored now.
func (m *profileModel) conflicted(fields []assessment.ProfileField, ce *store.ConflictError) tea.Cmd {
	m.stored = ce.Profile
	m.adopt(ce.Profile)
	for i := range m.fields {
		fld := &m.fields[i]
		if fld.f != ce.Field {
			continue
		}
		fld.state = fieldUntouched
		fld.err = fmt.Sprintf("Changed by someone else meanwhile to %s; yours (%s) is NOT saved: enter or tab overwrites with yours, typing %s keeps theirs.",
			ce.Profile.Value(ce.Field), m.want.Value(ce.Field), ce.Profile.Value(ce.Field))
		fld.unsaved = true
	}
	m.continueAfter = false
	var again []assessment.ProfileField
	for _, f := range fields {
		if f != ce.Field && !m.isPending(f) {
			again = append(again, f)
		}
	}
	if len(again) > 0 {
		return m.request(again)
	}
	return nil
}

// remote takes a profile another session saved: fields this editor is not changing
// show the new values.
func (m *profileModel) remote(p assessment.Profile, by string) {
	m.stored = p
	m.adopt(p)
	m.message = by + " changed the profile."
}

// adopt shows the values of p in the fields this editor is not changing: not the one
// with the focus, not one on its way to the store or not saved.
func (m *profileModel) adopt(p assessment.Profile) {
	for i := range m.fields {
		fld := &m.fields[i]
		if i == m.focus || fld.state == fieldSaving || fld.unsaved || m.isPending(fld.f) ||
			m.want.Value(fld.f) == p.Value(fld.f) {
			continue
		}
		if err := m.want.Set(fld.f, p.Value(fld.f)); err != nil {
			continue // not a value the form takes (beds not yet given)
		}
		if fld.f != assessment.FieldTeaching {
			fld.input.SetValue(p.Value(fld.f))
		}
		fld.blank, fld.err = false, ""
	}
}

func (m *profileModel) isPending(f assessment.ProfileField) bool { return m.waiting[f] > 0 }

// tryContinue leaves the form for the questions once every field holds a valid, saved
// value; otherwise it shows what is missing.
func (m *profileModel) tryContinue() tea.Cmd {
	cmd := m.commit(m.focus)
	for i := range m.fields {
		fld := &m.fields[i]
		if fld.blank && fld.err == "" {
			fld.err = "Fill this in (type 0 if none)."
		}
		if fld.err != "" {
			m.focus = i
			m.message = "Fix the marked field first."
			return tea.Batch(cmd, m.focusCmd())
		}
	}
	if err := m.want.Validate(); err != nil {
		m.message = sentence(err)
		return cmd
	}
	if m.writing() {
		m.continueAfter = true
		return cmd
	}
	if m.want != m.stored {
		// Something the form holds is not in the database (a save failed): save it,
		// and go on only once it is.
		m.continueAfter = true
		var fields []assessment.ProfileField
		for _, f := range assessment.AllProfileFields {
			if m.want.Value(f) != m.stored.Value(f) {
				fields = append(fields, f)
			}
		}
		return tea.Batch(cmd, m.request(fields))
	}
	return tea.Batch(cmd, emit(profileDoneMsg{m.want}))
}

// sentence turns an error into a sentence for a person: the field error's message
// without its field path, capitalized.
func sentence(err error) string {
	msg := err.Error()
	var fe *assessment.FieldError
	if errors.As(err, &fe) {
		msg = fe.Msg
	}
	if msg == "" {
		return ""
	}
	return strings.ToUpper(msg[:1]) + msg[1:]
}

func (m *profileModel) setSize(w, h int) { m.width, m.height = w, h }

func (m *profileModel) help() keyHelp {
	k := m.keys
	short := []key.Binding{k.Next, k.Prev, k.Enter}
	if m.focus < len(m.fields) && m.fields[m.focus].f == assessment.FieldTeaching {
		short = append(short, k.Toggle)
	}
	short = append(short, k.Back)
	return keyHelp{short: short, full: [][]key.Binding{{k.Next, k.Prev, k.Enter, k.Back}, {k.Toggle, k.Yes, k.No}}}
}

const profileLabelW = 31

func (m *profileModel) view() string {
	s := m.styles
	tw := textWidth(m.width)
	var b strings.Builder
	b.WriteString(s.titleBar(m.width, assessment.SanitizeNote(m.orgName), fmt.Sprintf("Assessment #%d", m.number), "Profile"))
	b.WriteString("\n\n ")
	b.WriteString(s.bold.Render("Your department today"))
	b.WriteByte('\n')
	intro := "These figures go on the scorecard beside published reference figures. Each value is saved as soon as you leave its field."
	if m.prevNumber > 0 {
		intro = fmt.Sprintf("Prefilled from assessment #%d: change what is different. Each value is saved as soon as you leave its field.", m.prevNumber)
	}
	for _, l := range wrap(intro, tw) {
		b.WriteString(" " + s.muted.Render(l) + "\n")
	}
	b.WriteByte('\n')
	for i := range m.fields {
		b.WriteString(m.fieldLine(i))
		b.WriteString(m.fieldNote(i, tw))
	}
	b.WriteByte('\n')
	button := "[ Continue to the questions → ]"
	if m.focus == len(m.fields) {
		b.WriteString(s.selected.Render(" › " + button))
	} else {
		b.WriteString("   " + s.muted.Render(button))
	}
	b.WriteByte('\n')
	switch {
	case m.message != "":
		b.WriteString(" " + s.bad.Render(truncate(m.message, m.width-2)))
	case m.continueAfter:
		b.WriteString(" " + s.muted.Render("saving…"))
	case m.want.Beds > 0:
		b.WriteString(" " + s.muted.Render("Size band for peers: "+assessment.BandFor(m.want.Beds).Describe()))
	}
	return b.String()
}

// fieldLine is field i's line: its label, its value and whether it is saved.
func (m *profileModel) fieldLine(i int) string {
	s := m.styles
	fld := &m.fields[i]
	focused := i == m.focus
	marker := "   "
	label := pad(fld.f.Label(), profileLabelW)
	if focused {
		marker, label = s.accent.Render(" › "), s.bold.Render(label)
	}
	var value string
	switch {
	case fld.f == assessment.FieldTeaching:
		yes, no := "( ) yes", "(•) no"
		if m.want.Teaching {
			yes, no = "(•) yes", "( ) no"
		}
		value = "  " + yes + "  " + no
	case focused:
		value = fld.input.View()
	default:
		v := fld.input.Value()
		if v == "" {
			v = s.muted.Render("—")
		}
		value = "  " + v
	}
	line := marker + label + " " + pad(value, 20)
	switch fld.state {
	case fieldSaving:
		line += " " + s.muted.Render("saving…")
	case fieldSaved:
		line += " " + s.ok.Render("saved ✓")
	}
	return truncate(line, m.width) + "\n"
}

// fieldNote is what goes under field i: its error, else a warning about a value far
// outside any reference (assessment.Profile.Warning: saved anyway), else, on the
// focused field, what it takes.
func (m *profileModel) fieldNote(i, tw int) string {
	s := m.styles
	fld := &m.fields[i]
	focused := i == m.focus
	ind := strings.Repeat(" ", 5)
	var out strings.Builder
	switch warn := m.want.Warning(fld.f); {
	case fld.err != "":
		for _, l := range wrap("✗ "+fld.err, tw-4) {
			out.WriteString(ind + s.bad.Render(l) + "\n")
		}
	case warn != "" && fld.input.Value() != "":
		for _, l := range wrap("! "+warn, tw-4) {
			out.WriteString(ind + s.warn.Render(l) + "\n")
		}
	case focused && fld.f == assessment.FieldTeaching:
		out.WriteString(ind + s.muted.Render(truncate(fld.f.Hint()+" — space, y or n to switch", tw-4)) + "\n")
	case focused && fld.fresh:
		out.WriteString(ind + s.muted.Render(truncate(fld.f.Hint()+" (type to replace)", tw-4)) + "\n")
	case focused:
		out.WriteString(ind + s.muted.Render(truncate(fld.f.Hint(), tw-4)) + "\n")
	}
	return out.String()
}

// inputRoom is the room left in the focused field; a freshly focused field is replaced
// by what is typed, so all of it is room.
func (m *profileModel) inputRoom() (room, limit int) {
	if m.focus >= len(m.fields) || m.fields[m.focus].f == assessment.FieldTeaching {
		return 0, 0
	}
	fld := &m.fields[m.focus]
	if fld.fresh {
		return fld.input.CharLimit, fld.input.CharLimit
	}
	return roomIn(&fld.input)
}
