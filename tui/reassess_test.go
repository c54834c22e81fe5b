package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
	"cebalance/store"
)

// TestReassessmentAcrossBanks: a re-assessment of an organization last assessed with
// bank v1 uses the current bank. Last time's answers are suggestions (nothing is
// stored until confirmed), the functions added since are marked "new in v2", and last
// time's note goes with an answer only while the answer is unchanged.
func TestReassessmentAcrossBanks(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	v1 := questions.BuiltinFor(questions.Ref{ID: "default", Version: 1})
	clk.set(time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC))
	a, err := st.StartAssessment(org.ID, v1)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveProfile(org.ID, a.Number, demoProfile); err != nil {
		t.Fatal(err)
	}
	for i := range v1.Functions {
		f := &v1.Functions[i]
		ans := assessment.Answer{Performer: performerFor(i, f)}
		switch f.ID {
		case "capital_planning":
			ans = assessment.Answer{Performer: assessment.BMET, Note: "Mary builds the plan"}
		case "technology_assessment":
			ans = assessment.Answer{Performer: assessment.Manager, Note: "value analysis committee"}
		}
		if err := st.SaveAnswer(org.ID, a.Number, f.ID, ans); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Complete(org.ID, a.Number); err != nil {
		t.Fatal(err)
	}
	clk.set(time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC))

	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("enter")
	d.mustSee("Start a re-assessment")
	d.press("enter")
	d.mustBeOn(screenProfile)
	for range assessment.AllProfileFields {
		d.press("enter")
	}
	d.press("enter")
	d.mustBeOn(screenQuestionnaire)
	draft, err := st.Draft(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if draft.Bank != questions.Default().Ref() || len(draft.Answers) != 0 {
		t.Fatalf("re-assessment on %s with %d stored answers; want the current bank and none until confirmed", draft.Bank, len(draft.Answers))
	}

	// Function 1: last time BMET with a note. Moving to another answer shows that the
	// note would not be kept; confirming stores the new answer without it.
	d.mustSee("◂ last time (#1)", "Mary builds the plan")
	d.press("up") // from BMET to the specialist
	d.mustSee("Last time's note (not kept with a changed answer")
	d.press("enter")
	// Function 2: the same answer as last time keeps its note.
	d.press("enter")
	got, _ := st.Draft(org.ID)
	if c := got.Answers["capital_planning"]; c.Performer != questions.Specialist || c.Note != "" {
		t.Errorf("changed answer stored as %+v; want the specialist without last time's note", c)
	}
	if c := got.Answers["technology_assessment"]; c.Performer != assessment.Manager || c.Note != "value analysis committee" {
		t.Errorf("unchanged answer stored as %+v; want the manager with last time's note", c)
	}

	// The functions added in v2 are marked and start with no suggestion.
	bank := questions.Default()
	for i := 2; i < len(bank.Functions); i++ {
		f := &bank.Functions[i]
		if v1.FunctionIndex(f.ID) < 0 {
			d.mustSee(assessment.NewIn(bank))
			d.mustNotSee("◂ last time")
		} else {
			d.mustNotSee(assessment.NewIn(bank))
		}
		d.press("enter")
	}
	d.mustBeOn(screenReview)
}

// TestScorecardNinePerformersFits: with all nine performers in both kinds of work and
// every finding, the scorecard page stays within 80 cells, and its legend names only
// performers that occur.
func TestScorecardNinePerformersFits(t *testing.T) {
	bank := questions.Default()
	at := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	a := &assessment.Assessment{Number: 1, Status: assessment.Completed, StartedAt: at, CompletedAt: &at,
		Bank: bank.Ref(), Profile: assessment.Profile{Beds: 60, ManagerFTE: 1},
		Answers: map[string]assessment.Answer{}}
	n := map[questions.Kind]int{}
	for _, f := range bank.Functions {
		a.Answers[f.ID] = assessment.Answer{Performer: questions.Performers[n[f.Kind]%questions.NumPerformers], AnsweredAt: at}
		n[f.Kind]++
	}
	r := assessment.NewReport(assessment.Organization{ID: "x", Name: "Small Hospital"}, assessment.Scored{Bank: bank, Assessment: a}, nil, assessment.PeerBenchmark{})
	if len(r.Findings) < 3 {
		t.Fatalf("fixture: findings %+v; want at least three", r.Findings)
	}
	s := newStyles(asciiRenderer())
	for _, w := range []int{80, 60} {
		card := newScorecard(s, packetOptions{})
		card.width, card.height = w, 24
		card.page = newPage()
		card.set(store.Organization{ID: "x", Name: "Small Hospital"}, &scored{r, a})
		content := ansi.Strip(card.page.content)
		for i, l := range strings.Split(content, "\n") {
			if cw := ansi.StringWidth(l); cw > w {
				t.Errorf("width %d: line %d is %d cells: %q", w, i+1, cw, l)
			}
		}
		for _, f := range present.Findings(r) {
			if !strings.Contains(strings.Join(strings.Fields(content), " "), strings.Join(strings.Fields(f.Text)[:5], " ")) {
				t.Errorf("width %d: finding %s not on the scorecard", w, f.ID)
			}
		}
	}
}
