package tui

import (
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
)

// TestWindowSizeBounded: an absurd size from the terminal is not laid out (before the
// bound, 20,000,000 rows alone held 1.2 GB), and a sane size afterwards works again.
func TestWindowSizeBounded(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	d := newDriver(t, st, testOptions(clk), 80, 24)
	for _, size := range []tea.WindowSizeMsg{
		{Width: 1<<32 - 1, Height: 1<<32 - 1}, {Width: 120, Height: 20_000_000}, {Width: 1001, Height: 40},
	} {
		d.send(size)
		if r := d.root(); r.width > MaxWidth+1 || r.height > MaxHeight+1 {
			t.Fatalf("%v kept as %d×%d", size, r.width, r.height)
		}
		d.mustSee("larger than 1000×500", "Press q to quit")
		if v := d.m.View(); len(v) > 4096 {
			t.Errorf("%v: a view of %d bytes", size, len(v))
		}
	}
	d.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	d.mustSee("No organizations yet")
	d.send(tea.WindowSizeMsg{Width: MaxWidth, Height: MaxHeight})
	d.mustSee("No organizations yet")
}

func TestZeroWindowSize(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	d := newDriver(t, st, testOptions(clk), 0, 0)
	d.mustSee("sent no window size", "ssh -t", "Press q to quit")
	d.press("q")
	if !d.quit {
		t.Error("q did not quit")
	}
}

func TestOverlongPasteRefused(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.press("enter") // new organization
	d.typeText("St Example")
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Paste: true, Runes: []rune(strings.Repeat("x", 200))})
	d.mustSee("Paste refused: 200 characters; this field has room for 90 more (max 100).")
	if v := d.root().screens[screenHome].(*homeModel).input.Value(); v != "St Example" {
		t.Fatalf("the name field holds %q", v)
	}
	// A paste that fits goes in; the notice goes with the next key.
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Paste: true, Runes: []rune(" Hospital")})
	d.mustNotSee("Paste refused")
	d.press("enter")
	d.mustBeOn(screenOrg)
	d.mustSee("St Example Hospital")
}
