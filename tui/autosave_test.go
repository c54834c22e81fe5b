package tui

import (
	"errors"
	"slices"
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// callLog is the store with its answer writes counted per call.
type callLog struct {
	*store.Store
	calls []int // writes per SaveAnswersIf call
}

func (c *callLog) SaveAnswersIf(orgID string, number int, writes []store.AnswerWrite) ([]store.WriteResult, error) {
	c.calls = append(c.calls, len(writes))
	return c.Store.SaveAnswersIf(orgID, number, writes)
}

// TestAutosaveSendsQueuedAnswersTogether answers three functions while the first
// answer's write is on its way (as a director typing ahead of a busy server does): the
// two queued answers go out in the next store call, together, and all three are
// stored and shown saved, in order, each with its revision.
func TestAutosaveSendsQueuedAnswersTogether(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "St Example Hospital")
	log := &callLog{Store: st}
	d := newDriver(t, log, testOptions(clk), 120, 40)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	d.mustBeOn(screenQuestionnaire)
	log.calls = nil
	fns := questions.Default().Functions
	want := []questions.Performer{assessment.CE, assessment.Vendor, assessment.BMET}

	// The first answer: its write is held back (the command not run yet).
	m, first := d.m.Update(keyMsg(answerKey(want[0])))
	d.m = m
	// Two more while it is on its way: queued, no store call.
	d.press(answerKey(want[1]), answerKey(want[2]))
	if len(log.calls) != 0 {
		t.Fatalf("store calls while a write was on its way: %v", log.calls)
	}
	d.mustSee("saving")
	d.run(first) // the first returns; the two queued go out together
	if !slices.Equal(log.calls, []int{1, 2}) {
		t.Errorf("writes per store call %v, want [1 2]", log.calls)
	}
	a, rev, err := st.DraftRev("st-example-hospital")
	if err != nil {
		t.Fatal(err)
	}
	for i, p := range want {
		if got := a.Answers[fns[i].ID].Performer; got != p {
			t.Errorf("%s stored %q, want %q", fns[i].ID, got, p)
		}
	}
	if d.root().saves.writing() {
		t.Error("writes still queued after both calls returned")
	}
	if d.root().rev != rev {
		t.Errorf("the session has seen revision %d, the draft is at %d", d.root().rev, rev)
	}
	d.mustSee("saved ✓ " + fns[2].Title)
	d.mustSee("3/")
}

// TestAutosaveBatchConflict: in one store call, a write whose function someone else
// changed meanwhile is refused alone (the editor is asked, with the other answer), the
// others of the call are stored, and a write of the refused function queued behind
// the call is dropped, as it would only conflict again.
func TestAutosaveBatchConflict(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	o := mustCreate(t, st, "St Example Hospital")
	log := &callLog{Store: st}
	a := newAutosave(log)
	d, err := st.StartAssessment(o.ID, questions.Default())
	if err != nil {
		t.Fatal(err)
	}
	k := draftKey{o.ID, d.Number}
	fns := questions.Default().Functions
	job := func(i int, p assessment.Performer) saveJob {
		return saveJob{owner: screenQuestionnaire, draft: k, fid: fns[i].ID, ans: assessment.Answer{Performer: p}}
	}
	first := a.add(job(0, assessment.CE))
	if first == nil {
		t.Fatal("the first write was not sent")
	}
	for _, j := range []saveJob{job(1, assessment.BMET), job(2, assessment.IT), job(1, assessment.Manager), job(2, assessment.CE)} {
		if cmd := a.add(j); cmd != nil {
			t.Fatal("a write was sent while one was on its way")
		}
	}
	// Someone else answers function 2 first.
	if _, err := st.SaveAnswerIf(o.ID, d.Number, fns[2].ID, assessment.Answer{Performer: assessment.Vendor}, nil); err != nil {
		t.Fatal(err)
	}
	msg := first().(answerSavedMsg)
	next := a.answered(&msg)
	if msg.err != nil || next == nil {
		t.Fatalf("first write: %v, next %v", msg.err, next)
	}
	// Function 1 is written twice: the second waits for the first's result, so this
	// call holds functions 1 and 2.
	batch, ok := next().(answersSavedMsg)
	if !ok || len(batch) != 2 || batch[0].fid != fns[1].ID || batch[1].fid != fns[2].ID {
		t.Fatalf("second call: %#v", batch)
	}
	if batch[0].err != nil || !errors.Is(batch[1].err, store.ErrConflict) {
		t.Fatalf("results %v, %v; want nil and a conflict", batch[0].err, batch[1].err)
	}
	if cmd := a.answered(&batch[0]); cmd != nil {
		t.Error("the next write was sent before the call's last result")
	}
	last := a.answered(&batch[1])
	if batch[1].mine.fid != fns[2].ID || batch[1].mine.ans.Performer != assessment.CE || batch[1].dropped != 1 {
		t.Errorf("conflict on %s: mine %s %s, %d dropped; want its last write (ce), 1 dropped",
			fns[2].ID, batch[1].mine.fid, batch[1].mine.ans.Performer, batch[1].dropped)
	}
	if last == nil {
		t.Fatal("the queued write of function 1 was not sent")
	}
	third := last().(answerSavedMsg)
	if third.err != nil || third.fid != fns[1].ID {
		t.Fatalf("third call: %s %v", third.fid, third.err)
	}
	if a.answered(&third) != nil || a.writing() {
		t.Error("writes left after the last result")
	}
	if !slices.Equal(log.calls, []int{1, 2, 1}) {
		t.Errorf("writes per store call %v, want [1 2 1]", log.calls)
	}
	got, _, _ := st.DraftRev(o.ID)
	for i, p := range []assessment.Performer{assessment.CE, assessment.Manager, assessment.Vendor} {
		if got.Answers[fns[i].ID].Performer != p {
			t.Errorf("%s = %q, want %q", fns[i].ID, got.Answers[fns[i].ID].Performer, p)
		}
	}
}

// TestQuitWaitsForTheQueuedAnswers: q typed while one answer's write is on its way and
// two more are queued quits only once the call that carries the two has returned, and
// all three are stored.
func TestQuitWaitsForTheQueuedAnswers(t *testing.T) {
	clk := newClock()
	st := openStore(t, t.TempDir(), clk)
	mustCreate(t, st, "St Example Hospital")
	log := &callLog{Store: st}
	d := newDriver(t, log, testOptions(clk), 120, 40)
	d.press("enter", "enter")
	fillProfile(d, "250", "n", "1", "8", "1", "0", "7000")
	m, first := d.m.Update(keyMsg(answerKey(assessment.Manager)))
	d.m = m
	d.press(answerKey(assessment.IT), answerKey(assessment.Vendor), "q")
	if d.quit {
		t.Fatal("quit with writes on their way")
	}
	d.mustSee("saving your last answers, then quitting")
	d.run(first)
	if !d.quit {
		t.Fatal("did not quit once the writes had returned")
	}
	a, err := st.Draft("st-example-hospital")
	if err != nil {
		t.Fatal(err)
	}
	fns := questions.Default().Functions
	for i, p := range []assessment.Performer{assessment.Manager, assessment.IT, assessment.Vendor} {
		if got := a.Answers[fns[i].ID].Performer; got != p {
			t.Errorf("%s = %q, want %q", fns[i].ID, got, p)
		}
	}
	if !slices.Equal(log.calls, []int{1, 2}) {
		t.Errorf("writes per store call %v, want [1 2]", log.calls)
	}
}
