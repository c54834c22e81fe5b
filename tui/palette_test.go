package tui

import (
	"io"
	"strconv"
	"testing"

	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
)

// TestPaletteConvertedOncePerProfile: a second session with the same color profile
// converts no palette color again (the conversion ran at every connection), and each
// color is what the profile's own conversion gives.
func TestPaletteConvertedOncePerProfile(t *testing.T) {
	count := func() int {
		n := 0
		palette.Range(func(any, any) bool { n++; return true })
		return n
	}
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.ANSI256)
	r.SetHasDarkBackground(true)
	newStyles(r)
	after := count()
	if after == 0 {
		t.Fatal("no palette color was kept")
	}
	r2 := lipgloss.NewRenderer(io.Discard)
	r2.SetColorProfile(termenv.ANSI256)
	r2.SetHasDarkBackground(true)
	newStyles(r2)
	if n := count(); n != after {
		t.Errorf("a second session with the same profile converted %d colors again", n-after)
	}
	s := &styles{r: r2}
	got := s.color(colAccent)
	c, ok := termenv.ANSI256.Color(colAccent.Dark).(termenv.ANSI256Color)
	if want := lipgloss.Color(strconv.Itoa(int(c))); !ok || got != want {
		t.Errorf("accent in 256 colors = %v, want %v", got, want)
	}
}
