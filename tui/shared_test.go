package tui

import (
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
)

// Two editors on one draft, without the server's hub: each session's screen goes stale
// when the other saves, and the store's compare-and-set catches it.

func TestAnswerConflictPrompt(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	a := newDriver(t, st, testOptions(clk), 120, 40)
	a.press("enter", "enter")
	fillProfile(a, "250", "n", "1", "8", "1", "0", "7000")
	a.mustBeOn(screenQuestionnaire)
	b := newDriver(t, st, testOptions(clk), 120, 40)
	b.press("enter", "enter") // resume; the profile comes first while nothing is answered
	for range len(assessment.AllProfileFields) + 1 {
		b.press("enter")
	}
	b.mustBeOn(screenQuestionnaire)
	bank := questions.Default()
	f0, f1 := bank.Functions[0].ID, bank.Functions[1].ID

	a.press("1") // A: Capital planning = CE
	b.press("8") // B, on a screen that shows it unanswered: Nobody
	b.mustSee("NOT saved: someone else changed this meanwhile to Dedicated clinical engineer.",
		"o overwrites with yours · t or esc keeps theirs — yours: Nobody")
	b.mustNotSee("saved ✓")
	if d, _ := st.Draft(org.ID); d.Answers[f0].Performer != assessment.CE {
		t.Fatalf("B's refused save changed the answer: %+v", d.Answers[f0])
	}
	// Keep theirs: nothing written, B's screen shows theirs.
	b.press("t")
	b.mustSee("Kept their answer to Capital planning: Dedicated clinical engineer.")
	if d, _ := st.Draft(org.ID); d.Answers[f0].Performer != assessment.CE {
		t.Fatalf("keeping theirs changed the answer: %+v", d.Answers[f0])
	}
	// Now that B has seen it, B may change it knowingly.
	b.press("8")
	b.mustSee("saved ✓ Capital planning — Nobody")

	// Overwrite: B answers Technology assessment; A, still showing it unanswered,
	// answers it too and chooses to overwrite.
	b.press("4")
	a.press("3")
	a.mustSee("NOT saved: someone else changed this meanwhile to HTM manager or director.")
	a.press("o")
	a.mustSee("saved ✓ Technology assessment — BMETs / technicians")
	d, _ := st.Draft(org.ID)
	if d.Answers[f0].Performer != assessment.Nobody || d.Answers[f1].Performer != assessment.BMET {
		t.Fatalf("stored %s=%s %s=%s; want nobody and bmet", f0, d.Answers[f0].Performer, f1, d.Answers[f1].Performer)
	}
}

func TestLiveUpdateAndPresence(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	var drafts []int
	opts := testOptions(clk)
	opts.OnDraft = func(_ string, n int) { drafts = append(drafts, n) }
	d := newDriver(t, st, opts, 120, 40)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	d.mustBeOn(screenQuestionnaire)
	if len(drafts) != 1 || drafts[0] != 1 {
		t.Fatalf("OnDraft calls %v, want [1]", drafts)
	}
	d.send(PresenceMsg{OrgID: org.ID, Number: 1, Others: []string{"Bea Director"}})
	d.mustSee("also here: Bea Director")
	// Another session's save, forwarded: the function on screen shows it at once.
	rev, err := st.SaveAnswerIf(org.ID, 1, questions.Default().Functions[0].ID, assessment.Answer{Performer: assessment.Vendor}, nil)
	if err != nil {
		t.Fatal(err)
	}
	d.send(DraftChangedMsg{OrgID: org.ID, Number: 1, Rev: rev, By: "Bea Director", Function: questions.Default().Functions[0].ID,
		Answer: &assessment.Answer{Performer: assessment.Vendor}})
	d.mustSee("Bea Director answered Capital planning: Vendor", "› 7  Vendor")
	// Answering over it now is knowing: saved, no conflict.
	d.press("3")
	d.mustSee("saved ✓ Capital planning — BMETs / technicians")
	d.press("esc")
	d.mustBeOn(screenOrg)
	d.mustNotSee("also here")
	if drafts[len(drafts)-1] != 0 {
		t.Fatalf("OnDraft calls %v, want a last 0 after leaving", drafts)
	}
}

func TestFinishRefusedWhenDraftChanged(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	bank := questions.Default()
	for range bank.Functions {
		d.press("1")
	}
	d.mustBeOn(screenReview)
	// Someone else changes an answer after this review was drawn (no hub to say so).
	f := bank.Functions[5]
	if err := st.SaveAnswer(org.ID, 1, f.ID, assessment.Answer{Performer: assessment.Nobody}); err != nil {
		t.Fatal(err)
	}
	d.press("f", "y")
	d.mustBeOn(screenReview)
	d.mustSee("Not finished: someone else changed the draft since you reviewed it (" + f.Name() + ")")
	if dr, err := st.Draft(org.ID); err != nil || dr.Status != assessment.Draft {
		t.Fatalf("finished anyway: %v", err)
	}
	d.press("f", "y")
	d.mustBeOn(screenScorecard)
	all, _ := st.Assessments(org.ID)
	if got := all[0].Answers[f.ID].Performer; all[0].Status != assessment.Completed || got != assessment.Nobody {
		t.Fatalf("completed %s with %s = %s", all[0].Status, f.ID, got)
	}
}

func TestAccessChangedClosesOrganization(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	mustCreate(t, st, "Other Hospital")
	d := newDriver(t, st, testOptions(clk), 120, 40)
	d.press("down", "enter", "enter") // St Example Hospital, sorted second
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	d.press("1")
	d.mustBeOn(screenQuestionnaire)
	d.send(AccessChangedMsg{CanSee: func(id string) bool { return id != org.ID }})
	d.mustBeOn(screenHome)
	d.mustSee("You no longer have access to St Example Hospital", "Other Hospital")
	d.mustNotSee("New organization")
	if dr, _ := st.Draft(org.ID); len(dr.Answers) != 1 {
		t.Fatalf("saved answers: %d, want 1", len(dr.Answers))
	}
}

func TestProfileConflictPerField(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	org := mustCreate(t, st, "St Example Hospital")
	a := newDriver(t, st, testOptions(clk), 120, 40)
	a.press("enter", "enter")
	a.mustBeOn(screenProfile)
	b := newDriver(t, st, testOptions(clk), 120, 40)
	b.press("enter", "enter")
	b.mustBeOn(screenProfile)

	a.typeText("250")
	a.press("enter") // A: beds 250, saved
	b.typeText("300")
	b.press("enter") // B, whose form shows beds blank: refused
	b.mustSee("Changed by someone else meanwhile to 250; yours (300) is NOT saved")
	if d, _ := st.Draft(org.ID); d.Profile.Beds != 250 {
		t.Fatalf("beds %d after the refused save", d.Profile.Beds)
	}
	// A different field is no conflict: B's teaching goes in beside A's beds.
	b.press("y")
	if d, _ := st.Draft(org.ID); d.Profile.Beds != 250 || !d.Profile.Teaching {
		t.Fatalf("profile %+v; want A's beds and B's teaching", d.Profile)
	}
	// B goes back to beds and leaves it again: overwrites with B's value, knowingly.
	b.press("up", "enter")
	if d, _ := st.Draft(org.ID); d.Profile.Beds != 300 {
		t.Fatalf("beds %d after B chose to overwrite", d.Profile.Beds)
	}
}
