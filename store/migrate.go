package store

import (
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"
)

// SchemaVersion is the schema this binary writes. Each migration raises it by one.
const SchemaVersion = 2

// migration upgrades the schema by one version inside the given write transaction.
type migration func(tx *bolt.Tx) error

// migrations[i] upgrades schema i+1 to i+2; SchemaVersion == len(migrations)+1.
var migrations = []migration{
	migrateBenchmark, // 1 → 2: demo data marked, outside contributions, benchmark snapshot
}

func (s *Store) initialize() error {
	err := s.update(func(tx *bolt.Tx) error {
		for _, name := range topBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		m := tx.Bucket(bucketMeta)
		if err := m.Put(keyApp, appName); err != nil {
			return err
		}
		if err := m.Put(keySchema, u64(SchemaVersion)); err != nil {
			return err
		}
		if err := m.Put(keyCreated, []byte(s.stamp().Format(time.RFC3339Nano))); err != nil {
			return err
		}
		return writeSnapshotTx(tx, nil, s.stamp())
	})
	if err != nil {
		return fmt.Errorf("initialize database %s: %w", s.path, err)
	}
	return nil
}

// migrate runs list[from-1:] in order, each in its own Update that also records the new
// version, so an interrupted upgrade resumes at the step that failed.
func (s *Store) migrate(from uint64, list []migration) error {
	for v := from; v < uint64(len(list))+1; v++ {
		step := list[v-1]
		err := s.update(func(tx *bolt.Tx) error {
			if err := step(tx); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keySchema, u64(v+1))
		})
		if err != nil {
			return fmt.Errorf("upgrade database %s from schema %d to %d: %w", s.path, v, v+1, err)
		}
	}
	return nil
}
