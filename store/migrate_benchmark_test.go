package store

import (
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestMigrateBenchmark: a schema-1 file, as an older cebalance left it after `cebalance
// demo`, is upgraded on open: the demo data it created is recognised by id and exact
// name (and only that: look-alikes stay real data), and the first benchmark snapshot is
// taken.
func TestMigrateBenchmark(t *testing.T) {
	path := filepath.Join(t.TempDir(), "old.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	var in []OrgData
	for _, o := range []Organization{
		{ID: "demo-general-hospital", Name: "Demo General Hospital"},
		{ID: "demo-peer-hospital-a", Name: "Demo Peer Hospital A", PeerOnly: true},
		{ID: "demo-peer-hospital-f", Name: "Demo Peer Hospital F", PeerOnly: true},
		{ID: "demo-peer-hospital-b", Name: "Our Own Hospital", PeerOnly: true},     // renamed: real
		{ID: "demo-peer-hospital-g", Name: "Demo Peer Hospital G", PeerOnly: true}, // not one demo made
		{ID: "demo-peer-hospital-c", Name: "Demo Peer Hospital C"},                 // not peer-only
		{ID: "st-real", Name: "St Real"},
	} {
		in = append(in, OrgData{Organization: o})
	}
	if err := s.ReplaceAll(in, nil, false); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}

	// Make it the schema-1 file: no outside contributions, no snapshot, schema 1.
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		for _, b := range [][]byte{bucketOutside, bucketBenchmark} {
			if err := tx.DeleteBucket(b); err != nil {
				return err
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(1))
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatalf("open the schema-1 file: %v", err)
	}
	defer s.Close()
	want := map[string]bool{"demo-general-hospital": true, "demo-peer-hospital-a": true, "demo-peer-hospital-f": true}
	out, _, err := s.Dump(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 7 {
		t.Fatalf("%d organizations after the upgrade, want 7", len(out))
	}
	for _, o := range out {
		if o.Demo != want[o.ID] {
			t.Errorf("%s (%q): demo %v, want %v", o.ID, o.Name, o.Demo, want[o.ID])
		}
	}
	err = s.view(func(tx *bolt.Tx) error {
		if v := tx.Bucket(bucketMeta).Get(keySchema); string(v) != string(u64(SchemaVersion)) {
			t.Errorf("schema %x after the upgrade, want %d", v, SchemaVersion)
		}
		if tx.Bucket(bucketOutside) == nil {
			t.Error("no bucket for outside contributions")
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	b, err := s.Benchmark(nil)
	if err != nil {
		t.Fatal(err)
	}
	if b.AsOf == nil {
		t.Error("no benchmark snapshot taken by the upgrade")
	}
}
