package tui

import (
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// The frame budgets of docs/performance.md: a questionnaire frame ≤ 300 µs and a scorecard frame
// ≤ 1 ms at 120×40. The baselines show what lipgloss itself costs for a frame of the
// same size, for comparison.

// benchDriver opens the example organization at 120×40 with a true-color renderer: the
// most escape sequences a frame can carry.
func benchDriver(b *testing.B) *driver {
	b.Helper()
	clk := newClock()
	st := openStore(b, b.TempDir(), clk)
	seedExample(b, st, clk, true)
	seedPeers(b, st, clk, 5)
	opts := testOptions(clk)
	opts.Renderer = lipgloss.NewRenderer(io.Discard)
	opts.Renderer.SetColorProfile(termenv.TrueColor)
	d := newDriver(b, st, opts, 120, 40)
	d.press("end", "up", "enter") // St Example Hospital (last but the "new" row)
	return d
}

func BenchmarkQuestionnaireView(b *testing.B) {
	d := benchDriver(b)
	d.press("enter") // resume the draft
	d.mustBeOn(screenQuestionnaire)
	m := d.m
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

func BenchmarkScorecardView(b *testing.B) {
	d := benchDriver(b)
	d.press("down", "enter") // the latest scorecard
	d.mustBeOn(screenScorecard)
	d.press("pgdown")
	m := d.m
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = m.View()
	}
}

// BenchmarkBaselineLipgloss renders a plain 120×40 block with one lipgloss style, the
// way a minimal full-screen View would.
func BenchmarkBaselineLipgloss(b *testing.B) {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.TrueColor)
	line := strings.Repeat("x", 119)
	text := strings.TrimSuffix(strings.Repeat(line+"\n", 40), "\n")
	st := r.NewStyle().Width(120).Height(40).Foreground(lipgloss.Color("#7AA2F7"))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		_ = st.Render(text)
	}
}

// BenchmarkUpdateMoveKey is one key press on the questionnaire: Update only (the
// store write runs in a command, not measured here).
func BenchmarkUpdateMoveKey(b *testing.B) {
	d := benchDriver(b)
	d.press("enter")
	m := d.m
	down := keyMsg("down")
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var cmd tea.Cmd
		m, cmd = m.Update(down)
		_ = cmd
	}
}
