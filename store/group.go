package store

import (
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"
)

// Group commit. Every autosave (an answer, a cleared answer, a profile field) must be
// on disk (committed and fsynced) before the TUI shows it saved. When many sessions save at once, each fsync would wait for the
// one before it; instead, the saves that arrive while a commit is on disk go together in
// the next one. A save that finds nothing in flight is committed at once, alone, so a
// single director pays nothing for this (unlike bbolt's Batch, which waits for
// company), and no save returns before its own commit is on disk.

// writeOp is one save waiting for its commit.
type writeOp struct {
	fn  func(tx *bolt.Tx) error
	err chan error
}

// committer queues saves and knows whether a commit is in flight.
type committer struct {
	mu      sync.Mutex
	queue   []*writeOp
	running bool
	commits atomic.Int64 // transactions committed for groups (tests read it)
}

// coalesce runs fn in a write transaction, together with the saves that queued up
// while the previous commit was on disk. fn may run twice (when another save in its
// group fails, each is retried alone), so it must be idempotent: the autosaves are puts
// and deletes.
func (s *Store) coalesce(fn func(tx *bolt.Tx) error) error {
	op := &writeOp{fn: fn, err: make(chan error, 1)}
	c := &s.group
	c.mu.Lock()
	c.queue = append(c.queue, op)
	if !c.running {
		c.running = true
		c.mu.Unlock()
		s.drain()
	} else {
		c.mu.Unlock()
	}
	return <-op.err
}

// drain commits the queued group, which holds the caller's save. If more saves queued
// up meanwhile, a new goroutine commits them, so that no caller waits for other
// people's saves once its own is on disk.
func (s *Store) drain() {
	c := &s.group
	c.mu.Lock()
	batch := c.queue
	c.queue = nil
	c.mu.Unlock()
	s.commitGroup(batch)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.running = false
		return
	}
	go s.drain()
}

// commitGroup commits a group of saves in one transaction and tells each its result.
func (s *Store) commitGroup(batch []*writeOp) {
	s.group.commits.Add(1)
	if len(batch) == 1 {
		batch[0].err <- s.update(batch[0].fn)
		return
	}
	failed := false
	err := s.update(func(tx *bolt.Tx) error {
		for _, op := range batch {
			if err := op.fn(tx); err != nil {
				failed = true
				return err
			}
		}
		return nil
	})
	if err == nil || !failed {
		// Committed, or the commit itself failed (a full disk): the same for everyone.
		for _, op := range batch {
			op.err <- err
		}
		return
	}
	// One save was refused (say, the draft was completed meanwhile): the transaction was
	// rolled back, so commit each alone and give each its own answer.
	for _, op := range batch {
		op.err <- s.update(op.fn)
	}
}
