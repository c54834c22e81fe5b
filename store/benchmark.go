package store

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// This file holds the benchmark snapshot: every organization's benchmark figures frozen
// at one moment, which peer benchmarks and the community benchmark read instead of live
// data, so that polling before and after one organization's re-assessment shows nothing,
// and a scorecard opens in the same time however many organizations there are.
//
//	benchmark                  bucket
//	  as_of                    RFC 3339 time the snapshot was taken
//	  since                    bucket: organization id → "" for each organization that
//	                           completed an assessment after the snapshot
//	  groups                   bucket: group key ("real|medium|", "demo|small|yes") →
//	                           the group's counts and sorted figures (encodeGroup)
//	  members                  bucket: member id → its figures (encodeMember), to leave
//	                           out what a viewer can see
//	outside                    bucket: source name → its contributions (encodeMembers)
//
// A new snapshot is taken when RefreshEvery organizations have completed an assessment
// since the last one (after the Complete that reaches it), in the same transaction as
// an import, a demo removal or an outside contribution, and by RefreshBenchmark.

var (
	bucketBenchmark = []byte("benchmark")
	bucketOutside   = []byte("outside")
	bucketSince     = []byte("since")
	bucketGroups    = []byte("groups")
	bucketMembers   = []byte("members")
	keyAsOf         = []byte("as_of")
)

// RefreshEvery is how many organizations must complete an assessment before a new
// snapshot is taken: the published figures then move for several organizations at once,
// never for one.
const RefreshEvery = 3

// outsidePrefix starts the member id of an outside contribution; organization ids are
// slugs and never contain it.
const outsidePrefix = "~"

// refreshMu makes snapshot refreshes of one store run one at a time.
var refreshMu sync.Mutex

// noteCompleted records, inside Complete's transaction, that orgID has completed an
// assessment since the last snapshot.
func noteCompleted(tx *bolt.Tx, orgID string) error {
	b, err := tx.CreateBucketIfNotExists(bucketBenchmark)
	if err != nil {
		return err
	}
	since, err := b.CreateBucketIfNotExists(bucketSince)
	if err != nil {
		return err
	}
	return since.Put([]byte(orgID), nil)
}

// refreshIfDue takes a new snapshot when RefreshEvery organizations have completed an
// assessment since the last one. Complete calls it after its commit; a failure leaves
// the snapshot due, and the next completion or `benchmark refresh` tries again, so it
// is not the completion's failure.
func (s *Store) refreshIfDue() {
	// Under refreshMu, so that completions arriving together take one snapshot: one
	// that waited while another took it finds it no longer due.
	refreshMu.Lock()
	defer refreshMu.Unlock()
	due := false
	_ = s.view(func(tx *bolt.Tx) error {
		if since := sinceBucket(tx); since != nil {
			due = since.Stats().KeyN >= RefreshEvery
		}
		return nil
	})
	if due {
		_ = s.refreshLocked()
	}
}

func sinceBucket(tx *bolt.Tx) *bolt.Bucket {
	if b := tx.Bucket(bucketBenchmark); b != nil {
		return b.Bucket(bucketSince)
	}
	return nil
}

// RefreshBenchmark takes a new benchmark snapshot now. It reads everything in one read
// transaction, so writers are not held up while it scores, and writes the snapshot in a
// short second one.
func (s *Store) RefreshBenchmark() error {
	refreshMu.Lock()
	defer refreshMu.Unlock()
	return s.refreshLocked()
}

// refreshLocked is RefreshBenchmark with refreshMu held.
func (s *Store) refreshLocked() error {
	var (
		values []assessment.PeerValues
		seen   [][]byte
	)
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		if values, err = s.collectTx(tx); err != nil {
			return err
		}
		if since := sinceBucket(tx); since != nil {
			return since.ForEach(func(k, _ []byte) error {
				seen = append(seen, bytes.Clone(k))
				return nil
			})
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("refresh benchmark: %w", err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		if err := writeSnapshotTx(tx, values, s.stamp()); err != nil {
			return err
		}
		since := sinceBucket(tx)
		for _, k := range seen {
			if err := since.Delete(k); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("refresh benchmark: %w", err)
	}
	return nil
}

// refreshTx takes a new snapshot inside a write transaction that has changed the data
// as a whole (an import, a demo removal, an outside contribution, the migration).
func (s *Store) refreshTx(tx *bolt.Tx) error {
	values, err := s.collectTx(tx)
	if err != nil {
		return err
	}
	if err := writeSnapshotTx(tx, values, s.stamp()); err != nil {
		return err
	}
	b := tx.Bucket(bucketBenchmark)
	if b.Bucket(bucketSince) != nil {
		if err := b.DeleteBucket(bucketSince); err != nil {
			return err
		}
	}
	_, err = b.CreateBucket(bucketSince)
	return err
}

// collectTx returns the benchmark figures of every organization's latest completed
// assessment and of every outside contribution.
func (s *Store) collectTx(tx *bolt.Tx) ([]assessment.PeerValues, error) {
	var out []assessment.PeerValues
	if orgs := tx.Bucket(bucketOrgs); orgs != nil {
		err := orgs.ForEachBucket(func(id []byte) error {
			a, bank, err := s.latestTx(tx, orgs.Bucket(id), string(id))
			if a == nil || err != nil {
				return err
			}
			o, err := readOrg(orgs, id)
			if err != nil {
				return err
			}
			v := assessment.ValuesOf(o.ID, bank, a)
			v.Demo = o.Demo
			out = append(out, v)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if outside := tx.Bucket(bucketOutside); outside != nil {
		err := outside.ForEach(func(k, v []byte) error {
			members, err := decodeMembers(v)
			if err != nil {
				return fmt.Errorf("%w: outside contributions of %q: %v", ErrCorrupt, k, err)
			}
			out = append(out, members...)
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// writeSnapshotTx replaces the snapshot's groups and members with values, taken at asOf.
func writeSnapshotTx(tx *bolt.Tx, values []assessment.PeerValues, asOf time.Time) error {
	b, err := tx.CreateBucketIfNotExists(bucketBenchmark)
	if err != nil {
		return err
	}
	if _, err := b.CreateBucketIfNotExists(bucketSince); err != nil {
		return err
	}
	for _, name := range [][]byte{bucketGroups, bucketMembers} {
		if b.Bucket(name) != nil {
			if err := b.DeleteBucket(name); err != nil {
				return err
			}
		}
	}
	groupsB, err := b.CreateBucket(bucketGroups)
	if err != nil {
		return err
	}
	membersB, err := b.CreateBucket(bucketMembers)
	if err != nil {
		return err
	}
	groups := map[assessment.GroupKey]*assessment.Group{}
	for _, v := range values {
		for _, k := range assessment.KeysOf(v) {
			g := groups[k]
			if g == nil {
				g = &assessment.Group{}
				groups[k] = g
			}
			g.Add(v)
		}
		if err := membersB.Put([]byte(v.OrgID), encodeMember(v)); err != nil {
			return err
		}
	}
	for k, g := range groups {
		g.Sort()
		if err := groupsB.Put(groupKeyBytes(k), encodeGroup(g)); err != nil {
			return err
		}
	}
	return b.Put(keyAsOf, []byte(asOf.UTC().Format(time.RFC3339Nano)))
}

func groupKeyBytes(k assessment.GroupKey) []byte {
	pop := "real"
	if k.Demo {
		pop = "demo"
	}
	return []byte(pop + "|" + string(k.Band) + "|" + k.Teaching)
}

// snapshotAsOf returns when the snapshot was taken (zero when there is none).
func snapshotAsOf(b *bolt.Bucket) (time.Time, error) {
	v := b.Get(keyAsOf)
	if v == nil {
		return time.Time{}, nil
	}
	t, err := time.Parse(time.RFC3339Nano, string(v))
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: benchmark snapshot time %q", ErrCorrupt, v)
	}
	return t, nil
}

// groupTx reads group k of the snapshot less the members among exclude that belong to
// it.
func groupTx(b *bolt.Bucket, k assessment.GroupKey, exclude []string) (assessment.Group, error) {
	var g assessment.Group
	groups := b.Bucket(bucketGroups)
	if groups == nil {
		return g, nil
	}
	data := groups.Get(groupKeyBytes(k))
	if data == nil {
		return g, nil
	}
	g, err := decodeGroup(data)
	if err != nil {
		return g, fmt.Errorf("%w: benchmark group %s: %v", ErrCorrupt, groupKeyBytes(k), err)
	}
	var ex []assessment.PeerValues
	members := b.Bucket(bucketMembers)
	seen := map[string]bool{}
	for _, id := range exclude {
		if seen[id] || members == nil {
			continue
		}
		seen[id] = true
		data := members.Get([]byte(id))
		if data == nil {
			continue
		}
		v, err := decodeMember(id, data)
		if err != nil {
			return g, fmt.Errorf("%w: benchmark member %q: %v", ErrCorrupt, id, err)
		}
		for _, vk := range assessment.KeysOf(v) {
			if vk == k {
				ex = append(ex, v)
			}
		}
	}
	return g.Without(ex), nil
}

// Peers returns the published peer benchmark of assessment a of org, seen by a viewer
// who can see the organizations exclude (a director: all of theirs; an admin or the
// local user: org alone — org is always left out). A draft has none. The figures come
// from the benchmark snapshot; demo data is compared only with demo data.
func (s *Store) Peers(org Organization, a *assessment.Assessment, exclude []string) (assessment.PeerBenchmark, error) {
	var pb assessment.PeerBenchmark
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		pb, err = peersTx(tx, org, a, exclude)
		return err
	})
	if err != nil {
		return assessment.PeerBenchmark{}, fmt.Errorf("read peer benchmark: %w", err)
	}
	return pb, nil
}

// peersTx is Peers inside a transaction.
func peersTx(tx *bolt.Tx, org Organization, a *assessment.Assessment, exclude []string) (assessment.PeerBenchmark, error) {
	band := assessment.BandFor(a.Profile.Beds)
	if a.Status != assessment.Completed {
		pb := assessment.DraftBenchmark(band)
		pb.Demo = org.Demo
		return pb, nil
	}
	var (
		g    assessment.Group
		asOf time.Time
	)
	if b := tx.Bucket(bucketBenchmark); b != nil {
		var err error
		if asOf, err = snapshotAsOf(b); err != nil {
			return assessment.PeerBenchmark{}, err
		}
		ex := append([]string{org.ID}, exclude...)
		if g, err = groupTx(b, assessment.GroupKey{Demo: org.Demo, Band: band}, ex); err != nil {
			return assessment.PeerBenchmark{}, err
		}
	}
	return assessment.Peers(band, g, asOf, org.Demo), nil
}

// Benchmark returns the community benchmark of real (not demo) data, leaving out the
// organizations exclude (a director's own; nil for an admin): every size band, and its
// teaching and non-teaching sides where both reach assessment.MinPeers.
func (s *Store) Benchmark(exclude []string) (assessment.Benchmark, error) {
	var out assessment.Benchmark
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketBenchmark)
		var asOf time.Time
		if b != nil {
			var err error
			if asOf, err = snapshotAsOf(b); err != nil {
				return err
			}
		}
		if !asOf.IsZero() {
			out.AsOf = &asOf
		}
		for _, band := range assessment.Bands {
			var whole, yes, no assessment.Group
			if b != nil {
				var err error
				if whole, err = groupTx(b, assessment.GroupKey{Band: band}, exclude); err != nil {
					return err
				}
				if yes, err = groupTx(b, assessment.GroupKey{Band: band, Teaching: assessment.SideTeaching}, exclude); err != nil {
					return err
				}
				if no, err = groupTx(b, assessment.GroupKey{Band: band, Teaching: assessment.SideNonTeaching}, exclude); err != nil {
					return err
				}
			}
			if whole.N >= assessment.MinPeers { // a band below it is not counted anywhere
				out.N += whole.N
				out.Outside += whole.Outside
			}
			out.Bands = append(out.Bands, assessment.Band(band, nil, whole))
			if yes.N >= assessment.MinPeers && no.N >= assessment.MinPeers {
				t, f := true, false
				out.Bands = append(out.Bands, assessment.Band(band, &t, yes), assessment.Band(band, &f, no))
			}
		}
		return nil
	})
	if err != nil {
		return assessment.Benchmark{}, fmt.Errorf("read benchmark: %w", err)
	}
	out.Label = fmt.Sprintf(assessment.BenchmarkLabel, out.N)
	return out, nil
}

// BenchmarkAsOf returns when the current snapshot was taken (zero when none was).
func (s *Store) BenchmarkAsOf() (time.Time, error) {
	var t time.Time
	err := s.view(func(tx *bolt.Tx) error {
		if b := tx.Bucket(bucketBenchmark); b != nil {
			var err error
			t, err = snapshotAsOf(b)
			return err
		}
		return nil
	})
	return t, err
}

// MaxSourceRunes is the longest name of an outside source.
const MaxSourceRunes = 60

// Contribution is one organization's anonymous benchmark contribution, for pooling
// benchmarks between installations: no name, note, beds or date, FTEs rounded to 0.5.
type Contribution struct {
	ID         string                          `json:"id"`
	SizeBand   assessment.SizeBand             `json:"size_band"`
	Teaching   bool                            `json:"teaching"`
	CEFTE      float64                         `json:"ce_fte"`
	BMETFTE    float64                         `json:"bmet_fte"`
	ManagerFTE float64                         `json:"manager_fte"`
	ITFTE      float64                         `json:"it_fte"`
	Bank       questions.Ref                   `json:"bank"`
	Year       int                             `json:"year"`
	Answers    map[string]assessment.Performer `json:"answers"`
}

// Contributions returns the anonymous contributions of the latest completed assessments
// of the organizations ids (nil: every real organization), demo data and peer-only
// organizations left out, in a random order; newID makes each contribution's random id.
func (s *Store) Contributions(ids []string, newID func() string) ([]Contribution, error) {
	var out []Contribution
	err := s.view(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil {
			return nil
		}
		if ids == nil {
			ids = allOrgIDs(orgs)
		}
		for _, id := range ids {
			o, err := readOrg(orgs, []byte(id))
			if err != nil {
				return err
			}
			if o.Demo || o.PeerOnly {
				continue
			}
			org := orgs.Bucket([]byte(id))
			n, v := lastCompleted(org)
			if n == 0 {
				continue
			}
			a, err := s.completedTx(tx, org, id, n, v, false)
			if err != nil {
				return err
			}
			bank, err := s.bankTx(tx, a.Bank)
			if err != nil {
				return err
			}
			c := Contribution{
				ID: newID(), SizeBand: assessment.BandFor(a.Profile.Beds), Teaching: a.Profile.Teaching,
				CEFTE: half(a.Profile.CEFTE), BMETFTE: half(a.Profile.BMETFTE),
				ManagerFTE: half(a.Profile.ManagerFTE), ITFTE: half(a.Profile.ITFTE),
				Bank: questions.Ref{ID: bank.ID, Version: bank.Version}, Answers: map[string]assessment.Performer{},
			}
			if a.CompletedAt != nil {
				c.Year = a.CompletedAt.Year()
			}
			for fid, ans := range a.Answers {
				c.Answers[fid] = ans.Performer
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("benchmark export: %w", err)
	}
	// Shuffle by the random ids so that the order says nothing about the organizations.
	sortContributions(out)
	return out, nil
}

func sortContributions(cs []Contribution) {
	sort.Slice(cs, func(i, j int) bool { return cs[i].ID < cs[j].ID })
}

// half rounds an FTE to 0.5, halves away from zero.
func half(v float64) float64 { return assessment.MetricBMETPerCE.Publish(v) }

var sourceIDPattern = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// ImportContributions adds contributions as the outside source named source, replacing
// whatever that source contributed before, and takes a new snapshot, in one transaction.
// Every contribution is checked first (ErrInvalid naming contributions[i]…): an id,
// a size band, FTEs of 0 to assessment.MaxFTE in steps of 0.5, a known bank, and every
// function of that bank answered with a valid performer.
func (s *Store) ImportContributions(source string, cs []Contribution) error {
	source, err := checkName("source", source)
	if err == nil && len([]rune(source)) > MaxSourceRunes {
		err = &assessment.FieldError{Field: "source", Msg: fmt.Sprintf("source name is longer than %d characters", MaxSourceRunes)}
	}
	if err != nil {
		return fmt.Errorf("benchmark import: %w", err)
	}
	fail := func(i int, field, format string, args ...any) error {
		return fmt.Errorf("benchmark import: %w", &assessment.FieldError{
			Field: fmt.Sprintf("contributions[%d].%s", i, field), Msg: fmt.Sprintf(format, args...)})
	}
	err = s.update(func(tx *bolt.Tx) error {
		out, err := tx.CreateBucketIfNotExists(bucketOutside)
		if err != nil {
			return err
		}
		ids := map[string]bool{}
		var members []assessment.PeerValues
		for i, c := range cs {
			if !sourceIDPattern.MatchString(c.ID) || ids[c.ID] {
				return fail(i, "id", "id %q must be 1 to 64 letters, digits, dashes or underscores, unique in the file", c.ID)
			}
			ids[c.ID] = true
			if !validBand(c.SizeBand) {
				return fail(i, "size_band", "unknown size band %q", c.SizeBand)
			}
			for _, f := range []struct {
				name string
				v    float64
			}{{"ce_fte", c.CEFTE}, {"bmet_fte", c.BMETFTE}, {"manager_fte", c.ManagerFTE}, {"it_fte", c.ITFTE}} {
				if !(f.v >= 0 && f.v <= assessment.MaxFTE) || half(f.v) != f.v {
					return fail(i, f.name, "%s must be 0 to %d in steps of 0.5, not %v", f.name, assessment.MaxFTE, f.v)
				}
			}
			bank, err := s.bankTx(tx, questions.Ref{ID: c.Bank.ID, Version: c.Bank.Version})
			if err != nil {
				return fail(i, "bank", "bank %s version %d is not in this database: import an export that carries it first", c.Bank.ID, c.Bank.Version)
			}
			a := assessment.Assessment{Status: assessment.Completed, Answers: make(map[string]assessment.Answer, len(c.Answers)),
				Profile: assessment.Profile{Teaching: c.Teaching, CEFTE: c.CEFTE, BMETFTE: c.BMETFTE, ManagerFTE: c.ManagerFTE, ITFTE: c.ITFTE}}
			for fid, p := range c.Answers {
				if _, ok := bank.Function(fid); !ok {
					return fail(i, "answers", "%q is not a function of bank %s", fid, c.Bank.ID)
				}
				if !p.Valid() || p == "" {
					return fail(i, "answers."+fid, "unknown performer %q", p)
				}
				a.Answers[fid] = assessment.Answer{Performer: p}
			}
			if missing := assessment.Unanswered(bank, a.Answers); len(missing) > 0 {
				return fail(i, "answers", "%d functions unanswered (%s)", len(missing), missing[0])
			}
			v := assessment.ValuesOf(outsidePrefix+source+"/"+c.ID, bank, &a)
			v.Band, v.Outside = c.SizeBand, true
			members = append(members, v)
		}
		if len(members) == 0 {
			if err := out.Delete([]byte(source)); err != nil {
				return err
			}
		} else if err := out.Put([]byte(source), encodeMembers(members)); err != nil {
			return err
		}
		return s.refreshTx(tx)
	})
	if err != nil {
		return fmt.Errorf("benchmark import: %w", err)
	}
	return nil
}

func validBand(b assessment.SizeBand) bool {
	for _, x := range assessment.Bands {
		if x == b {
			return true
		}
	}
	return false
}

// OutsideSources returns the name and size of every outside source.
func (s *Store) OutsideSources() (map[string]int, error) {
	out := map[string]int{}
	err := s.view(func(tx *bolt.Tx) error {
		b := tx.Bucket(bucketOutside)
		if b == nil {
			return nil
		}
		return b.ForEach(func(k, v []byte) error {
			m, err := decodeMembers(v)
			out[string(k)] = len(m)
			return err
		})
	})
	return out, err
}

// RemoveDemo deletes every demo organization (Organization.Demo) with its assessments
// and draft, and nothing else, and takes a new snapshot, in one transaction. It returns
// how many organizations and assessments it deleted.
func (s *Store) RemoveDemo() (orgCount, assessments int, err error) {
	err = s.update(func(tx *bolt.Tx) error {
		orgCount, assessments = 0, 0
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil {
			return nil
		}
		var ids [][]byte
		err := orgs.ForEachBucket(func(k []byte) error {
			o, err := readOrg(orgs, k)
			if err != nil {
				return err
			}
			if o.Demo {
				ids = append(ids, bytes.Clone(k))
			}
			return nil
		})
		if err != nil {
			return err
		}
		for _, id := range ids {
			err := forEachCompleted(orgs.Bucket(id), string(id), func(int, []byte) error {
				assessments++
				return nil
			})
			if err != nil {
				return err
			}
			if err := orgs.DeleteBucket(id); err != nil {
				return err
			}
			if draftBucket(tx, string(id)) != nil {
				assessments++
				if err := tx.Bucket(bucketDrafts).DeleteBucket(id); err != nil {
					return err
				}
			}
			orgCount++
		}
		if orgCount == 0 {
			return nil
		}
		return s.refreshTx(tx)
	})
	if err != nil {
		return 0, 0, fmt.Errorf("remove demo data: %w", err)
	}
	return orgCount, assessments, nil
}

// legacyDemo recognizes the demo data of cebalance before demo data was marked: the
// organizations `cebalance demo` created, by id and exact name.
var legacyDemoPeer = regexp.MustCompile(`^demo-peer-hospital-([a-f])$`)

func legacyDemo(o Organization) bool {
	if o.ID == "demo-general-hospital" {
		return o.Name == "Demo General Hospital"
	}
	m := legacyDemoPeer.FindStringSubmatch(o.ID)
	return m != nil && o.PeerOnly && o.Name == "Demo Peer Hospital "+strings.ToUpper(m[1])
}

// migrateBenchmark (schema 1 → 2) marks the demo data older versions created, and takes
// the first benchmark snapshot. Migrations get no Store; a bare one serves to read banks.
func migrateBenchmark(tx *bolt.Tx) error {
	s := &Store{now: time.Now, banks: map[string]*questions.Bank{}}
	orgs, err := top(tx, bucketOrgs)
	if err != nil {
		return err
	}
	var marked []Organization
	err = orgs.ForEachBucket(func(k []byte) error {
		o, err := readOrg(orgs, k)
		if err != nil {
			return err
		}
		if !o.Demo && legacyDemo(o) {
			o.Demo = true
			marked = append(marked, o)
		}
		return nil
	})
	if err != nil {
		return err
	}
	for _, o := range marked {
		if err := putOrg(orgs, o); err != nil {
			return err
		}
	}
	if _, err := tx.CreateBucketIfNotExists(bucketOutside); err != nil {
		return err
	}
	return s.refreshTx(tx)
}
