package plain

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

func openStore(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "c.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// script is the input of a first assessment: create the organization, start, the
// profile, then answers for the first n functions (performer k+1 for function k, mod 7).
func script(n int) string {
	var b strings.Builder
	b.WriteString("1\nSt Plain Hospital\n1\n")       // create, name, start
	b.WriteString("180\nno\n0\n6\n1\n0.5\n4200\n\n") // profile (Enter keeps 1,700 productive hours)
	for k := 0; k < n; k++ {
		if k == 2 {
			fmt.Fprintf(&b, "%d our lead BMET does this\n\n", k%7+1) // then Enter skips the hours
			continue
		}
		fmt.Fprintf(&b, "%d\n\n", k%7+1)
	}
	return b.String()
}

func TestFirstAssessmentThroughAPipe(t *testing.T) {
	st := openStore(t)
	bank := questions.Default()
	in := script(len(bank.Functions)) + "1\n" // complete
	var out bytes.Buffer
	scorecard := func(w io.Writer, org store.Organization, number int) error {
		fmt.Fprintf(w, "SCORECARD %s #%d\n", org.ID, number)
		return nil
	}
	err := Run(st, strings.NewReader(in), &out, Options{CanCreate: true, Scorecard: scorecard})
	if err != nil {
		t.Fatalf("Run: %v\n%s", err, out.String())
	}
	as, err := st.Assessments("st-plain-hospital")
	if err != nil || len(as) != 1 {
		t.Fatalf("assessments = %v, %v", as, err)
	}
	a := as[0]
	if a.Status != assessment.Completed {
		t.Fatalf("status = %s, want completed\n%s", a.Status, out.String())
	}
	for k, fn := range bank.Functions {
		want := questions.Performers[k%7]
		if got := a.Answers[fn.ID].Performer; got != want {
			t.Errorf("%s = %s, want %s", fn.ID, got, want)
		}
	}
	if note := a.Answers[bank.Functions[2].ID].Note; note != "our lead BMET does this" {
		t.Errorf("note = %q", note)
	}
	if a.Profile.Beds != 180 || a.Profile.BMETFTE != 6 || a.Profile.Devices != 4200 {
		t.Errorf("profile = %+v", a.Profile)
	}
	text := out.String()
	for _, want := range []string{"Saved: ", "with your note", fmt.Sprintf("%d of %d answered.", len(bank.Functions), len(bank.Functions)), "SCORECARD st-plain-hospital #1"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q", want)
		}
	}
	if strings.ContainsRune(text, '\x1b') {
		t.Error("plain mode wrote an escape sequence")
	}
}

func TestResumeAfterTheInputEnds(t *testing.T) {
	st := openStore(t)
	bank := questions.Default()
	var out bytes.Buffer
	if err := Run(st, strings.NewReader(script(5)), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	d, err := st.Draft("st-plain-hospital")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Answers) != 5 {
		t.Fatalf("answers after the first run = %d, want 5", len(d.Answers))
	}
	// Second run: pick the organization, and the next question asked is the sixth.
	out.Reset()
	if err := Run(st, strings.NewReader("1\n2\n\nq\n"), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "Resuming assessment 1 of St Plain Hospital: 5 of") {
		t.Fatalf("no resume line:\n%s", text)
	}
	if !strings.Contains(text, fmt.Sprintf("Question 6 of %d", len(bank.Functions))) {
		t.Fatalf("did not resume at question 6:\n%s", text)
	}
	d, _ = st.Draft("st-plain-hospital")
	if got := d.Answers[bank.Functions[5].ID].Performer; got != questions.Performers[1] {
		t.Fatalf("sixth answer = %q, want %q", got, questions.Performers[1])
	}
}

func TestBadInputChangesNothing(t *testing.T) {
	st := openStore(t)
	long := strings.Repeat("x", MaxLine*3)
	in := "1\nSt Plain Hospital\n1\n" + "abc\n-3\n180\n" + "maybe\nno\n" + "0\n6\n1\n0.5\n4200\n" + "900\n\n" +
		"10\n" + long + "\n" + "0\n" + "2\n" + "800\nsome\n7,5\n" + "q\n"
	var out bytes.Buffer
	if err := Run(st, strings.NewReader(in), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	for _, want := range []string{"Staffed beds must be a whole number from 1 to 5,000", "teaching must be yes or no", "productive hours per FTE must be", "Please type a number from 1 to", "longer than 4096",
		"hours a month must be 0 to 744", "hours a month must be a number", "7.5 hours a month"} {
		if !strings.Contains(text, want) {
			t.Errorf("output lacks %q\n%s", want, text)
		}
	}
	d, err := st.Draft("st-plain-hospital")
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Answers) != 1 || d.Profile.Beds != 180 || d.Profile.ProductiveHours != 0 {
		t.Fatalf("draft = %d answers, beds %d, productive hours %d; want 1 answer, 180 beds, the default", len(d.Answers), d.Profile.Beds, d.Profile.ProductiveHours)
	}
	if h := d.Answers[questions.Default().Functions[0].ID].Hours; h == nil || *h != 7.5 {
		t.Errorf("hours = %v, want 7.5 after two refused estimates", h)
	}
}

// TestHoursPrefilledFromLastTime: in a re-assessment the hours prompt offers last
// time's estimate; Enter keeps it, "-" leaves none, a number replaces it.
func TestHoursPrefilledFromLastTime(t *testing.T) {
	st := openStore(t)
	bank := questions.Default()
	var out bytes.Buffer
	in := script(0) + strings.Repeat("2\n12\n", len(bank.Functions)) + "1\n"
	if err := Run(st, strings.NewReader(in), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	// Re-assess: start, keep the profile (8 × Enter), then for the first three
	// functions keep the answer and: keep 12 h, none, 20 h.
	out.Reset()
	in = "1\n1\n" + strings.Repeat("\n", 8) + "\n\n" + "\n-\n" + "\n20\n" + "q\n"
	if err := Run(st, strings.NewReader(in), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Hours a month, or Enter to skip [last time: 12; - for none]: ") {
		t.Fatalf("no prefilled hours prompt:\n%s", out.String())
	}
	d, err := st.Draft("st-plain-hospital")
	if err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	want := []*float64{ptr(12), nil, ptr(20)}
	for k, w := range want {
		got := d.Answers[bank.Functions[k].ID].Hours
		if (got == nil) != (w == nil) || (got != nil && *got != *w) {
			t.Errorf("function %d: hours %v, want %v", k, got, w)
		}
	}
}

func ptr(v float64) *float64 { return &v }

func TestDirectorWithoutOrganizations(t *testing.T) {
	st := openStore(t)
	if _, err := st.CreateOrganization("Someone Else"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	err := Run(st, strings.NewReader(""), &out, Options{CanSee: func(string) bool { return false }})
	if err != nil || !strings.Contains(out.String(), "no organization to assess") {
		t.Fatalf("Run = %v, %q", err, out.String())
	}
}

// racingStore is a real store on which another editor answers the first function just
// before this session's first save of it, as a second session on the same draft would.
type racingStore struct {
	*store.Store
	theirs questions.Performer
	done   bool
}

func (r *racingStore) SaveAnswerIf(orgID string, number int, fid string, ans assessment.Answer, base *assessment.Answer) (int, error) {
	if !r.done {
		r.done = true
		if _, err := r.Store.SaveAnswerIf(orgID, number, fid, assessment.Answer{Performer: r.theirs}, nil); err != nil {
			return 0, err
		}
	}
	return r.Store.SaveAnswerIf(orgID, number, fid, ans, base)
}

func TestAnotherEditorIsNeverOverwrittenUnseen(t *testing.T) {
	bank := questions.Default()
	first := bank.Functions[0].ID
	for _, tt := range []struct {
		choice string
		want   questions.Performer
	}{
		{"1", questions.Performers[5]}, // keep theirs
		{"2", questions.Performers[0]}, // replace with mine
	} {
		st := &racingStore{Store: openStore(t), theirs: questions.Performers[5]}
		in := "1\nSt Plain Hospital\n1\n180\nno\n0\n6\n1\n0.5\n4200\n\n" + "1\n\n" + tt.choice + "\nq\n"
		var out bytes.Buffer
		if err := Run(st, strings.NewReader(in), &out, Options{CanCreate: true}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(out.String(), "someone else answered") {
			t.Fatalf("choice %s: the conflict was not shown:\n%s", tt.choice, out.String())
		}
		d, err := st.Draft("st-plain-hospital")
		if err != nil {
			t.Fatal(err)
		}
		if got := d.Answers[first].Performer; got != tt.want {
			t.Errorf("choice %s: stored %s, want %s", tt.choice, got, tt.want)
		}
	}
}

func TestCompleteRefusedWhenTheDraftChanged(t *testing.T) {
	st := openStore(t)
	bank := questions.Default()
	var out bytes.Buffer
	// Answer everything but stop before completing.
	if err := Run(st, strings.NewReader(script(len(bank.Functions))+"2\n"), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	// Resume in a session that has seen the draft, while another editor changes an answer
	// after it was read: completing must be refused and the change shown.
	cs := &changingStore{Store: st, fid: bank.Functions[3].ID}
	out.Reset()
	if err := Run(cs, strings.NewReader("1\n1\n2\n"), &out, Options{CanCreate: true}); err != nil {
		t.Fatal(err)
	}
	text := out.String()
	if !strings.Contains(text, "Not completed: someone else changed this draft") ||
		!strings.Contains(text, "Changed by someone else: "+bank.Functions[3].Name()) {
		t.Fatalf("the change was not shown:\n%s", text)
	}
	if _, err := st.Draft("st-plain-hospital"); err != nil {
		t.Fatalf("the draft should still be a draft: %v", err)
	}
}

// changingStore changes one answer right after the first time the draft is read.
type changingStore struct {
	*store.Store
	fid  string
	done bool
}

func (c *changingStore) DraftRev(orgID string) (assessment.Assessment, int, error) {
	a, rev, err := c.Store.DraftRev(orgID)
	if err == nil && !c.done {
		c.done = true
		if _, err := c.Store.SaveAnswerIf(orgID, a.Number, c.fid, assessment.Answer{Performer: questions.Nobody}, nil); err != nil && !errors.Is(err, store.ErrConflict) {
			return a, rev, err
		}
		cur := a.Answers[c.fid]
		if _, err := c.Store.SaveAnswerIf(orgID, a.Number, c.fid, assessment.Answer{Performer: questions.Nobody}, &cur); err != nil {
			return a, rev, err
		}
	}
	return a, rev, err
}
