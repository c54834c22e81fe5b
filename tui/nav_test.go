package tui

import (
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/store"
)

// newExample opens the seeded example (St Example Hospital, three completed
// assessments and draft #4) and Northfield at w×h.
func newExample(t *testing.T, w, h int) (*driver, *store.Store, store.Organization) {
	t.Helper()
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedExample(t, st, clk, true)
	mustCreate(t, st, "Northfield Community Hospital")
	return newDriver(t, st, testOptions(clk), w, h), st, org
}

// TestQuestionnaireNavigation: d jumps to a domain, / finds a function by words of
// its title or question, ] goes to the next gap, f finishes from the questions (the
// refusal names what is missing), all listed in the full help.
func TestQuestionnaireNavigation(t *testing.T) {
	d, _, _ := newExample(t, 80, 24)
	d.press("down", "enter", "enter")
	d.mustBeOn(screenQuestionnaire)
	d.press("?")
	d.mustSee("jump to domain", "find", "next gap", "f finish", "e explain", "click answers")
	d.press("?")

	d.press("d")
	d.mustSee("Jump to a domain", "Patient safety")
	d.press("3") // the third domain: Patient safety
	d.mustSee("PATIENT SAFETY · function")

	d.press("/")
	d.typeText("recall")
	d.mustSee("Find a function", "Recall")
	d.mustNotSee("Capital planning")
	d.press("enter")
	d.mustSee("Recall")
	if q := d.quest(); !strings.Contains(strings.ToLower(q.fn().Name()), "recall") {
		t.Fatalf("/ recall went to %q", q.fn().Name())
	}
	d.press("/")
	d.typeText("zzqx")
	d.mustSee("No function has all these words")
	d.press("esc")
	d.mustBeOn(screenQuestionnaire)

	// No gap yet: ] says so. Answer this one "nobody", go to the first domain, and ]
	// comes back to it.
	d.press("]")
	d.mustSee("No gaps")
	gap := d.quest().fn().ID
	d.press("8", "d", "1")
	if d.quest().fn().ID == gap {
		t.Fatal("d 1 did not leave the function")
	}
	d.press("]")
	if got := d.quest().fn().ID; got != gap {
		t.Fatalf("] went to %s, want %s", got, gap)
	}

	// f finishes from here: with functions unanswered, the review says which.
	d.press("f")
	d.mustBeOn(screenReview)
	d.mustSee("Cannot finish yet")
}

// TestFinishKeyConfirms: with every function answered, f on the questions asks to
// confirm at once, and the confirmation bar does not offer esc twice.
func TestFinishKeyConfirms(t *testing.T) {
	d, st, org := newExample(t, 80, 24)
	draft, err := st.Draft(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	bank := d.root().opts.Bank
	for i := range bank.Functions {
		f := &bank.Functions[i]
		if _, ok := draft.Answers[f.ID]; !ok {
			if err := st.SaveAnswer(org.ID, draft.Number, f.ID, assessment.Answer{Performer: f.AnswerOptions()[0]}); err != nil {
				t.Fatal(err)
			}
		}
	}
	d.press("down", "enter", "enter")
	d.mustBeOn(screenReview) // all answered: the review opens
	d.press("esc")
	d.mustBeOn(screenQuestionnaire)
	d.press("f")
	d.mustBeOn(screenReview)
	d.mustSee("Finish assessment #4 now?", "y/enter finish now • n/esc keep reviewing")
	d.mustNotSee("esc back", "not yet")
	d.press("y")
	d.mustBeOn(screenScorecard)
}

// TestNoteEscAsks: esc on a changed note asks before discarding it; n keeps editing,
// y discards; ↑/↓ while typing change the answer the note is for; "saved ✓" says a
// note was saved.
func TestNoteEscAsks(t *testing.T) {
	d, _, _ := newExample(t, 80, 24)
	d.press("down", "enter", "enter")
	d.press("n")
	d.typeText("keep this")
	d.press("esc")
	d.mustSee("Discard the note you typed?", "y/esc discard the note")
	d.press("n")
	d.mustSee("keep this")
	if !d.quest().editing {
		t.Fatal("n did not keep editing")
	}
	d.press("up") // from last time's answer, the vendor
	d.mustSee("for “Another hospital department”")
	d.press("down", "down")
	d.mustSee("for “Nobody — not done”")
	d.press("esc", "y")
	d.mustSee("Note discarded")
	d.mustNotSee("keep this")
	d.press("n")
	d.typeText("second")
	d.press("enter")
	d.mustSee("with your note")
}

// TestMouseClickAnswers: a left click on an answer row answers it; the wheel moves
// the cursor.
func TestMouseClickAnswers(t *testing.T) {
	d, st, org := newExample(t, 80, 24)
	d.press("down", "enter", "enter")
	q := d.quest()
	fid := q.fn().ID
	d.send(tea.MouseMsg{X: 5, Y: q.optionsY + 3, Button: tea.MouseButtonLeft, Action: tea.MouseActionPress})
	draft, err := st.Draft(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := draft.Answers[fid].Performer; got != q.bank.Functions[q.bank.FunctionIndex(fid)].AnswerOptions()[3] {
		t.Fatalf("click on the fourth answer stored %q", got)
	}
	at := d.quest().cursor
	d.send(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if d.quest().cursor == at {
		t.Fatal("the wheel did not move the cursor")
	}
}

// TestScorecardSections: ] and the section numbers jump to the sections; the wheel
// scrolls.
func TestScorecardSections(t *testing.T) {
	d, _, _ := newExample(t, 80, 24)
	d.press("down", "enter", "down", "enter")
	d.mustBeOn(screenScorecard)
	sc := d.root().top().(*scorecardModel)
	if len(sc.sections) < 6 {
		t.Fatalf("%d sections", len(sc.sections))
	}
	d.press("]")
	d.mustSee("1  WHO DOES THE WORK")
	d.press("4")
	d.mustSee("4  STAFFING")
	d.press("[")
	d.mustSee("3  GAPS")
	at := sc.page.offset()
	d.send(tea.MouseMsg{Button: tea.MouseButtonWheelDown, Action: tea.MouseActionPress})
	if sc.page.offset() != at+3 {
		t.Fatalf("wheel: offset %d, want %d", sc.page.offset(), at+3)
	}
}

// TestDiscardDraft: x on the organization asks, n keeps the draft, y discards it; a
// completed assessment is never discarded.
func TestDiscardDraft(t *testing.T) {
	d, st, org := newExample(t, 80, 24)
	d.press("down", "enter")
	d.press("x")
	d.mustSee("Discard draft #4 (12 of 42 answered)?", "y discard it • n/esc keep it")
	d.press("n")
	if _, err := st.Draft(org.ID); err != nil {
		t.Fatalf("n discarded the draft: %v", err)
	}
	d.press("x", "y")
	d.mustSee("Draft #4 discarded.", "Start a re-assessment")
	if _, err := st.Draft(org.ID); err == nil {
		t.Fatal("draft still there")
	}
	as, err := st.Assessments(org.ID)
	if err != nil || len(as) != 3 {
		t.Fatalf("completed assessments: %d, %v", len(as), err)
	}
	// No draft: x does nothing.
	d.press("x")
	d.mustNotSee("Discard draft")
}

// TestProfileWarningAndHelp: 300 IT FTE for 180 beds is saved with a warning beside
// the field; the footer of a text field does not offer ?, which it would type.
func TestProfileWarningAndHelp(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "Northfield Community Hospital")
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	d.mustBeOn(screenProfile)
	v := d.view()
	footer := v[strings.LastIndex(v, "\n")+1:]
	if strings.Contains(footer, "?") {
		t.Fatalf("footer offers ? on a text field: %q", footer)
	}
	d.typeText("180")
	d.press("tab", "tab", "tab", "tab", "tab")
	d.typeText("300")
	d.press("tab")
	d.mustSee("IT staff for devices (FTE): 300 for 180 staffed beds")
	draft, err := st.Draft(org.ID)
	if err != nil || draft.Profile.ITFTE != 300 {
		t.Fatalf("warned value not saved: %+v %v", draft.Profile, err)
	}
}

// TestQuitSaysHowToResume: quitting with a draft open says how much is saved and how
// to come back; the home screen marks a re-assessment due after the interval.
func TestQuitSaysHowToResume(t *testing.T) {
	d, _, _ := newExample(t, 80, 24)
	d.press("down", "enter", "enter", "q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
	if got := QuitReason(d.m); got != "12/42 saved for St Example Hospital, draft #4 — resume with `cebalance`" {
		t.Fatalf("QuitReason = %q", got)
	}
}

func TestReassessmentDueOnHome(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	seedExample(t, st, clk, false) // latest completed 2025-03-01
	opts := testOptions(clk)
	clk.set(time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
	d := newDriver(t, st, opts, 80, 24)
	d.mustSee("re-assessment due")
	opts.DueAfter = 24
	d = newDriver(t, st, opts, 80, 24)
	d.mustNotSee("re-assessment due")
}

// TestBenchmarkScreen: b on the home screen opens the community benchmark.
func TestBenchmarkScreen(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	seedExample(t, st, clk, false)
	seedPeers(t, st, clk, 6)
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.mustSee("b benchmark")
	d.press("b")
	d.mustBeOn(screenBenchmark)
	d.mustSee("Community benchmark", "MEDIUM")
	d.press("esc")
	d.mustBeOn(screenHome)
}
