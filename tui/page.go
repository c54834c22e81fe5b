package tui

import (
	"fmt"

	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/viewport"
	tea "github.com/charmbracelet/bubbletea"
)

// page is a scrollable page of pre-rendered text: the body of the scorecard and of the
// comparison. Content is rendered by the screen when its data or width changes; View
// only shows the visible lines.
type page struct {
	vp      viewport.Model
	keys    scrollKeys
	content string
}

func newPage() page {
	vp := viewport.New(0, 0)
	vp.KeyMap = viewport.KeyMap{} // keys are matched here, with the help texts of keys.go
	return page{vp: vp, keys: newScrollKeys()}
}

func (p *page) setSize(w, h int) {
	p.vp.Width, p.vp.Height = w, max(1, h)
	p.vp.SetYOffset(p.vp.YOffset) // clamp to the new height
}

func (p *page) setContent(s string) {
	p.content = s
	p.vp.SetContent(s)
}

// scroll handles a scrolling key; it reports whether the key was one.
func (p *page) scroll(k tea.KeyMsg) bool {
	switch {
	case key.Matches(k, p.keys.Up):
		p.vp.ScrollUp(1)
	case key.Matches(k, p.keys.Down):
		p.vp.ScrollDown(1)
	case key.Matches(k, p.keys.PageUp):
		p.vp.PageUp()
	case key.Matches(k, p.keys.PageDown):
		p.vp.PageDown()
	case key.Matches(k, p.keys.Top):
		p.vp.GotoTop()
	case key.Matches(k, p.keys.Bottom):
		p.vp.GotoBottom()
	default:
		return false
	}
	return true
}

// position says where the page is, in words ("lines 1–20 of 90 — ↓ or space for more"),
// or nothing when the whole page is shown.
func (p *page) position() string {
	total := p.vp.TotalLineCount()
	if total <= p.vp.Height {
		return ""
	}
	first := p.vp.YOffset + 1
	last := min(total, p.vp.YOffset+p.vp.Height)
	where := fmt.Sprintf("lines %d–%d of %d", first, last, total)
	switch {
	case p.vp.AtTop():
		return where + " — ↓ or space for more"
	case p.vp.AtBottom():
		return where + " — end"
	}
	return where
}

// mouse scrolls the page with the wheel, three lines a notch.
func (p *page) mouse(msg tea.MouseMsg) {
	switch msg.Button {
	case tea.MouseButtonWheelUp:
		p.vp.ScrollUp(3)
	case tea.MouseButtonWheelDown:
		p.vp.ScrollDown(3)
	}
}

// goTo scrolls the page so that line is at its top (as far as the page goes).
func (p *page) goTo(line int) { p.vp.SetYOffset(line) }

// offset is the first line shown.
func (p *page) offset() int { return p.vp.YOffset }

func (p *page) view() string { return p.vp.View() }

func (p *page) bindings() []key.Binding {
	return []key.Binding{p.keys.Up, p.keys.Down, p.keys.PageDown, p.keys.PageUp, p.keys.Top, p.keys.Bottom}
}
