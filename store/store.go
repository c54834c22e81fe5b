package store

import (
	"bytes"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/questions"
)

// Options configures Open.
type Options struct {
	// Timeout is how long Open waits for the file lock; 0 means one second.
	Timeout time.Duration
	// ReadOnly opens the file with a shared lock: several read-only processes may share
	// it, but not with a writer. Write methods fail.
	ReadOnly bool
	// Now is the clock for every time the store records; nil means time.Now.
	Now func() time.Time
	// NoCreate makes Open fail (with an error matching fs.ErrNotExist) instead of
	// creating a missing file. ReadOnly implies it.
	NoCreate bool
}

// Store is an open cebalance database.
type Store struct {
	db   *bolt.DB
	path string
	now  func() time.Time

	mu    sync.Mutex
	banks map[string]*questions.Bank // decoded banks by hash; a hash names immutable content

	// accessGen counts the writes of access records through this Store (PutAccess,
	// RevokeAccess). The file is open read-write by one process at a time (bbolt's
	// lock), so an unchanged count means every access record is as it was read.
	accessGen atomic.Uint64

	heads headMemo

	group committer // group commit of autosaves; see group.go
}

// headMemo pairs, per organization, the bytes of the draft head that a change made
// through this Store wrote last with the head they encode, so that the next change
// of the draft does not decode it again (a JSON decode, most of what an answer save
// spends besides the commit). A lookup compares the stored bytes with the kept ones:
// a head written any other way, or a write whose transaction was rolled back, does
// not match and is decoded as before. At most maxHeads organizations are kept.
type headMemo struct {
	mu sync.Mutex
	m  map[string]keptHead
}

type keptHead struct {
	raw []byte
	h   head
}

// maxHeads bounds headMemo: about 300 bytes per organization with a draft.
const maxHeads = 4096

// keep records that raw, written for the draft of orgID, encodes h. raw is not
// changed afterwards (bbolt keeps it until the commit, the memo after).
func (hm *headMemo) keep(orgID string, raw []byte, h head) {
	hm.mu.Lock()
	defer hm.mu.Unlock()
	if hm.m == nil || len(hm.m) >= maxHeads {
		hm.m = make(map[string]keptHead)
	}
	hm.m[orgID] = keptHead{raw, h}
}

// lookup returns the head raw encodes when raw is what keep last recorded for orgID.
func (hm *headMemo) lookup(orgID string, raw []byte) (head, bool) {
	hm.mu.Lock()
	k, ok := hm.m[orgID]
	hm.mu.Unlock()
	if !ok || raw == nil || !bytes.Equal(k.raw, raw) {
		return head{}, false
	}
	h := k.h
	if h.CompletedAt != nil {
		t := *h.CompletedAt
		h.CompletedAt = &t
	}
	return h, true
}

// AccessGeneration returns a number that changes whenever an access record may have
// changed: a record read while it had one value is still the stored one while it
// keeps that value. A caller that checks a key's access at every call can keep the
// record it read until this changes, instead of reading it again.
func (s *Store) AccessGeneration() uint64 { return s.accessGen.Load() }

// Bucket and key names; see the package documentation for the layout.
var (
	bucketMeta     = []byte("meta")
	bucketBanks    = []byte("banks")
	bucketBankRefs = []byte("bank_refs")
	bucketOrgs     = []byte("orgs")
	bucketDrafts   = []byte("drafts")
	bucketAccess   = []byte("access")

	keyApp     = []byte("app")
	keySchema  = []byte("schema")
	keyCreated = []byte("created")
	keyOrg     = []byte("org")
	keyHead    = []byte(".head") // not a function id: those start with a letter

	appName = []byte("cebalance")

	topBuckets = [][]byte{bucketMeta, bucketBanks, bucketBankRefs, bucketOrgs, bucketDrafts, bucketAccess, bucketBenchmark, bucketOutside}
)

// viewRecover runs fn in a read transaction, turning a bbolt panic on a damaged file
// into ErrCorrupt. Only Open uses it: a panic later is a bug to see, not to hide.
func (s *Store) viewRecover(fn func(tx *bolt.Tx) error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = corruptError(s.path, fmt.Sprint(r))
		}
	}()
	return s.db.View(fn)
}

// view runs fn in a read transaction; see guard.
func (s *Store) view(fn func(tx *bolt.Tx) error) error {
	return s.guard(func() error { return s.db.View(fn) })
}

// update runs fn in a write transaction; see guard. When the commit itself fails (fn
// succeeded, bbolt could not write), a full disk is reported as ErrDiskFull; fn's own
// errors are returned as they are.
func (s *Store) update(fn func(tx *bolt.Tx) error) error {
	var fnErr error
	err := s.guard(func() error {
		return s.db.Update(func(tx *bolt.Tx) error {
			fnErr = fn(tx)
			return fnErr
		})
	})
	if err != nil && err != fnErr {
		return s.writeError(err)
	}
	return err
}

// guard runs a transaction, turning bbolt's reaction to a damaged page into ErrCorrupt:
// bbolt panics with a message, or reads outside its memory map (a fault at an address).
// bbolt rolls the transaction back as the panic passes, so one damaged organization does
// not take a server down. Any other panic is a bug and goes on.
func (s *Store) guard(run func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		r := recover()
		if r == nil {
			return
		}
		if msg, ok := damage(r); ok {
			err = corruptError(s.path, msg)
			return
		}
		panic(r)
	}()
	return run()
}

// damage reports whether a panic value is bbolt's way of meeting a damaged file.
func damage(r any) (string, bool) {
	switch v := r.(type) {
	case string: // bbolt's assertions and consistency panics; the store's own code never panics with one
		return v, true
	case runtime.Error:
		if _, ok := v.(interface{ Addr() uintptr }); ok {
			return v.Error(), true
		}
	}
	return "", false
}

// Close closes the database, releasing its lock.
func (s *Store) Close() error {
	s.closeGroup()
	if err := s.db.Close(); err != nil {
		return fmt.Errorf("close database %s: %w", s.path, err)
	}
	return nil
}

// Path returns the path of the database file.
func (s *Store) Path() string { return s.path }

// stamp is the current time as the store records it: UTC, without a monotonic reading,
// so that a value read back equals the one returned.
func (s *Store) stamp() time.Time { return s.now().UTC() }

// top returns the top-level bucket name. In a read-only transaction on a file that was
// never initialized it may be nil, which readers treat as empty.
func top(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if b := tx.Bucket(name); b != nil || !tx.Writable() {
		return b, nil
	}
	return tx.CreateBucket(name)
}
