//go:build unix

package store_test

import (
	"errors"
	"os"
	"syscall"
	"testing"
	"time"

	"cebalance/store"
)

// TestOpenDamagedButLocked: Open sniffs the file before bbolt takes the lock, so it may
// catch a writer in the middle of a commit. A file that looks damaged while another
// process holds it is reported as in use, not as damaged.
func TestOpenDamagedButLocked(t *testing.T) {
	path := seeded(t)
	data := readFile(t, path)
	if err := os.WriteFile(path, data[:len(data)-100], 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(path, store.Options{Timeout: 100 * time.Millisecond}); !errors.Is(err, store.ErrCorrupt) {
		t.Fatalf("Open(truncated) = %v; want ErrCorrupt", err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(path, store.Options{Timeout: 100 * time.Millisecond}); !errors.Is(err, store.ErrLocked) {
		t.Fatalf("Open(truncated, locked by another) = %v; want ErrLocked", err)
	}
}
