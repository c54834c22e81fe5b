package tui

import (
	"fmt"
	"io"
	"reflect"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// The frame budgets of docs/performance.md: a questionnaire frame ≤ 300 µs and a scorecard frame
// ≤ 1 ms at 120×40. The baselines show what lipgloss itself costs for a frame of the
// same size, for comparison.

// benchDriver opens the example organization at 120×40 with a true-color renderer: the
// most escape sequences a frame can carry.
func benchDriver(b *testing.B) *driver {
	return benchDriverOn(b, func(st *store.Store) Store { return st })
}

// benchDriverOn is benchDriver on the store that wrap makes of the real one.
func benchDriverOn(b *testing.B, wrap func(*store.Store) Store) *driver {
	b.Helper()
	clk := newClock()
	st := openStore(b, b.TempDir(), clk)
	seedExample(b, st, clk, true)
	seedPeers(b, st, clk, 5)
	opts := testOptions(clk)
	opts.Renderer = lipgloss.NewRenderer(io.Discard)
	opts.Renderer.SetColorProfile(termenv.TrueColor)
	d := newDriver(b, wrap(st), opts, 120, 40)
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

// instantWrites is the store with answer writes that return at once, as accepted:
// what the TUI does per answer is measured without the store's work (the bbolt write
// and its fsync, measured on their own in the store's benchmarks).
type instantWrites struct {
	*store.Store
	rev int
}

func (s *instantWrites) SaveAnswersIf(_ string, _ int, writes []store.AnswerWrite) ([]store.WriteResult, error) {
	res := make([]store.WriteResult, len(writes))
	for i := range res {
		s.rev++
		res[i].Rev = s.rev
	}
	return res, nil
}

// collect runs cmd and the batches it returns, like Bubble Tea does, and returns the
// messages of this package it yields (the store's result, requests between screens);
// timers are left out.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	default:
		if reflect.TypeOf(msg).PkgPath() == tuiPkg {
			return []tea.Msg{msg}
		}
		return nil
	}
}

// step is what Bubble Tea does for one message: Update, then View for the frame, and
// the same for the messages its commands yield.
func step(m tea.Model, msg tea.Msg) tea.Model {
	var cmd tea.Cmd
	m, cmd = m.Update(msg)
	_ = m.View()
	for _, msg := range collect(cmd) {
		m = step(m, msg)
	}
	return m
}

// BenchmarkCPUPerAnswer is the server CPU of one answer through the root Update and
// View at 120×40: the key that answers (a changed performer each time, so every answer
// is a write), the save acknowledgement, and the key back to the function; writes
// return at once (instantWrites). The anchor is a minimal Bubble Tea questionnaire
// with the same keys and writes: what seven choices and no more would cost.
func BenchmarkCPUPerAnswer(b *testing.B) {
	keys := [2]tea.Msg{keyMsg("1"), keyMsg("2")}
	left := keyMsg("left")
	b.Run("cebalance", func(b *testing.B) {
		d := benchDriverOn(b, func(st *store.Store) Store { return &instantWrites{Store: st} })
		d.press("enter") // resume the draft
		d.mustBeOn(screenQuestionnaire)
		m := d.m
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			m = step(m, keys[i%2])
			m = step(m, left)
		}
	})
	b.Run("anchor", func(b *testing.B) {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(termenv.TrueColor)
		var m tea.Model = &anchor{st: &instantWrites{}, bank: questions.Default(),
			sel: r.NewStyle().Foreground(lipgloss.Color("#7AA2F7")).Bold(true)}
		b.ReportAllocs()
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			m = step(m, keys[i%2])
			m = step(m, left)
		}
	})
}

// anchor is the minimal Bubble Tea questionnaire: one function per screen, its
// question and seven choices, a number key saves and moves on, the save is acknowledged
// by a message.
type anchor struct {
	st     Store
	bank   *questions.Bank
	idx    int
	status string
	sel    lipgloss.Style
}

type anchorSaved struct{ err error }

func (a *anchor) Init() tea.Cmd { return nil }

func (a *anchor) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		switch s := msg.String(); {
		case s == "left":
			a.idx = max(0, a.idx-1)
		case len(s) == 1 && s[0] >= '1' && s[0] <= '7':
			f := a.bank.Functions[a.idx]
			p := questions.Performers[s[0]-'1']
			st := a.st
			a.idx = min(a.idx+1, len(a.bank.Functions)-1)
			a.status = "saving…"
			return a, func() tea.Msg {
				res, err := st.SaveAnswersIf("anchor", 1, []store.AnswerWrite{{Function: f.ID, Answer: assessment.Answer{Performer: p}}})
				if err == nil {
					err = res[0].Err
				}
				return anchorSaved{err}
			}
		}
	case anchorSaved:
		a.status = "saved"
		if msg.err != nil {
			a.status = msg.err.Error()
		}
	}
	return a, nil
}

func (a *anchor) View() string {
	f := &a.bank.Functions[a.idx]
	var b strings.Builder
	b.WriteString(a.sel.Render(f.Name()) + "\n")
	b.WriteString(f.Question + "\n\n")
	for i, p := range questions.Performers {
		b.WriteString(fmt.Sprintf("%d  %s\n", i+1, p.Label()))
	}
	b.WriteString(a.status)
	return b.String()
}
