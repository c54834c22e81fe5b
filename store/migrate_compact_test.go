package store_test

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// generated returns organizations orgs × assessments completed assessments each of the
// default bank, with notes on some answers and times in several zones, as an import.
func generated(orgs, assessments int) []store.OrgData {
	fns := questions.Default().Functions
	zones := []*time.Location{time.UTC, time.FixedZone("", 2*3600), time.FixedZone("", -(4*3600 + 30*60))}
	out := make([]store.OrgData, orgs)
	for i := range out {
		at := time.Date(2020, 1, 1, 8, 0, 0, 0, zones[i%len(zones)]).Add(time.Duration(i) * time.Minute)
		d := store.OrgData{Organization: store.Organization{ID: fmt.Sprintf("org-%04d", i), Name: fmt.Sprintf("Org %04d", i), CreatedAt: at}}
		for n := 1; n <= assessments; n++ {
			start := at.Add(time.Duration(n) * 24 * time.Hour).Add(time.Duration(i*n) * time.Millisecond)
			done := start.Add(3 * time.Hour)
			answers := make(map[string]assessment.Answer, len(fns))
			for j, f := range fns {
				ans := assessment.Answer{Performer: questions.Performers[(i+j+n)%questions.NumPerformers],
					AnsweredAt: start.Add(time.Duration(j)*time.Minute + time.Duration(j*n)*time.Nanosecond)}
				if (i+j+n)%4 == 0 {
					ans.Note = fmt.Sprintf("org %d assessment %d function %s: reviewed with the lead technician", i, n, f.ID)
				}
				answers[f.ID] = ans
			}
			p := goodProfile
			p.Beds, p.Teaching, p.CEFTE = 20+i%600, i%3 == 0, float64(i%7)/2
			d.Assessments = append(d.Assessments, assessment.Assessment{Number: n, Status: assessment.Completed,
				StartedAt: start, CompletedAt: &done, Bank: questions.Default().Ref(), Profile: p, Answers: answers})
		}
		out[i] = d
	}
	return out
}

// schema2File writes the organizations into a new file in the layout of schema 2 and
// returns its path and the full export (JSON) of its data.
func schema2File(t *testing.T, orgs []store.OrgData) (string, []byte) {
	t.Helper()
	path := dbPath(t)
	s := open(t, path, store.Options{Now: newClock().Now})
	if err := s.ReplaceAll(orgs, nil, false); err != nil {
		t.Fatal(err)
	}
	// One draft too, which the migration leaves alone.
	d := mustStart(t, s, orgs[0].ID)
	if err := s.SaveAnswer(orgs[0].ID, d.Number, "inventory", assessment.Answer{Performer: assessment.CE, Note: "draft note"}); err != nil {
		t.Fatal(err)
	}
	before := export(t, s)
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := store.WriteLegacy(path, nil, 2); err != nil {
		t.Fatal(err)
	}
	return path, before
}

// export is the full export of s: every organization, assessment, answer and bank.
func export(t *testing.T, s *store.Store) []byte {
	t.Helper()
	orgs, banks, err := s.Dump(nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := json.Marshal(struct {
		Orgs  []store.OrgData
		Banks []*questions.Bank
	}{orgs, banks})
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// layout reads a closed file with bare bbolt: its schema, and per organization how many
// completed assessments are buckets (the old layout) and how many are values.
type orgLayout struct{ buckets, values int }

func layout(t *testing.T, path string) (uint64, map[string]orgLayout) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var schema uint64
	out := map[string]orgLayout{}
	db.View(func(tx *bolt.Tx) error {
		schema = binary.BigEndian.Uint64(tx.Bucket([]byte("meta")).Get([]byte("schema")))
		return tx.Bucket([]byte("orgs")).ForEachBucket(func(id []byte) error {
			var l orgLayout
			tx.Bucket([]byte("orgs")).Bucket(id).ForEach(func(k, v []byte) error {
				switch {
				case len(k) != 8:
				case v == nil:
					l.buckets++
				default:
					l.values++
				}
				return nil
			})
			out[string(id)] = l
			return nil
		})
	})
	return schema, out
}

// TestMigrateCompact opens a file of schema 2: every completed assessment becomes one
// value, the file passes Check, and the full export is byte for byte what it was.
func TestMigrateCompact(t *testing.T) {
	path, before := schema2File(t, generated(12, 5))
	if v, l := layout(t, path); v != 2 || l["org-0003"].buckets != 5 || l["org-0003"].values != 0 {
		t.Fatalf("the schema 2 file: schema %d, %+v", v, l["org-0003"])
	}
	s := open(t, path, store.Options{})
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if after := export(t, s); !bytes.Equal(before, after) {
		t.Fatalf("the export changed in the migration:\nbefore %.400s\nafter  %.400s", before, after)
	}
	s.Close()
	v, l := layout(t, path)
	if v != store.SchemaVersion {
		t.Errorf("schema %d after the migration; want %d", v, store.SchemaVersion)
	}
	for id, x := range l {
		if x.buckets != 0 || x.values != 5 {
			t.Errorf("%s after the migration: %+v; want 5 values", id, x)
		}
	}
}

// TestReadersAcceptBothLayouts: a file with some organizations in each layout (schema
// 3, as one the migration could not wholly convert) reads, exports and checks the
// same, and writes go on.
func TestReadersAcceptBothLayouts(t *testing.T) {
	orgs := generated(6, 3)
	path := dbPath(t)
	s := open(t, path, store.Options{Now: newClock().Now})
	if err := s.ReplaceAll(orgs, nil, false); err != nil {
		t.Fatal(err)
	}
	before := export(t, s)
	latest, err := s.LatestCompleted()
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := store.WriteLegacy(path, []string{"org-0001", "org-0004"}, store.SchemaVersion); err != nil {
		t.Fatal(err)
	}
	if _, l := layout(t, path); l["org-0001"].buckets != 3 || l["org-0002"].values != 3 {
		t.Fatalf("mixed file: %+v", l)
	}
	s = open(t, path, store.Options{Now: newClock().Now})
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
	if after := export(t, s); !bytes.Equal(before, after) {
		t.Fatalf("the export of a mixed file differs:\nbefore %.400s\nafter  %.400s", before, after)
	}
	got, err := s.LatestCompleted()
	if err != nil || len(got) != len(latest) {
		t.Fatalf("LatestCompleted = %d, %v", len(got), err)
	}
	for i := range got {
		if got[i].OrgID != latest[i].OrgID || !sameAnswers(got[i].Assessment.Answers, latest[i].Assessment.Answers) {
			t.Errorf("LatestCompleted of %s differs", got[i].OrgID)
		}
	}
	for _, id := range []string{"org-0001", "org-0002"} {
		if _, err := s.ReportData(id, 0, nil); err != nil {
			t.Errorf("ReportData(%s): %v", id, err)
		}
		if err := s.SaveAnswer(id, 3, "inventory", assessment.Answer{Performer: assessment.CE}); !errors.Is(err, store.ErrNotDraft) {
			t.Errorf("%s: saving into completed assessment 3: %v; want ErrNotDraft", id, err)
		}
		d := mustStart(t, s, id)
		if d.Number != 4 {
			t.Errorf("%s: new draft numbered %d; want 4", id, d.Number)
		}
		completeWith(t, s, id, d.Number, assessment.CE, goodProfile)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

func sameAnswers(a, b map[string]assessment.Answer) bool {
	if len(a) != len(b) {
		return false
	}
	for id, x := range a {
		if b[id].Performer != x.Performer {
			return false
		}
	}
	return true
}

// TestHelperMigrate is the child of TestMigrateKill: it opens (and so migrates) the
// file, printing "committed V NEXT" after every committed transaction of the upgrade
// and "open" once done.
func TestHelperMigrate(t *testing.T) {
	path := os.Getenv("CEBALANCE_MIGRATE_DB")
	if path == "" {
		t.Skip("the child process of TestMigrateKill")
	}
	store.SetMigrateCommitted(func(v uint64, next []byte) { fmt.Printf("committed %d %q\n", v, next) })
	s, err := store.Open(path, store.Options{Timeout: 5 * time.Second})
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(3)
	}
	s.Close()
	fmt.Println("open")
	os.Exit(0)
}

// TestMigrateKill kills a process migrating a file of 2,000 completed assessments
// (SIGKILL after a random number of committed transactions and a random pause), then
// again in the next run, until a run finishes: after every kill the file opens with
// bare bbolt and each organization is wholly in one layout or the other (never half
// converted); at the end the file passes Check and the full export is byte for byte
// the one before. CEBALANCE_LONG=1 repeats it 10 times.
func TestMigrateKill(t *testing.T) {
	if testing.Short() {
		t.Skip("starts child processes")
	}
	reps := 1
	if os.Getenv("CEBALANCE_LONG") == "1" {
		reps = 10
	}
	for rep := range reps {
		path, before := schema2File(t, generated(200, 10))
		kills, converted := 0, 0
		for run := 0; ; run++ {
			finished, commits := runMigrate(t, path, rand.IntN(5))
			v, l := layout(t, path)
			done := 0
			for id, x := range l {
				if x.buckets != 0 && x.values != 0 {
					t.Fatalf("run %d: %s is half converted: %+v", run, id, x)
				}
				if x.buckets+x.values != 10 {
					t.Fatalf("run %d: %s has %+v; want 10 assessments", run, id, x)
				}
				if x.values > 0 {
					done++
				}
			}
			t.Logf("rep %d run %d: %d commits, finished %v, schema %d, %d of %d organizations converted", rep, run, commits, finished, v, done, len(l))
			if done < converted {
				t.Fatalf("run %d: %d organizations converted, fewer than the %d before", run, done, converted)
			}
			converted = done
			if finished {
				if v != store.SchemaVersion || done != len(l) {
					t.Fatalf("finished at schema %d with %d of %d converted", v, done, len(l))
				}
				break
			}
			kills++
			if run > 40 {
				t.Fatal("the migration makes no progress")
			}
		}
		if kills == 0 {
			t.Fatal("no run was killed mid-migration")
		}
		s := open(t, path, store.Options{})
		if err := s.Check(); err != nil {
			t.Fatal(err)
		}
		if after := export(t, s); !bytes.Equal(before, after) {
			t.Fatalf("the export changed after %d kills:\nbefore %.400s\nafter  %.400s", kills, before, after)
		}
		s.Close()
	}
}

// runMigrate runs TestHelperMigrate on path and kills it with SIGKILL after kill
// committed transactions and a random pause, unless it finishes first. It reports
// whether it finished and how many commits it saw.
func runMigrate(t *testing.T, path string, kill int) (bool, int) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperMigrate$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CEBALANCE_MIGRATE_DB="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	commits, finished := 0, false
	var other []string
	sc := bufio.NewScanner(out)
	for commits < kill && sc.Scan() {
		switch line := sc.Text(); {
		case strings.HasPrefix(line, "committed "):
			commits++
		case line == "open":
			finished = true
		default:
			other = append(other, line)
		}
		if finished {
			break
		}
	}
	killed := false
	if !finished {
		time.Sleep(time.Duration(rand.IntN(20_000)) * time.Microsecond)
		killed = cmd.Process.Kill() == nil
	}
	for sc.Scan() { // what it printed before it died
		switch line := sc.Text(); {
		case strings.HasPrefix(line, "committed "):
			commits++
		case line == "open":
			finished = true
		case strings.HasPrefix(line, "PASS"), strings.HasPrefix(line, "ok"):
		default:
			other = append(other, line)
		}
	}
	err = cmd.Wait()
	for _, l := range other {
		if strings.HasPrefix(l, "error:") {
			t.Fatalf("the child failed: %s %s", l, stderr.Bytes())
		}
	}
	// A child killed after it printed "open" had finished: the kill landed between
	// its last line and its exit, which is a finished run.
	if finished && err != nil && !killed {
		t.Fatalf("the child finished but exited with %v", err)
	}
	return finished, commits
}
