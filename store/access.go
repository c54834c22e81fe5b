package store

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
	"unicode"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
)

// Role is what an SSH user may do.
type Role string

// The roles.
const (
	// Admin sees every organization and manages access.
	Admin Role = "admin"
	// Director sees and edits only their organizations; peers only as aggregates.
	Director Role = "director"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == Admin || r == Director }

// String implements fmt.Stringer.
func (r Role) String() string { return string(r) }

// Access is the record of one SSH public key allowed to connect.
type Access struct {
	// Fingerprint is the key's SHA256 fingerprint ("SHA256:…"), the record's id.
	Fingerprint string `json:"fingerprint"`
	Name        string `json:"name"`
	Role        Role   `json:"role"`
	// Orgs are the organization ids a director may see; an admin sees all.
	Orgs []string `json:"orgs"`
	// Key is the public key as an authorized_keys line.
	Key     string    `json:"key"`
	AddedAt time.Time `json:"added_at"`
}

// CanSee reports whether the holder of a may see and edit organization orgID.
func (a Access) CanSee(orgID string) bool {
	return a.Role == Admin || slices.Contains(a.Orgs, orgID)
}

// AddAccess stores access record a, replacing any record with the same fingerprint; see
// PutAccess, which also returns the record it replaced.
func (s *Store) AddAccess(a Access) error {
	_, err := s.PutAccess(a)
	return err
}

// PutAccess stores access record a, replacing any record with the same fingerprint, and
// returns the record it replaced (nil when the key is new), so that the caller can say
// what changed. The name is required, the role must be known, and a director needs at
// least one organization; every organization named must exist. A zero AddedAt is set
// from the clock for a new key and kept from the old record for a known one.
func (s *Store) PutAccess(a Access) (*Access, error) {
	a.Fingerprint = strings.TrimSpace(a.Fingerprint)
	a.Key = strings.TrimSpace(a.Key)
	var err error
	if a.Name, err = checkName("name", a.Name); err != nil {
		return nil, fmt.Errorf("add access: %w", err)
	}
	switch {
	case a.Fingerprint == "" || strings.ContainsFunc(a.Fingerprint, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }):
		err = &assessment.FieldError{Field: "fingerprint", Msg: fmt.Sprintf("fingerprint %q must be one word, like SHA256:…", a.Fingerprint)}
	case strings.ContainsFunc(a.Key, func(r rune) bool { return unicode.IsControl(r) }):
		err = &assessment.FieldError{Field: "key", Msg: "the key must be a single authorized_keys line"}
	case !a.Role.Valid():
		err = &assessment.FieldError{Field: "role", Msg: fmt.Sprintf("unknown role %q: use admin or director", a.Role)}
	case a.Role == Director && len(a.Orgs) == 0:
		err = &assessment.FieldError{Field: "orgs", Msg: "a director needs at least one organization"}
	}
	if err != nil {
		return nil, fmt.Errorf("add access: %w", err)
	}
	orgs := make([]string, 0, len(a.Orgs))
	for _, o := range a.Orgs {
		if !slices.Contains(orgs, o) {
			orgs = append(orgs, o)
		}
	}
	a.Orgs = orgs
	stamp := a.AddedAt.IsZero()
	var prev *Access
	defer s.accessGen.Add(1) // after the commit, whatever its outcome
	err = s.update(func(tx *bolt.Tx) error {
		prev = nil
		for _, id := range a.Orgs {
			if _, err := orgBucket(tx, id); err != nil {
				return err
			}
		}
		access, err := top(tx, bucketAccess)
		if err != nil {
			return err
		}
		if old := access.Get([]byte(a.Fingerprint)); old != nil {
			var o Access
			if err := decode(old, &o, "access %s", a.Fingerprint); err != nil {
				return err
			}
			prev = &o
		}
		if stamp {
			a.AddedAt = s.stamp()
			if prev != nil && !prev.AddedAt.IsZero() {
				a.AddedAt = prev.AddedAt
			}
		}
		v, err := encode(a)
		if err != nil {
			return err
		}
		return access.Put([]byte(a.Fingerprint), v)
	})
	if err != nil {
		return nil, fmt.Errorf("add access for %s: %w", a.Name, err)
	}
	return prev, nil
}

// Accesses returns every access record, sorted by name ignoring case.
func (s *Store) Accesses() ([]Access, error) {
	var out []Access
	err := s.view(func(tx *bolt.Tx) error {
		access := tx.Bucket(bucketAccess)
		if access == nil {
			return nil
		}
		return access.ForEach(func(k, v []byte) error {
			var a Access
			err := decode(v, &a, "access %s", k)
			out = append(out, a)
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("list access: %w", err)
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name)
		if a != b {
			return a < b
		}
		return out[i].Fingerprint < out[j].Fingerprint
	})
	return out, nil
}

// AccessFor returns the access record of the key with fingerprint, or ErrNotFound.
func (s *Store) AccessFor(fingerprint string) (Access, error) {
	var a Access
	err := s.view(func(tx *bolt.Tx) error {
		var v []byte
		if access := tx.Bucket(bucketAccess); access != nil && fingerprint != "" {
			v = access.Get([]byte(fingerprint))
		}
		if v == nil {
			return ErrNotFound
		}
		return decode(v, &a, "access %s", fingerprint)
	})
	if err != nil {
		return Access{}, fmt.Errorf("access for key %s: %w", fingerprint, err)
	}
	return a, nil
}

// RevokeAccess deletes the access record of the key with fingerprint, or returns
// ErrNotFound.
func (s *Store) RevokeAccess(fingerprint string) error {
	defer s.accessGen.Add(1) // after the commit, whatever its outcome
	err := s.update(func(tx *bolt.Tx) error {
		access, err := top(tx, bucketAccess)
		if err != nil {
			return err
		}
		if fingerprint == "" || access.Get([]byte(fingerprint)) == nil {
			return ErrNotFound
		}
		return access.Delete([]byte(fingerprint))
	})
	if err != nil {
		return fmt.Errorf("revoke access for key %s: %w", fingerprint, err)
	}
	return nil
}

// OrganizationsOf returns the organizations with the given ids, in that order, skipping
// ids that no longer exist. It reads those records and no others, so what a director
// asks for costs the same whatever else the database holds.
func (s *Store) OrganizationsOf(ids []string) ([]Organization, error) {
	var out []Organization
	err := s.view(func(tx *bolt.Tx) error {
		out = out[:0]
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil {
			return nil
		}
		for _, id := range ids {
			if id == "" || orgs.Bucket([]byte(id)) == nil {
				continue
			}
			o, err := readOrg(orgs, []byte(id))
			if err != nil {
				return err
			}
			out = append(out, o)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("list organizations: %w", err)
	}
	return out, nil
}
