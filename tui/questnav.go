package tui

import (
	"fmt"
	"strings"

	"github.com/charmbracelet/bubbles/cursor"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
)

// Moving around the questionnaire beyond next and previous: the domain list (d, then a
// domain's key), the search (/, words of a function's title or question) and the mouse
// (the wheel moves the cursor, a click answers).

type navMode int

const (
	navNone navMode = iota
	navDomain
	navFind
)

// maxHits is the most matches the search lists.
const maxHits = 50

// navState is the domain list or the search, when one is open.
type navState struct {
	mode  navMode
	sel   int // the domain or match under the cursor
	input textinput.Model
	hits  []int // bank indexes of the functions found
}

func (n *navState) open() bool    { return n.mode != navNone }
func (n *navState) finding() bool { return n.mode == navFind }

func (m *questionnaireModel) openFind() tea.Cmd {
	ti := textinput.New()
	ti.Prompt = "/ "
	ti.Placeholder = "words of a function's title or question"
	ti.CharLimit = 60
	ti.Width = max(10, textWidth(m.width)-4)
	ti.KeyMap.Paste.SetEnabled(false)
	ti.Cursor.SetMode(cursor.CursorStatic)
	m.styles.styleInput(&ti)
	m.nav = navState{mode: navFind, input: ti}
	return m.nav.input.Focus()
}

// navKey takes a key while the domain list or the search is open.
func (m *questionnaireModel) navKey(k tea.KeyMsg) tea.Cmd {
	n := &m.nav
	count := len(m.bank.Domains)
	if n.finding() {
		count = len(n.hits)
	}
	switch {
	case key.Matches(k, m.keys.PickCancel):
		m.nav = navState{}
		return nil
	case k.Type == tea.KeyUp:
		n.sel = max(0, n.sel-1)
		return nil
	case k.Type == tea.KeyDown:
		n.sel = max(0, min(count-1, n.sel+1))
		return nil
	case key.Matches(k, m.keys.Pick):
		if n.sel < count {
			return m.navGo(n.sel)
		}
		return nil
	case !n.finding() && key.Matches(k, m.keys.PickDomain):
		for i := 0; i < count; i++ {
			if domainKey(i) == k.String() {
				return m.navGo(i)
			}
		}
		return nil
	case !n.finding():
		return nil
	}
	var cmd tea.Cmd
	n.input, cmd = n.input.Update(k)
	n.hits = assessment.FindFunctions(m.bank, n.input.Value(), maxHits)
	n.sel = min(n.sel, max(0, len(n.hits)-1))
	return cmd
}

// navGo goes to the i-th domain (its first unanswered function, or its first) or the
// i-th match, and closes the list.
func (m *questionnaireModel) navGo(i int) tea.Cmd {
	target := -1
	if m.nav.finding() {
		target = m.nav.hits[i]
	} else {
		for j := range m.bank.Functions {
			if m.bank.DomainOf(j) != i {
				continue
			}
			if target < 0 {
				target = j
			}
			if _, ok := m.answers[m.bank.Functions[j].ID]; !ok {
				target = j
				break
			}
		}
	}
	m.nav = navState{}
	if target < 0 {
		return nil
	}
	m.setStatus("", false)
	return m.goTo(target, false)
}

// navView is the domain list or the search, in place of the function.
func (m *questionnaireModel) navView() string {
	s := m.styles
	room := max(1, m.height-5)
	var rows []string
	var head []string
	if m.nav.finding() {
		head = append(head, " "+s.bold.Render("Find a function"), " "+m.nav.input.View())
		for _, i := range m.nav.hits {
			rows = append(rows, m.functionRow(i))
		}
		if len(rows) == 0 && strings.TrimSpace(m.nav.input.Value()) != "" {
			head = append(head, " "+s.muted.Render("No function has all these words in its title or question."))
		}
	} else {
		head = append(head, " "+s.bold.Render("Jump to a domain: press its key, or ↑/↓ and enter"))
		for d, dom := range m.bank.Domains {
			done, total := 0, 0
			for j := range m.bank.Functions {
				if m.bank.DomainOf(j) == d {
					total++
					if a, ok := m.answers[m.bank.Functions[j].ID]; ok && a.Performer.Valid() {
						done++
					}
				}
			}
			rows = append(rows, fmt.Sprintf("%-2s %s  %d/%d answered", domainKey(d), assessment.SanitizeNote(dom.Name), done, total))
		}
	}
	room -= len(head)
	top := window(0, m.nav.sel, len(rows), max(1, room))
	var b strings.Builder
	b.WriteString("\n" + strings.Join(head, "\n") + "\n\n")
	for i := top; i < min(len(rows), top+max(1, room)); i++ {
		b.WriteString(listRow(s, rows[i], i == m.nav.sel, m.width) + "\n")
	}
	return b.String()
}

// functionRow is a match of the search: its number, title and answer.
func (m *questionnaireModel) functionRow(i int) string {
	f := &m.bank.Functions[i]
	state := "not answered"
	if a, ok := m.answers[f.ID]; ok && a.Performer.Valid() {
		state = a.Performer.Label()
	}
	return fmt.Sprintf("%2d  %s — %s", i+1, assessment.SanitizeNote(f.Name()), state)
}

func (m *questionnaireModel) navHelp() keyHelp {
	k := m.keys
	if m.nav.finding() {
		return keyHelp{noEsc: true, short: []key.Binding{k.PickMove, k.Pick, k.PickCancel}, full: [][]key.Binding{{k.PickMove, k.Pick, k.PickCancel}}}
	}
	return keyHelp{noEsc: true, short: []key.Binding{k.PickDomain, k.PickMove, k.Pick, k.PickCancel},
		full: [][]key.Binding{{k.PickDomain, k.PickMove, k.Pick, k.PickCancel}}}
}

// mouse takes a mouse event: the wheel moves the cursor through the answers (or the
// list), a left click on an answer gives it, or while a note is typed, makes the note
// for it.
func (m *questionnaireModel) mouse(msg tea.MouseMsg) tea.Cmd {
	if m.conflict != nil || m.leaving {
		return nil
	}
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		return m.update(tea.KeyMsg{Type: tea.KeyUp})
	case tea.MouseButtonWheelDown:
		return m.update(tea.KeyMsg{Type: tea.KeyDown})
	}
	if msg.Button != tea.MouseButtonLeft || msg.Action != tea.MouseActionPress || m.nav.open() {
		return nil
	}
	i := msg.Y - m.optionsY
	if i < 0 || i >= len(m.c.options) {
		return nil
	}
	m.bodyOK = false
	if m.editing {
		m.noteFor, m.cursor, m.moved = i, i, true
		return nil
	}
	m.cursor = i
	return m.answer()
}
