package tui

import (
	"bytes"
	"fmt"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/exp/teatest"

	"cebalance/assessment"
	"cebalance/questions"
)

// TestFlowEmptyToScorecard runs the real Bubble Tea program (teatest) from an empty
// database: create an organization, fill in the profile, answer every function,
// finish, and read the verdict on the scorecard.
func TestFlowEmptyToScorecard(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	tm := teatest.NewTestModel(t, New(st, testOptions(clk)), teatest.WithInitialTermSize(100, 30))

	waitFor := func(text string) {
		t.Helper()
		teatest.WaitFor(t, tm.Output(), func(b []byte) bool { return bytes.Contains(b, []byte(text)) },
			teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(10*time.Millisecond))
	}
	enter := tea.KeyMsg{Type: tea.KeyEnter}

	waitFor("No organizations yet")
	tm.Send(enter)
	tm.Type("St Example Hospital")
	waitFor("its id will be st-example-hospital")
	tm.Send(enter)
	waitFor("Start the first assessment")
	tm.Send(enter)
	waitFor("Your department today")
	for _, v := range []string{"250", "n", "1", "8", "1", "0", "7000"} {
		tm.Type(v)
		tm.Send(enter)
	}
	tm.Send(enter) // productive hours: the default
	tm.Send(enter) // [ Continue to the questions → ]

	bank := questions.Default()
	for i := range bank.Functions {
		waitFor(fmt.Sprintf(fns("function %d of {n}"), i+1))
		tm.Type(answerKey(performerFor(i, &bank.Functions[i])))
	}
	waitFor(fns("{n} of {n} answered"))
	tm.Type("f")
	waitFor("Finish assessment #1 now?")
	tm.Type("y")
	waitFor("VERDICT CRITICAL GAPS")
	tm.Type("q")
	tm.WaitFinished(t, teatest.WithFinalTimeout(5*time.Second))

	as, err := st.Assessments("st-example-hospital")
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Status != assessment.Completed || len(as[0].Answers) != len(bank.Functions) {
		t.Fatalf("stored %+v", as)
	}
}
