package tui

import (
	"errors"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/store"
)

// homeModel is the first screen: the organizations the user can see, with their
// latest balance index, verdict and date and whether a draft is in progress, and a way
// to create an organization.
type homeModel struct {
	styles    *styles
	keys      homeKeys
	canCreate bool
	dueAfter  int // months; see Options.DueAfter
	now       func() time.Time

	orgs   []orgSummary
	loaded bool
	cursor int

	creating bool
	input    textinput.Model
	slug     string // the id the typed name would get
	inputErr string
	busy     bool // a create is in flight
	notice   string

	width, height int
}

func newHome(s *styles, canCreate bool, dueAfter int, now func() time.Time) *homeModel {
	ti := textinput.New()
	ti.Prompt = "> "
	ti.Placeholder = "e.g. St Example Hospital"
	ti.CharLimit = store.MaxNameRunes
	ti.KeyMap.Paste.SetEnabled(false) // would read the server's clipboard over SSH
	ti.Cursor.SetMode(cursor.CursorStatic)
	s.styleInput(&ti)
	return &homeModel{styles: s, keys: newHomeKeys(), canCreate: canCreate, input: ti, dueAfter: dueAfter, now: now}
}

func (m *homeModel) id() screenID { return screenHome }

func (m *homeModel) capturing() bool { return m.creating }

// setCanCreate follows a change of the user's access.
func (m *homeModel) setCanCreate(v bool) {
	m.canCreate = v
	if !v {
		m.creating = false
		m.input.Blur()
	}
}

// items is the number of selectable rows: the organizations and "new organization".
func (m *homeModel) items() int {
	if m.canCreate {
		return len(m.orgs) + 1
	}
	return len(m.orgs)
}

func (m *homeModel) setOrgs(orgs []orgSummary) {
	var sel string
	if m.cursor < len(m.orgs) {
		sel = m.orgs[m.cursor].org.ID
	}
	m.orgs, m.loaded = orgs, true
	m.cursor = min(m.cursor, max(0, m.items()-1))
	for i, o := range orgs {
		if o.org.ID == sel {
			m.cursor = i
		}
	}
}

func (m *homeModel) created(org store.Organization) {
	m.creating, m.busy, m.inputErr = false, false, ""
	m.input.Reset()
	m.input.Blur()
	m.notice = "Created “" + org.Name + "” (id " + org.ID + ")."
}

func (m *homeModel) createFailed(err error) {
	m.busy = false
	var fe *assessment.FieldError
	switch {
	case errors.Is(err, store.ErrExists):
		m.inputErr = "An organization with this name (or the same id) already exists: choose another name."
	case errors.As(err, &fe):
		m.inputErr = strings.ToUpper(fe.Msg[:1]) + fe.Msg[1:] + "."
	default:
		m.inputErr = err.Error()
	}
}

func (m *homeModel) startCreating() tea.Cmd {
	m.creating, m.inputErr, m.notice = true, "", ""
	m.cursor = m.items() - 1
	return m.input.Focus()
}

func (m *homeModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case orgsLoadedMsg:
		m.setOrgs(msg.orgs)
	case orgCreatedMsg:
		if msg.err != nil {
			m.createFailed(msg.err)
		} else {
			m.created(msg.org)
		}
	case AccessChangedMsg:
		m.setCanCreate(msg.CanCreate)
	case accessLostMsg:
		m.notice = "You no longer have access to " + msg.name + " (changed by an administrator). Everything you saved is kept."
	case shownMsg:
		return emit(listOrgsMsg{})
	case tea.KeyMsg:
		return m.key(msg)
	}
	return nil
}

func (m *homeModel) key(k tea.KeyMsg) tea.Cmd {
	if m.creating {
		switch {
		case key.Matches(k, m.keys.Cancel):
			m.creating, m.inputErr = false, ""
			m.input.Blur()
			return nil
		case key.Matches(k, m.keys.Submit):
			name := strings.TrimSpace(m.input.Value())
			if name == "" {
				m.inputErr = "Type the organization's name first."
				return nil
			}
			if m.busy {
				return nil
			}
			m.busy = true
			return emit(createRequest{name})
		}
		var cmd tea.Cmd
		m.input, cmd = m.input.Update(k)
		m.slug = store.Slug(m.input.Value())
		m.inputErr = ""
		return cmd
	}
	m.notice = ""
	switch {
	case key.Matches(k, m.keys.list.Up):
		m.cursor = max(0, m.cursor-1)
	case key.Matches(k, m.keys.list.Down):
		m.cursor = min(max(0, m.items()-1), m.cursor+1)
	case key.Matches(k, m.keys.list.Top):
		m.cursor = 0
	case key.Matches(k, m.keys.list.Bottom):
		m.cursor = max(0, m.items()-1)
	case key.Matches(k, m.keys.Benchmark):
		return emit(openBenchmarkMsg{})
	case key.Matches(k, m.keys.Create) && m.canCreate:
		return m.startCreating()
	case key.Matches(k, m.keys.list.Enter):
		if m.cursor < len(m.orgs) {
			return emit(openOrgMsg{m.orgs[m.cursor].org})
		}
		if m.canCreate {
			return m.startCreating()
		}
	}
	return nil
}

// createRequest asks the root to create an organization.
type createRequest struct{ name string }

func (m *homeModel) setSize(w, h int) {
	m.width, m.height = w, h
	m.input.Width = max(10, min(w-30, store.MaxNameRunes))
}

func (m *homeModel) help() keyHelp {
	if m.creating {
		return keyHelp{noEsc: true, short: []key.Binding{m.keys.Submit, m.keys.Cancel}, full: [][]key.Binding{{m.keys.Submit, m.keys.Cancel}}}
	}
	l := m.keys.list
	short := []key.Binding{l.Move, l.Enter}
	if m.canCreate {
		short = append(short, m.keys.Create)
	}
	short = append(short, m.keys.Benchmark)
	return keyHelp{noEsc: true, short: short, full: [][]key.Binding{{l.Up, l.Down, l.Top, l.Bottom}, {l.Enter, m.keys.Create, m.keys.Benchmark}}}
}

func (m *homeModel) view() string {
	s := m.styles
	var b strings.Builder
	b.WriteString(s.titleBar(m.width, "Organizations"))
	b.WriteString("\n\n")
	if !m.loaded {
		b.WriteString(" Loading…")
		return b.String()
	}
	used := 2
	intro := "Choose an organization with ↑/↓ and enter: assess it, or see its scorecards."
	switch {
	case len(m.orgs) == 0 && m.canCreate:
		intro = "No organizations yet. Press enter to create the first one."
	case len(m.orgs) == 0:
		intro = "You cannot see any organization yet: ask an administrator for access."
	}
	for _, l := range wrap(intro, textWidth(m.width)) {
		b.WriteString(" " + l + "\n")
		used++
	}
	if len(m.orgs) == 0 && !m.canCreate {
		return b.String()
	}
	b.WriteByte('\n')
	used++
	m.list(&b, used)
	if m.creating {
		b.WriteString(m.createForm())
	}
	if m.notice != "" {
		b.WriteString("\n ")
		b.WriteString(s.ok.Render("✓ " + truncate(m.notice, m.width-4)))
	}
	return b.String()
}

// list writes the organizations, two lines each (its name, then its state in words),
// and the "new organization" row, in the room left below used lines.
func (m *homeModel) list(b *strings.Builder, used int) {
	s := m.styles
	room := max(2, (m.height-used-6)/2) // keep the create form and the notice visible
	top := window(0, m.cursor, m.items(), room)
	end := min(m.items(), top+room)
	if top > 0 {
		b.WriteString(s.muted.Render("   ↑ more") + "\n")
	}
	for i := top; i < end; i++ {
		sel := i == m.cursor
		if i >= len(m.orgs) {
			b.WriteString(listRow(s, "+ New organization…", sel, m.width) + "\n")
			continue
		}
		o := m.orgs[i]
		b.WriteString(listRow(s, assessment.SanitizeNote(o.org.Name), sel, m.width) + "\n")
		state := s.muted.Render(truncate(m.state(o), m.width-6))
		if due := m.due(o); due != "" {
			state = truncate(state+s.muted.Render(" · ")+s.warn.Render(due), m.width-6)
		}
		b.WriteString("     " + state + "\n")
	}
	if end < m.items() {
		b.WriteString(s.muted.Render("   ↓ more") + "\n")
	}
}

// state is an organization's state in words: its latest result and its draft.
func (m *homeModel) state(o orgSummary) string {
	var parts []string
	if o.latestNumber > 0 {
		parts = append(parts, "balance "+fmtIndex(o.latestIndex)+", "+o.latestVerdict.Title()+" (#"+itoa(o.latestNumber)+", "+fmtDate(o.latestDate)+")")
	} else {
		parts = append(parts, "not assessed yet")
	}
	if o.draftNumber > 0 {
		parts = append(parts, "draft #"+itoa(o.draftNumber)+": "+itoa(o.draftAnswered)+"/"+itoa(o.draftTotal)+" answered")
	}
	return strings.Join(parts, " · ")
}

// due says "re-assessment due" when the latest completed assessment is older than the
// interval (assessment.ReassessmentDue) and no draft is under way.
func (m *homeModel) due(o orgSummary) string {
	if o.latestNumber == 0 || o.draftNumber > 0 || m.now == nil || !assessment.ReassessmentDue(o.latestDate, m.now(), m.dueAfter) {
		return ""
	}
	return "re-assessment due"
}

// createForm is the name field of a new organization, with its error or hint.
func (m *homeModel) createForm() string {
	s := m.styles
	out := "\n " + s.bold.Render("Name of the new organization") + "\n " + m.input.View() + "\n "
	switch {
	case m.inputErr != "":
		return out + s.bad.Render("✗ "+truncate(m.inputErr, m.width-4))
	case m.busy:
		return out + s.muted.Render("creating…")
	case m.slug != "":
		return out + s.muted.Render(truncate("its id will be "+m.slug+" · enter to create, esc to cancel", m.width-2))
	}
	return out + s.muted.Render("enter to create, esc to cancel")
}

// listRow renders a list row, marking the selected one with "›" so it shows without
// color.
func listRow(s *styles, text string, sel bool, w int) string {
	text = truncate(text, w-3)
	if sel {
		return s.selected.Render(" › " + text)
	}
	return "   " + text
}

// inputRoom is the room left in the name field while it has the keyboard.
func (m *homeModel) inputRoom() (room, limit int) {
	if !m.creating {
		return 0, 0
	}
	return roomIn(&m.input)
}
