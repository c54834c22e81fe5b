package tui

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/exp/golden"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
	"cebalance/store"
)

// lastHours is the estimate seedHours gives function i in assessment #n: 2 to 18 hours
// a month, and in #2 four more for the first function and none on the ninth.
func lastHours(n, i int) *float64 {
	if n == 2 && i == 8 {
		return nil
	}
	v := float64(i%5*4 + 2)
	if n == 2 && i == 0 {
		v += 4
	}
	if i%7 == 3 {
		v += 0.5
	}
	return &v
}

// seedHours makes "Hours Hospital": two completed assessments whose answers carry
// estimates (lastHours), and, when draft, a re-assessment with every function answered
// as last time and no estimate yet.
func seedHours(t testing.TB, st *store.Store, clk *clock, draft bool) store.Organization {
	t.Helper()
	org := mustCreate(t, st, "Hours Hospital")
	bank := questions.Default()
	for n := 1; n <= 2; n++ {
		clk.set(time.Date(2023+n, 3, 1, 9, 0, 0, 0, time.UTC))
		a, err := st.StartAssessment(org.ID, bank)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveProfile(org.ID, a.Number, demoProfile); err != nil {
			t.Fatal(err)
		}
		for i := range bank.Functions {
			f := &bank.Functions[i]
			if err := st.SaveAnswer(org.ID, a.Number, f.ID, assessment.Answer{Performer: performerFor(i, f), Hours: lastHours(n, i)}); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := st.Complete(org.ID, a.Number); err != nil {
			t.Fatal(err)
		}
	}
	if draft {
		clk.set(time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC))
		a, err := st.StartAssessment(org.ID, bank)
		if err != nil {
			t.Fatal(err)
		}
		if err := st.SaveProfile(org.ID, a.Number, demoProfile); err != nil {
			t.Fatal(err)
		}
		for i := range bank.Functions {
			f := &bank.Functions[i]
			if err := st.SaveAnswer(org.ID, a.Number, f.ID, assessment.Answer{Performer: performerFor(i, f)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	clk.set(time.Date(2025, 9, 2, 9, 0, 0, 0, time.UTC))
	return org
}

func hoursOf(t testing.TB, st *store.Store, orgID, fid string) *float64 {
	t.Helper()
	a, err := st.Draft(orgID)
	if err != nil {
		t.Fatal(err)
	}
	return a.Answers[fid].Hours
}

func fmtHours(h *float64) string {
	if h == nil {
		return "none"
	}
	return assessment.FormatHours(*h)
}

// openWorkload opens Hours Hospital's draft in the workload pass from its screen.
func openWorkload(d *driver) {
	d.t.Helper()
	d.press("enter") // the only organization
	d.mustBeOn(screenOrg)
	d.press("w")
	d.mustBeOn(screenWorkload)
}

// TestWorkloadPassConfirmsLastTime: in a re-assessment every function shows last
// time's estimate, nothing is stored until confirmed, and one enter per row confirms
// them all: 42 keys for the whole bank.
func TestWorkloadPassConfirmsLastTime(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, true)
	bank := questions.Default()
	d := newDriver(t, st, testOptions(clk), 120, 40)
	openWorkload(d)
	d.mustSee("0 of 42 answered functions estimated", "grey = #2's, enter confirms", "last time (#2)")
	for i := range bank.Functions {
		if h := hoursOf(t, st, org.ID, bank.Functions[i].ID); h != nil {
			t.Fatalf("%s has %v stored before anything was confirmed", bank.Functions[i].ID, *h)
		}
	}
	for range bank.Functions {
		d.press("enter")
	}
	for i := range bank.Functions {
		f := &bank.Functions[i]
		got, want := hoursOf(t, st, org.ID, f.ID), lastHours(2, i)
		if fmtHours(got) != fmtHours(want) {
			t.Errorf("%s: stored %s, want last time's %s", f.ID, fmtHours(got), fmtHours(want))
		}
		a, _ := st.Draft(org.ID)
		if a.Answers[f.ID].Performer != performerFor(i, f) {
			t.Errorf("%s: performer changed to %s", f.ID, a.Answers[f.ID].Performer)
		}
	}
	d.mustSee("41 of 42 answered functions estimated") // #2 had none for one function
	// The questionnaire, opened after, shows the estimates saved in the pass.
	d.press("esc")
	d.mustBeOn(screenOrg)
	d.press("enter") // every function answered: the review
	d.mustBeOn(screenReview)
	d.press("g", "enter")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee("Hours a month: " + fmtHours(lastHours(2, 0)) + "  (t to change")
}

// TestWorkloadPassTyping: digits replace the figure, enter saves and moves on; a value
// outside the rule is one line and saves nothing; backspace to empty saves "no
// estimate"; a row moved off while typing is not saved.
func TestWorkloadPassTyping(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, true)
	bank := questions.Default()
	f0, f1, f2 := bank.Functions[0].ID, bank.Functions[1].ID, bank.Functions[2].ID
	d := newDriver(t, st, testOptions(clk), 80, 24)
	openWorkload(d)

	d.typeText("12.5")
	d.mustSee("12.5▏", "enter saves")
	d.press("enter")
	if h := hoursOf(t, st, org.ID, f0); fmtHours(h) != "12.5" {
		t.Fatalf("stored %s, want 12.5", fmtHours(h))
	}
	d.mustSee("saved ✓", "12.5 h/month")
	if d.root().screens[screenWorkload].(*workloadModel).cursor != 1 {
		t.Fatal("enter did not move to the next row")
	}

	// Out of bounds: one line, nothing saved, still typing.
	d.typeText("800")
	d.press("enter")
	d.mustSee("NOT saved: hours a month must be 0 to 744")
	if h := hoursOf(t, st, org.ID, f1); h != nil {
		t.Fatalf("800 stored as %v", *h)
	}
	// Seven characters do not fit.
	d.typeText("0000")
	d.mustSee("at most 6 characters")
	// Backspace to empty, enter: no estimate; it had none, so nothing to write.
	for range 3 {
		d.press("backspace")
	}
	d.press("enter")
	if h := hoursOf(t, st, org.ID, f1); h != nil {
		t.Fatalf("blank stored as %v", *h)
	}

	// Back to the first row: backspace clears 12.5 to no estimate.
	d.press("up", "up")
	d.press("backspace", "enter")
	if h := hoursOf(t, st, org.ID, f0); h != nil {
		t.Fatalf("cleared estimate still stored: %v", *h)
	}

	// Typing, then moving: not saved, and said so.
	d.press("down") // row 2
	d.typeText("9")
	d.press("down")
	d.mustSee("Not saved: 9 h")
	if h := hoursOf(t, st, org.ID, f2); h != nil {
		t.Fatalf("moved-off value stored: %v", *h)
	}
	// esc while typing stops typing; esc again leaves.
	d.typeText("4")
	d.press("esc")
	d.mustBeOn(screenWorkload)
	d.press("esc")
	d.mustBeOn(screenOrg)
}

// TestWorkloadPassRows: a function answered "not applicable" takes no hours, and one
// not answered yet is skipped with a word.
func TestWorkloadPassRows(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, true)
	bank := questions.Default()
	// Find a function that offers "not applicable", answer it so, and leave the next
	// one unanswered.
	na := -1
	for i := range bank.Functions {
		if bank.Functions[i].Allows(questions.NA) && i+1 < len(bank.Functions) {
			na = i
			break
		}
	}
	if na < 0 {
		t.Skip("the default bank offers no not-applicable answer")
	}
	a, _ := st.Draft(org.ID)
	if err := st.SaveAnswer(org.ID, a.Number, bank.Functions[na].ID, assessment.Answer{Performer: questions.NA}); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClearAnswerIf(org.ID, a.Number, bank.Functions[na+1].ID, &assessment.Answer{Performer: performerFor(na+1, &bank.Functions[na+1])}); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, testOptions(clk), 120, 40)
	openWorkload(d)
	for range na {
		d.press("down")
	}
	d.typeText("5")
	d.press("enter")
	d.mustSee("takes no hours: nothing saved")
	if h := hoursOf(t, st, org.ID, bank.Functions[na].ID); h != nil {
		t.Fatalf("hours stored on a not-applicable answer: %v", *h)
	}
	d.press("enter")
	d.mustSee("is not answered yet: answer it in the questions first")
	if _, ok := func() (assessment.Answer, bool) {
		a, _ := st.Draft(org.ID)
		x, ok := a.Answers[bank.Functions[na+1].ID]
		return x, ok
	}(); ok {
		t.Fatal("the workload pass answered an unanswered function")
	}
}

// TestWorkloadPassConflict: an estimate given over an answer someone else changed
// meanwhile is refused by the store's compare-and-set; both are shown, o puts the
// estimate on their answer, t keeps theirs.
func TestWorkloadPassConflict(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, true)
	bank := questions.Default()
	f0, f1 := bank.Functions[0].ID, bank.Functions[1].ID
	d := newDriver(t, st, testOptions(clk), 80, 24)
	openWorkload(d)
	a, _ := st.Draft(org.ID)
	// Someone else changes the first function's owner, and then the second's hours.
	if err := st.SaveAnswer(org.ID, a.Number, f0, assessment.Answer{Performer: assessment.Vendor}); err != nil {
		t.Fatal(err)
	}
	d.typeText("30")
	d.press("enter")
	d.mustSee("NOT saved: someone else changed", "Vendor", "o puts your 30 h/month on their answer")
	if got := hoursOf(t, st, org.ID, f0); got != nil {
		t.Fatalf("refused estimate stored: %v", *got)
	}
	d.press("o")
	a, _ = st.Draft(org.ID)
	if ans := a.Answers[f0]; ans.Performer != assessment.Vendor || fmtHours(ans.Hours) != "30" {
		t.Fatalf("after o: %s %s, want vendor with 30 h", ans.Performer, fmtHours(ans.Hours))
	}

	seven := 7.0
	if err := st.SaveAnswer(org.ID, a.Number, f1, assessment.Answer{Performer: performerFor(1, &bank.Functions[1]), Hours: &seven}); err != nil {
		t.Fatal(err)
	}
	d.press("down")
	d.typeText("11")
	d.press("enter")
	d.mustSee("NOT saved")
	d.press("t")
	d.mustSee("Kept their answer")
	if got := hoursOf(t, st, org.ID, f1); fmtHours(got) != "7" {
		t.Fatalf("kept theirs, stored %s, want 7", fmtHours(got))
	}
}

// TestQuestionnaireHours: t gives the hours of the answer under the cursor, prefilled
// from this draft or last time; enter saves both and moves on; a bad value is one line
// and saves nothing; a one-key answer keeps the draft's estimate, carries last time's
// only with last time's answer, and none with "not applicable".
func TestQuestionnaireHours(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, false)
	bank := questions.Default()
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("enter", "enter") // start the re-assessment
	d.mustBeOn(screenProfile)
	for range len(assessment.AllProfileFields) + 1 {
		d.press("enter")
	}
	d.mustBeOn(screenQuestionnaire)
	f0 := &bank.Functions[0]
	d.mustSee("Hours a month: " + fmtHours(lastHours(2, 0)) + " — last time's, kept with this answer")

	// t, prefilled with last time's, replaced by 12, enter: saved with the answer.
	d.press("t")
	d.mustSee("Hours a month > "+fmtHours(lastHours(2, 0)), "enter saves")
	for range fmtHours(lastHours(2, 0)) {
		d.press("backspace")
	}
	d.typeText("abc")
	d.press("enter")
	d.mustSee("NOT saved: hours a month must be a number from 0 to 744")
	for range 3 {
		d.press("backspace")
	}
	d.typeText("12")
	d.press("enter")
	d.mustSee("saved ✓", "12 h/month")
	a, _ := st.Draft(org.ID)
	if ans := a.Answers[f0.ID]; ans.Performer != performerFor(0, f0) || fmtHours(ans.Hours) != "12" {
		t.Fatalf("stored %s %s, want %s with 12 h", ans.Performer, fmtHours(ans.Hours), performerFor(0, f0))
	}
	if d.quest().idx != 1 {
		t.Fatalf("on function %d, want 2", d.quest().idx+1)
	}

	// Function 2: last time's answer confirmed with enter carries last time's hours.
	d.press("enter")
	f1 := &bank.Functions[1]
	if got := hoursOf(t, st, org.ID, f1.ID); fmtHours(got) != fmtHours(lastHours(2, 1)) {
		t.Fatalf("confirmed suggestion carried %s, want %s", fmtHours(got), fmtHours(lastHours(2, 1)))
	}
	// Function 3: another answer than last time's carries no hours.
	f2 := &bank.Functions[2]
	other := "1"
	if performerFor(2, f2) == assessment.CE {
		other = "2"
	}
	d.mustSee("kept with this answer")
	d.press(other)
	if got := hoursOf(t, st, org.ID, f2.ID); got != nil {
		t.Fatalf("changed answer carried last time's %v", *got)
	}

	// Back to function 1: changing the answer keeps this draft's 12.
	d.press("left", "left", "left")
	d.mustSee("Hours a month: 12")
	d.press("2")
	a, _ = st.Draft(org.ID)
	if ans := a.Answers[f0.ID]; ans.Performer != questions.Specialist || fmtHours(ans.Hours) != "12" {
		t.Fatalf("re-answered: %s %s, want specialist with 12 h", ans.Performer, fmtHours(ans.Hours))
	}
	// esc in the field changes nothing.
	d.press("left", "t")
	d.typeText("0")
	d.press("esc")
	d.mustSee("Estimate not changed")
	if got := hoursOf(t, st, org.ID, f0.ID); fmtHours(got) != "12" {
		t.Fatalf("esc stored %s", fmtHours(got))
	}
	// The help lists the new keys.
	d.press("?")
	d.mustSee("t time: hours a month", "w workload pass")
}

// TestQuestionnaireHoursConflict: hours are part of the compare-and-set; an estimate
// given over one changed in another session meanwhile is refused and both are shown.
func TestQuestionnaireHoursConflict(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, true)
	bank := questions.Default()
	f0 := &bank.Functions[0]
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("enter")
	d.mustBeOn(screenOrg)
	d.press("enter") // resume: every function answered, so the review
	d.mustBeOn(screenReview)
	d.press("g", "enter")
	d.mustBeOn(screenQuestionnaire)
	d.press("right", "left") // on function 1, no longer on the way back to the review
	a, _ := st.Draft(org.ID)
	twenty := 20.0
	if err := st.SaveAnswer(org.ID, a.Number, f0.ID, assessment.Answer{Performer: performerFor(0, f0), Hours: &twenty}); err != nil {
		t.Fatal(err)
	}
	d.press("t")
	d.typeText("15")
	d.press("enter")
	d.mustSee("NOT saved: someone else changed this meanwhile to Dedicated clinical engineer, 20 h/month",
		"yours: Dedicated clinical engineer, 15 h/month")
	if got := hoursOf(t, st, org.ID, f0.ID); fmtHours(got) != "20" {
		t.Fatalf("refused write stored %s", fmtHours(got))
	}
	d.press("o")
	if got := hoursOf(t, st, org.ID, f0.ID); fmtHours(got) != "15" {
		t.Fatalf("overwrite stored %s, want 15", fmtHours(got))
	}
}

// TestWorkloadOnScreens: the workload section on the scorecard, the workload rows and
// changed estimates in the comparison and the column in the history read as the
// presentation layer has them (the same rows text, Markdown and JSON use).
func TestWorkloadOnScreens(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedHours(t, st, clk, false)
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.send(openScorecardMsg{org: org, number: 2})
	d.mustBeOn(screenScorecard)
	data, err := st.ReportData(org.ID, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	r := data.Report()
	if r.Workload == nil {
		t.Fatal("no workload in the report")
	}
	page := d.pageText()
	w := present.Workload(r)
	for _, l := range append(append([]string{}, w.Lines...), w.Partial, w.Assumption) {
		if l == "" {
			continue
		}
		if !strings.Contains(strings.Join(strings.Fields(page), " "), l) {
			t.Errorf("scorecard lacks %q", l)
		}
	}
	for _, row := range w.Rows {
		if !strings.Contains(page, row.Label) {
			t.Errorf("scorecard lacks the row %q", row.Label)
		}
	}
	d.press("esc")
	d.send(openHistoryMsg{org: org, compare: true})
	d.mustBeOn(screenHistory)
	d.mustSee("Eng. work")
	d.press("g", " ", "G", "c")
	d.mustBeOn(screenCompare)
	page = d.pageText()
	for _, want := range []string{"Workload (FTE)", "Engineering work", "BMET load", "2 estimates of hours a month changed:",
		bank0() + ": 2 h → 6 h"} {
		if !strings.Contains(page, want) {
			t.Errorf("comparison lacks %q:\n%s", want, page)
		}
	}
}

func bank0() string { return questions.Default().Functions[0].Name() }

// TestWorkloadGolden renders the workload pass, the scorecard's workload section and
// the comparison's workload rows at 80×24 and 120×40.
func TestWorkloadGolden(t *testing.T) {
	screens := []struct {
		name  string
		setup func(d *driver, org store.Organization)
	}{
		{"workload", func(d *driver, org store.Organization) {
			openWorkload(d)
			d.press("enter", "enter")
			d.typeText("12")
		}},
		{"scorecard_workload", func(d *driver, org store.Organization) {
			d.send(openScorecardMsg{org: org, number: 2})
			d.press("5") // the workload section
		}},
		{"compare_workload", func(d *driver, org store.Organization) {
			d.send(openHistoryMsg{org: org, compare: true})
			d.press("g", " ", "G", "c", "end")
		}},
		{"history_workload", func(d *driver, org store.Organization) {
			d.send(openHistoryMsg{org: org})
		}},
		{"questionnaire_hours", func(d *driver, org store.Organization) {
			d.press("enter", "enter")
			d.mustBeOn(screenReview)
			d.press("g", "enter", "t")
		}},
	}
	for _, sc := range screens {
		for _, sz := range [][2]int{{80, 24}, {120, 40}} {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, sz[0], sz[1]), func(t *testing.T) {
				clk := newClock()
				st := openStore(t, t.TempDir(), clk)
				org := seedHours(t, st, clk, true)
				d := newDriver(t, st, testOptions(clk), sz[0], sz[1])
				sc.setup(d, org)
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
}

// TestSavedLineKeepsHoursInView: at 80 columns a long answer label gives way to its
// short name, so that the saved line still shows the hours.
func TestSavedLineKeepsHoursInView(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	seedHours(t, st, clk, false)
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	d.mustBeOn(screenProfile)
	for range len(assessment.AllProfileFields) + 1 {
		d.press("enter")
	}
	d.mustBeOn(screenQuestionnaire)
	d.press("down") // Senior technical specialist with assigned engineering duties
	d.press("t")
	for range 8 {
		d.press("backspace")
	}
	d.typeText("12")
	d.press("enter")
	d.mustSee("— Specialist, 12 h/month")
}
