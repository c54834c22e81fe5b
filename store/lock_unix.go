//go:build unix

package store

import (
	"errors"
	"os"
	"syscall"
)

// heldByOther reports whether another open file holds a lock on path that conflicts
// with a shared one, i.e. a cebalance process has it open read-write.
func heldByOther(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	err = syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB)
	if err == nil {
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		return false
	}
	return errors.Is(err, syscall.EWOULDBLOCK)
}
