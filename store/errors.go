package store

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"syscall"

	"cebalance/assessment"
)

// Errors returned by the store. They are wrapped with context; test them with errors.Is.
var (
	// ErrLocked is returned by Open when another process holds the database file.
	ErrLocked = errors.New("database is in use by another process")
	// ErrNotDatabase is returned by Open when the file is not a cebalance database.
	ErrNotDatabase = errors.New("not a cebalance database")
	// ErrCorrupt is returned when the file is truncated or damaged, or a stored record
	// cannot be decoded; Check returns it when the consistency check finds problems.
	ErrCorrupt = errors.New("database is damaged")
	// ErrNewerSchema is returned by Open when the file was written by a newer cebalance.
	ErrNewerSchema = errors.New("database was written by a newer cebalance")
	// ErrDiskFull is returned by a write when the disk is full, a disk quota is used up
	// or the process's file size limit (ulimit -f) was reached. Nothing of that write
	// was stored; everything written before it is intact.
	ErrDiskFull = errors.New("the disk is full")
	// ErrNotFound is returned when an organization, assessment, draft, bank or access
	// record does not exist.
	ErrNotFound = errors.New("not found")
	// ErrExists is returned when creating something whose id or name is taken, or when a
	// backup would overwrite an existing file.
	ErrExists = errors.New("already exists")
	// ErrDraftExists is returned by StartAssessment when the organization already has a
	// draft.
	ErrDraftExists = errors.New("a draft already exists")
	// ErrNotDraft is returned when changing an assessment that is already completed.
	ErrNotDraft = errors.New("already completed")
	// ErrIncomplete is returned by Complete when some functions are unanswered; the error
	// text lists their ids.
	ErrIncomplete = errors.New("assessment is incomplete")
	// ErrConflict is returned (as a *ConflictError) when a compare-and-set write finds
	// that the draft changed since the editor last saw it.
	ErrConflict = errors.New("changed by someone else since you last saw it")
	// ErrInvalid is returned when input breaks a rule. It is assessment.ErrInvalid, and
	// the error carries an *assessment.FieldError naming the field, so errors.Is with
	// either sentinel and errors.As with *assessment.FieldError all work.
	ErrInvalid = assessment.ErrInvalid
)

// dbError is an error about the database file as a whole, with a message written for
// the director and the sentinel it matches.
type dbError struct {
	msg   string
	kind  error
	cause error
}

func (e *dbError) Error() string { return e.msg }

func (e *dbError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.kind}
	}
	return []error{e.kind, e.cause}
}

func lockedError(path string) error {
	return &dbError{
		msg:  fmt.Sprintf("database %s is in use by another cebalance process (close it, or stop `cebalance serve`)", path),
		kind: ErrLocked,
	}
}

func notDatabaseError(path, why string) error {
	return &dbError{
		msg:  fmt.Sprintf("%s is not a cebalance database (%s): choose another file with --db", path, why),
		kind: ErrNotDatabase,
	}
}

func corruptError(path, why string) error {
	return &dbError{
		msg:  fmt.Sprintf("database %s is damaged (%s): restore it from a backup", path, why),
		kind: ErrCorrupt,
	}
}

func notExistError(path, why string) error {
	return &dbError{msg: fmt.Sprintf("database %s %s", path, why), kind: fs.ErrNotExist}
}

// noSpace are the errors of a write that found no room: a full disk, a used-up quota,
// the file size limit (EFBIG, with SIGXFSZ ignored, which the Go runtime does).
var noSpace = []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EFBIG}

// writeError turns a failed commit that found no room into ErrDiskFull, with a message
// that says what to do; other errors are returned unchanged.
func (s *Store) writeError(err error) error {
	for _, e := range noSpace {
		// bbolt formats the error of growing the file with %s ("file resize error:
		// truncate …: file too large"), which drops the chain: look at the text too.
		// Only commit errors get here, never text the user typed.
		if errors.Is(err, e) || strings.Contains(err.Error(), e.Error()) {
			return &dbError{
				msg: fmt.Sprintf("the disk is full or the file size limit was reached (%s writing %s): "+
					"free some space and try again; this change was not saved, everything saved before it is", e.Error(), s.path),
				kind:  ErrDiskFull,
				cause: err,
			}
		}
	}
	return err
}
