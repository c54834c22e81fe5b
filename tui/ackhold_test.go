package tui

import (
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"

	tea "github.com/charmbracelet/bubbletea"
)

// TestAckHold: with Options.AckHold, a successful answer save returning to the
// questionnaire while keys come faster than AckHold leaves the frame as it was; the
// next message (a key) or the end of the hold draws it, "saved ✓" and the count
// included. Without the option, or with keys further apart (the test clock reads one
// second later each time: keys a second apart, against a hold of half a second), the
// frame changes at once.
func TestAckHold(t *testing.T) {
	fns := questions.Default().Functions
	for _, hold := range []time.Duration{0, 500 * time.Millisecond, time.Hour} {
		clk := newClock()
		st := openStore(t, t.TempDir(), clk)
		mustCreate(t, st, "St Example Hospital")
		opts := testOptions(clk)
		opts.AckHold = hold
		d := newDriver(t, st, opts, 120, 40)
		d.press("enter", "enter")
		fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
		d.mustBeOn(screenQuestionnaire)
		d.wait = 300 * time.Millisecond // the hold's timer is not awaited

		m, save := d.m.Update(keyMsg(answerKey(assessment.CE)))
		d.m = m
		before := d.m.View()
		d.run(save) // the write returns: answerSavedMsg
		after := d.m.View()
		saved := "saved ✓ " + fns[0].Title
		if hold < time.Second {
			if after == before || !strings.Contains(after, saved) {
				t.Fatalf("hold %v, keys a second apart: the acknowledgement is not drawn at once:\n%s", hold, after)
			}
			continue
		}
		if after != before {
			t.Fatalf("held: the frame changed on the acknowledgement:\n%s", after)
		}
		if !d.root().hold.held {
			t.Fatal("held: no hold")
		}
		// The hold's end (the timer) draws it.
		d.send(ackShowMsg{})
		d.mustSee(saved, "1/")

		// Held again, then the next message of another kind draws it.
		m, save = d.m.Update(keyMsg(answerKey(assessment.BMET)))
		d.m = m
		d.run(save)
		if strings.Contains(d.m.View(), "saved ✓ "+fns[1].Title) {
			t.Fatal("held: the second acknowledgement was drawn at once")
		}
		d.send(tea.WindowSizeMsg{Width: 120, Height: 40})
		d.mustSee("saved ✓ "+fns[1].Title, "2/")
	}
}

// TestAckHoldNotOnRefusal: a save refused (someone else answered first) is shown at
// once, hold or not: the director has to choose.
func TestAckHoldNotOnRefusal(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	o := mustCreate(t, st, "St Example Hospital")
	opts := testOptions(clk)
	opts.AckHold = time.Hour
	d := newDriver(t, st, opts, 120, 40)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	fid := questions.Default().Functions[0].ID
	if _, err := st.SaveAnswerIf(o.ID, 1, fid, assessment.Answer{Performer: assessment.Vendor}, nil); err != nil {
		t.Fatal(err)
	}
	m, save := d.m.Update(keyMsg(answerKey(assessment.CE)))
	d.m = m
	d.run(save)
	if d.root().hold.held {
		t.Fatal("a refused save was held")
	}
	d.mustSee("Vendor")
}
