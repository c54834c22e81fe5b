package tui

import (
	"errors"
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/store"
)

// errorModel is the one error view: what failed, in words, what it means for the
// user's answers, and esc to go back to where they were.
type errorModel struct {
	noInput
	styles *styles
	keys   errorKeys
	err    errMsg

	width, height int
}

func newErrorView(s *styles) *errorModel {
	return &errorModel{styles: s, keys: newErrorKeys()}
}

func (m *errorModel) id() screenID { return screenError }

func (m *errorModel) update(msg tea.Msg) tea.Cmd {
	if e, ok := msg.(errMsg); ok {
		m.err = e
		return nil
	}
	if k, ok := msg.(tea.KeyMsg); ok && key.Matches(k, m.keys.Back) {
		return emit(backMsg{})
	}
	return nil
}

func (m *errorModel) setSize(w, h int) { m.width, m.height = w, h }

func (m *errorModel) help() keyHelp {
	return keyHelp{noEsc: true, short: []key.Binding{m.keys.Back}, full: [][]key.Binding{{m.keys.Back}}}
}

// advice says what an error means for the user and what to do.
func advice(err error) string {
	switch {
	case errors.Is(err, store.ErrLocked):
		return "Another cebalance is using the database. Close it (or stop `cebalance serve`) and try again."
	case errors.Is(err, store.ErrNotDraft):
		return "This assessment is already finished and can no longer change. Start a new assessment to record changes."
	case errors.Is(err, store.ErrDiskFull):
		return "The disk that holds the database is full. Free some space, then go back and try again: everything confirmed as saved before this is safe."
	case errors.Is(err, store.ErrCorrupt):
		return "The database file is damaged. Stop here and restore it from a backup (`cebalance backup` makes one)."
	case errors.Is(err, store.ErrNotFound):
		return "It may have been changed in another session. Go back and open it again."
	}
	return "Everything confirmed as saved before this is safe. Go back and try again; if it keeps failing, note the message for your administrator."
}

func (m *errorModel) view() string {
	if m.err.err == nil {
		return ""
	}
	s := m.styles
	tw := textWidth(m.width)
	var b strings.Builder
	b.WriteString(s.titleBar(m.width, "Error"))
	b.WriteString("\n\n ")
	b.WriteString(s.bad.Render("Something went wrong"))
	b.WriteString("\n\n")
	for _, l := range wrap("Could not "+m.err.what+".", tw) {
		b.WriteString(" " + s.bold.Render(l) + "\n")
	}
	for _, l := range wrap(m.err.err.Error(), tw-2) {
		b.WriteString("   " + s.muted.Render(l) + "\n")
	}
	b.WriteByte('\n')
	for _, l := range wrap(advice(m.err.err), tw) {
		b.WriteString(" " + l + "\n")
	}
	b.WriteString("\n " + s.accent.Render("Press esc to go back."))
	return b.String()
}
