package store_test

import (
	"bufio"
	"bytes"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

const crashOrg = "crash-hospital"

// crashWrite is write number i of the crash test's endless sequence: it walks the
// default bank's functions in order, changing performer every round, and the note
// records i, so a stored answer tells which write put it there.
func crashWrite(i int) (string, assessment.Answer) {
	fns := questions.Default().Functions
	return fns[i%len(fns)].ID, assessment.Answer{
		Performer:  questions.Performers[(i/len(fns))%questions.NumPerformers],
		Note:       fmt.Sprintf("write %d", i),
		AnsweredAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
}

// TestHelperProcess is the child of TestCrash: it saves answers for ever, printing
// "saved I FUNCTION" after each SaveAnswer returns, until it is killed.
func TestHelperProcess(t *testing.T) {
	path := os.Getenv("CEBALANCE_CRASH_DB")
	if path == "" {
		t.Skip("the child process of TestCrash")
	}
	start, _ := strconv.Atoi(os.Getenv("CEBALANCE_CRASH_START"))
	fail := func(err error) {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	s, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		fail(err)
	}
	if _, err := s.Organization(crashOrg); err != nil {
		if _, err := s.CreateOrganization("Crash Hospital"); err != nil {
			fail(err)
		}
	}
	d, err := s.Draft(crashOrg)
	if err != nil {
		if d, err = s.StartAssessment(crashOrg, questions.Default()); err != nil {
			fail(err)
		}
	}
	for i := start; ; i++ {
		fn, ans := crashWrite(i)
		if err := s.SaveAnswer(crashOrg, d.Number, fn, ans); err != nil {
			fail(err)
		}
		fmt.Printf("saved %d %s\n", i, fn)
	}
}

// TestCrash kills a process that is saving answers (SIGKILL, at a random moment after a
// random number of acknowledged saves), reopens the file and checks that it passes
// Check, that the draft is there, that every acknowledged answer is there, that what
// is stored is exactly the state after some prefix of the writes (nothing half-written,
// nothing out of order), and that the draft resumes after the last write.
// CEBALANCE_LONG=1 runs 50 rounds instead of 5.
func TestCrash(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	rounds := 5
	if os.Getenv("CEBALANCE_LONG") == "1" {
		rounds = 50
	}
	path := dbPath(t)
	next := 0 // the first write the next child makes
	for round := range rounds {
		kill := 1 + rand.IntN(40)
		acked := runUntilKilled(t, path, next, kill)

		s, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("round %d: reopen after kill -9: %v", round, err)
		}
		if err := s.Check(); err != nil {
			t.Fatalf("round %d: Check after kill -9: %v", round, err)
		}
		d, err := s.Draft(crashOrg)
		if err != nil {
			t.Fatalf("round %d: the draft is gone after kill -9: %v", round, err)
		}
		if d.Number != 1 {
			t.Fatalf("round %d: draft number %d; want 1 (resumed, not restarted)", round, d.Number)
		}
		// The last write that reached the disk: at least the last acknowledged one.
		last := -1
		for _, ans := range d.Answers {
			var i int
			if _, err := fmt.Sscanf(ans.Note, "write %d", &i); err != nil {
				t.Fatalf("round %d: stored note %q", round, ans.Note)
			}
			last = max(last, i)
		}
		if last < acked {
			t.Fatalf("round %d: the last acknowledged write was %d, the last stored is %d", round, acked, last)
		}
		want := map[string]assessment.Answer{}
		for i := max(0, last-len(questions.Default().Functions)+1); i <= last; i++ {
			fn, ans := crashWrite(i)
			want[fn] = ans
		}
		if len(d.Answers) != len(want) {
			t.Fatalf("round %d: %d answers stored; want %d (writes 0..%d)", round, len(d.Answers), len(want), last)
		}
		for fn, w := range want {
			got := d.Answers[fn]
			if got.Performer != w.Performer || got.Note != w.Note || !got.AnsweredAt.Equal(w.AnsweredAt) {
				t.Fatalf("round %d: %s = %+v; want %+v (state after write %d)", round, fn, got, w, last)
			}
		}
		// The draft resumes after the last write: the most recent answer is that write's,
		// and the next unanswered function is the one after it (none once every function
		// has been answered), so a director resumes after every acknowledged answer.
		bank := questions.Default()
		latest := -1
		for i := range bank.Functions {
			a, ok := d.Answers[bank.Functions[i].ID]
			if ok && (latest < 0 || a.AnsweredAt.After(d.Answers[bank.Functions[latest].ID].AnsweredAt)) {
				latest = i
			}
		}
		if fn, _ := crashWrite(last); latest < 0 || bank.Functions[latest].ID != fn {
			t.Fatalf("round %d: the latest answer is function %d; want %s (write %d)", round, latest, fn, last)
		}
		wantNext := -1
		if last < len(bank.Functions)-1 {
			wantNext = last + 1
		}
		if next := assessment.NextUnanswered(bank, d.Answers, latest); next != wantNext {
			t.Fatalf("round %d: resumes at function %d; want %d (after write %d)", round, next, wantNext, last)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
		t.Logf("round %d: killed after write %d acknowledged (%d this round), %d on disk", round, acked, kill, last)
		next = last + 1
	}
}

// runUntilKilled starts the helper process writing from write start, kills it with
// SIGKILL once it has acknowledged kill writes, and returns the last acknowledged write.
func runUntilKilled(t *testing.T, path string, start, kill int) int {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CEBALANCE_CRASH_DB="+path, "CEBALANCE_CRASH_START="+strconv.Itoa(start))
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked, n := start-1, 0
	var lines []string
	sc := bufio.NewScanner(out)
	for n < kill && sc.Scan() {
		var (
			i  int
			fn string
		)
		if _, err := fmt.Sscanf(sc.Text(), "saved %d %s", &i, &fn); err != nil {
			lines = append(lines, sc.Text())
			continue
		}
		if want, _ := crashWrite(acked + 1); i != acked+1 || fn != want {
			t.Fatalf("child acknowledged %q; want write %d (%s)", sc.Text(), acked+1, want)
		}
		acked, n = i, n+1
	}
	// Let the next save get anywhere between its start and its fsync.
	time.Sleep(time.Duration(rand.IntN(2000)) * time.Microsecond)
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	if n < kill {
		t.Fatalf("the child stopped after %d acknowledgements: %q %s", n, lines, stderr.Bytes())
	}
	return acked
}
