package store

import (
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// withDrafts creates n organizations, each with a draft of the default bank, and
// returns their ids.
func withDrafts(t *testing.T, s *Store, n int) []string {
	t.Helper()
	orgs := make([]string, n)
	for i := range n {
		o, err := s.CreateOrganization(fmt.Sprintf("Hospital %02d", i))
		if err != nil {
			t.Fatal(err)
		}
		orgs[i] = o.ID
		if _, err := s.StartAssessment(o.ID, questions.Default()); err != nil {
			t.Fatal(err)
		}
	}
	return orgs
}

// TestGroupCommit saves from many goroutines at once: every save that returned is
// stored, saves are grouped into fewer commits, and a refused save in a group fails
// alone.
func TestGroupCommit(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	bank := questions.Default()
	const n = 24
	orgs := withDrafts(t, s, n)
	// One organization whose assessment is completed: its saves must fail, alone.
	done, _ := s.CreateOrganization("Finished Hospital")
	a, _ := s.StartAssessment(done.ID, bank)
	for _, f := range bank.Functions {
		if err := s.SaveAnswer(done.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.CE}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveProfile(done.ID, a.Number, assessment.Profile{Beds: 100}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(done.ID, a.Number); err != nil {
		t.Fatal(err)
	}

	before := s.group.commits.Load()
	var wg sync.WaitGroup
	refused := make(chan error, len(bank.Functions))
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j, f := range bank.Functions {
				p := questions.Performers[(i+j)%questions.NumPerformers]
				if err := s.SaveAnswer(orgs[i], 1, f.ID, assessment.Answer{Performer: p}); err != nil {
					t.Errorf("%s %s: %v", orgs[i], f.ID, err)
				}
			}
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		for _, f := range bank.Functions {
			refused <- s.SaveAnswer(done.ID, a.Number, f.ID, assessment.Answer{Performer: assessment.Nobody})
		}
	}()
	wg.Wait()
	close(refused)
	for err := range refused {
		if !errors.Is(err, ErrNotDraft) {
			t.Errorf("save to a completed assessment: %v", err)
		}
	}
	saves := int64((n + 1) * len(bank.Functions))
	if commits := s.group.commits.Load() - before; commits >= saves {
		t.Errorf("%d saves took %d commits: nothing was grouped", saves, commits)
	} else {
		t.Logf("%d saves in %d commits", saves, commits)
	}
	for i, org := range orgs {
		d, err := s.Draft(org)
		if err != nil {
			t.Fatal(err)
		}
		for j, f := range bank.Functions {
			if got, want := d.Answers[f.ID].Performer, questions.Performers[(i+j)%questions.NumPerformers]; got != want {
				t.Errorf("%s %s = %s, want %s", org, f.ID, got, want)
			}
		}
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestGroupCommitClose closes the store while many saves are on their way: every save
// that returned without an error is in the file when it is opened again (Close waits
// for the commit they were waiting for), and the others failed with an error.
func TestGroupCommitClose(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	bank := questions.Default()
	const n = 16
	orgs := withDrafts(t, s, n)
	var wg sync.WaitGroup
	saved := make([][]string, n) // per organization, the functions saved without error
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			for _, f := range bank.Functions {
				if err := s.SaveAnswer(orgs[i], 1, f.ID, assessment.Answer{Performer: assessment.CE}); err != nil {
					return
				}
				saved[i] = append(saved[i], f.ID)
			}
		}()
	}
	close(start)
	time.Sleep(20 * time.Millisecond) // some saves made, some waiting for a commit
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	total := 0
	for i, org := range orgs {
		d, err := s.Draft(org)
		if err != nil {
			t.Fatal(err)
		}
		for _, fid := range saved[i] {
			if d.Answers[fid].Performer != assessment.CE {
				t.Errorf("%s %s: saved without an error, not in the file", org, fid)
			}
		}
		total += len(saved[i])
	}
	t.Logf("%d saves returned before the close", total)
}
