package store_test

import (
	"reflect"
	"testing"

	"cebalance/store"
)

// TestPutAccessReportsUpdate: PutAccess returns the record it replaced, keeps the date
// the key was first added, and OrganizationsOf reads only the ids asked for.
func TestPutAccessReportsUpdate(t *testing.T) {
	s, _ := openTemp(t)
	a := mustOrg(t, s, "Alpha Hospital")
	b := mustOrg(t, s, "Beta")
	dan := store.Access{Fingerprint: "SHA256:dan", Name: "Dan", Role: store.Director, Orgs: []string{a.ID}}
	prev, err := s.PutAccess(dan)
	if err != nil || prev != nil {
		t.Fatalf("PutAccess(new) = %v, %v; want nil, nil", prev, err)
	}
	first, _ := s.AccessFor("SHA256:dan")
	dan.Name, dan.Orgs = "Dan Director", []string{b.ID}
	prev, err = s.PutAccess(dan)
	if err != nil || prev == nil || prev.Name != "Dan" || !reflect.DeepEqual(prev.Orgs, []string{a.ID}) {
		t.Fatalf("PutAccess(known) = %+v, %v; want the old record", prev, err)
	}
	now, _ := s.AccessFor("SHA256:dan")
	if now.Name != "Dan Director" || !now.AddedAt.Equal(first.AddedAt) {
		t.Errorf("after update: %+v; want the new name and the first AddedAt %v", now, first.AddedAt)
	}
	got, err := s.OrganizationsOf([]string{b.ID, "gone", a.ID})
	if err != nil || len(got) != 2 || got[0].ID != b.ID || got[1].ID != a.ID {
		t.Errorf("OrganizationsOf = %+v, %v", got, err)
	}
}
