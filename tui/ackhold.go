package tui

import (
	"time"

	tea "github.com/charmbracelet/bubbletea"
)

// A held acknowledgement. A director answering quickly (keeping last time's answers,
// say) types the next answer about as soon as the next function shows, and its save
// returns a moment later: drawn at once, "saved ✓" would be a frame of its own
// between two answers' frames, and over SSH each frame is a write, encrypted and
// sent. With Options.AckHold set, when a successful answer save returns on the
// questionnaire and the last two keys came less than AckHold apart, the frame stays as
// it was until the next message of any other kind (the next key, as a rule) or
// AckHold has passed, whichever is first; the acknowledgement then rides on that
// frame. A director reading each question (keys seconds apart) sees it at once: a
// hold would only add a frame later. Only the drawing waits: the answer is on disk
// and the model knows it, so quitting or finishing are not held up, and nothing else
// is.

// ackHold is the root's held frame.
type ackHold struct {
	held  bool   // View returns view instead of drawing
	timer bool   // an ackShowMsg is on its way
	view  string // the frame last drawn
}

// ackShowMsg ends a hold: AckHold has passed.
type ackShowMsg struct{}

// holdAck holds the frame when msg is a successful answer save returning to the
// questionnaire, and lets it go on any other message; it returns the timer that ends
// a new hold.
func (m *model) holdAck(msg tea.Msg) tea.Cmd {
	if savedOK(msg) && m.opts.AckHold > 0 && m.keyGap < m.opts.AckHold &&
		m.quitting == "" && !m.quitWhenSaved && m.hold.view != "" && m.top().id() == screenQuestionnaire {
		m.hold.held = true
		if m.hold.timer {
			// A timer is running already (a hold's, maybe ended by a key since):
			// one per AckHold at most, so this hold may end sooner than AckHold.
			return nil
		}
		m.hold.timer = true
		return tea.Tick(m.opts.AckHold, func(time.Time) tea.Msg { return ackShowMsg{} })
	}
	if _, ok := msg.(ackShowMsg); ok {
		m.hold.timer = false
	}
	m.hold.held = false
	return nil
}

// savedOK reports whether msg is the result of answer writes that were all made.
func savedOK(msg tea.Msg) bool {
	switch msg := msg.(type) {
	case answerSavedMsg:
		return msg.err == nil
	case answersSavedMsg:
		for _, r := range msg {
			if r.err != nil {
				return false
			}
		}
		return true
	}
	return false
}
