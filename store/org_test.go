package store_test

import (
	"errors"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/store"
)

func TestSlug(t *testing.T) {
	for _, c := range []struct{ name, want string }{
		{"St. Example Hospital", "st-example-hospital"},
		{"  St Mary's Medical Center ", "st-marys-medical-center"},
		{"Hôpital Saint-Jérôme", "hopital-saint-jerome"},
		{"Universitätsklinikum Straße 5", "universitatsklinikum-strasse-5"},
		{"A -- B", "a-b"},
		{"---", ""},
		{"病院", ""},
		{"Regional Medical Center of the Greater Metropolitan Area North", "regional-medical-center-of-the-greater-metropoli"},
		{"Regional Medical Center of the Greater Metropol tan", "regional-medical-center-of-the-greater-metropol"},
	} {
		got := store.Slug(c.name)
		if got != c.want {
			t.Errorf("Slug(%q) = %q, want %q", c.name, got, c.want)
		}
		if len(got) > 48 || strings.HasPrefix(got, "-") || strings.HasSuffix(got, "-") || strings.Contains(got, "--") {
			t.Errorf("Slug(%q) = %q breaks the slug rules", c.name, got)
		}
	}
}

func TestCreateOrganization(t *testing.T) {
	s, _ := openTemp(t)
	b := mustOrg(t, s, "  beta Medical Center ")
	if b.ID != "beta-medical-center" || b.Name != "beta Medical Center" || b.CreatedAt.IsZero() {
		t.Errorf("CreateOrganization = %+v", b)
	}
	mustOrg(t, s, "Alpha Hospital")
	mustOrg(t, s, "Gamma Clinic")

	for _, c := range []struct {
		name string
		want error
	}{
		{"Alpha Hospital", store.ErrExists},
		{"ALPHA HOSPITAL", store.ErrExists},
		{"Alpha-Hospital", store.ErrExists}, // same id
		{"", store.ErrInvalid},
		{"   ", store.ErrInvalid},
		{"!!!", store.ErrInvalid},
		{"Bad\x1b[31mName", store.ErrInvalid},
		{"Tab\tName", store.ErrInvalid},
		{strings.Repeat("x", 101), store.ErrInvalid},
	} {
		_, err := s.CreateOrganization(c.name)
		if !errors.Is(err, c.want) {
			t.Errorf("CreateOrganization(%q) = %v; want %v", c.name, err, c.want)
		}
		var fe *assessment.FieldError
		if c.want == store.ErrInvalid && !errors.As(err, &fe) {
			t.Errorf("CreateOrganization(%q): %v carries no FieldError", c.name, err)
		}
	}
	if _, err := s.CreateOrganization(strings.Repeat("é", 100)); err != nil {
		t.Errorf("a 100-character name: %v", err)
	}

	orgs, err := s.Organizations()
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range orgs {
		names = append(names, o.Name)
	}
	want := "Alpha Hospital|beta Medical Center|Gamma Clinic|" + strings.Repeat("é", 100)
	if got := strings.Join(names, "|"); got != want {
		t.Errorf("Organizations() names = %s\nwant %s", got, want)
	}
}

func TestOrganizationLookup(t *testing.T) {
	s, _ := openTemp(t)
	a := mustOrg(t, s, "Alpha Hospital")
	mustOrg(t, s, "Beta")
	for _, ref := range []string{"alpha-hospital", "Alpha Hospital", " Alpha Hospital ", "alpha hospital"} {
		o, err := s.Organization(ref)
		if err != nil || o != a {
			t.Errorf("Organization(%q) = %+v, %v; want %+v", ref, o, err, a)
		}
	}
	for _, ref := range []string{"", "alpha", "Gamma"} {
		if _, err := s.Organization(ref); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Organization(%q) = %v; want ErrNotFound", ref, err)
		}
	}
}

func TestRenameOrganization(t *testing.T) {
	s, _ := openTemp(t)
	a := mustOrg(t, s, "Alpha Hospital")
	mustOrg(t, s, "Beta")
	if err := s.RenameOrganization(a.ID, "Alpha Regional Hospital"); err != nil {
		t.Fatal(err)
	}
	o, err := s.Organization(a.ID)
	if err != nil || o.Name != "Alpha Regional Hospital" || o.ID != a.ID || !o.CreatedAt.Equal(a.CreatedAt) {
		t.Fatalf("after rename: %+v, %v", o, err)
	}
	if err := s.RenameOrganization(a.ID, "alpha regional HOSPITAL"); err != nil {
		t.Errorf("renaming to a different case of its own name: %v", err)
	}
	if err := s.RenameOrganization(a.ID, "beta"); !errors.Is(err, store.ErrExists) {
		t.Errorf("rename to another organization's name = %v; want ErrExists", err)
	}
	if err := s.RenameOrganization(a.ID, ""); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("rename to empty = %v; want ErrInvalid", err)
	}
	if err := s.RenameOrganization("nope", "Nope"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("rename unknown = %v; want ErrNotFound", err)
	}
}
