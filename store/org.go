package store

import (
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
)

// Organization is a hospital or health system whose HTM department is assessed.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// PeerOnly marks benchmark data (demo peers, a consortium's figures): the
	// organization counts as a peer but is not assessed here, so lists leave it out.
	PeerOnly bool `json:"peer_only,omitempty"`
	// Demo marks demo data (`cebalance demo`): it is benchmarked only against other demo
	// data and `cebalance demo --remove` deletes it.
	Demo bool `json:"demo,omitempty"`
}

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

func sortOrgs(orgs []Organization) {
	sort.Slice(orgs, func(i, j int) bool {
		a, b := strings.ToLower(orgs[i].Name), strings.ToLower(orgs[j].Name)
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
		var folded *Organization
		err := orgs.ForEachBucket(func(k []byte) error {
			o, err := readOrg(orgs, k)
			if err != nil {
				return err
			}
			if o.Name == ref {
				found = o
				return errStop
			}
			if folded == nil && fold(o.Name) == fold(ref) {
				folded = &o
			}
			return nil
		})
		switch {
		case err == errStop:
			return nil
		case err != nil:
			return err
		case folded != nil:
			found = *folded
			return nil
		}
		return ErrNotFound
	})
	if err != nil {
		return Organization{}, fmt.Errorf("organization %q: %w", ref, err)
	}
	return found, nil
}

// errStop ends a ForEach early; it never leaves the store.
var errStop = fmt.Errorf("stop")

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
