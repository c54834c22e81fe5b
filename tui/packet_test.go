package tui

import (
	"errors"
	"strings"
	"testing"

	"github.com/charmbracelet/x/exp/golden"

	"cebalance/store"
)

// flat is the view with its lines joined and spaces collapsed, so that a wrapped
// sentence can be searched for.
func flat(s string) string { return strings.Join(strings.Fields(s), " ") }

// TestScorecardPacketLocal: on the scorecard p writes the packet through
// Options.WritePacket, for the assessment on screen, and shows the path; the next key
// clears the notice. A failure is said, with the reason.
func TestScorecardPacketLocal(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedExample(t, st, clk, false)
	var calls []string
	fail := false
	opts := testOptions(clk)
	opts.WritePacket = func(orgID string, number int) (string, error) {
		calls = append(calls, orgID+"#"+string(rune('0'+number)))
		if fail {
			return "", errors.New("write /x/y.html: permission denied")
		}
		return "/home/dana/" + orgID + "-assessment-3.html", nil
	}
	d := newDriver(t, st, opts, 80, 24)
	d.send(openScorecardMsg{org: store.Organization{ID: org.ID, Name: org.Name}, number: 3})
	d.mustBeOn(screenScorecard)
	d.mustSee("p packet • esc back • ? help • q quit")
	d.press("p")
	if len(calls) != 1 || calls[0] != org.ID+"#3" {
		t.Fatalf("WritePacket calls %v, want one for %s #3", calls, org.ID)
	}
	if v := flat(d.view()); !strings.Contains(v, "Committee packet written to /home/dana/"+org.ID+"-assessment-3.html") {
		t.Errorf("the path is not shown:\n%s", d.view())
	}
	d.press("j")
	d.mustNotSee("Committee packet written")
	d.mustBeOn(screenScorecard)

	fail = true
	d.press("p")
	if v := flat(d.view()); !strings.Contains(v, "Could not write the committee packet: write /x/y.html: permission denied") {
		t.Errorf("the failure is not shown:\n%s", d.view())
	}
	if lines := strings.Split(d.view(), "\n"); len(lines) != 24 {
		t.Errorf("with the notice the view has %d lines, want 24", len(lines))
	}
}

// TestScorecardPacketRemote: over SSH nothing is written on the server; p shows the
// exact command that fetches the packet. Golden at 80×24 and 120×40.
func TestScorecardPacketRemote(t *testing.T) {
	for _, sz := range [][2]int{{80, 24}, {120, 40}} {
		t.Run(map[int]string{80: "80x24", 120: "120x40"}[sz[0]], func(t *testing.T) {
			clk := newClock()
			st := openStore(t, t.TempDir(), clk)
			org := seedExample(t, st, clk, false)
			opts := testOptions(clk)
			opts.Remote, opts.PacketCommand = true, "ssh -p 23234 10.0.0.5"
			opts.WritePacket = func(string, int) (string, error) {
				t.Error("a remote session wrote a file on the server")
				return "", nil
			}
			d := newDriver(t, st, opts, sz[0], sz[1])
			d.send(openScorecardMsg{org: store.Organization{ID: org.ID, Name: org.Name}, number: 3})
			d.press("p")
			want := "ssh -p 23234 10.0.0.5 report --org " + org.ID + " --assessment 3 --format html > packet.html"
			if v := flat(d.view()); !strings.Contains(v, want) {
				t.Errorf("the view lacks %q:\n%s", want, d.view())
			}
			lines := strings.Split(d.view(), "\n")
			if len(lines) != sz[1] {
				t.Errorf("%d lines, want %d", len(lines), sz[1])
			}
			for _, l := range lines {
				if w := width(l); w > sz[0] {
					t.Errorf("line of %d columns: %q", w, l)
				}
			}
			golden.RequireEqual(t, []byte(d.view()))
		})
	}
}
