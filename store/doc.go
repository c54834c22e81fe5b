// Package store keeps cebalance's data in one bbolt file: organizations, their
// assessments and answers, every question bank an assessment was answered with, and the
// SSH access records. It is the only package that imports bbolt.
//
// Every method that reads or writes data runs in exactly one bbolt transaction (View or
// Update), decodes what it needs inside that transaction and returns copies, so callers
// never hold bbolt memory and never hold a transaction across calls. A Store is safe for
// concurrent use.
//
// # Layout
//
// Values are JSON, except a completed assessment and the benchmark snapshot, which are
// compact binary (codec.go is the only place that encodes or decodes values); assessment
// numbers are big-endian uint64 keys, so they sort numerically.
//
//	meta                       bucket
//	  app                      "cebalance": marks the file as ours
//	  schema                   big-endian uint64 schema version (SchemaVersion)
//	  created                  RFC 3339 time the file was initialized
//	banks                      bucket: bank hash ("sha256:…") → questions.Bank JSON
//	bank_refs                  bucket: bank id, 0x00, big-endian uint64 version → hash
//	                           of the latest bank saved with that id and version
//	orgs                       bucket: organization id → bucket
//	  <org id>
//	    org                    Organization JSON
//	    <8-byte number>        one completed assessment as one compact value (codec.go:
//	                           format byte, number, times as deltas, bank ref, profile,
//	                           one performer byte per function in bank order, notes
//	                           only where given): about 1.2 KB for the default bank
//	                           with a quarter of the answers noted
//	drafts                     bucket: organization id → bucket: its draft, if any
//	  <org id>
//	    .head                  as above (no performers yet)
//	    <function id>          assessment.Answer JSON
//	access                     bucket: key fingerprint ("SHA256:…") → Access JSON
//
// Answers have their own keys, so saving one answer writes only that answer's bytes.
// Drafts live apart from the organizations, one level below the root, because of what
// a save costs: bbolt copies on write, so a commit rewrites one page for every bucket
// (and B+tree level) between the changed key and the root, and each page is a write
// before the fsync. Saving into drafts/<org id> rewrites the draft's page, the drafts
// bucket's page and the root, about what a bare Update into one bucket rewrites, however
// many organizations and assessments the file holds; that keeps an answer save within
// 1.3× of a bare bbolt Update of the same bytes (BenchmarkSaveVsBare,
// BenchmarkSaveVsBare5000). ".head" cannot clash with a function id (ids start with a
// letter), nor "org" with an 8-byte number.
//
// A completed assessment never changes again, so it is one value: one organization's
// history of 500 reads in one short cursor walk (BenchmarkHistory500) instead of 500
// buckets of 38 keys, and takes a fifth of the space. Drafts keep a key per answer,
// since a save must stay cheap.
//
// An organization has at most one draft (drafts is keyed by organization), numbered one
// past its latest completed assessment. Complete turns the draft into the compact value
// under the organization and deletes the draft bucket in the same transaction;
// DeleteDraft drops it. ReplaceAll refuses a draft that is not
// an organization's highest-numbered assessment.
//
// Banks are stored by content hash, so a bank is written once however many assessments
// use it, and an old assessment stays scorable after its bank file has changed. The
// embedded default bank is always found, stored or not. Decoded banks are cached in
// memory by hash (a hash names immutable content); banks returned by the store are shared
// and must not be modified.
//
// # Durability
//
// bbolt's fsync stays on: when a write method returns nil, the change is on disk, and a
// kill -9 at any moment leaves a file that reopens and passes Check with every
// acknowledged write in it (TestCrash proves this by killing a child process mid-save).
// There is no batching and no "save on exit". A write that finds no room (a full disk, a
// used-up quota, the file size limit) fails with ErrDiskFull and stores nothing of that
// write; everything before it stays (TestFullDisk).
//
// # Locking
//
// bbolt locks the file: one read-write process at a time (exclusive flock), any number of
// read-only ones (shared flock) while no writer holds it. Open waits Options.Timeout
// (default 1s) for the lock and then fails with ErrLocked, so a second cebalance on a
// file that `cebalance serve` owns fails at once with a clear message instead of hanging.
//
// # Opening safely
//
// Open never modifies a file it does not recognise. Before bbolt touches an existing
// file, Open reads its two meta pages itself: no bbolt magic means ErrNotDatabase; a bad
// checksum, a size that is not a whole number of pages, or a high-water mark past the end
// of the file means ErrCorrupt (bbolt would otherwise crash reading past the end of its
// memory map). After bbolt has opened the file, a read transaction checks the meta
// bucket before any write: a bbolt file with other buckets but no cebalance meta bucket
// is ErrNotDatabase, a newer schema is ErrNewerSchema. Only an empty bbolt file (no
// buckets at all) is initialized.
//
// Damage inside the data pages may only show later. bbolt meets it by panicking, or by
// reading outside its memory map; the store turns both into ErrCorrupt for that one call
// (bbolt has rolled the transaction back by then), so a damaged organization does not
// take a server down. Check reads every page before running bbolt's own consistency
// check, which would otherwise crash the process from a goroutine of its own.
//
// # Schema and migrations
//
// The meta bucket records the schema version. A newer version than SchemaVersion is
// refused with ErrNewerSchema and the file is left untouched. An older one is brought up
// to date by the ordered migrations, each in its own Update that also records the new
// version, so an interrupted upgrade resumes where it stopped. A read-only Open of an
// older file fails and asks for one read-write open.
//
// A migration may take several transactions. Schema 2 → 3 (migrateCompact) rewrites
// every completed assessment bucket of schema 2 (a ".head" and one key per answer) as
// its compact value, each organization whole within one transaction, about 256
// assessments per transaction; the version is recorded with the last one. A crash
// between transactions leaves organizations wholly in one layout or the other, and the
// next read-write Open goes on (TestMigrateKill kills it mid-way). No store method runs
// on a half-migrated file (Open finishes the upgrade first, a read-only Open refuses an
// older schema), but the readers accept both layouts anyway: an assessment the
// migration cannot convert exactly (damaged, or not what its key says) is left in its
// bucket, stays readable, and Check reports it as before.
package store
