package store

import (
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
)

// Organization is the domain's organization (assessment.Organization), as stored.
type Organization = assessment.Organization

// MaxNameRunes is the longest organization or person name accepted.
const MaxNameRunes = assessment.MaxNameRunes

// Slug returns the organization id made from name; see assessment.Slug.
func Slug(name string) string { return assessment.Slug(name) }

// checkName trims a name and checks it; see assessment.CheckName.
func checkName(field, name string) (string, error) { return assessment.CheckName(field, name) }

// CreateOrganization creates an organization named name (trimmed) with id Slug(name).
// It returns ErrExists when the id or the name (under assessment.NameKey) is taken.
func (s *Store) CreateOrganization(name string) (Organization, error) {
	name, err := checkName("name", name)
	if err != nil {
		return Organization{}, fmt.Errorf("create organization: %w", err)
	}
	org := Organization{ID: Slug(name), Name: name, CreatedAt: s.stamp()}
	if org.ID == "" {
		return Organization{}, fmt.Errorf("create organization: %w", &assessment.FieldError{
			Field: "name", Msg: fmt.Sprintf("%q has no letters or digits to make an id from", name)})
	}
	err = s.update(func(tx *bolt.Tx) error {
		orgs, err := top(tx, bucketOrgs)
		if err != nil {
			return err
		}
		if err := checkFree(orgs, org.ID, org.Name, ""); err != nil {
			return err
		}
		return putOrg(orgs, org)
	})
	if err != nil {
		return Organization{}, fmt.Errorf("create organization %q: %w", name, err)
	}
	return org, nil
}

// checkFree returns ErrExists when id is taken or another organization (not except) has
// the same name under assessment.NameKey (ignoring case, full-width letters and how
// accents are encoded). Names stored before that rule may already collide; they stay
// readable, only a new create, rename or import is refused.
func checkFree(orgs *bolt.Bucket, id, name, except string) error {
	if id != "" && orgs.Bucket([]byte(id)) != nil {
		return fmt.Errorf("id %q %w", id, ErrExists)
	}
	return orgs.ForEachBucket(func(k []byte) error {
		if string(k) == except {
			return nil
		}
		o, err := readOrg(orgs, k)
		if err != nil {
			return err
		}
		if fold(o.Name) == fold(name) {
			return fmt.Errorf("name %q %w (organization %s)", o.Name, ErrExists, o.ID)
		}
		return nil
	})
}

// fold is the form in which organization names must differ; see assessment.NameKey.
func fold(name string) string { return assessment.NameKey(name) }

// Match finds the organization a reference names among orgs, by the one rule every
// lookup uses: its id, else its exact name, else a name equal after Unicode
// normalization and case folding (assessment.NameKey).
func Match(orgs []Organization, ref string) (Organization, bool) {
	ref = strings.TrimSpace(ref)
	best, rank := Organization{}, 0
	for _, o := range orgs {
		if r := matchRank(o, ref); r > rank {
			best, rank = o, r
		}
	}
	return best, rank > 0
}

// matchRank is how well o matches ref: 3 by id, 2 by exact name, 1 by folded name, 0 not.
func matchRank(o Organization, ref string) int {
	switch {
	case ref == "":
		return 0
	case o.ID == ref:
		return 3
	case o.Name == ref:
		return 2
	case fold(o.Name) == fold(ref):
		return 1
	}
	return 0
}

func putOrg(orgs *bolt.Bucket, org Organization) error {
	b, err := orgs.CreateBucketIfNotExists([]byte(org.ID))
	if err != nil {
		return err
	}
	v, err := encode(org)
	if err != nil {
		return err
	}
	return b.Put(keyOrg, v)
}

func readOrg(orgs *bolt.Bucket, id []byte) (Organization, error) {
	var o Organization
	b := orgs.Bucket(id)
	if b == nil {
		return o, fmt.Errorf("organization %q: %w", id, ErrNotFound)
	}
	err := decode(b.Get(keyOrg), &o, "organization %q", id)
	return o, err
}

// Organizations returns every organization, sorted by name ignoring case.
func (s *Store) Organizations() ([]Organization, error) {
	var out []Organization
	err := s.view(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil {
			return nil
		}
		return orgs.ForEachBucket(func(k []byte) error {
			o, err := readOrg(orgs, k)
			out = append(out, o)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	sortOrgs(out)
	return out, nil
}

func sortOrgs(orgs []Organization) { SortOrganizations(orgs) }

// SortOrganizations sorts orgs by name ignoring case, then by id: the order of
// Organizations, for a list read another way (OrganizationsOf). Each name is
// lower-cased once, not at every comparison: with 5,000 organizations that was most
// of the sort.
func SortOrganizations(orgs []Organization) {
	keys := make(map[string]string, len(orgs))
	for _, o := range orgs {
		keys[o.ID] = strings.ToLower(o.Name)
	}
	sort.Slice(orgs, func(i, j int) bool {
		a, b := keys[orgs[i].ID], keys[orgs[j].ID]
		if a != b {
			return a < b
		}
		return orgs[i].ID < orgs[j].ID
	})
}

// Organization returns the organization whose id or name is ref: the id first, then the
// exact name, then the name under assessment.NameKey (unique for new names; a file from
// before that rule may hold two such names, and then the first by id wins). It returns
// ErrNotFound when there is none.
func (s *Store) Organization(ref string) (Organization, error) {
	ref = strings.TrimSpace(ref)
	var found Organization
	err := s.view(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil || ref == "" {
			return ErrNotFound
		}
		if orgs.Bucket([]byte(ref)) != nil {
			var err error
			found, err = readOrg(orgs, []byte(ref))
			return err
		}
		var all []Organization
		err := orgs.ForEachBucket(func(k []byte) error {
			o, err := readOrg(orgs, k)
			all = append(all, o)
			return err
		})
		if err != nil {
			return err
		}
		if o, ok := Match(all, ref); ok {
			found = o
			return nil
		}
		return ErrNotFound
	})
	if err != nil {
		return Organization{}, fmt.Errorf("organization %q: %w", ref, err)
	}
	return found, nil
}

// RenameOrganization gives organization id a new name; the id does not change. It
// returns ErrExists when another organization has that name under assessment.NameKey.
func (s *Store) RenameOrganization(id, name string) error {
	name, err := checkName("name", name)
	if err != nil {
		return fmt.Errorf("rename organization %q: %w", id, err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		orgs, err := top(tx, bucketOrgs)
		if err != nil {
			return err
		}
		o, err := readOrg(orgs, []byte(id))
		if err != nil {
			return err
		}
		if err := checkFree(orgs, "", name, id); err != nil {
			return err
		}
		o.Name = name
		return putOrg(orgs, o)
	})
	if err != nil {
		return fmt.Errorf("rename organization: %w", err)
	}
	return nil
}

// allOrgIDs returns the id of every organization in the organizations bucket, in key
// order.
func allOrgIDs(orgs *bolt.Bucket) []string {
	var ids []string
	_ = orgs.ForEachBucket(func(k []byte) error {
		ids = append(ids, string(k))
		return nil
	})
	return ids
}
