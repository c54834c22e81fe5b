package store_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/store"
)

// history500 writes one organization with 500 completed assessments (the default bank,
// notes on a quarter of the answers) and returns the closed file's path.
func history500(b *testing.B) (string, string) {
	b.Helper()
	orgs := generated(1, 500)
	path := filepath.Join(b.TempDir(), "history.db")
	s := open(b, path, store.Options{})
	if err := s.ReplaceAll(orgs, nil, false); err != nil {
		b.Fatal(err)
	}
	s.Close()
	return path, orgs[0].ID
}

// BenchmarkHistory500 reads one organization's history of 500 completed assessments:
// "compact" is store.Assessments now, "legacy" the same call on the layout before
// schema 3 (a bucket of 43 JSON values per assessment, the layout a file keeps until it
// is migrated), and "bare" the anchor: a bare bbolt read transaction that copies the
// same 500 compact values out of the organization's bucket, decoding nothing. It also
// reports the bytes stored per completed assessment in each layout.
// go test -run x -bench History500 ./store/
func BenchmarkHistory500(b *testing.B) {
	path, id := history500(b)
	legacy := filepath.Join(b.TempDir(), "legacy.db")
	data, err := os.ReadFile(path)
	if err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(legacy, data, 0o600); err != nil {
		b.Fatal(err)
	}
	if err := store.WriteLegacy(legacy, nil, store.SchemaVersion); err != nil { // schema 3: read as is
		b.Fatal(err)
	}
	perAssessment := func(path string) float64 {
		db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true, Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		total, n := 0, 0
		db.View(func(tx *bolt.Tx) error {
			org := tx.Bucket([]byte("orgs")).Bucket([]byte(id))
			return org.ForEach(func(k, v []byte) error {
				if len(k) != 8 {
					return nil
				}
				n++
				if v != nil {
					total += len(k) + len(v)
					return nil
				}
				return org.Bucket(k).ForEach(func(k, v []byte) error {
					total += len(k) + len(v)
					return nil
				})
			})
		})
		return float64(total) / float64(n)
	}
	run := func(path string, bytesPer float64) func(b *testing.B) {
		return func(b *testing.B) {
			s := open(b, path, store.Options{})
			b.ReportAllocs()
			for b.Loop() {
				as, err := s.Assessments(id)
				if err != nil || len(as) != 500 {
					b.Fatal(len(as), err)
				}
			}
			b.ReportMetric(bytesPer, "stored-B/assessment")
		}
	}
	b.Run("compact", run(path, perAssessment(path)))
	b.Run("legacy", run(legacy, perAssessment(legacy)))
	b.Run("bare", func(b *testing.B) {
		db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: time.Second})
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		b.ReportAllocs()
		for b.Loop() {
			var out [][]byte
			db.View(func(tx *bolt.Tx) error {
				c := tx.Bucket([]byte("orgs")).Bucket([]byte(id)).Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					if len(k) == 8 {
						out = append(out, bytes.Clone(v))
					}
				}
				return nil
			})
			if len(out) != 500 {
				b.Fatal(len(out))
			}
		}
	})
}

// BenchmarkStorage2000 reports the space 2,000 completed assessments take (200
// organizations × 10, the default bank, notes on a quarter of the answers): the pages
// in use up to bbolt's high-water mark (tx.Size; the file itself is grown in large
// steps), for a file written in the compact layout ("compact-MB"), the layout of
// schema 2 rewritten into a fresh file by bbolt's Compact ("legacy-MB", so that neither
// carries freed pages), and the schema 2 file after Open migrated it in place
// ("migrated-MB": bbolt never shrinks a file, the freed pages are reused by later
// writes; "migrated-free-MB" of them).
// go test -run x -bench Storage2000 -benchtime 1x ./store/
func BenchmarkStorage2000(b *testing.B) {
	for b.Loop() {
		dir := b.TempDir()
		compact := filepath.Join(dir, "compact.db")
		s := open(b, compact, store.Options{})
		if err := s.ReplaceAll(generated(200, 10), nil, false); err != nil {
			b.Fatal(err)
		}
		s.Close()
		b.ReportMetric(usedMB(b, compact, false)/2000*1e6, "compact-B/assessment")
		b.ReportMetric(usedMB(b, compact, false), "compact-MB")
		if err := store.WriteLegacy(compact, nil, 2); err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(usedMB(b, compact, true), "legacy-MB")
		b.ReportMetric(usedMB(b, compact, true)/2000*1e6, "legacy-B/assessment")
		s = open(b, compact, store.Options{}) // migrates
		s.Close()
		b.ReportMetric(usedMB(b, compact, false), "migrated-MB")
		db, err := bolt.Open(compact, 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		b.ReportMetric(float64(db.Stats().FreePageN*db.Info().PageSize)/1e6, "migrated-free-MB")
		db.Close()
	}
}

// usedMB returns the pages in use in path up to its high-water mark, in MB; with
// fresh, those of a copy rewritten by bbolt's Compact.
func usedMB(b *testing.B, path string, fresh bool) float64 {
	if fresh {
		src, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		dst, err := bolt.Open(path+".compacted", 0o600, nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := bolt.Compact(dst, src, 1<<20); err != nil {
			b.Fatal(err)
		}
		src.Close()
		dst.Close()
		defer os.Remove(path + ".compacted")
		path += ".compacted"
	}
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	var size int64
	db.View(func(tx *bolt.Tx) error { size = tx.Size(); return nil })
	return float64(size) / 1e6
}
