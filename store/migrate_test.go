package store

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

func TestSchemaVersionMatchesMigrations(t *testing.T) {
	if SchemaVersion != len(migrations)+1 {
		t.Fatalf("SchemaVersion %d but %d migrations: add the migration with the version bump", SchemaVersion, len(migrations))
	}
}

// TestMigrate runs a made-up list of migrations: each runs once, in order, in its own
// transaction, and a failing one stops the upgrade at the version before it, so the next
// open resumes there.
func TestMigrate(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "m.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	version := func() uint64 {
		var v uint64
		s.db.View(func(tx *bolt.Tx) error {
			v = binary.BigEndian.Uint64(tx.Bucket(bucketMeta).Get(keySchema))
			return nil
		})
		return v
	}
	var ran []int
	boom := errors.New("boom")
	fail := true
	step := func(n int) migration {
		return once(func(tx *bolt.Tx) error {
			if n == 3 && fail {
				return boom
			}
			ran = append(ran, n)
			return tx.Bucket(bucketMeta).Put([]byte("step"), []byte{byte(n)})
		})
	}
	list := []migration{step(1), step(2), step(3)}

	err = s.migrate(1, list)
	if !errors.Is(err, boom) {
		t.Fatalf("migrate = %v; want the failing step's error", err)
	}
	if v := version(); v != 3 || len(ran) != 2 {
		t.Fatalf("after a failing step 3: schema %d, ran %v; want schema 3 after steps 1 and 2", v, ran)
	}
	fail = false
	if err := s.migrate(version(), list); err != nil {
		t.Fatal(err)
	}
	if v := version(); v != 4 || len(ran) != 3 || ran[2] != 3 {
		t.Fatalf("after resuming: schema %d, ran %v; want schema 4 and step 3 run once", v, ran)
	}
	if err := s.migrate(version(), list); err != nil || len(ran) != 3 {
		t.Fatalf("migrating an up-to-date file ran %v, %v", ran, err)
	}
}
