package store_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// completedData returns the dump of one organization with one completed assessment.
func completedData(t *testing.T, s *store.Store, name string) store.OrgData {
	t.Helper()
	o := mustOrg(t, s, name)
	a := mustStart(t, s, o.ID)
	completeWith(t, s, o.ID, a.Number, assessment.BMET, goodProfile)
	orgs, _, err := s.Dump([]string{o.ID})
	if err != nil {
		t.Fatal(err)
	}
	return orgs[0]
}

// TestReplaceAllNumberBound: the old code stored 9223372036854775807 (then every read
// called the file damaged) and 2147483648 (then the next Complete wrote a key the reader
// refuses). Both are refused with their path, and the file is not touched.
func TestReplaceAllNumberBound(t *testing.T) {
	s, path := openTemp(t)
	d := completedData(t, s, "Alpha Hospital")
	d.ID, d.Name = "other", "Other"
	for _, n := range []int{assessment.MaxNumber + 1, 9223372036854775807} {
		before := readFile(t, path)
		c := d
		c.Assessments = []assessment.Assessment{d.Assessments[0].Clone()}
		c.Assessments[0].Number = n
		err := s.ReplaceAll([]store.OrgData{c}, nil, false)
		if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "organizations[0].assessments[0].number: assessment number must be from 1 to 2147483647") {
			t.Errorf("number %d: %v", n, err)
		}
		if !bytes.Equal(before, readFile(t, path)) {
			t.Errorf("number %d: the refused import changed the file", n)
		}
	}
	if _, _, err := s.Dump(nil); err != nil {
		t.Errorf("the database reads as damaged: %v", err)
	}
}

// TestStartAssessmentAtBound: an organization whose last number is the highest gets a
// clear error, not a key the reader refuses.
func TestStartAssessmentAtBound(t *testing.T) {
	s, path := openTemp(t)
	d := completedData(t, s, "Alpha Hospital")
	d.ID, d.Name = "last", "Last"
	d.Assessments[0].Number = assessment.MaxNumber
	if err := s.ReplaceAll([]store.OrgData{d}, nil, false); err != nil {
		t.Fatalf("the highest number is refused: %v", err)
	}
	before := readFile(t, path)
	_, err := s.StartAssessment("last", questions.Default())
	if !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "has reached assessment number 2147483647") {
		t.Fatalf("StartAssessment at the bound: %v", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Error("the refused start changed the file")
	}
	if as, err := s.Assessments("last"); err != nil || len(as) != 1 {
		t.Errorf("Assessments = %d, %v", len(as), err)
	}
}

// editBolt runs f on the closed database file at path, as an older cebalance (or a
// hand edit) might have left it.
func editBolt(t *testing.T, path string, f func(tx *bolt.Tx) error) {
	t.Helper()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(f); err != nil {
		t.Fatal(err)
	}
}

// TestCompleteRefusesUnkeyableNumber: a draft numbered past the bound (imported by the
// old code, whose import took any number) is refused when completed instead of being
// written under a key the reader calls damage.
func TestCompleteRefusesUnkeyableNumber(t *testing.T) {
	path := dbPath(t)
	s, err := store.Open(path, store.Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	o := mustOrg(t, s, "Alpha Hospital")
	mustStart(t, s, o.ID)
	s.Close()
	const bad = assessment.MaxNumber + 2
	editBolt(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("drafts")).Bucket([]byte(o.ID))
		var h map[string]any
		if err := json.Unmarshal(b.Get([]byte(".head")), &h); err != nil {
			return err
		}
		h["number"] = bad
		v, _ := json.Marshal(h)
		return b.Put([]byte(".head"), v)
	})
	s = open(t, path, store.Options{})
	for _, f := range questions.Default().Functions {
		if err := s.SaveAnswer(o.ID, bad, f.ID, assessment.Answer{Performer: assessment.CE}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveProfile(o.ID, bad, goodProfile); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(o.ID, bad); !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "number") {
		t.Fatalf("Complete of draft %d: %v", bad, err)
	}
	if _, err := s.Assessments(o.ID); err != nil {
		t.Errorf("the organization reads as damaged: %v", err)
	}
}

// TestLegacyHighKeyReadable: a file whose last key is 1<<31 (the old reader's limit)
// stays readable; starting the next assessment is refused.
func TestLegacyHighKeyReadable(t *testing.T) {
	path := dbPath(t)
	s, err := store.Open(path, store.Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	o := mustOrg(t, s, "Alpha Hospital")
	a := mustStart(t, s, o.ID)
	completeWith(t, s, o.ID, a.Number, assessment.BMET, goodProfile)
	s.Close()
	// Such a file has the layout of schema 2; opening it migrates it.
	if err := store.WriteLegacy(path, nil, 2); err != nil {
		t.Fatal(err)
	}
	editBolt(t, path, func(tx *bolt.Tx) error {
		org := tx.Bucket([]byte("orgs")).Bucket([]byte(o.ID))
		var one, high [8]byte
		one[7] = 1
		high[4] = 0x80 // 1<<31, big-endian
		src := org.Bucket(one[:])
		dst, err := org.CreateBucket(high[:])
		if err != nil {
			return err
		}
		err = src.ForEach(func(k, v []byte) error {
			if bytes.Equal(k, []byte(".head")) {
				var h map[string]any
				if err := json.Unmarshal(v, &h); err != nil {
					return err
				}
				h["number"] = 1 << 31
				v, _ = json.Marshal(h)
			}
			return dst.Put(k, v)
		})
		if err != nil {
			return err
		}
		return org.DeleteBucket(one[:])
	})
	s = open(t, path, store.Options{})
	as, err := s.Assessments(o.ID)
	if err != nil || len(as) != 1 || as[0].Number != 1<<31 {
		t.Fatalf("Assessments = %+v, %v", as, err)
	}
	if _, err := s.StartAssessment(o.ID, questions.Default()); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("StartAssessment past 1<<31: %v", err)
	}
}

func TestLookAlikeNames(t *testing.T) {
	s, path := openTemp(t)
	mustOrg(t, s, "St Example")
	mustOrg(t, s, "Caf\u00e9 Hospital") // é composed
	other := mustOrg(t, s, "Other")
	for _, name := range []string{"Ｓｔ Ｅｘａｍｐｌｅ", "ST EXAMPLE", "st example", "Cafe\u0301 Hospital", "CAFÉ HOSPITAL"} {
		before := readFile(t, path)
		if _, err := s.CreateOrganization(name); !errors.Is(err, store.ErrExists) {
			t.Errorf("create %q: %v, want ErrExists", name, err)
		}
		if err := s.RenameOrganization(other.ID, name); !errors.Is(err, store.ErrExists) {
			t.Errorf("rename to %q: %v, want ErrExists", name, err)
		}
		if !bytes.Equal(before, readFile(t, path)) {
			t.Errorf("%q: a refused change touched the file", name)
		}
	}
	// Import: against the stored names, and within the file.
	d := store.OrgData{Organization: store.Organization{ID: "st-example-2", Name: "Ｓｔ Ｅｘａｍｐｌｅ"}}
	if err := s.ReplaceAll([]store.OrgData{d}, nil, false); !errors.Is(err, store.ErrExists) {
		t.Errorf("import of a look-alike: %v", err)
	}
	a := store.OrgData{Organization: store.Organization{ID: "x-one", Name: "Caf\u00e9 Nord"}}
	b := store.OrgData{Organization: store.Organization{ID: "x-two", Name: "CAFE\u0301 NORD"}}
	if err := s.ReplaceAll([]store.OrgData{a, b}, nil, false); !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), "organizations[1].name") {
		t.Errorf("two look-alikes in one import: %v", err)
	}
	// Lookup by a look-alike finds the organization.
	if o, err := s.Organization("ＳＴ ＥＸＡＭＰＬＥ"); err != nil || o.ID != "st-example" {
		t.Errorf("Organization(full-width) = %+v, %v", o, err)
	}
}

// TestLegacyCollidingNamesOpen: a file from before the rule may hold names that now
// collide; it opens and reads, and only new names are checked.
func TestLegacyCollidingNamesOpen(t *testing.T) {
	path := dbPath(t)
	s, err := store.Open(path, store.Options{Now: newClock().Now})
	if err != nil {
		t.Fatal(err)
	}
	mustOrg(t, s, "St Example")
	o := mustOrg(t, s, "Other")
	s.Close()
	editBolt(t, path, func(tx *bolt.Tx) error {
		b := tx.Bucket([]byte("orgs")).Bucket([]byte(o.ID))
		v, _ := json.Marshal(store.Organization{ID: o.ID, Name: "Ｓｔ Ｅｘａｍｐｌｅ", CreatedAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)})
		return b.Put([]byte("org"), v)
	})
	s = open(t, path, store.Options{})
	orgs, err := s.Organizations()
	if err != nil || len(orgs) != 2 {
		t.Fatalf("Organizations = %+v, %v", orgs, err)
	}
	if got, err := s.Organization("Ｓｔ Ｅｘａｍｐｌｅ"); err != nil || got.ID != o.ID {
		t.Errorf("exact name = %+v, %v", got, err)
	}
	if err := s.RenameOrganization(o.ID, "Other Again"); err != nil {
		t.Errorf("renaming the colliding one away: %v", err)
	}
	if _, err := s.CreateOrganization("ST EXAMPLE"); !errors.Is(err, store.ErrExists) {
		t.Errorf("a new look-alike: %v", err)
	}
}

func TestReplaceAllDates(t *testing.T) {
	s, path := openTemp(t)
	d := completedData(t, s, "Alpha Hospital")
	d.ID, d.Name = "other", "Other"
	for _, c := range []struct {
		name string
		edit func(a *assessment.Assessment)
		want string
	}{
		{"completed before started", func(a *assessment.Assessment) { t := a.StartedAt.Add(-time.Hour); a.CompletedAt = &t },
			"organizations[0].assessments[0].completed_at:"},
		{"completed in 9999", func(a *assessment.Assessment) { t := time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC); a.CompletedAt = &t },
			"organizations[0].assessments[0].completed_at:"},
		{"started in 1970", func(a *assessment.Assessment) { a.StartedAt = time.Unix(0, 0).UTC() },
			"organizations[0].assessments[0].started_at:"},
	} {
		before := readFile(t, path)
		x := d
		x.Assessments = []assessment.Assessment{d.Assessments[0].Clone()}
		c.edit(&x.Assessments[0])
		if err := s.ReplaceAll([]store.OrgData{x}, nil, false); !errors.Is(err, store.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
		if !bytes.Equal(before, readFile(t, path)) {
			t.Errorf("%s: the refused import changed the file", c.name)
		}
	}
}
