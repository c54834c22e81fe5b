package store_test

import (
	"cebalance/questions"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cebalance/store"
)

func TestBackup(t *testing.T) {
	path := seeded(t)
	s := open(t, path, store.Options{})
	want, wantBanks, err := s.Dump(nil)
	if err != nil {
		t.Fatal(err)
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := s.Backup(backup); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Stat(backup); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v, %v; want mode 0600", fi.Mode(), err)
	}
	if err := s.Backup(backup); !errors.Is(err, store.ErrExists) {
		t.Errorf("Backup over an existing file = %v; want ErrExists", err)
	}
	if err := s.Backup(path); !errors.Is(err, store.ErrExists) || !strings.Contains(err.Error(), "the database itself") {
		t.Errorf("Backup onto the database = %v; want ErrExists naming the database", err)
	}
	if err := s.Backup(filepath.Join(t.TempDir(), "no", "such", "dir", "b.db")); err == nil {
		t.Errorf("Backup into a missing directory succeeded")
	}

	// The copy opens (while the original is still open: it is a different file), passes
	// the check and holds the same data.
	b := open(t, backup, store.Options{ReadOnly: true})
	if err := b.Check(); err != nil {
		t.Fatalf("Check of the backup: %v", err)
	}
	got, gotBanks, err := b.Dump(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) || len(gotBanks) != len(wantBanks) {
		t.Errorf("backup holds different data")
	}

	// A read-only store can be backed up too (`cebalance backup` opens read-only).
	s.Close()
	r := open(t, path, store.Options{ReadOnly: true, Timeout: 0})
	if err := r.Backup(filepath.Join(t.TempDir(), "again.db")); err != nil {
		t.Errorf("Backup from a read-only store: %v", err)
	}
}

func TestCheck(t *testing.T) {
	path := seeded(t)
	s := open(t, path, store.Options{})
	if err := s.Check(); err != nil {
		t.Fatalf("Check of a healthy database: %v", err)
	}
	s.Close()

	// Damage a record behind the store's back: Check finds it, names it, and the rest
	// of the store still opens.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		org := tx.Bucket([]byte("orgs")).Bucket([]byte("beta-medical-center"))
		return org.Put([]byte("org"), []byte("{not json"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s = open(t, path, store.Options{})
	err = s.Check()
	if !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), "beta-medical-center") {
		t.Fatalf("Check of a damaged record = %v; want ErrCorrupt naming beta-medical-center", err)
	}
	if _, err := s.Organizations(); !errors.Is(err, store.ErrCorrupt) {
		t.Errorf("Organizations() over a damaged record = %v; want ErrCorrupt", err)
	}
	if _, err := s.Organization("alpha-hospital"); err != nil {
		t.Errorf("an undamaged organization is still readable: %v", err)
	}
}

// TestCheckPerformers damages the performers copy in a completed assessment's head:
// LatestCompleted falls back to the answers, and Check reports the disagreement. The
// assessments are in the layout before schema 3 (a bucket each), as one the migration
// left unconverted stays.
func TestCheckPerformers(t *testing.T) {
	path := seeded(t)
	if err := store.WriteLegacy(path, nil, store.SchemaVersion); err != nil {
		t.Fatal(err)
	}
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		a := tx.Bucket([]byte("orgs")).Bucket([]byte("alpha-hospital")).Bucket([]byte{0, 0, 0, 0, 0, 0, 0, 1})
		var h map[string]any
		if err := json.Unmarshal(a.Get([]byte(".head")), &h); err != nil {
			return err
		}
		if h["performers"] == nil {
			return errors.New("the completed head has no performers")
		}
		delete(h, "performers")
		v, _ := json.Marshal(h)
		return a.Put([]byte(".head"), v)
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, path, store.Options{})
	in, err := s.LatestCompleted()
	if err != nil || len(in) != 3 {
		t.Fatalf("LatestCompleted() = %v, %v", in, err)
	}
	for _, x := range in {
		if len(x.Assessment.Answers) != len(questions.Default().Functions) || x.Assessment.Answers["repair"].Performer != "bmet" {
			t.Errorf("%s: answers %v", x.OrgID, x.Assessment.Answers)
		}
	}
	if err := s.Check(); !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), "performers") {
		t.Errorf("Check() = %v; want ErrCorrupt about the performers", err)
	}
}

// TestCheckOrphanDraft removes an organization behind the store's back, leaving its
// draft: Check reports the orphan.
func TestCheckOrphanDraft(t *testing.T) {
	path := seeded(t)
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		if tx.Bucket([]byte("drafts")).Bucket([]byte("gamma-clinic")) == nil {
			return errors.New("gamma-clinic has no draft bucket")
		}
		return tx.Bucket([]byte("orgs")).DeleteBucket([]byte("gamma-clinic"))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	s := open(t, path, store.Options{})
	if err := s.Check(); !errors.Is(err, store.ErrCorrupt) || !strings.Contains(err.Error(), `organization "gamma-clinic", which does not exist`) {
		t.Errorf("Check() = %v; want ErrCorrupt about the orphaned draft", err)
	}
}
