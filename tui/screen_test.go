package tui

import (
	"errors"
	"io"
	"strings"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"cebalance/assessment"
	"cebalance/store"
)

// TestFunctionTextShared: two sessions showing the same function at the same width and
// colors share one rendering of its text; another width gets its own.
func TestFunctionTextShared(t *testing.T) {
	a, _, _, _ := startAnswering(t, 80, 24)
	b, _, _, _ := startAnswering(t, 80, 24)
	c, _, _, _ := startAnswering(t, 120, 40)
	ta, tb, tc := a.quest().c.funcText, b.quest().c.funcText, c.quest().c.funcText
	if ta != tb {
		t.Fatal("two sessions on the same function at 80 columns rendered its text twice")
	}
	if ta == tc {
		t.Fatal("80 and 120 columns share one rendering of the text")
	}
	a.press("right")
	if a.quest().c.funcText == tb {
		t.Fatal("the next function kept the text of the first")
	}
	a.mustSee("function 2 of")
}

// TestFooterOncePerKeyMap: moving the cursor renders no new footer; a different key map
// (typing a note) does, and going back reuses the first one.
func TestFooterOncePerKeyMap(t *testing.T) {
	d, _, _, _ := startAnswering(t, 80, 24)
	r := d.root()
	first, n := r.footer, len(r.footers)
	d.press("down", "down", "up", "right", "left")
	if len(r.footers) != n || r.footer != first {
		t.Fatalf("moving rendered new footers: %d, was %d", len(r.footers), n)
	}
	d.press("n")
	if r.footer == first || len(r.footers) != n+1 {
		t.Fatalf("typing a note kept the questionnaire's footer (%d footers)", len(r.footers))
	}
	d.press("esc")
	if r.footer != first || len(r.footers) != n+1 {
		t.Fatalf("back from the note: footer %q, %d footers; want the first, %d", r.footer, len(r.footers), n+1)
	}
}

// TestSaveAckRefreshesProgressOnly: the acknowledgement of a save of another function
// than the one shown leaves the body as rendered and changes the progress line.
func TestSaveAckRefreshesProgressOnly(t *testing.T) {
	d, _, _, _ := startAnswering(t, 80, 24)
	q := d.quest()
	m, cmd := d.m.Update(keyMsg("2")) // answers function 1, shows function 2
	d.m = m
	_ = d.m.View()
	body, progress := q.body, q.c.progress
	if !q.bodyOK {
		t.Fatal("the body was not rendered")
	}
	d.run(cmd) // the write, and its acknowledgement
	if !q.bodyOK || q.body != body {
		t.Fatal("the acknowledgement of another function's save rendered the body again")
	}
	if q.c.progress == progress {
		t.Fatal("the progress line did not count the saved answer")
	}
	d.mustSee("saved ✓ Capital planning", "1/")
}

// TestProgressBar: the bar is the answered share, rounded to the nearest cell, filled
// and the rest shaded, in two colored runs (not one per cell), in every color profile.
func TestProgressBar(t *testing.T) {
	for _, p := range []termenv.Profile{termenv.Ascii, termenv.ANSI, termenv.ANSI256, termenv.TrueColor} {
		r := lipgloss.NewRenderer(io.Discard)
		r.SetColorProfile(p)
		s := newStyles(r)
		for _, tc := range []struct{ w, n, total, filled int }{
			{40, 0, 42, 0}, {40, 1, 42, 1}, {40, 21, 42, 20}, {40, 41, 42, 39}, {40, 42, 42, 40},
			{10, 1, 42, 0}, {10, 3, 42, 1}, {10, 5, 0, 0},
		} {
			got := progressBar(s, tc.w, tc.n, tc.total)
			want := strings.Repeat("█", tc.filled) + strings.Repeat("░", tc.w-tc.filled)
			if plain := ansi.Strip(got); plain != want {
				t.Errorf("%v: %d of %d at %d cells = %q, want %q", p, tc.n, tc.total, tc.w, plain, want)
			}
			if runs := strings.Count(got, "\x1b[0m"); runs > 2 {
				t.Errorf("%v: %d of %d at %d cells has %d colored runs, want at most 2: %q", p, tc.n, tc.total, tc.w, runs, got)
			}
			if p != termenv.Ascii && !strings.Contains(got, "\x1b[") {
				t.Errorf("%v: the bar has no color: %q", p, got)
			}
		}
	}
}

// TestProgressBarKeptPerCount: the progress bar is rendered once per color profile,
// colors, width and count of answers, for every session of the process; what is kept
// is what the bar renders for that count, at every count and at two widths; the views
// kept stay bounded however many widths windows take.
func TestProgressBarKeptPerCount(t *testing.T) {
	d, _, _, _ := startAnswering(t, 120, 40)
	q := d.quest()
	total := len(q.bank.Functions)
	kept := func() int {
		barViews.Lock()
		defer barViews.Unlock()
		return len(barViews.m)
	}
	barViews.Lock()
	barViews.m = nil
	barViews.Unlock()
	for _, w := range []int{10, 40} {
		q.barWidth = w
		for n := 0; n <= total; n++ {
			want := progressBar(q.styles, w, n, total)
			if got := q.barView(n, total); got != want {
				t.Fatalf("width %d, %d of %d answered: kept %q, the bar renders %q", w, n, total, got, want)
			}
			if got := q.barView(n, total); got != want {
				t.Fatalf("width %d, %d of %d answered, read again: %q, want %q", w, n, total, got, want)
			}
		}
	}
	if k := kept(); k != 2*(total+1) {
		t.Fatalf("%d bar views kept, want %d (one per width and count)", k, 2*(total+1))
	}
	// Another session with the same profile and colors renders none again.
	e, _, _, _ := startAnswering(t, 120, 40)
	e.quest().barWidth = 40
	before := kept()
	for n := 0; n <= total; n++ {
		e.quest().barView(n, total)
	}
	if k := kept(); k != before {
		t.Fatalf("a second session rendered %d bars again", k-before)
	}
	for w := 10; w < 10+2*maxBarViews; w++ {
		q.barWidth = w
		q.barView(1, total)
		if k := kept(); k > maxBarViews {
			t.Fatalf("%d bar views kept, more than %d", k, maxBarViews)
		}
	}
	// The line on the screen counts what is answered: two answers, and it says so.
	q2, _, _, _ := startAnswering(t, 120, 40)
	q2.press("2", "3")
	q2.mustSee("2/")
	if !strings.Contains(q2.quest().c.progress, progressBar(q2.quest().styles, q2.quest().barWidth, 2, total)) {
		t.Fatalf("the progress line of 2 answered is not the bar's view of 2: %q", q2.quest().c.progress)
	}
}

// TestAutosaveQueue: writes of one draft go one at a time, in order; an answer queued
// behind another of the same function is based on it; profile requests waiting behind
// a write are merged; a conflict drops the later writes of that function and says which
// the editor wants.
func TestAutosaveQueue(t *testing.T) {
	a := newAutosave(nil)
	k := draftKey{"org", 1}
	one := assessment.Answer{Performer: assessment.Manager}
	two := assessment.Answer{Performer: assessment.BMET}
	if cmd := a.add(saveJob{owner: screenQuestionnaire, draft: k, fid: "f", ans: one}); cmd == nil {
		t.Fatal("the first write was not sent")
	}
	if cmd := a.add(saveJob{owner: screenQuestionnaire, draft: k, fid: "f", ans: two}); cmd != nil {
		t.Fatal("a second write went out with one in flight")
	}
	a.add(saveJob{owner: screenProfile, draft: k, fields: []assessment.ProfileField{assessment.FieldBeds}})
	a.add(saveJob{owner: screenProfile, draft: k, fields: []assessment.ProfileField{assessment.FieldBeds, assessment.FieldDevices}})
	q := a.queues[k]
	if len(q.jobs) != 3 {
		t.Fatalf("%d writes queued, want 3 (two answers, one merged profile write)", len(q.jobs))
	}
	if b := q.jobs[1].base; b == nil || *b != one {
		t.Fatalf("the second answer is based on %v, want the first", b)
	}
	if p := q.jobs[2]; len(p.fields) != 2 || len(p.reqs) != 3 {
		t.Fatalf("merged profile write: fields %v, requests %v", p.fields, p.reqs)
	}
	a.add(saveJob{owner: screenQuestionnaire, draft: k, fid: "f", ans: one})
	msg := answerSavedMsg{draft: k, fid: "f", err: &store.ConflictError{}}
	if cmd := a.answered(&msg); cmd == nil {
		t.Fatal("the profile write did not go out after the conflict")
	}
	if msg.dropped != 2 || msg.mine.ans != one || msg.job.ans != one {
		t.Fatalf("conflict: dropped %d, mine %v", msg.dropped, msg.mine.ans)
	}
	if !errors.Is(msg.err, store.ErrConflict) || len(q.jobs) != 1 || q.jobs[0].fid != "" {
		t.Fatalf("after the conflict: %+v", q.jobs)
	}
	pm := profileSavedMsg{draft: k}
	if cmd := a.profiled(&pm); cmd != nil || a.writing() {
		t.Fatal("the queue is not empty after its last write")
	}
}

// TestRootIsAPointer: Update returns the same root, not a copy.
func TestRootIsAPointer(t *testing.T) {
	d, _, _, _ := startAnswering(t, 80, 24)
	before := d.m
	m, _ := d.m.Update(tea.KeyMsg{Type: tea.KeyDown})
	if m != before {
		t.Fatal("Update returned another root")
	}
}

// TestAnswersKeepTheirRows walks through every function of the bank at three window
// sizes: the first answer and the status line are on the same rows for all of them
// (where the window has room for the longest question), so moving on redraws only what
// changed, and the keys and the mouse find the answers where they were.
func TestAnswersKeepTheirRows(t *testing.T) {
	for _, size := range [][2]int{{120, 40}, {100, 50}, {200, 60}} {
		d, _, _, _ := startAnswering(t, size[0], size[1])
		q := d.quest()
		rowOf := func(text string) int {
			for i, l := range strings.Split(d.view(), "\n") {
				if strings.Contains(l, text) {
					return i
				}
			}
			t.Fatalf("%dx%d, function %d: no %q on screen:\n%s", size[0], size[1], q.idx+1, text, d.view())
			return -1
		}
		first, hours := -1, -1
		for i := range q.bank.Functions {
			d.run(q.goTo(i, false))
			a, h := rowOf("Dedicated clinical engineer"), rowOf("Hours a month:")
			if q.optionsY != a {
				t.Fatalf("%dx%d, function %d: optionsY %d, the first answer is on row %d", size[0], size[1], i+1, q.optionsY, a)
			}
			if first < 0 {
				first, hours = a, h
			}
			if a != first || h != hours {
				t.Errorf("%dx%d, function %d: first answer on row %d, hours on row %d; function 1 had %d and %d",
					size[0], size[1], i+1, a, h, first, hours)
			}
		}
	}
}

// TestExplanationWhole: an explanation longer than a note may be (the AEM program's is
// 602 characters) is shown to its last word, not cut at the note's 500.
func TestExplanationWhole(t *testing.T) {
	d, _, _, _ := startAnswering(t, 120, 40)
	q := d.quest()
	d.run(q.goTo(q.bank.FunctionIndex("aem_program"), false))
	d.mustSee("so the organization has no AEM program.")
}
