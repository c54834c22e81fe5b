package tui

import (
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// answerKey is the number key that answers performer p.
func answerKey(p questions.Performer) string { return fmt.Sprint(p.Index() + 1) }

// fillProfile types a whole profile into the form, field by field, and continues.
func fillProfile(d *driver, beds, teaching, ce, bmet, mgr, it, devices string) {
	d.t.Helper()
	d.mustBeOn(screenProfile)
	d.typeText(beds)
	d.press("enter")
	d.press(teaching, "enter")
	for _, v := range []string{ce, bmet, mgr, it, devices} {
		d.typeText(v)
		d.press("enter")
	}
	d.press("enter") // productive hours: the default, 1,700
	d.press("enter") // on [ Continue ]
}

func TestNewOrganizationToScorecard(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	d := newDriver(t, st, testOptions(clk), 80, 24)

	d.mustSee("No organizations yet", "+ New organization…")
	d.press("enter")
	d.typeText("St Example Hospital")
	d.mustSee("its id will be st-example-hospital")
	d.press("enter")
	d.mustBeOn(screenOrg)
	d.mustSee("St Example Hospital", "Start the first assessment")

	d.press("enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0.5", "7,000")
	d.mustBeOn(screenQuestionnaire)

	a, err := st.Draft("st-example-hospital")
	if err != nil {
		t.Fatal(err)
	}
	if want := (assessment.Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, ITFTE: 0.5, Devices: 7000}); a.Profile != want {
		t.Fatalf("stored profile %+v, want %+v", a.Profile, want)
	}

	bank := questions.Default()
	for i := range bank.Functions {
		d.mustSee(fmt.Sprintf(fns("function %d of {n}"), i+1))
		d.press(answerKey(performerFor(i, &bank.Functions[i])))
	}
	d.mustBeOn(screenReview)
	d.mustSee(fns("{n} of {n} answered"))
	d.press("f")
	d.mustSee("Finish assessment #1 now?")
	d.press("y")
	d.mustBeOn(screenScorecard)
	d.mustSee("BALANCE INDEX", "VERDICT CRITICAL GAPS", "At least one critical function")

	as, err := st.Assessments("st-example-hospital")
	if err != nil {
		t.Fatal(err)
	}
	if len(as) != 1 || as[0].Status != assessment.Completed || len(as[0].Answers) != len(bank.Functions) {
		t.Fatalf("stored %+v", as)
	}
	for i := range bank.Functions {
		f := &bank.Functions[i]
		if got, want := as[0].Answers[f.ID].Performer, performerFor(i, f); got != want {
			t.Errorf("%s: stored %s, want %s", f.ID, got, want)
		}
	}

	// esc goes back to the organization, which now offers a re-assessment.
	d.press("esc")
	d.mustBeOn(screenOrg)
	d.mustSee("Start a re-assessment (#2", "Scorecard of #1")
}

func TestCreateOrganizationRefusesDuplicates(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "St Example Hospital")
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.mustSee("St Example Hospital")
	d.press("n")
	d.typeText("st example hospital")
	d.press("enter")
	d.mustBeOn(screenHome)
	d.mustSee("already exists")
	orgs, _ := st.Organizations()
	if len(orgs) != 1 {
		t.Fatalf("%d organizations, want 1", len(orgs))
	}
	// A name without letters is refused inline too.
	for range "st example hospital" {
		d.press("backspace")
	}
	d.press("enter")
	d.mustSee("Type the organization's name first")
	d.typeText("!!!")
	d.press("enter")
	d.mustSee("has no letters or digits")
	d.press("esc")
	d.mustNotSee("Name of the new organization")
	// q quits again once the field is closed.
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit on the home screen")
	}
}

func TestDirectorWithoutCreateRights(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "Mine")
	mustCreate(t, st, "Theirs")
	opts := testOptions(clk)
	opts.CanCreate = false
	opts.CanSee = func(id string) bool { return id == "mine" }
	d := newDriver(t, st, opts, 80, 24)
	d.mustSee("Mine")
	d.mustNotSee("Theirs", "New organization")
	d.press("n")
	d.mustNotSee("Name of the new organization")
}

func TestProfileValidationAndAutosave(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.press("enter", "enter") // open the organization, start the first assessment
	d.mustBeOn(screenProfile)

	// Invalid beds: an inline message, nothing stored.
	d.typeText("abc")
	d.press("enter")
	d.mustSee("✗ Staffed beds must be a whole number from 1 to 5,000")
	a, _ := st.Draft(org.ID)
	if a.Profile.Beds != 0 {
		t.Fatalf("invalid beds stored: %+v", a.Profile)
	}
	// Continue is refused while a field is wrong or empty.
	d.press("down", "down", "down", "down", "down", "down", "down", "enter")
	d.mustBeOn(screenProfile)
	d.mustSee("Fix the marked field first.")

	// Fix beds (the failed continue put the cursor there): saved as soon as the field
	// is left, and marked so.
	for range "abc" {
		d.press("backspace")
	}
	d.typeText("120")
	d.press("tab")
	d.mustSee("saved ✓", "Size band for peers: medium (100–299 beds)")
	a, _ = st.Draft(org.ID)
	if a.Profile.Beds != 120 {
		t.Fatalf("beds not saved: %+v", a.Profile)
	}
	// Teaching: y saves at once.
	d.press("y")
	a, _ = st.Draft(org.ID)
	if !a.Profile.Teaching {
		t.Fatal("teaching not saved")
	}
	// A negative FTE is refused.
	d.press("tab")
	d.typeText("-1")
	d.press("tab")
	d.mustSee("✗ Clinical engineers (FTE) must be a plain decimal number from 0 to")
	// esc leaves the form: q typed in a field does not quit.
	d.press("q")
	if d.quit {
		t.Fatal("q quit from a text field")
	}
	d.press("esc")
	d.mustBeOn(screenOrg)
	d.press("q")
	if !d.quit {
		t.Fatal("esc then q did not quit")
	}
}

// startAnswering opens the example organization's new draft in the questionnaire.
func startAnswering(t *testing.T, w, h int) (*driver, *store.Store, store.Organization, *clock) {
	t.Helper()
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	d := newDriver(t, st, testOptions(clk), w, h)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	d.mustBeOn(screenQuestionnaire)
	return d, st, org, clk
}

func TestQuestionnaireKeys(t *testing.T) {
	d, st, org, _ := startAnswering(t, 80, 24)
	draft := func() assessment.Assessment {
		a, err := st.Draft(org.ID)
		if err != nil {
			t.Fatal(err)
		}
		return a
	}
	d.mustSee(fns("function 1 of {n}"), "Capital planning", fns("0/{n} answered · Planning and acquisition 0/5"))

	// ↓ ↓ ↓ enter answers the manager, saves and moves on.
	d.press("down", "j", "down", "enter")
	d.mustSee(fns("function 2 of {n}"), "saved ✓ Capital planning — HTM manager or director", fns("1/{n} answered"))
	if got := draft().Answers["capital_planning"].Performer; got != assessment.Manager {
		t.Fatalf("stored %q", got)
	}
	// ← goes back and shows the answer; → and tab go forward; shift+tab back.
	d.press("left")
	d.mustSee(fns("function 1 of {n}"), "✓ your answer")
	d.press("tab", "tab", "shift+tab")
	d.mustSee(fns("function 2 of {n}"))
	// e toggles the explanation.
	d.press("e")
	d.mustSee("│ Evaluating a new technology")
	d.press("e")
	d.mustNotSee("│ Evaluating a new technology")

	// A note on an unanswered function is for no answer until one is chosen: enter
	// does not save "Dedicated clinical engineer" by default (it did before), and the
	// note is kept. q and digits go into the note; ↓ chooses the answer it is for.
	d.press("n")
	d.typeText("quarterly review with finance 3\x1b[31m")
	d.mustSee("for no answer yet: choose it with ↑/↓")
	d.mustNotSee("“Dedicated clinical engineer”")
	if d.quit {
		t.Fatal("q quit from the note")
	}
	d.press("enter")
	d.mustSee("Choose the answer this note is for with ↑/↓ first; the note is kept.", "quarterly review with finance 3")
	if _, ok := draft().Answers["technology_assessment"]; ok {
		t.Fatal("a note without a chosen answer saved an answer")
	}
	d.press("down")
	d.mustSee("for “Dedicated clinical engineer” (↑/↓ changes it)")
	d.press("enter")
	d.mustSee("with your note")
	if got := draft().Answers["technology_assessment"]; got.Performer != assessment.CE || got.Note != "quarterly review with finance 3[31m" {
		t.Fatalf("stored %+v", got)
	}
	// The control character was sanitized before it was stored.
	d.mustSee(fns("function 3 of {n}"))

	// u jumps to the next unanswered, wrapping round.
	d.press("left", "left", "left")
	d.mustSee(fns("function 1 of {n}"))
	d.press("u")
	d.mustSee(fns("function 3 of {n}"))

	// x clears an answer.
	d.press("left")
	d.press("x")
	d.mustSee("Cleared ✓")
	if _, ok := draft().Answers["technology_assessment"]; ok {
		t.Fatal("answer not cleared")
	}

	// The last function: → says so; r opens the review.
	d.press("r")
	d.mustBeOn(screenReview)
	d.mustSee(fns("1 of {n} answered"), "· Technology assessment", "not answered")
	d.press("f")
	d.mustSee(fns("Cannot finish yet — {n-1} of {n} functions are not answered: Technology"), fns("and {n-5} more (marked · below)"))
	if draft().Status != assessment.Draft {
		t.Fatal("finished with unanswered functions")
	}
	// u from the review goes to the first unanswered and, once answered, back.
	d.press("u")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee("Technology assessment")
	d.press("5")
	d.mustBeOn(screenReview)
	d.mustSee(fns("2 of {n} answered"))
	// enter edits the answer under the cursor.
	d.press("g", "enter")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee(fns("function 1 of {n}"))
	d.press("1")
	d.mustBeOn(screenReview)
	if got := draft().Answers["capital_planning"].Performer; got != assessment.CE {
		t.Fatalf("edited answer stored as %q", got)
	}
	// esc goes back to the questions, esc again to the organization.
	d.press("esc")
	d.mustBeOn(screenQuestionnaire)
	d.press("esc")
	d.mustBeOn(screenOrg)
	d.mustSee(fns("Resume draft #1 — 2 of {n} answered"))
}

// TestTypeAhead sends keys the way a fast typist (or an SSH connection) delivers them:
// several in one message. Each answers one function, in order, and keys beyond the
// last function do not change its answer.
func TestTypeAhead(t *testing.T) {
	d, st, org, _ := startAnswering(t, 80, 24)
	bank := questions.Default()
	var keys []rune
	for i := range bank.Functions {
		keys = append(keys, rune(answerKey(performerFor(i, &bank.Functions[i]))[0]))
	}
	keys = append(keys, '1', '1', '1')
	d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: keys})
	d.mustBeOn(screenReview)
	d.mustSee(fns("{n} of {n} answered"), "Every function is answered")
	a, err := st.Draft(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	for i := range bank.Functions {
		f := &bank.Functions[i]
		if got, want := a.Answers[f.ID].Performer, performerFor(i, f); got != want {
			t.Errorf("%s: stored %s, want %s", f.ID, got, want)
		}
	}
}

// TestQuitWaitsForSaves quits with a save in flight: the TUI quits only when it has
// returned, and the answer is stored. A value typed in the profile form is saved on quit.
func TestQuitWaitsForSaves(t *testing.T) {
	d, st, org, _ := startAnswering(t, 80, 24)
	m, cmd := d.m.Update(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(answerKey(assessment.Manager) + "q")})
	d.m = m
	if !d.root().quitWhenSaved {
		t.Fatal("q with a save in flight did not wait for it")
	}
	d.mustSee("saving your last answers, then quitting")
	d.run(cmd)
	if !d.quit {
		t.Fatal("did not quit")
	}
	a, _ := st.Draft(org.ID)
	if a.Answers["capital_planning"].Performer != assessment.Manager {
		t.Fatalf("answer typed before q not stored: %+v", a.Answers)
	}

	clk := newClock()
	st2 := openStore(t, t.TempDir(), clk)
	org2 := mustCreate(t, st2, "Northfield")
	d2 := newDriver(t, st2, testOptions(clk), 80, 24)
	d2.press("enter", "enter")
	d2.mustBeOn(screenProfile)
	d2.typeText("88")
	d2.press("ctrl+c")
	if !d2.quit {
		t.Fatal("ctrl+c did not quit")
	}
	if a, _ := st2.Draft(org2.ID); a.Profile.Beds != 88 {
		t.Fatalf("beds typed before ctrl+c not saved: %+v", a.Profile)
	}
}

func TestResumeAfterQuit(t *testing.T) {
	dir := t.TempDir()
	clk := newClock()
	st, err := store.Open(dir+"/cebalance.db", store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	org := mustCreate(t, st, "St Example Hospital")
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	bank := questions.Default()
	for i := 0; i < 14; i++ {
		d.press(answerKey(performerFor(i, &bank.Functions[i])))
	}
	// Go back and change an earlier answer, then forward again: the resume point is
	// after the most recently answered function, the first unanswered after it.
	d.press("left", "left", "left")
	d.mustSee(fns("function 12 of {n}"))
	d.press("1")
	d.mustSee(fns("function 13 of {n}"))
	d.press("q")
	if !d.quit {
		t.Fatal("q did not quit")
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	st2, err := store.Open(dir+"/cebalance.db", store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer st2.Close()
	d2 := newDriver(t, st2, testOptions(clk), 80, 24)
	d2.mustSee(fns("draft #1: 14/{n} answered"))
	d2.press("enter")
	d2.mustSee(fns("Resume draft #1 — 14 of {n} answered"))
	d2.press("enter")
	d2.mustBeOn(screenQuestionnaire)
	d2.mustSee(fns("function 15 of {n}"), fns("14/{n} answered"))
	q := d2.quest()
	if len(q.answers) != 14 {
		t.Fatalf("%d answers after resume, want 14", len(q.answers))
	}
	for i := 0; i < 14; i++ {
		f := &bank.Functions[i]
		want := performerFor(i, f)
		if i == 11 {
			want = assessment.CE
		}
		if got := q.answers[f.ID].Performer; got != want {
			t.Errorf("%s: %s after resume, want %s", f.ID, got, want)
		}
	}
	_ = org
}

func TestReassessmentShowsLastTime(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := seedExample(t, st, clk, false)
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("enter")
	d.mustSee("Start a re-assessment (#4, starting from #3's profile")
	d.press("enter")
	d.mustBeOn(screenProfile)
	d.mustSee("Prefilled from assessment #3", "> 250")
	// The profile is already there: enter through it.
	for range assessment.AllProfileFields {
		d.press("enter")
	}
	d.press("enter")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee("◂ last time (#3)")
	// The cursor starts on last time's answer: enter keeps it.
	bank := questions.Default()
	for i := range bank.Functions {
		if i == 5 {
			d.press(answerKey(assessment.Nobody)) // one change: nobody does the maintenance program now
			continue
		}
		d.press("enter")
	}
	d.mustBeOn(screenReview)
	d.press("f", "y")
	d.mustBeOn(screenScorecard)
	d.mustHaveOnPage("CHANGE SINCE #3 (completed 2025-03-01)", "Maintenance program design (critical): Manager → Nobody")
	as, _ := st.Assessments(org.ID)
	last := as[len(as)-1]
	if last.Status != assessment.Completed || last.Answers["maintenance_program"].Performer != assessment.Nobody ||
		last.Answers["capital_planning"].Performer != assessment.CE {
		t.Fatalf("stored %+v", last.Answers)
	}
}

func TestHistoryAndCompare(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	seedExample(t, st, clk, true)
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("enter")
	d.press("h")
	d.mustBeOn(screenHistory)
	d.mustSee("● balance index", "#1", "#2", "#3", "2024-03-01")
	// c without marks explains.
	d.press("c")
	d.mustSee("Mark two assessments with space first")
	d.press("g", " ", "G", "c")
	d.mustBeOn(screenCompare)
	d.mustSee("From assessment #1 (2023-03-01) to #3 (2025-03-01)")
	bank := questions.Default()
	ii := bank.FunctionIndex("incident_investigation")
	d.mustHaveOnPage("Incident investigation (critical): Nobody → " + performerFor(ii, &bank.Functions[ii]).Short())
	d.press("esc")
	d.mustBeOn(screenHistory)
	// enter opens the scorecard of the row under the cursor.
	d.press("up", "enter")
	d.mustBeOn(screenScorecard)
	d.mustSee("Assessment #2 · completed 2024-03-01")
	d.press("esc")
	d.mustBeOn(screenHistory)
	d.press("esc")
	d.mustBeOn(screenOrg)
}

func TestScorecardScrollsAndPeers(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	seedExample(t, st, clk, false)
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.press("enter", "down", "enter")
	d.mustBeOn(screenScorecard)
	d.mustSee("BALANCE INDEX", "lines 1–")
	d.press("end")
	d.mustSee("— end")
	d.mustNotSee("BALANCE INDEX")
	// Not enough peers yet: no count.
	d.mustHaveOnPage("Fewer than 5 peers in this band")

	// With five peers of the same band and a new benchmark snapshot, n and the median
	// appear.
	seedPeers(t, st, clk, 5)
	d2 := newDriver(t, st, testOptions(clk), 120, 40)
	d2.press("down", "down", "down", "down", "down") // past the five peers (sorted by name)
	d2.mustSee("› St Example Hospital")
	d2.press("enter", "down", "enter")
	d2.mustBeOn(screenScorecard)
	d2.mustHaveOnPage("5 peers in the", "benchmark of", "median", "have no clinical engineer")
	d2.mustNotSee("Fewer than 5 peers")
}

// failingStore is a real store whose answer saves fail: the error view must appear and
// the answer must not be marked saved.
type failingStore struct {
	*store.Store
	fail bool
}

func (f *failingStore) SaveAnswersIf(orgID string, number int, writes []store.AnswerWrite) ([]store.WriteResult, error) {
	if f.fail {
		return nil, errors.New("disk full")
	}
	return f.Store.SaveAnswersIf(orgID, number, writes)
}

func TestSaveFailureShowsErrorView(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "St Example Hospital")
	fs := &failingStore{Store: st}
	d := newDriver(t, fs, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	fs.fail = true
	d.press("2")
	d.mustBeOn(screenError)
	d.mustSee("Could not save your answer to “Capital planning” (it is NOT saved).", "disk full", "Press esc to go back.")
	d.press("esc")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee(fns("function 1 of {n}"), "NOT saved")
	d.mustNotSee("✓ your answer")
	fs.fail = false
	d.press("2")
	d.mustSee(fns("function 2 of {n}"), "saved ✓ Capital planning")
}

func TestTooSmallAndResize(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	d := newDriver(t, st, testOptions(clk), 50, 15)
	d.mustSee("Please enlarge the terminal (needs 60×20; now", "50×15")
	d.press("enter") // ignored
	d.send(tea.WindowSizeMsg{Width: 60, Height: 20})
	d.mustSee("No organizations yet")
	if n := strings.Count(d.view(), "\n") + 1; n != 20 {
		t.Fatalf("view is %d lines at 60×20", n)
	}
	for _, l := range strings.Split(d.view(), "\n") {
		if w := width(l); w > 60 {
			t.Fatalf("line wider than 60: %q", l)
		}
	}
}

func TestHelpToggle(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.mustNotSee("end/G")
	d.press("?")
	d.mustSee("end/G", "new organization")
	d.press("?")
	d.mustNotSee("end/G")
}

func TestIdleAndShutdown(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	opts := testOptions(clk)
	opts.Idle = time.Minute
	d := newDriver(t, st, opts, 80, 24)
	// Not idle long enough: nothing happens.
	d.send(idleMsg{})
	if d.root().quitting != "" {
		t.Fatal("quit before the idle time")
	}
	clk.set(clk.now().Add(2 * time.Minute))
	d.send(idleMsg{})
	if !d.quit {
		t.Fatal("did not quit when idle")
	}
	d.mustSee("closed after 1m0s without a key press — your answers are saved")
	if QuitReason(d.m) == "" {
		t.Fatal("no quit reason")
	}

	d2 := newDriver(t, st, testOptions(clk), 80, 24)
	d2.send(ShutdownMsg{Reason: "the server is restarting — your answers are saved"})
	d2.mustSee("the server is restarting")
	if !d2.quit {
		t.Fatal("did not quit on shutdown")
	}
}

func TestPeerOnlyOrganizationsHidden(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "Our Hospital")
	if err := st.ReplaceAll([]store.OrgData{{Organization: store.Organization{
		ID: "consortium-peer", Name: "Consortium Peer", CreatedAt: clk.now(), PeerOnly: true}}}, nil, false); err != nil {
		t.Fatal(err)
	}
	d := newDriver(t, st, testOptions(clk), 80, 24)
	d.mustSee("Our Hospital")
	d.mustNotSee("Consortium Peer")
}

func TestStyleColorsResolvedPerSession(t *testing.T) {
	for _, tc := range []struct {
		profile termenv.Profile
		dark    bool
		want    lipgloss.TerminalColor
	}{
		{termenv.ANSI256, true, lipgloss.Color(strconv.Itoa(int(termenv.ANSI256.Color(colAccent.Dark).(termenv.ANSI256Color))))},
		{termenv.ANSI256, false, lipgloss.Color(strconv.Itoa(int(termenv.ANSI256.Color(colAccent.Light).(termenv.ANSI256Color))))},
		{termenv.TrueColor, true, lipgloss.Color(colAccent.Dark)},
		{termenv.Ascii, true, lipgloss.NoColor{}},
	} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(tc.profile)
		r.SetHasDarkBackground(tc.dark)
		if got := newStyles(r).color(colAccent); got != tc.want {
			t.Errorf("profile %v dark %v: %#v, want %#v", tc.profile, tc.dark, got, tc.want)
		}
	}
}

func TestListMove(t *testing.T) {
	l := newListKeys("open")
	for _, tc := range []struct {
		keys      []string
		n, want   int
		wantMoved bool
	}{
		{[]string{"down", "down", "j"}, 5, 3, true},
		{[]string{"down", "down", "down"}, 2, 1, true},
		{[]string{"up", "k"}, 5, 0, true},
		{[]string{"G"}, 7, 6, true},
		{[]string{"end", "home"}, 7, 0, true},
		{[]string{"down"}, 0, 0, true},
		{[]string{"x"}, 5, 0, false},
	} {
		cursor := 0
		for _, k := range tc.keys {
			if got := l.isMove(keyMsg(k)); got != tc.wantMoved {
				t.Errorf("isMove(%q) = %v", k, got)
			}
			cursor = l.move(keyMsg(k), cursor, tc.n)
		}
		if cursor != tc.want {
			t.Errorf("%v in %d rows: cursor %d, want %d", tc.keys, tc.n, cursor, tc.want)
		}
	}
}
