package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/fnv"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"cebalance/assessment"
	"cebalance/questions"
)

// SchemaVersion is the schema this binary writes. Each migration raises it by one.
const SchemaVersion = 1

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
	// ErrInvalid is returned when input breaks a rule. It is assessment.ErrInvalid, and
	// the error carries an *assessment.FieldError naming the field, so errors.Is with
	// either sentinel and errors.As with *assessment.FieldError all work.
	ErrInvalid = assessment.ErrInvalid
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
}

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

	topBuckets = [][]byte{bucketMeta, bucketBanks, bucketBankRefs, bucketOrgs, bucketDrafts, bucketAccess}
)

// migration upgrades the schema by one version inside the given write transaction.
type migration func(tx *bolt.Tx) error

// migrations[i] upgrades schema i+1 to i+2; SchemaVersion == len(migrations)+1.
var migrations = []migration{}

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

// Open opens the cebalance database at path, creating it (and its directories, 0700;
// the file 0600) unless opts.NoCreate or opts.ReadOnly is set. It never modifies a file
// that is not a cebalance database, is damaged or has a newer schema; see the package
// documentation.
func Open(path string, opts Options) (*Store, error) {
	if path == "" {
		return nil, errors.New("open database: no path given")
	}
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = time.Second
	}
	now := opts.Now
	if now == nil {
		now = time.Now
	}

	fi, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if opts.NoCreate || opts.ReadOnly {
			return nil, notExistError(path, "does not exist")
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, pathError(path, err)
		}
	case err != nil:
		return nil, pathError(path, err)
	case !fi.Mode().IsRegular():
		return nil, notDatabaseError(path, "it is not a regular file")
	case fi.Size() == 0:
		if opts.ReadOnly {
			return nil, notExistError(path, "is empty (nothing has been saved yet)")
		}
	default:
		if err := sniff(path, fi.Size()); err != nil {
			return nil, err
		}
	}

	db, err := openBolt(path, &bolt.Options{Timeout: timeout, ReadOnly: opts.ReadOnly})
	if err != nil {
		return nil, err
	}
	s := &Store{db: db, path: path, now: now, banks: map[string]*questions.Bank{}}
	for _, b := range questions.Builtin() {
		s.banks[b.Hash] = b // version 1 too: assessments made with it keep their bank
	}
	if err := s.prepare(opts.ReadOnly); err != nil {
		_ = db.Close()
		return nil, err
	}
	return s, nil
}

// openBolt opens the file with bbolt, turning its errors (and its panics on damaged
// files) into the store's.
func openBolt(path string, o *bolt.Options) (db *bolt.DB, err error) {
	var file *os.File
	o.OpenFile = func(name string, flag int, perm os.FileMode) (*os.File, error) {
		f, err := os.OpenFile(name, flag, perm)
		file = f
		return f, err
	}
	// A damaged page can send bbolt reading outside its memory map: make that fault a
	// panic we can recover from rather than a crash.
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			if file != nil {
				_ = file.Close() // releases the lock bbolt took on it
			}
			db, err = nil, corruptError(path, fmt.Sprint(r))
		}
	}()
	db, err = bolt.Open(path, 0o600, o)
	switch {
	case err == nil:
		return db, nil
	case errors.Is(err, berrors.ErrTimeout):
		return nil, lockedError(path)
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrChecksum):
		return nil, corruptError(path, err.Error())
	case errors.Is(err, berrors.ErrVersionMismatch):
		return nil, notDatabaseError(path, "unsupported bbolt file version")
	case errors.Is(err, fs.ErrPermission), errors.Is(err, syscall.EROFS):
		return nil, accessError(path, o.ReadOnly, err)
	}
	return nil, fmt.Errorf("open database %s: %w", path, err)
}

// pathError explains a path that cannot hold a database: a folder on it cannot be
// created or searched, or is a file.
func pathError(path string, err error) error {
	why := err.Error() // "mkdir /srv/data: permission denied"
	if errors.Is(err, syscall.ENOTDIR) {
		why = "a part of the path is a file, not a folder"
	}
	return &dbError{
		msg:  fmt.Sprintf("cannot create or open database %s (%s): choose a folder you can write to with --db", path, why),
		kind: err,
	}
}

// accessError explains a database file that cannot be created, written or read: a
// folder or file without write permission, or a read-only file system.
func accessError(path string, readOnly bool, err error) error {
	why := err.Error()
	var pe *fs.PathError
	if errors.As(err, &pe) {
		why = pe.Err.Error() // the path is in the message already
	}
	var msg string
	switch _, serr := os.Stat(path); {
	case readOnly:
		msg = fmt.Sprintf("cannot read database %s (%s): check its permissions", path, why)
	case errors.Is(serr, fs.ErrNotExist):
		msg = fmt.Sprintf("cannot create database %s (%s): its folder is not writable; choose a folder you can write to with --db", path, why)
	default:
		msg = fmt.Sprintf("cannot open database %s for writing (%s): check the permissions of the file and its folder, or choose another file with --db", path, why)
	}
	return &dbError{msg: msg, kind: err}
}

// bbolt's on-disk meta page (go.etcd.io/bbolt/internal/common): a 16-byte page header
// (id uint64, flags uint16, count uint16, overflow uint32), then the meta: magic uint32,
// version uint32, pageSize uint32, flags uint32, root bucket (pgid uint64, sequence
// uint64), freelist pgid uint64, high-water pgid uint64, txid uint64, and a FNV-64a
// checksum of the preceding 56 bytes. Fields are in the machine's byte order.
const (
	boltMagic        = 0xED0CDAED
	boltVersion      = 2
	pageHeaderSize   = 16
	metaSize         = 64
	metaChecksumEnd  = 56
	metaPageFlag     = 0x04
	noFreelist       = ^uint64(0)
	minPages         = 4
	maxPageSize      = 1 << 20
	sniffPageSizeMin = 512
)

type meta struct {
	magic, version, pageSize uint32
	root, freelist, pgid     uint64
	txid                     uint64
	valid                    bool
}

func readMeta(buf []byte) meta {
	if len(buf) < pageHeaderSize+metaSize {
		return meta{}
	}
	bo := binary.NativeEndian
	flags := bo.Uint16(buf[8:10])
	m := buf[pageHeaderSize : pageHeaderSize+metaSize]
	h := fnv.New64a()
	h.Write(m[:metaChecksumEnd])
	md := meta{
		magic:    bo.Uint32(m[0:4]),
		version:  bo.Uint32(m[4:8]),
		pageSize: bo.Uint32(m[8:12]),
		root:     bo.Uint64(m[16:24]),
		freelist: bo.Uint64(m[32:40]),
		pgid:     bo.Uint64(m[40:48]),
		txid:     bo.Uint64(m[48:56]),
	}
	md.valid = md.magic == boltMagic && md.version == boltVersion && flags == metaPageFlag &&
		bo.Uint64(m[56:64]) == h.Sum64() &&
		md.pageSize >= sniffPageSizeMin && md.pageSize <= maxPageSize && md.pageSize&(md.pageSize-1) == 0
	return md
}

// sniff reads the meta pages of an existing, non-empty file the way bbolt would, without
// locking or writing, and refuses files bbolt would reject, misread or crash on.
func sniff(path string, size int64) error {
	f, err := os.Open(path)
	if err != nil {
		return fmt.Errorf("open database %s: %w", path, err)
	}
	defer f.Close()
	read := func(off int64) []byte {
		buf := make([]byte, pageHeaderSize+metaSize)
		n, _ := f.ReadAt(buf, off)
		return buf[:n]
	}

	m0 := readMeta(read(0))
	// Meta 1 sits one page further; bbolt looks for it at the OS page size when meta 0
	// is unreadable.
	off1 := int64(os.Getpagesize())
	if m0.valid {
		off1 = int64(m0.pageSize)
	}
	m1 := readMeta(read(off1))

	if !m0.valid && !m1.valid {
		if m0.magic != boltMagic && m1.magic != boltMagic {
			return notDatabaseError(path, "no bbolt header")
		}
		if m0.magic == boltMagic && m0.version != boltVersion {
			return notDatabaseError(path, fmt.Sprintf("bbolt file format %d", m0.version))
		}
		return probeLocked(path, corruptError(path, "both meta pages are invalid"))
	}
	m := m0
	if !m0.valid || (m1.valid && m1.txid > m0.txid) {
		m = m1
	}
	ps := int64(m.pageSize)
	switch {
	case size%ps != 0:
		return probeLocked(path, corruptError(path, fmt.Sprintf("size %d is not a whole number of %d-byte pages; the file was truncated", size, ps)))
	case size < minPages*ps:
		return probeLocked(path, corruptError(path, fmt.Sprintf("size %d is smaller than an empty database", size)))
	case m.pgid > uint64(size/ps):
		return probeLocked(path, corruptError(path, fmt.Sprintf("file ends at page %d but data reaches page %d; the file was truncated", size/ps, m.pgid)))
	case m.root >= m.pgid:
		return probeLocked(path, corruptError(path, "root page beyond the end of the data"))
	case m.freelist == noFreelist:
		// cebalance always syncs the freelist; bbolt would rewrite this file on open.
		return notDatabaseError(path, "bbolt file written without a freelist")
	case m.freelist >= m.pgid:
		return probeLocked(path, corruptError(path, "freelist page beyond the end of the data"))
	}
	return nil
}

// probeLocked returns ErrLocked instead of err when another process holds the file: the
// sniff reads without the lock, so it may catch a writer mid-commit.
func probeLocked(path string, err error) error {
	if heldByOther(path) {
		return lockedError(path)
	}
	return err
}

// prepare checks the schema in a read transaction before anything is written, then
// initializes an empty file or runs the migrations.
func (s *Store) prepare(readOnly bool) error {
	var (
		version uint64
		empty   bool
	)
	err := s.viewRecover(func(tx *bolt.Tx) error {
		m := tx.Bucket(bucketMeta)
		if m == nil {
			k, _ := tx.Cursor().First()
			if k != nil {
				return notDatabaseError(s.path, "a bbolt file of another program")
			}
			empty = true
			return nil
		}
		if !bytes.Equal(m.Get(keyApp), appName) {
			return notDatabaseError(s.path, "a bbolt file of another program")
		}
		v := m.Get(keySchema)
		if len(v) != 8 {
			return corruptError(s.path, "schema version missing")
		}
		version = binary.BigEndian.Uint64(v)
		if version == 0 {
			return corruptError(s.path, "schema version 0")
		}
		return nil
	})
	switch {
	case err != nil:
		return err
	case empty && readOnly:
		return nil // readers treat missing buckets as empty
	case empty:
		return s.initialize()
	case version > SchemaVersion:
		return &dbError{
			msg: fmt.Sprintf("database %s was written by a newer cebalance (schema %d, this version knows %d): upgrade cebalance",
				s.path, version, SchemaVersion),
			kind: ErrNewerSchema,
		}
	case version < SchemaVersion && readOnly:
		return fmt.Errorf("database %s has schema %d and needs an upgrade to %d: open it once without read-only (e.g. run `cebalance`)",
			s.path, version, SchemaVersion)
	}
	return s.migrate(version, migrations)
}

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
		return m.Put(keyCreated, []byte(s.stamp().Format(time.RFC3339Nano)))
	})
	if err != nil {
		return fmt.Errorf("initialize database %s: %w", s.path, err)
	}
	return nil
}

// migrate runs list[from-1:] in order, each in its own Update that also records the new
// version, so an interrupted upgrade resumes at the step that failed.
func (s *Store) migrate(from uint64, list []migration) error {
	for v := from; v < uint64(len(list))+1; v++ {
		step := list[v-1]
		err := s.update(func(tx *bolt.Tx) error {
			if err := step(tx); err != nil {
				return err
			}
			return tx.Bucket(bucketMeta).Put(keySchema, u64(v+1))
		})
		if err != nil {
			return fmt.Errorf("upgrade database %s from schema %d to %d: %w", s.path, v, v+1, err)
		}
	}
	return nil
}

// Close closes the database, releasing its lock.
func (s *Store) Close() error {
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
