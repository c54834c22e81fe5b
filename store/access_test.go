package store_test

import (
	"errors"
	"reflect"
	"testing"

	"cebalance/store"
)

func TestAccess(t *testing.T) {
	s, _ := openTemp(t)
	a := mustOrg(t, s, "Alpha Hospital")
	b := mustOrg(t, s, "Beta")

	zoe := store.Access{Fingerprint: "SHA256:zoe", Name: " Zoe Admin ", Role: store.Admin, Key: "ssh-ed25519 AAAAzoe zoe@host"}
	dan := store.Access{Fingerprint: "SHA256:dan", Name: "dan director", Role: store.Director, Orgs: []string{a.ID, b.ID, a.ID}}
	for _, x := range []store.Access{zoe, dan} {
		if err := s.AddAccess(x); err != nil {
			t.Fatalf("AddAccess(%s): %v", x.Name, err)
		}
	}
	list, err := s.Accesses()
	if err != nil || len(list) != 2 {
		t.Fatalf("Accesses() = %+v, %v", list, err)
	}
	if list[0].Name != "dan director" || list[1].Name != "Zoe Admin" {
		t.Errorf("Accesses() not sorted by name: %s, %s", list[0].Name, list[1].Name)
	}
	if !reflect.DeepEqual(list[0].Orgs, []string{a.ID, b.ID}) || list[0].AddedAt.IsZero() {
		t.Errorf("dan = %+v; want orgs deduplicated and AddedAt set", list[0])
	}
	got, err := s.AccessFor("SHA256:zoe")
	if err != nil || got.Role != store.Admin || got.Key != zoe.Key || got.Name != "Zoe Admin" {
		t.Fatalf("AccessFor(zoe) = %+v, %v", got, err)
	}
	if !got.CanSee(b.ID) || !list[0].CanSee(b.ID) || list[0].CanSee("gamma") {
		t.Errorf("CanSee is wrong")
	}

	// Same fingerprint: replaced.
	dan.Orgs = []string{b.ID}
	if err := s.AddAccess(dan); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.AccessFor("SHA256:dan"); !reflect.DeepEqual(got.Orgs, []string{b.ID}) {
		t.Errorf("after replacing, dan's orgs = %v", got.Orgs)
	}
	if list, _ := s.Accesses(); len(list) != 2 {
		t.Errorf("replacing added a record: %d records", len(list))
	}

	for _, c := range []struct {
		x    store.Access
		want error
	}{
		{store.Access{Fingerprint: "SHA256:x", Name: "", Role: store.Admin}, store.ErrInvalid},
		{store.Access{Fingerprint: "", Name: "X", Role: store.Admin}, store.ErrInvalid},
		{store.Access{Fingerprint: "SHA256:a b", Name: "X", Role: store.Admin}, store.ErrInvalid},
		{store.Access{Fingerprint: "SHA256:x", Name: "X", Role: "root"}, store.ErrInvalid},
		{store.Access{Fingerprint: "SHA256:x", Name: "X", Role: store.Director}, store.ErrInvalid},
		{store.Access{Fingerprint: "SHA256:x", Name: "X", Role: store.Director, Orgs: []string{"gamma"}}, store.ErrNotFound},
		{store.Access{Fingerprint: "SHA256:x", Name: "X", Role: store.Admin, Key: "ssh-ed25519 AAAA\nssh-rsa BBBB"}, store.ErrInvalid},
	} {
		if err := s.AddAccess(c.x); !errors.Is(err, c.want) {
			t.Errorf("AddAccess(%+v) = %v; want %v", c.x, err, c.want)
		}
	}
	if _, err := s.AccessFor("SHA256:x"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused AddAccess stored something: %v", err)
	}

	if err := s.RevokeAccess("SHA256:dan"); err != nil {
		t.Fatal(err)
	}
	if err := s.RevokeAccess("SHA256:dan"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("revoking twice = %v; want ErrNotFound", err)
	}
	if _, err := s.AccessFor("SHA256:dan"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("AccessFor(revoked) = %v; want ErrNotFound", err)
	}
	if list, _ := s.Accesses(); len(list) != 1 || list[0].Fingerprint != "SHA256:zoe" {
		t.Errorf("after revoke: %+v", list)
	}
}

// TestAccessGenerationMovesOnEveryAccessWrite: a caller keeping a key's access record
// while the generation is unchanged sees every change: adding, replacing and revoking
// a record each move it, a refused write moves it too (never stale), and reads and
// other writes leave it.
func TestAccessGenerationMovesOnEveryAccessWrite(t *testing.T) {
	s, _ := openTemp(t)
	a := mustOrg(t, s, "Alpha Hospital")
	g := s.AccessGeneration()
	rec := store.Access{Fingerprint: "SHA256:gen", Name: "Gen", Role: store.Director, Orgs: []string{a.ID}}
	if err := s.AddAccess(rec); err != nil {
		t.Fatal(err)
	}
	if g2 := s.AccessGeneration(); g2 == g {
		t.Fatal("adding an access record left the generation")
	} else {
		g = g2
	}
	if _, err := s.AccessFor(rec.Fingerprint); err != nil {
		t.Fatal(err)
	}
	mustOrg(t, s, "Beta")
	if s.AccessGeneration() != g {
		t.Fatal("a read or an organization moved the generation")
	}
	if err := s.RevokeAccess(rec.Fingerprint); err != nil {
		t.Fatal(err)
	}
	if s.AccessGeneration() == g {
		t.Fatal("revoking left the generation")
	}
}
