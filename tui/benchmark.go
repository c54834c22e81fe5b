package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/present"
)

// benchmarkModel shows the community benchmark: per size band, how many organizations
// it covers and the medians (with quartiles) of its figures, from the present package.
// A director's own organizations are left out (Options.Own). The page is rendered when
// the benchmark arrives or the width changes, never in View.
type benchmarkModel struct {
	noInput
	styles *styles
	keys   benchmarkKeys

	b      *assessment.Benchmark
	page   page
	header string

	width, height int
	renderedW     int
}

func newBenchmark(s *styles) *benchmarkModel {
	return &benchmarkModel{styles: s, keys: newBenchmarkKeys(), page: newPage()}
}

func (m *benchmarkModel) id() screenID { return screenBenchmark }

func (m *benchmarkModel) setSize(w, h int) {
	if m.width == w && m.height == h {
		return
	}
	m.width, m.height = w, h
	m.page.setSize(w, h-2)
	m.render()
}

func (m *benchmarkModel) render() {
	if m.b == nil || m.width == 0 || m.renderedW == m.width {
		return
	}
	m.renderedW = m.width
	m.header = m.styles.titleBar(m.width, "Community benchmark")
	m.page.setContent(strings.Join(benchmarkLines(m.styles, m.b, textWidth(m.width)), "\n"))
}

// benchmarkLines lays the benchmark out as one block per band: the band and how many
// organizations it holds, then each figure on a line of its own, so that it reads at
// 80 columns.
func benchmarkLines(s *styles, b *assessment.Benchmark, w int) []string {
	var out []string
	for _, l := range wrap(present.BenchmarkIntro(b), w) {
		out = append(out, " "+s.muted.Render(l))
	}
	head := present.BenchmarkHead()
	labelW := 0
	for _, h := range head[1:] {
		labelW = max(labelW, width(h))
	}
	for _, r := range present.BenchmarkRows(b) {
		out = append(out, "", " "+s.heading.Render(truncate(strings.ToUpper(r.Band), w)))
		if !r.Shown {
			out = append(out, "   "+s.muted.Render(truncate(head[1]+": "+r.Organizations+" — nothing is shown for a band this small", w-2)))
			continue
		}
		cells := r.Row()
		for i, c := range cells[1:] {
			if c == "" {
				c = present.Dash
			}
			out = append(out, "   "+truncate(pad(head[i+1], labelW)+"  "+c, w-2))
		}
	}
	return out
}

func (m *benchmarkModel) update(msg tea.Msg) tea.Cmd {
	switch msg := msg.(type) {
	case benchmarkMsg:
		m.b = &msg.b
		m.page = newPage()
		m.page.setSize(m.width, m.height-2)
		m.renderedW = 0
		m.render()
	case tea.MouseMsg:
		m.page.mouse(msg)
	case tea.KeyMsg:
		switch {
		case m.b != nil && m.page.scroll(msg):
		case key.Matches(msg, m.keys.Back):
			return emit(backMsg{})
		}
	}
	return nil
}

func (m *benchmarkModel) help() keyHelp {
	sk := m.keys.scroll
	return keyHelp{short: []key.Binding{sk.Scroll, sk.PageDown}, full: [][]key.Binding{m.page.bindings(), {m.keys.Mouse}}}
}

func (m *benchmarkModel) view() string {
	if m.b == nil {
		return m.styles.titleBar(m.width, "Community benchmark") + "\n\n Loading…"
	}
	return m.header + "\n" + m.styles.muted.Render(" "+m.page.position()) + "\n" + m.page.view()
}
