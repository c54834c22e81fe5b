package store

import (
	"bytes"
	"errors"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// TestDraftHeadMemo: a change of a draft takes the head the previous change through
// this Store wrote from memory, and decodes the stored head whenever its bytes are
// not the ones kept (written another way); revisions, profile and answers come out
// as stored either way.
func TestDraftHeadMemo(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "m.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	org, err := s.CreateOrganization("Memo Hospital")
	if err != nil {
		t.Fatal(err)
	}
	d, err := s.StartAssessment(org.ID, questions.Default())
	if err != nil {
		t.Fatal(err)
	}
	fns := questions.Default().Functions
	stored := func() []byte {
		var raw []byte
		if err := s.db.View(func(tx *bolt.Tx) error {
			raw = bytes.Clone(draftBucket(tx, org.ID).Get(keyHead))
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		return raw
	}
	save := func(i int, wantRev int) {
		t.Helper()
		rev, err := s.SaveAnswerIf(org.ID, d.Number, fns[i].ID, assessment.Answer{Performer: assessment.CE}, nil)
		if err != nil || rev != wantRev {
			t.Fatalf("save %d: rev %d, %v; want rev %d", i, rev, err, wantRev)
		}
	}

	save(0, 1)
	if k := s.heads.m[org.ID]; !bytes.Equal(k.raw, stored()) || k.h.Rev != 1 {
		t.Fatalf("kept head: rev %d, bytes equal to the stored ones: %v", k.h.Rev, bytes.Equal(k.raw, stored()))
	}
	p := assessment.Profile{Beds: 250, CEFTE: 3}
	fields := []assessment.ProfileField{assessment.FieldBeds, assessment.FieldCEFTE}
	if _, rev, err := s.SaveProfileIf(org.ID, d.Number, p, assessment.Profile{}, fields); err != nil || rev != 2 {
		t.Fatalf("profile: rev %d, %v", rev, err)
	}
	save(1, 3)

	// The kept head is the one used: a kept head whose revision is off by 100 for the
	// stored bytes shows through (only a test can put one there).
	k := s.heads.m[org.ID]
	k.h.Rev += 100
	s.heads.keep(org.ID, k.raw, k.h)
	save(2, 104)

	// A head written another way (here a bare bbolt write, as a restore or another
	// version of the program would) is decoded: its revision counts on.
	h, err := readHeadOf(s, org.ID)
	if err != nil {
		t.Fatal(err)
	}
	h.Rev = 7
	if err := s.db.Update(func(tx *bolt.Tx) error {
		v, err := encode(h)
		if err != nil {
			return err
		}
		return draftBucket(tx, org.ID).Put(keyHead, v)
	}); err != nil {
		t.Fatal(err)
	}
	save(3, 8)

	got, rev, err := s.DraftRev(org.ID)
	if err != nil || rev != 8 {
		t.Fatalf("DraftRev: rev %d, %v", rev, err)
	}
	if got.Profile.Beds != 250 || got.Profile.CEFTE != 3 || len(got.Answers) != 4 {
		t.Fatalf("the draft as stored: profile %+v, %d answers", got.Profile, len(got.Answers))
	}
	// A conflict reports the stored head's revision and profile.
	_, err = s.SaveAnswerIf(org.ID, d.Number, fns[0].ID, assessment.Answer{Performer: assessment.BMET}, nil)
	var conflict *ConflictError
	if !errors.As(err, &conflict) || conflict.Rev != 8 || conflict.Profile.Beds != 250 {
		t.Fatalf("save over an answer not seen: %v (%+v)", err, conflict)
	}
}

func readHeadOf(s *Store, orgID string) (head, error) {
	var h head
	err := s.db.View(func(tx *bolt.Tx) error {
		var err error
		h, err = readHead(draftBucket(tx, orgID), orgID, 0)
		return err
	})
	return h, err
}
