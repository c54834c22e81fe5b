package store_test

import (
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// clock is a test clock that moves one minute on every reading.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock {
	return &clock{t: time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Minute)
	return c.t
}

func dbPath(t testing.TB) string {
	return filepath.Join(t.TempDir(), "data", "cebalance.db")
}

// open opens (creating) the store at path with a test clock and closes it at the end.
func open(t testing.TB, path string, opts store.Options) *store.Store {
	t.Helper()
	if opts.Now == nil {
		opts.Now = newClock().Now
	}
	s, err := store.Open(path, opts)
	if err != nil {
		t.Fatalf("Open(%s): %v", path, err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func openTemp(t testing.TB) (*store.Store, string) {
	t.Helper()
	path := dbPath(t)
	return open(t, path, store.Options{}), path
}

func mustOrg(t testing.TB, s *store.Store, name string) store.Organization {
	t.Helper()
	o, err := s.CreateOrganization(name)
	if err != nil {
		t.Fatalf("CreateOrganization(%q): %v", name, err)
	}
	return o
}

func mustStart(t testing.TB, s *store.Store, orgID string) assessment.Assessment {
	t.Helper()
	a, err := s.StartAssessment(orgID, questions.Default())
	if err != nil {
		t.Fatalf("StartAssessment(%s): %v", orgID, err)
	}
	return a
}

var goodProfile = assessment.Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, Devices: 7000}

// completeWith answers every function of the default bank with p, sets profile and
// completes the draft.
func completeWith(t testing.TB, s *store.Store, orgID string, number int, p assessment.Performer, profile assessment.Profile) assessment.Assessment {
	t.Helper()
	for _, f := range questions.Default().Functions {
		if err := s.SaveAnswer(orgID, number, f.ID, assessment.Answer{Performer: p}); err != nil {
			t.Fatalf("SaveAnswer(%s): %v", f.ID, err)
		}
	}
	if err := s.SaveProfile(orgID, number, profile); err != nil {
		t.Fatalf("SaveProfile: %v", err)
	}
	a, err := s.Complete(orgID, number)
	if err != nil {
		t.Fatalf("Complete: %v", err)
	}
	return a
}

// seeded returns a closed database file with one organization and a completed and a
// draft assessment, large enough to span many pages.
func seeded(t *testing.T) string {
	t.Helper()
	path := dbPath(t)
	s, err := store.Open(path, store.Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"Alpha Hospital", "Beta Medical Center", "Gamma Clinic"} {
		o := mustOrg(t, s, name)
		a := mustStart(t, s, o.ID)
		completeWith(t, s, o.ID, a.Number, assessment.BMET, goodProfile)
		d := mustStart(t, s, o.ID)
		if err := s.SaveAnswer(o.ID, d.Number, "inventory", assessment.Answer{Performer: assessment.CE, Note: strings.Repeat("n", 400)}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// openFails opens path (read-write, then read-only) expecting errors matching want,
// and checks that the file is byte-for-byte unchanged.
func openFails(t *testing.T, path string, want error) {
	t.Helper()
	before := readFile(t, path)
	for _, ro := range []bool{false, true} {
		s, err := store.Open(path, store.Options{ReadOnly: ro, Timeout: 200 * time.Millisecond})
		if err == nil {
			s.Close()
			t.Fatalf("Open(ReadOnly=%v) succeeded; want %v", ro, want)
		}
		if !errors.Is(err, want) {
			t.Fatalf("Open(ReadOnly=%v) = %v; want %v", ro, err, want)
		}
		if !strings.Contains(err.Error(), path) {
			t.Errorf("error %q does not name the file", err)
		}
		if after := readFile(t, path); !bytes.Equal(before, after) {
			t.Fatalf("Open(ReadOnly=%v) modified the file (%d → %d bytes)", ro, len(before), len(after))
		}
	}
}

func TestOpenCreatesPrivateFile(t *testing.T) {
	path := dbPath(t)
	s := open(t, path, store.Options{})
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("file mode %v, want 0600", perm)
	}
	di, err := os.Stat(filepath.Dir(path))
	if err != nil {
		t.Fatal(err)
	}
	if perm := di.Mode().Perm(); perm != 0o700 {
		t.Errorf("directory mode %v, want 0700", perm)
	}
	if err := s.Check(); err != nil {
		t.Errorf("Check of a new database: %v", err)
	}
}

func TestOpenMissing(t *testing.T) {
	for _, opts := range []store.Options{{NoCreate: true}, {ReadOnly: true}} {
		path := dbPath(t)
		_, err := store.Open(path, opts)
		if !errors.Is(err, fs.ErrNotExist) {
			t.Fatalf("Open(%+v) of a missing file = %v; want fs.ErrNotExist", opts, err)
		}
		if _, err := os.Stat(path); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("Open(%+v) created the file", opts)
		}
	}
}

func TestOpenEmptyFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(path, store.Options{ReadOnly: true}); !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("read-only Open of an empty file = %v; want fs.ErrNotExist", err)
	}
	s := open(t, path, store.Options{NoCreate: true})
	mustOrg(t, s, "First Hospital")
}

func TestOpenLocked(t *testing.T) {
	path := dbPath(t)
	s := open(t, path, store.Options{})
	for _, ro := range []bool{false, true} {
		start := time.Now()
		_, err := store.Open(path, store.Options{Timeout: 200 * time.Millisecond, ReadOnly: ro})
		elapsed := time.Since(start)
		if !errors.Is(err, store.ErrLocked) {
			t.Fatalf("second Open(ReadOnly=%v) = %v; want ErrLocked", ro, err)
		}
		if elapsed > time.Second {
			t.Errorf("second Open took %v; want it to fail within a second", elapsed)
		}
		want := "database " + path + " is in use by another cebalance process (close it, or stop `cebalance serve`)"
		if err.Error() != want {
			t.Errorf("error %q\nwant  %q", err, want)
		}
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	// Readers share the file once the writer is gone.
	r1 := open(t, path, store.Options{ReadOnly: true})
	r2 := open(t, path, store.Options{ReadOnly: true, Timeout: 200 * time.Millisecond})
	for _, r := range []*store.Store{r1, r2} {
		if _, err := r.Organizations(); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := store.Open(path, store.Options{Timeout: 200 * time.Millisecond}); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("writer Open while readers hold the file = %v; want ErrLocked", err)
	}
}

func TestOpenRandomBytes(t *testing.T) {
	for _, size := range []int{3, 100, 4096, 64 << 10} {
		path := filepath.Join(t.TempDir(), "random.db")
		data := make([]byte, size)
		rand.Read(data)
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		openFails(t, path, store.ErrNotDatabase)
	}
	path := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(path, []byte("dear diary, today the infusion pumps…\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	openFails(t, path, store.ErrNotDatabase)
}

func TestOpenDirectory(t *testing.T) {
	_, err := store.Open(t.TempDir(), store.Options{})
	if !errors.Is(err, store.ErrNotDatabase) {
		t.Fatalf("Open(directory) = %v; want ErrNotDatabase", err)
	}
}

func TestOpenTruncated(t *testing.T) {
	path := seeded(t)
	full := readFile(t, path)
	page := os.Getpagesize()
	if len(full) < 8*page {
		t.Fatalf("seeded database is only %d bytes; the test needs more pages", len(full))
	}
	// The data ends at the high-water mark, usually before the end of the file (bbolt
	// grows it in steps); cutting after the mark loses nothing, cutting before it does.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	var used int
	db.View(func(tx *bolt.Tx) error { used = int(tx.Size()); return nil })
	db.Close()
	for _, size := range []int{100, page + 17, 4 * page, used / 2, used - page, len(full) - 1} {
		p := filepath.Join(t.TempDir(), "truncated.db")
		if err := os.WriteFile(p, full[:size], 0o600); err != nil {
			t.Fatal(err)
		}
		t.Logf("truncated to %d of %d bytes", size, len(full))
		openFails(t, p, store.ErrCorrupt)
	}
}

func TestOpenDamagedMeta(t *testing.T) {
	path := seeded(t)
	data := readFile(t, path)
	page := os.Getpagesize()
	for _, off := range []int{16 + 20, page + 16 + 20} { // the root pgid of both metas
		data[off] ^= 0xFF
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	openFails(t, path, store.ErrCorrupt)
}

func TestOpenForeignBolt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("widgets"))
		if err != nil {
			return err
		}
		return b.Put([]byte("k"), []byte("v"))
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	openFails(t, path, store.ErrNotDatabase)
}

func TestOpenEmptyBolt(t *testing.T) {
	path := filepath.Join(t.TempDir(), "blank.db")
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	// An empty bbolt file (say, a crash between bbolt's creation of the file and our
	// first commit) is readable as empty and initialized on the first read-write open.
	r := open(t, path, store.Options{ReadOnly: true})
	if orgs, err := r.Organizations(); err != nil || len(orgs) != 0 {
		t.Fatalf("Organizations() on a blank file = %v, %v", orgs, err)
	}
	if err := r.Check(); err != nil {
		t.Fatalf("Check() on a blank file: %v", err)
	}
	r.Close()
	s := open(t, path, store.Options{})
	mustOrg(t, s, "Alpha Hospital")
}

func setSchema(t *testing.T, path string, v uint64) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	err = db.Update(func(tx *bolt.Tx) error {
		var b [8]byte
		binary.BigEndian.PutUint64(b[:], v)
		return tx.Bucket([]byte("meta")).Put([]byte("schema"), b[:])
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenNewerSchema(t *testing.T) {
	path := seeded(t)
	setSchema(t, path, store.SchemaVersion+1)
	openFails(t, path, store.ErrNewerSchema)
	_, err := store.Open(path, store.Options{})
	want := fmt.Sprintf("was written by a newer cebalance (schema %d, this version knows %d): upgrade cebalance",
		store.SchemaVersion+1, store.SchemaVersion)
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
}

func TestReadOnly(t *testing.T) {
	path := seeded(t)
	s := open(t, path, store.Options{ReadOnly: true})
	orgs, err := s.Organizations()
	if err != nil || len(orgs) != 3 {
		t.Fatalf("Organizations() = %v, %v", orgs, err)
	}
	if _, err := s.CreateOrganization("Delta"); err == nil {
		t.Fatal("CreateOrganization on a read-only store succeeded")
	}
	d, err := s.Draft(orgs[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveAnswer(orgs[0].ID, d.Number, "repair", assessment.Answer{Performer: assessment.BMET}); err == nil {
		t.Fatal("SaveAnswer on a read-only store succeeded")
	}
}

// TestOpenGarbagePages keeps both meta pages but fills data pages with random bytes
// (all of them, or one page that is not the freelist): Open, or at the latest Check,
// reports damage, nothing crashes, and the file is unchanged.
func TestOpenGarbagePages(t *testing.T) {
	seed := seeded(t)
	orig := readFile(t, seed)
	page := os.Getpagesize()
	// The current meta page (the one with the higher txid) says where the freelist is
	// and where the data ends.
	m := orig[16:]
	if binary.NativeEndian.Uint64(orig[page+16+48:]) > binary.NativeEndian.Uint64(m[48:]) {
		m = orig[page+16:]
	}
	freelist := int(binary.NativeEndian.Uint64(m[32:]))
	// Damage to a free page is harmless and goes unseen: single-page damage goes to the
	// pages in use (branches and leaves; a value's overflow pages count as its leaf's).
	var used []int
	db, err := bolt.Open(seed, 0o600, nil) // read-write: only then is the freelist loaded
	if err != nil {
		t.Fatal(err)
	}
	db.View(func(tx *bolt.Tx) error {
		for id := 2; ; id++ {
			info, err := tx.Page(id)
			if err != nil || info == nil {
				return err
			}
			if (info.Type == "branch" || info.Type == "leaf") && id != freelist {
				for o := 0; o <= info.OverflowCount; o++ {
					used = append(used, id+o)
				}
				id += info.OverflowCount
			}
		}
	})
	db.Close()
	if len(used) < 10 {
		t.Fatalf("only %d pages in use: the seeded file is too small for this test", len(used))
	}
	detected := 0
	for i := range 40 {
		data := bytes.Clone(orig)
		p := used[i%len(used)]
		if i%4 == 0 {
			rand.Read(data[2*page:])
		} else {
			rand.Read(data[p*page : (p+1)*page])
		}
		path := filepath.Join(t.TempDir(), "garbage.db")
		if err := os.WriteFile(path, data, 0o600); err != nil {
			t.Fatal(err)
		}
		s, err := store.Open(path, store.Options{})
		if err == nil {
			err = s.Check()
			s.Close()
		}
		switch {
		case errors.Is(err, store.ErrCorrupt) || errors.Is(err, store.ErrNotDatabase):
			detected++
		case err != nil || i%4 == 0:
			t.Fatalf("try %d: Open/Check of garbage pages = %v; want ErrCorrupt", i, err)
		default:
			// A single page may be free (or hold the unused end of a value): nothing to see.
			t.Logf("try %d: damage to page %d went unnoticed", i, p)
		}
		if after := readFile(t, path); !bytes.Equal(after, data) {
			t.Fatalf("try %d: the file was modified", i)
		}
	}
	t.Logf("%d of 40 damaged files reported", detected)
	if detected < 30 {
		t.Errorf("only %d of 40 damaged files were reported", detected)
	}
}

// TestCompleteWithNotApplicable completes an assessment with "not applicable" where
// the bank allows it: the completed assessment reads back (list, report, export, the
// consistency check) with its answers as given. The compact value once refused its
// own "not applicable" as damage.
func TestCompleteWithNotApplicable(t *testing.T) {
	s, _ := openTemp(t)
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	for _, f := range questions.Default().Functions {
		p := assessment.BMET
		if f.NAAllowed {
			p = questions.NA
		}
		if err := s.SaveAnswer(o.ID, a.Number, f.ID, assessment.Answer{Performer: p}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveProfile(o.ID, a.Number, goodProfile); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(o.ID, a.Number); err != nil {
		t.Fatal(err)
	}
	all, err := s.Assessments(o.ID)
	if err != nil || len(all) != 1 {
		t.Fatalf("Assessments: %d, %v", len(all), err)
	}
	na := 0
	for _, f := range questions.Default().Functions {
		want := assessment.BMET
		if f.NAAllowed {
			want, na = questions.NA, na+1
		}
		if got := all[0].Answers[f.ID].Performer; got != want {
			t.Errorf("%s = %q, want %q", f.ID, got, want)
		}
	}
	if na == 0 {
		t.Fatal("the bank has no function that allows not applicable")
	}
	if _, err := s.ReportData(o.ID, a.Number, nil); err != nil {
		t.Fatal(err)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}
