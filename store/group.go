package store

import (
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	bolt "go.etcd.io/bbolt"
)

// Group commit. Every autosave (an answer, a cleared answer, a profile field) must be
// on disk (committed and fsynced) before the TUI shows it saved. When many sessions
// save at once, one commit each would queue every save behind the fsyncs before it
// (seconds, at 200 directors typing flat out) and spend a commit's CPU per answer;
// instead, the saves that arrive while a commit is on disk go together in the next one,
// which starts commitGap after the one before. A save that finds no commit in flight
// or due is committed at once, alone, so a director typing alone waits for nothing but
// the disk (unlike bbolt's Batch, which waits for company), and no save returns before
// its own commit is on disk.

// commitGap is the least time between the starts of two commits back to back (saves
// arrived during the first). Under load it bounds the commits to 100 a second however
// many directors type, which keeps the commits' CPU off the answers' frames; an editor
// has one store call on its way at a time, with whatever queued up meanwhile
// (SaveAnswersIf), so under load its saves keep pace in one call per commit.
const commitGap = 10 * time.Millisecond

// writeOp is one save waiting for its commit.
type writeOp struct {
	fn  func(tx *bolt.Tx) error
	err chan error
}

// committer queues saves and knows whether a commit is due or in flight.
type committer struct {
	mu      sync.Mutex
	queue   []*writeOp
	running bool         // a goroutine will commit the queue
	closed  bool         // Close has begun: saves go straight to the (closed) database
	started time.Time    // when the last group commit started
	commits atomic.Int64 // transactions committed for groups (tests read it)
}

// coalesce runs fn in a write transaction, together with the saves that queued up
// meanwhile, and returns once that transaction is on disk. fn may run twice (when
// another save in its group fails, each is retried alone), so it must be idempotent:
// the autosaves are puts and deletes.
func (s *Store) coalesce(fn func(tx *bolt.Tx) error) error {
	op := &writeOp{fn: fn, err: make(chan error, 1)}
	c := &s.group
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return s.update(fn)
	}
	c.queue = append(c.queue, op)
	if c.running {
		c.mu.Unlock()
		return <-op.err
	}
	c.running = true
	c.mu.Unlock()
	s.drain()
	return <-op.err
}

// drain commits the queued group. If more saves queued up meanwhile, a new goroutine
// commits them after the gap, so that no caller waits for other people's saves once
// its own is on disk.
func (s *Store) drain() {
	c := &s.group
	c.mu.Lock()
	batch := c.queue
	c.queue = nil
	c.started = time.Now()
	c.mu.Unlock()
	s.commitGroup(batch)
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.queue) == 0 {
		c.running = false
		return
	}
	wait := commitGap - time.Since(c.started)
	go func() {
		if wait > 0 {
			time.Sleep(wait)
		}
		s.drain()
	}()
}

// closeGroup waits until no group commit is due or in flight, so that Close does not
// fail saves that were waiting for the next commit, and sends later saves straight to
// the database.
func (s *Store) closeGroup() {
	c := &s.group
	c.mu.Lock()
	c.closed = true
	for c.running {
		c.mu.Unlock()
		time.Sleep(time.Millisecond)
		c.mu.Lock()
	}
	c.mu.Unlock()
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
		go tell(batch, err)
		return
	}
	// One save was refused (say, the draft was completed meanwhile): the transaction was
	// rolled back, so commit each alone and give each its own answer.
	for _, op := range batch {
		op.err <- s.update(op.fn)
	}
}

// tell gives every save of a group its result, one at a time, letting the other
// runnable goroutines go between two (runtime.Gosched): woken all at once, up to one
// save per session would queue ahead of every session's next key and frame, and
// under load that burst, not the commit, was what directors waited for
// (docs/performance.md). The next commit does not wait for this.
func tell(batch []*writeOp, err error) {
	for i, op := range batch {
		op.err <- err
		if i%tellChunk == tellChunk-1 {
			runtime.Gosched()
		}
	}
}

// tellChunk is how many saves tell wakes between two yields. All at once, a group's
// burst showed in the frames' p99; one by one, a group of 200 took long enough to tell
// that sessions' next saves missed the next commit (docs/performance.md).
const tellChunk = 4
