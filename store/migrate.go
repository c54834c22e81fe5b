package store

import (
	"bytes"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// SchemaVersion is the schema this binary writes. Each migration raises it by one.
const SchemaVersion = 3

// migration upgrades the schema by one version in one or more write transactions: it
// runs in one, is given where the previous one of the same upgrade stopped (nil at
// first) and returns where to go on (nil: done). The transaction that returns nil also
// records the new version. Every transaction must leave a consistent file, and a step
// must be safe to run again from nil over work already done, since an interrupted
// upgrade starts over from nil.
type migration func(tx *bolt.Tx, from []byte) (next []byte, err error)

// migrations[i] upgrades schema i+1 to i+2; SchemaVersion == len(migrations)+1.
var migrations = []migration{
	once(migrateBenchmark), // 1 → 2: demo data marked, outside contributions, benchmark snapshot
	migrateCompact,         // 2 → 3: completed assessments as one compact value each
}

// once makes a migration that runs in a single transaction.
func once(f func(tx *bolt.Tx) error) migration {
	return func(tx *bolt.Tx, _ []byte) ([]byte, error) { return nil, f(tx) }
}

// migrateCommitted, when set, is called after every committed transaction of an
// upgrade (tests only: the crash test kills a migrating process between them).
var migrateCommitted func(version uint64, next []byte)

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

// migrate runs list[from-1:] in order, each in Updates of its own, the last of which
// also records the new version, so an interrupted upgrade resumes at the step that
// failed.
func (s *Store) migrate(from uint64, list []migration) error {
	for v := from; v < uint64(len(list))+1; v++ {
		step := list[v-1]
		var at []byte
		for {
			var next []byte
			err := s.update(func(tx *bolt.Tx) error {
				var err error
				if next, err = step(tx, at); err != nil || next != nil {
					return err
				}
				return tx.Bucket(bucketMeta).Put(keySchema, u64(v+1))
			})
			if err != nil {
				return fmt.Errorf("upgrade database %s from schema %d to %d: %w", s.path, v, v+1, err)
			}
			if migrateCommitted != nil {
				migrateCommitted(v, next)
			}
			if next == nil {
				break
			}
			at = next
		}
	}
	return nil
}

// migrateBatch is about how many assessments migrateCompact converts per transaction:
// enough that the fsync of each commit does not dominate, few enough that a
// transaction's dirty pages stay small (about 2 MB of old buckets freed, 0.6 MB of
// values written). An organization is never split across transactions.
const migrateBatch = 256

// migrateCompact (schema 2 → 3) replaces the bucket of every completed assessment (a
// head and one key per answer) with its compact value, organization by organization,
// each organization whole in one transaction and about migrateBatch assessments per
// transaction. It returns the last organization it converted. An organization already
// converted has no buckets left and costs one scan, so a run that starts over from nil
// after a crash redoes nothing.
//
// An assessment that does not decode, is not a completed one of its own number, or
// whose compact value would not say exactly what its bucket says, is left as it is:
// readers accept both layouts, and Check reports the damage as before. The upgrade
// never fails over one bad record, which would lock its owner out of the whole file.
func migrateCompact(tx *bolt.Tx, from []byte) ([]byte, error) {
	s := &Store{now: time.Now, banks: map[string]*questions.Bank{}}
	orgs := tx.Bucket(bucketOrgs)
	if orgs == nil {
		return nil, nil
	}
	// Collect the ids first: converting changes the organizations' buckets.
	var ids [][]byte
	c := orgs.Cursor()
	k, v := c.Seek(from)
	if from != nil && bytes.Equal(k, from) {
		k, v = c.Next()
	}
	for ; k != nil && len(ids) < migrateBatch; k, v = c.Next() {
		if v == nil {
			ids = append(ids, bytes.Clone(k))
		}
	}
	done := 0
	for i, id := range ids {
		n, err := s.compactOrg(tx, orgs.Bucket(id), string(id))
		if err != nil {
			return nil, err
		}
		if done += n; done >= migrateBatch && i < len(ids)-1 {
			return id, nil
		}
	}
	if len(ids) == migrateBatch {
		return ids[len(ids)-1], nil // there may be more
	}
	return nil, nil
}

// compactOrg converts the completed assessments of organization orgID (bucket org)
// still in the layout before schema 3 and returns how many it converted.
func (s *Store) compactOrg(tx *bolt.Tx, org *bolt.Bucket, orgID string) (int, error) {
	var keys [][]byte
	c := org.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if _, ok := keyNumber(k); ok && v == nil {
			keys = append(keys, bytes.Clone(k))
		}
	}
	bankOf := func(ref questions.Ref) (*questions.Bank, error) { return s.bankTx(tx, ref) }
	converted := 0
	for _, k := range keys {
		n, _ := keyNumber(k)
		a, err := readAssessment(org.Bucket(k), orgID, n)
		if err != nil || a.Status != assessment.Completed || a.Number != n {
			continue
		}
		bank, err := s.bankTx(tx, a.Bank)
		if err != nil {
			bank = nil // the answers are kept by function id
		}
		v, err := encodeCompleted(&a, bank)
		if err != nil {
			continue
		}
		back, err := decodeCompleted(v, bankOf, false)
		if err != nil || !sameAssessment(&a, &back) {
			continue
		}
		if err := org.DeleteBucket(k); err != nil {
			return 0, err
		}
		if err := org.Put(k, v); err != nil {
			return 0, err
		}
		converted++
	}
	return converted, nil
}

// sameAssessment reports whether a and b say exactly the same, times to the
// nanosecond and zone offset (what their JSON shows).
func sameAssessment(a, b *assessment.Assessment) bool {
	if a.Number != b.Number || a.Status != b.Status || !sameTime(a.StartedAt, b.StartedAt) ||
		(a.CompletedAt == nil) != (b.CompletedAt == nil) || a.Bank != b.Bank || a.Profile != b.Profile ||
		len(a.Answers) != len(b.Answers) {
		return false
	}
	if a.CompletedAt != nil && !sameTime(*a.CompletedAt, *b.CompletedAt) {
		return false
	}
	for id, x := range a.Answers {
		y, ok := b.Answers[id]
		if !ok || x.Performer != y.Performer || x.Note != y.Note || !sameTime(x.AnsweredAt, y.AnsweredAt) {
			return false
		}
	}
	return true
}

func sameTime(a, b time.Time) bool {
	_, ao := a.Zone()
	_, bo := b.Zone()
	return a.Equal(b) && ao == bo
}
