package tui

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"cebalance/store"
)

// TestGolden renders every screen at 80×24 and 120×40, without color, and compares it
// with testdata/TestGolden/<screen>_<size>.golden. Run with -update to regenerate.
func TestGolden(t *testing.T) {
	screens := []struct {
		name  string
		setup func(d *driver)
	}{
		{"home", func(d *driver) {}},
		{"home_create", func(d *driver) {
			d.press("n")
			d.typeText("Hôpital Saint-Jérôme")
		}},
		{"org", func(d *driver) {
			d.press("down", "enter")
		}},
		{"profile", func(d *driver) {
			d.press("down", "enter", "enter", "p", "down", "down", "down")
		}},
		{"questionnaire", func(d *driver) {
			d.press("down", "enter", "enter") // resumes at function 13
			d.press("enter")                  // keeps last time's answer, on to 14
		}},
		{"questionnaire_help", func(d *driver) {
			d.press("down", "enter", "enter")
			d.press("e")
		}},
		{"questionnaire_note", func(d *driver) {
			d.press("down", "enter", "enter")
			d.press("n")
			d.typeText("contract with GE")
		}},
		{"review", func(d *driver) {
			d.press("down", "enter", "enter", "r")
		}},
		{"review_refused", func(d *driver) {
			d.press("down", "enter", "enter", "r", "f")
		}},
		{"scorecard", func(d *driver) {
			d.press("down", "enter", "down", "enter")
		}},
		{"scorecard_end", func(d *driver) {
			d.press("down", "enter", "down", "enter", "end")
		}},
		{"history", func(d *driver) {
			d.press("down", "enter", "h", "up", " ")
		}},
		{"compare", func(d *driver) {
			d.press("down", "enter", "h", "g", " ", "G", "c")
		}},
		{"error", func(d *driver) {
			d.send(errMsg{"save your answer to “Repair” (it is NOT saved)", fmt.Errorf("save answer: %w", errors.New("disk full"))})
		}},
	}
	sizes := [][2]int{{80, 24}, {120, 40}}
	for _, sc := range screens {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				clk := newClock()
				st := openStore(t, t.TempDir(), clk)
				seedExample(t, st, clk, true)
				mustCreate(t, st, "Northfield Community Hospital")
				d := newDriver(t, st, testOptions(clk), sz[0], sz[1])
				sc.setup(d)
				view := d.view()
				lines := strings.Split(view, "\n")
				if len(lines) != sz[1] {
					t.Errorf("%d lines, want %d", len(lines), sz[1])
				}
				for _, l := range lines {
					if w := width(l); w > sz[0] {
						t.Errorf("line of %d columns, wider than %d: %q", w, sz[0], l)
					}
				}
				golden.RequireEqual(t, []byte(view))
			})
		}
	}
	// At the smallest size no golden file, but every screen must fit.
	for _, sc := range screens {
		t.Run(sc.name+"_fits_60x20", func(t *testing.T) {
			clk := newClock()
			st := openStore(t, t.TempDir(), clk)
			seedExample(t, st, clk, true)
			mustCreate(t, st, "Northfield Community Hospital")
			d := newDriver(t, st, testOptions(clk), 60, 20)
			sc.setup(d)
			lines := strings.Split(d.view(), "\n")
			if len(lines) != 20 {
				t.Errorf("%d lines, want 20", len(lines))
			}
			for _, l := range lines {
				if w := width(l); w > 60 {
					t.Errorf("line of %d columns: %q", w, l)
				}
			}
		})
	}
	t.Run("enlarge_50x15", func(t *testing.T) {
		clk := newClock()
		st := openStore(t, t.TempDir(), clk)
		d := newDriver(t, st, testOptions(clk), 50, 15)
		golden.RequireEqual(t, []byte(d.view()))
	})
	t.Run("first_profile_80x24", func(t *testing.T) {
		clk := newClock()
		st := openStore(t, t.TempDir(), clk)
		mustCreate(t, st, "Northfield Community Hospital")
		d := newDriver(t, st, testOptions(clk), 80, 24)
		d.press("enter", "enter")
		d.mustBeOn(screenProfile)
		golden.RequireEqual(t, []byte(d.view()))
	})
	t.Run("peers_120x40", func(t *testing.T) {
		clk := newClock()
		st := openStore(t, t.TempDir(), clk)
		org := seedExample(t, st, clk, false)
		seedPeers(t, st, clk, 6)
		d := newDriver(t, st, testOptions(clk), 120, 40)
		d.send(openScorecardMsg{org: store.Organization{ID: org.ID, Name: org.Name}, number: 3})
		d.mustBeOn(screenScorecard)
		for i := 0; i < 62; i++ {
			d.press("j")
		}
		golden.RequireEqual(t, []byte(d.view()))
	})
}
