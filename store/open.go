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
	"runtime/debug"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"

	"cebalance/questions"
)

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
