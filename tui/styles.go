package tui

import (
	"strconv"
	"sync"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/textinput"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"cebalance/assessment"
	"cebalance/questions"
)

// The palette: a few named adaptive colors that read on light and dark terminals and in
// 256 colors. Nothing depends on color alone: every state is also spelled out in words
// or marked with a letter, so monochrome and NO_COLOR terminals lose nothing.
var (
	colAccent    = lipgloss.AdaptiveColor{Light: "#1F5FAD", Dark: "#7AA2F7"}
	colMuted     = lipgloss.AdaptiveColor{Light: "#6B6B6B", Dark: "#8C8C8C"}
	colFaint     = lipgloss.AdaptiveColor{Light: "#B0B0B0", Dark: "#4A4A4A"}
	colOK        = lipgloss.AdaptiveColor{Light: "#1A7F37", Dark: "#7EC384"}
	colWarn      = lipgloss.AdaptiveColor{Light: "#9A6700", Dark: "#E3B341"}
	colBad       = lipgloss.AdaptiveColor{Light: "#C62828", Dark: "#FF7B72"}
	colSelection = lipgloss.AdaptiveColor{Light: "#DCE6F5", Dark: "#283350"}
	colOnBar     = lipgloss.AdaptiveColor{Light: "#FFFFFF", Dark: "#101010"}

	// colPerformer gives every performer its own color, in performer order.
	colPerformer = [questions.NumPerformers]lipgloss.AdaptiveColor{
		{Light: "#1F5FAD", Dark: "#5B8DEF"}, // ce: blue
		{Light: "#1B6E6E", Dark: "#4FB3A9"}, // specialist: blue-green
		{Light: "#2E7D32", Dark: "#57AB5A"}, // bmet: green
		{Light: "#7B3FA0", Dark: "#B083F0"}, // manager: purple
		{Light: "#00838F", Dark: "#39C5CF"}, // it: teal
		{Light: "#8D6E00", Dark: "#D4B64A"}, // other_dept: ochre
		{Light: "#B85C00", Dark: "#F0883E"}, // vendor: orange
		{Light: "#C62828", Dark: "#F85149"}, // nobody: red
		{Light: "#6E6E6E", Dark: "#A0A0A0"}, // unsure: gray
	}
)

// styles holds every style of one session, built from the session's renderer. There
// are no package-level styles: each SSH session has its own color profile.
type styles struct {
	r *lipgloss.Renderer

	app      lipgloss.Style // the "cebalance" mark in the title line
	crumb    lipgloss.Style // the rest of the title line
	title    lipgloss.Style
	heading  lipgloss.Style
	bold     lipgloss.Style
	muted    lipgloss.Style
	faint    lipgloss.Style
	accent   lipgloss.Style
	ok       lipgloss.Style
	warn     lipgloss.Style
	bad      lipgloss.Style
	selected lipgloss.Style // the row under the cursor
	key      lipgloss.Style // a key name in running text
	big      lipgloss.Style // the headline figure
	box      lipgloss.Style // the frame around the headline

	performer [questions.NumPerformers]lipgloss.Style // colored text
	bar       [questions.NumPerformers]lipgloss.Style // colored cells with a letter

	chartBalance lipgloss.Style
	chartEng     lipgloss.Style
	chartOps     lipgloss.Style

	// progress bar colors, resolved for the renderer's background, and their styles.
	progressFull, progressEmpty string
	progFull, progEmpty         lipgloss.Style
}

// color resolves an adaptive color to the exact color this session's terminal shows.
// Done once per style when the styles are built, it spares lipgloss converting the hex
// code to the terminal's palette at every render: with many SSH sessions that search
// was a tenth of the server's CPU.
func (s *styles) color(a lipgloss.AdaptiveColor) lipgloss.TerminalColor {
	hex := a.Light
	if s.r.HasDarkBackground() {
		hex = a.Dark
	}
	k := paletteKey{hex, s.r.ColorProfile()}
	if c, ok := palette.Load(k); ok {
		return c.(lipgloss.TerminalColor)
	}
	c := convertColor(k)
	palette.Store(k, c)
	return c
}

// palette holds every palette color already converted to a color profile
// (paletteKey → lipgloss.TerminalColor). The conversion is the same for every session
// with that profile (for a 256-color terminal, a search of the palette by perceptual
// distance, about 0.2 ms for the whole palette), so it runs once per color and profile
// per process, not at every connection. It stays small: a fixed handful of colors
// times termenv's four profiles.
var palette sync.Map

type paletteKey struct {
	hex     string
	profile termenv.Profile
}

func convertColor(k paletteKey) lipgloss.TerminalColor {
	switch c := k.profile.Color(k.hex).(type) {
	case termenv.ANSI256Color:
		return lipgloss.Color(strconv.Itoa(int(c)))
	case termenv.ANSIColor:
		return lipgloss.Color(strconv.Itoa(int(c)))
	case termenv.RGBColor:
		return lipgloss.Color(string(c))
	}
	return lipgloss.NoColor{}
}

func newStyles(r *lipgloss.Renderer) *styles {
	s := &styles{r: r}
	n := r.NewStyle
	s.app = n().Bold(true).Foreground(s.color(colAccent))
	s.crumb = n().Foreground(s.color(colMuted))
	s.title = n().Bold(true)
	s.heading = n().Bold(true).Foreground(s.color(colAccent))
	s.bold = n().Bold(true)
	s.muted = n().Foreground(s.color(colMuted))
	s.faint = n().Foreground(s.color(colFaint))
	s.accent = n().Foreground(s.color(colAccent))
	s.ok = n().Foreground(s.color(colOK))
	s.warn = n().Foreground(s.color(colWarn))
	s.bad = n().Foreground(s.color(colBad)).Bold(true)
	s.selected = n().Bold(true).Foreground(s.color(colAccent)).Background(s.color(colSelection))
	s.key = n().Bold(true)
	s.big = n().Bold(true)
	s.box = n().Border(lipgloss.RoundedBorder()).BorderForeground(s.color(colAccent)).Padding(0, 1)
	for i := range colPerformer {
		s.performer[i] = n().Foreground(s.color(colPerformer[i]))
		s.bar[i] = n().Background(s.color(colPerformer[i])).Foreground(s.color(colOnBar))
	}
	s.chartBalance = n().Bold(true).Foreground(s.color(colAccent))
	s.chartEng = n().Foreground(s.color(colPerformer[0]))
	s.chartOps = n().Foreground(s.color(colPerformer[1]))
	if r.HasDarkBackground() {
		s.progressFull, s.progressEmpty = colAccent.Dark, colFaint.Dark
	} else {
		s.progressFull, s.progressEmpty = colAccent.Light, colFaint.Light
	}
	s.progFull = n().Foreground(lipgloss.Color(s.progressFull))
	s.progEmpty = n().Foreground(lipgloss.Color(s.progressEmpty))
	return s
}

// verdict returns the style of a verdict: red for critical gaps, amber for the
// imbalances, green when balanced. The verdict is always printed as words too.
func (s *styles) verdict(v assessment.Verdict) lipgloss.Style {
	switch v {
	case assessment.CriticalGaps:
		return s.bad
	case assessment.EngineeringAbsorbed, assessment.EngineersInOperations, assessment.OutOfBalance:
		return s.warn.Bold(true)
	case assessment.Balanced, assessment.MostlyBalanced:
		return s.ok.Bold(true)
	}
	return s.muted
}

// helpModel returns a help footer styled for this session.
func (s *styles) helpModel() help.Model {
	h := help.New()
	keyStyle := s.r.NewStyle().Bold(true)
	desc := s.r.NewStyle().Foreground(s.color(colMuted))
	sep := s.r.NewStyle().Foreground(s.color(colFaint))
	h.Styles = help.Styles{
		Ellipsis:       sep,
		ShortKey:       keyStyle,
		ShortDesc:      desc,
		ShortSeparator: sep,
		FullKey:        keyStyle,
		FullDesc:       desc,
		FullSeparator:  sep,
	}
	return h
}

// styleInput gives a text input this session's styles.
func (s *styles) styleInput(ti *textinput.Model) {
	ti.PromptStyle = s.r.NewStyle().Foreground(s.color(colAccent))
	ti.TextStyle = s.r.NewStyle()
	ti.PlaceholderStyle = s.r.NewStyle().Foreground(s.color(colMuted))
	ti.CompletionStyle = s.r.NewStyle().Foreground(s.color(colMuted))
	ti.Cursor.Style = s.r.NewStyle().Reverse(true)
	ti.Cursor.TextStyle = s.r.NewStyle()
}
