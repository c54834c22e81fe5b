package store

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
)

// Backup writes a consistent copy of the database to path (mode 0600) from a read
// transaction, so it runs while the database is in use. It refuses to overwrite
// anything: an existing path, the database itself included, is ErrExists. The copy is
// on disk when Backup returns.
//
// The copy is never half written under its final name: it goes to a temporary file in
// the same folder (created with O_EXCL, mode 0600), which is synced, then linked to
// path (a link, unlike a rename, fails when path exists, so a file that appeared
// meanwhile is never replaced), removed under its temporary name, and the folder is
// synced. A backup killed part way leaves at most a ".cebalance-backup-*.tmp" file, and
// running it again works. On a file system without hard links the final step is a
// rename after one more existence check.
func (s *Store) Backup(path string) error {
	if same(path, s.path) {
		return fmt.Errorf("backup: %s %w: it is the database itself; choose a new file name", path, ErrExists)
	}
	if _, err := os.Lstat(path); err == nil {
		return fmt.Errorf("backup: %s %w; choose a new file name", path, ErrExists)
	}
	dir := filepath.Dir(path)
	tmp, err := createTemp(dir)
	if err != nil {
		var pe *fs.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return fmt.Errorf("backup to %s: cannot create a file in %s: %w", path, dir, err)
	}
	name := tmp.Name()
	err = s.WriteBackup(tmp)
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = placeNew(name, path)
	}
	_ = os.Remove(name)
	if errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("backup: %s %w; choose a new file name", path, ErrExists)
	}
	if err != nil {
		return fmt.Errorf("backup to %s: %w", path, err)
	}
	syncDir(dir)
	return nil
}

// backupWrote, when set (by tests), is called after every write of a backup with the
// bytes written so far.
var backupWrote func(n int64)

// WriteBackup writes a consistent copy of the database to w from one read transaction
// (bbolt's Tx.WriteTo), so it runs while the database is in use; the bytes are a
// database file that Open accepts. Writers are not blocked, but a read transaction
// held open by a slow w keeps the file from growing in place for that long.
func (s *Store) WriteBackup(w io.Writer) error {
	if backupWrote != nil {
		w = &hookWriter{w: w}
	}
	err := s.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(w)
		return err
	})
	if err != nil {
		return fmt.Errorf("backup: %w", err)
	}
	return nil
}

type hookWriter struct {
	w io.Writer
	n int64
}

func (h *hookWriter) Write(p []byte) (int, error) {
	n, err := h.w.Write(p)
	h.n += int64(n)
	backupWrote(h.n)
	return n, err
}

// createTemp creates a new, empty file of mode 0600 in dir with O_EXCL.
func createTemp(dir string) (*os.File, error) {
	for range 100 {
		name := filepath.Join(dir, fmt.Sprintf(".cebalance-backup-%d.tmp", rand.Uint64()))
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, errors.New("cannot create a temporary file")
}

// placeNew gives the complete file tmp the name path, failing with fs.ErrExist when
// path exists, even if it appeared a moment ago.
func placeNew(tmp, path string) error {
	err := os.Link(tmp, path)
	if err == nil || errors.Is(err, fs.ErrExist) {
		return err
	}
	// No hard links here (some network and FAT file systems): check once more and
	// rename. The window between the two is as small as it can be made portably.
	if _, lerr := os.Lstat(path); lerr == nil {
		return fs.ErrExist
	}
	return os.Rename(tmp, path)
}

// same reports whether a and b name the same file.
func same(a, b string) bool {
	if fa, err := os.Stat(a); err == nil {
		if fb, err := os.Stat(b); err == nil {
			return os.SameFile(fa, fb)
		}
	}
	aa, err1 := filepath.Abs(a)
	ab, err2 := filepath.Abs(b)
	return err1 == nil && err2 == nil && aa == ab
}

// syncDir makes a new directory entry durable. It is best effort: some systems cannot
// sync a directory, and the file itself is already synced.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}

// maxProblems bounds the problems Check reports.
const maxProblems = 10

// Check verifies the database: bbolt's consistency check of every page (Tx.Check), then
// that every record decodes and every assessment's bank is present. It returns ErrCorrupt
// listing the first problems found.
func (s *Store) Check() error {
	var problems []string
	total := 0
	add := func(p string) {
		total++
		if len(problems) < maxProblems {
			problems = append(problems, p)
		}
	}
	err := s.view(func(tx *bolt.Tx) error {
		// bbolt's check runs in a goroutine of its own, where a damaged page would crash
		// the process; reading every page here first turns that into ErrCorrupt (guard).
		walk(tx)
		for err := range tx.Check() {
			add(err.Error())
		}
		if total == 0 {
			s.checkRecords(tx, add)
		}
		return nil
	})
	if errors.Is(err, ErrCorrupt) {
		return err
	}
	if err != nil {
		return fmt.Errorf("check database %s: %w", s.path, err)
	}
	if total == 0 {
		return nil
	}
	more := ""
	if total > len(problems) {
		more = fmt.Sprintf("; and %d more", total-len(problems))
	}
	return &dbError{
		msg: fmt.Sprintf("database %s failed its consistency check (%d problems: %s%s): restore it from a backup",
			s.path, total, strings.Join(problems, "; "), more),
		kind: ErrCorrupt,
	}
}

// walk reads every key and value of every bucket, and so every reachable page.
func walk(tx *bolt.Tx) {
	var bucket func(b *bolt.Bucket)
	bucket = func(b *bolt.Bucket) {
		_ = b.ForEach(func(k, v []byte) error {
			if v == nil {
				bucket(b.Bucket(k))
			} else if len(v) > 0 {
				_ = v[0] + v[len(v)-1] // touch the value's pages
			}
			return nil
		})
	}
	_ = tx.ForEach(func(_ []byte, b *bolt.Bucket) error {
		bucket(b)
		return nil
	})
}

// checkRecords decodes every record, reporting what does not decode or is missing.
func (s *Store) checkRecords(tx *bolt.Tx, add func(string)) {
	if k, _ := tx.Cursor().First(); k == nil {
		return // never initialized: opened read-only before the first write
	}
	for _, name := range topBuckets {
		if tx.Bucket(name) == nil {
			add(fmt.Sprintf("bucket %q is missing", name))
		}
	}
	report := func(err error) {
		if err != nil {
			add(err.Error())
		}
	}
	report(checkBanks(tx, report))
	last, err := s.checkOrgs(tx, add)
	report(err)
	report(s.checkDrafts(tx, last, add))
	if access := tx.Bucket(bucketAccess); access != nil {
		report(access.ForEach(func(k, v []byte) error {
			var a Access
			report(decode(v, &a, "access %s", k))
			return nil
		}))
	}
}

// checkBanks decodes every stored bank and checks it against its hash.
func checkBanks(tx *bolt.Tx, report func(error)) error {
	banks := tx.Bucket(bucketBanks)
	if banks == nil {
		return nil
	}
	// Decode the stored bytes, not the cache: the default bank is always cached.
	return banks.ForEach(func(k, v []byte) error {
		b, err := decodeBank(v, string(k))
		if err == nil && b.ComputeHash() != string(k) {
			err = fmt.Errorf("bank %s: its content does not match its hash", k)
		}
		report(err)
		return nil
	})
}

// checkOrgs checks every organization and its completed assessments, and returns each
// organization's latest completed number (0: none).
func (s *Store) checkOrgs(tx *bolt.Tx, add func(string)) (map[string]int, error) {
	last := map[string]int{}
	orgs := tx.Bucket(bucketOrgs)
	if orgs == nil {
		return last, nil
	}
	err := orgs.ForEachBucket(func(id []byte) error {
		if _, err := readOrg(orgs, id); err != nil {
			add(err.Error())
		}
		org := orgs.Bucket(id)
		last[string(id)] = 0
		c := org.Cursor()
		for k, v := c.First(); k != nil; k, v = c.Next() {
			if bytes.Equal(k, keyOrg) {
				continue
			}
			n, ok := keyNumber(k)
			switch {
			case !ok:
				add(fmt.Sprintf("organization %q: bad assessment key %x", id, k))
				continue
			case v == nil: // the layout before schema 3
				s.checkAssessment(tx, string(id), org.Bucket(k), n, add)
			default:
				s.checkCompact(tx, string(id), org, n, v, add)
			}
			last[string(id)] = n
		}
		return nil
	})
	return last, err
}

// checkCompact checks completed assessment n of organization id, stored compact as v.
// Decoding checks the value (and finds the bank of positional answers); the bank must
// be there for a value without positions too, to score it.
func (s *Store) checkCompact(tx *bolt.Tx, id string, org *bolt.Bucket, n int, v []byte, add func(string)) {
	a, err := s.completedTx(tx, org, id, n, v, false)
	if err != nil {
		add(err.Error())
	} else if _, err := s.bankTx(tx, a.Bank); err != nil {
		add(fmt.Sprintf("assessment %d of %q: %v", n, id, err))
	}
}

// checkDrafts checks every draft: of an organization that exists, numbered after its
// latest completed assessment (last).
func (s *Store) checkDrafts(tx *bolt.Tx, last map[string]int, add func(string)) error {
	drafts := tx.Bucket(bucketDrafts)
	if drafts == nil {
		return nil
	}
	return drafts.ForEachBucket(func(id []byte) error {
		n, ok := last[string(id)]
		if !ok {
			add(fmt.Sprintf("a draft of organization %q, which does not exist", id))
			return nil
		}
		if number := s.checkAssessment(tx, string(id), drafts.Bucket(id), 0, add); number <= n {
			add(fmt.Sprintf("the draft of %q is numbered %d, not after its latest completed assessment %d", id, number, n))
		}
		return nil
	})
}

// checkAssessment checks assessment bucket b of organization id (number 0: its draft)
// and returns its number.
func (s *Store) checkAssessment(tx *bolt.Tx, id string, b *bolt.Bucket, number int, add func(string)) int {
	h, err := readHead(b, id, number)
	if err != nil {
		add(err.Error())
		return 0
	}
	answers, err := readAnswers(b, id, number)
	if err != nil {
		add(err.Error())
		return h.Number
	}
	bank, err := s.bankTx(tx, h.Bank)
	if err != nil {
		add(fmt.Sprintf("assessment %d of %q: %v", h.Number, id, err))
		return h.Number
	}
	switch {
	case number == 0 && h.Status != assessment.Draft:
		add(fmt.Sprintf("the draft of %q is marked %s", id, h.Status))
	case number != 0 && (h.Status != assessment.Completed || h.Number != number):
		add(fmt.Sprintf("assessment %d of %q is marked %s number %d", number, id, h.Status, h.Number))
	case number != 0 && h.Performers != performersOf(bank, answers):
		add(fmt.Sprintf("assessment %d of %q: the performers in its head disagree with its answers", number, id))
	case number != 0 && h.Hours != hoursOf(bank, answers):
		add(fmt.Sprintf("assessment %d of %q: the estimates in its head disagree with its answers", number, id))
	}
	return h.Number
}
