package store

import (
	"bytes"
	"fmt"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// WriteLegacy rewrites the completed assessments of the organizations ids (nil: all)
// in path in the layout of schema 2 — a bucket per assessment with its head and one key
// per answer, exactly as writeAssessment wrote them before the compact value — and sets
// the file's schema version to schema. Tests use it to make files of the old layout
// (schema 2) and files part-way through the migration (schema 2 with some
// organizations converted, or schema 3 with some left).
func WriteLegacy(path string, ids []string, schema uint64) error {
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		return err
	}
	defer db.Close()
	s := &Store{banks: map[string]*questions.Bank{}}
	return db.Update(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		if ids == nil {
			if err := orgs.ForEachBucket(func(k []byte) error {
				ids = append(ids, string(k))
				return nil
			}); err != nil {
				return err
			}
		}
		for _, id := range ids {
			org := orgs.Bucket([]byte(id))
			if org == nil {
				return fmt.Errorf("no organization %q", id)
			}
			var keys [][]byte
			var values [][]byte
			c := org.Cursor()
			for k, v := c.First(); k != nil; k, v = c.Next() {
				if _, ok := keyNumber(k); ok && v != nil {
					keys, values = append(keys, bytes.Clone(k)), append(values, bytes.Clone(v))
				}
			}
			for i, k := range keys {
				a, err := decodeCompleted(values[i], func(ref questions.Ref) (*questions.Bank, error) { return s.bankTx(tx, ref) }, false)
				if err != nil {
					return err
				}
				bank, err := s.bankTx(tx, a.Bank)
				if err != nil {
					return err
				}
				if err := org.Delete(k); err != nil {
					return err
				}
				if err := writeLegacy(org, k, &a, bank); err != nil {
					return err
				}
			}
		}
		return tx.Bucket(bucketMeta).Put(keySchema, u64(schema))
	})
}

// writeLegacy is the completed branch of writeAssessment before schema 3.
func writeLegacy(org *bolt.Bucket, key []byte, a *assessment.Assessment, bank *questions.Bank) error {
	b, err := org.CreateBucket(key)
	if err != nil {
		return err
	}
	v, err := encode(headOf(a, bank))
	if err != nil {
		return err
	}
	if err := b.Put(keyHead, v); err != nil {
		return err
	}
	for id, ans := range a.Answers {
		v, err := encode(ans)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(id), v); err != nil {
			return err
		}
	}
	return nil
}

// SetMigrateCommitted sets the hook called after every committed transaction of an
// upgrade (tests only).
func SetMigrateCommitted(f func(version uint64, next []byte)) { migrateCommitted = f }
