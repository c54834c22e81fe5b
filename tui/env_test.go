package tui

import (
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/store"
)

// swapStore lets a test pull the database out from under a running TUI and put it
// back. The driver runs every command before the next key, so swapping between keys
// does not race.
type swapStore struct{ Store }

// fullStore is a store whose disk fills up: saves fail with the store's ErrDiskFull.
type fullStore struct {
	*store.Store
	full bool
}

func (f *fullStore) SaveAnswersIf(orgID string, number int, writes []store.AnswerWrite) ([]store.WriteResult, error) {
	if f.full {
		return nil, fmt.Errorf("save answer: %w", store.ErrDiskFull)
	}
	return f.Store.SaveAnswersIf(orgID, number, writes)
}

// TestStoreClosedMidSession closes the database underneath a running session (the file
// becomes unusable): the save fails into the error view, not a panic; esc goes back to
// the answer that is not saved; once the database is back, the next save works and
// only confirmed answers are stored.
func TestStoreClosedMidSession(t *testing.T) {
	clk := newClock()
	path := filepath.Join(t.TempDir(), "cebalance.db")
	st, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	org := mustCreate(t, st, "St Example Hospital")
	sw := &swapStore{Store: st}
	d := newDriver(t, sw, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	d.press("2")
	d.mustSee(fns("function 2 of {n}"), "saved ✓ Capital planning")

	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	d.press("3")
	d.mustBeOn(screenError)
	d.mustSee("Could not save your answer to", "(it is NOT saved).", "database not open", "Press esc to go back.")
	d.press("esc")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee(fns("function 2 of {n}"), "NOT saved")
	d.mustNotSee("✓ your answer")

	// Leaving for the organization needs the database too: the error view again.
	d.press("esc")
	d.mustBeOn(screenError)
	d.mustSee("Could not read the assessments of St Example Hospital", "database not open")

	st2, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st2.Close() })
	sw.Store = st2
	d.press("esc")
	d.mustBeOn(screenOrg)
	d.mustSee(fns("Resume draft #1 — 1 of {n} answered"))
	d.press("enter")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee(fns("function 2 of {n}"))
	d.press("3")
	d.mustSee(fns("function 3 of {n}"), "saved ✓")
	a, err := st2.Draft(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Answers) != 2 {
		t.Fatalf("stored answers %v; want the two confirmed ones", a.Answers)
	}
}

// TestDiskFullShowsAdvice: a save refused because the disk is full says so, and what
// to do, in the error view; after esc and freeing space, answering again saves.
func TestDiskFullShowsAdvice(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	fs := &fullStore{Store: st}
	d := newDriver(t, fs, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	fs.full = true
	d.press("2")
	d.mustBeOn(screenError)
	d.mustSee("(it is NOT saved)", "the disk is full", "Free some space")
	d.press("esc")
	d.mustBeOn(screenQuestionnaire)
	d.mustSee("NOT saved")
	fs.full = false
	d.press("2")
	d.mustSee("saved ✓ Capital planning")
	a, err := st.Draft(org.ID)
	if err != nil || len(a.Answers) != 1 {
		t.Fatalf("stored %v, %v; want the one answer saved after the disk had room", a.Answers, err)
	}
}

// failProfileStore fails profile saves while fail is set.
type failProfileStore struct {
	*store.Store
	fail bool
}

func (f *failProfileStore) SaveProfileIf(orgID string, number int, p, base assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error) {
	if f.fail {
		return assessment.Profile{}, 0, errors.New("save profile: input/output error")
	}
	return f.Store.SaveProfileIf(orgID, number, p, base, fields)
}

// TestProfileSaveFailureIsRetried: a profile value whose save failed is not taken as
// saved: leaving the field again saves it, and the form does not continue to the
// questions with a profile the database does not have.
func TestProfileSaveFailureIsRetried(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	fs := &failProfileStore{Store: st}
	d := newDriver(t, fs, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	d.mustBeOn(screenProfile)
	d.typeText("250")
	d.press("enter", "n", "enter")
	for _, v := range []string{"1", "8", "1", "0"} {
		d.typeText(v)
		d.press("enter")
	}
	// The last field's save fails.
	fs.fail = true
	d.typeText("7000")
	d.press("enter")
	d.mustBeOn(screenError)
	d.mustSee("Could not save the profile", "input/output error")
	d.press("esc")
	d.mustBeOn(screenProfile)
	d.mustSee("Not saved")
	fs.fail = false
	// Continue sends the user to the field that is not saved; leaving it saves it.
	d.press("enter") // productive hours: the default, left as it is
	d.press("enter")
	d.mustSee("Fix the marked field first.")
	d.press("enter")
	d.mustSee("saved ✓")
	d.press("enter") // productive hours
	d.press("enter")
	d.mustBeOn(screenQuestionnaire)
	a, err := st.Draft(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (assessment.Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, Devices: 7000}); a.Profile != want {
		t.Fatalf("stored profile %+v; want %+v (the form continued with a value that is not saved)", a.Profile, want)
	}
}

// brokenReads is a store whose reads of assessments fail.
type brokenReads struct{ *store.Store }

func (brokenReads) Assessments(string) ([]assessment.Assessment, error) {
	return nil, errors.New("list assessments: input/output error")
}

// TestErrorViewFitsWideNames: the error view wraps by columns, not runes, so a long
// name in Chinese (two columns a character) stays within a 60-column window.
func TestErrorViewFitsWideNames(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "St "+strings.Repeat("中文医院", (store.MaxNameRunes-3)/4))
	d := newDriver(t, brokenReads{st}, testOptions(clk), 60, 20)
	d.mustBeOn(screenError)
	d.mustSee("Could not read the assessments of St", "中文医院", "input/output error")
	for _, l := range strings.Split(d.view(), "\n") {
		if w := width(l); w > 60 {
			t.Errorf("a line %d wide in 60 columns: %q", w, l)
		}
	}
	d.press("esc")
	d.mustBeOn(screenError) // the home screen needs the same read
}

// TestTeachingSaveFailureIsRetried: the yes/no field whose save failed says so until a
// retry succeeds, and then lets the form continue.
func TestTeachingSaveFailureIsRetried(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	fs := &failProfileStore{Store: st}
	d := newDriver(t, fs, testOptions(clk), 80, 24)
	d.press("enter", "enter")
	d.typeText("250")
	d.press("enter")
	fs.fail = true
	d.press("y")
	d.mustBeOn(screenError)
	d.press("esc")
	d.mustSee("Not saved")
	fs.fail = false
	d.press("y")
	d.mustNotSee("Not saved")
	d.press("enter")
	for _, v := range []string{"1", "8", "1", "0", "7000"} {
		d.typeText(v)
		d.press("enter")
	}
	d.press("enter") // productive hours: the default
	d.press("enter")
	d.mustBeOn(screenQuestionnaire)
	if a, err := st.Draft(org.ID); err != nil || !a.Profile.Teaching {
		t.Fatalf("stored profile %+v, %v; want teaching", a.Profile, err)
	}
}
