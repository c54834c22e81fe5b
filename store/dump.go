package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// OrgData is an organization with all its assessments, for export and import: the
// domain's record, the same one an interchange file holds.
type OrgData = assessment.Record

// Dump returns the organizations orgIDs (nil: all, sorted by name) with every assessment
// and answer, and the banks those assessments use (the embedded default bank included
// when used, stored or not), sorted by id, version and hash. It reads everything in one
// transaction, so the result is consistent. An unknown id is ErrNotFound.
func (s *Store) Dump(orgIDs []string) ([]OrgData, []*questions.Bank, error) {
	var (
		out   []OrgData
		banks = map[string]*questions.Bank{}
	)
	err := s.view(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		ids := orgIDs
		if ids == nil && orgs != nil {
			ids = allOrgIDs(orgs)
		}
		for _, id := range ids {
			org, err := orgBucket(tx, id)
			if err != nil {
				return err
			}
			d := OrgData{}
			if d.Organization, err = readOrg(orgs, []byte(id)); err != nil {
				return err
			}
			add := func(a assessment.Assessment, err error) error {
				if err != nil {
					return err
				}
				bank, err := s.bankTx(tx, a.Bank)
				if err != nil {
					return fmt.Errorf("assessment %d of %q: %w", a.Number, id, err)
				}
				banks[bank.Hash] = bank
				d.Assessments = append(d.Assessments, a)
				return nil
			}
			err = forEachCompleted(org, id, func(n int, v []byte) error {
				return add(s.completedTx(tx, org, id, n, v, false))
			})
			if err != nil {
				return err
			}
			if b := draftBucket(tx, id); b != nil {
				if err := add(readAssessment(b, id, 0)); err != nil {
					return err
				}
			}
			out = append(out, d)
		}
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("dump: %w", err)
	}
	if orgIDs == nil {
		sort.SliceStable(out, func(i, j int) bool {
			a, b := strings.ToLower(out[i].Name), strings.ToLower(out[j].Name)
			return a < b || (a == b && out[i].ID < out[j].ID)
		})
	}
	list := make([]*questions.Bank, 0, len(banks))
	for _, b := range banks {
		list = append(list, b)
	}
	sortBanks(list)
	return out, list, nil
}

// ReplaceAll writes organizations with their assessments, and banks, in one Update: all
// or nothing. Everything is validated first by the import rules of the domain
// (assessment.CheckImport, the same rules an interchange file passes; ErrInvalid, naming
// the field as "organizations[i]…"), with every assessment's bank found among banks, then
// stored ones, then the embedded default. Notes are sanitized; the caller's data is not
// changed. Without replace, an organization id or name that already exists is
// ErrExists; with replace, existing organizations with those ids are deleted first
// (other organizations still may not share a name).
func (s *Store) ReplaceAll(orgs []OrgData, banks []*questions.Bank, replace bool) error {
	for i, b := range banks {
		if err := checkBank(b); err != nil {
			var fe *assessment.FieldError
			errors.As(err, &fe)
			return fmt.Errorf("import: %w", &assessment.FieldError{Field: fmt.Sprintf("banks[%d]", i), Msg: fe.Msg})
		}
	}
	in := make([]OrgData, len(orgs))
	for i, o := range orgs {
		in[i] = OrgData{Organization: o.Organization, Assessments: make([]assessment.Assessment, len(o.Assessments))}
		if in[i].CreatedAt.IsZero() {
			in[i].CreatedAt = s.stamp()
		}
		for j, a := range o.Assessments {
			in[i].Assessments[j] = a.Clone()
		}
	}
	now := s.stamp()
	err := s.update(func(tx *bolt.Tx) error {
		resolve := s.importBanks(tx, banks)
		if err := assessment.CheckImport(in, resolve, now); err != nil {
			return err
		}
		root, err := top(tx, bucketOrgs)
		if err != nil {
			return err
		}
		if err := clearReplaced(tx, root, in, replace); err != nil {
			return err
		}
		if err := writeImported(tx, root, in, resolve); err != nil {
			return err
		}
		for _, b := range banks {
			if err := putBank(tx, b); err != nil {
				return err
			}
		}
		return s.refreshTx(tx) // an import takes a new benchmark snapshot
	})
	if err != nil {
		return fmt.Errorf("import: %w", err)
	}
	return nil
}

// importBanks resolves the bank references of an import: the incoming banks first (by
// hash, or by id and version for a reference without a hash), then the stored ones.
func (s *Store) importBanks(tx *bolt.Tx, banks []*questions.Bank) func(questions.Ref) (*questions.Bank, error) {
	byHash := map[string]*questions.Bank{}
	byRef := map[string]*questions.Bank{}
	for _, b := range banks {
		byHash[b.Hash] = b
		byRef[string(bankRefKey(b.ID, b.Version))] = b
	}
	return func(ref questions.Ref) (*questions.Bank, error) {
		if b := byHash[ref.Hash]; ref.Hash != "" && b != nil {
			return b, nil
		}
		if b := byRef[string(bankRefKey(ref.ID, ref.Version))]; ref.Hash == "" && b != nil {
			return b, nil
		}
		return s.bankTx(tx, ref)
	}
}

// clearReplaced deletes the stored organizations (and drafts) that the import replaces,
// or returns ErrExists without replace.
func clearReplaced(tx *bolt.Tx, root *bolt.Bucket, in []OrgData, replace bool) error {
	for _, d := range in {
		if root.Bucket([]byte(d.ID)) == nil {
			continue
		}
		if !replace {
			return fmt.Errorf("organization %q %w (import with replace to overwrite it)", d.ID, ErrExists)
		}
		if err := root.DeleteBucket([]byte(d.ID)); err != nil {
			return err
		}
		if draftBucket(tx, d.ID) != nil {
			if err := tx.Bucket(bucketDrafts).DeleteBucket([]byte(d.ID)); err != nil {
				return err
			}
		}
	}
	return nil
}

// writeImported writes the checked organizations and their assessments, with the bank of
// each; a name may not be taken by an organization that stays.
func writeImported(tx *bolt.Tx, root *bolt.Bucket, in []OrgData, resolve func(questions.Ref) (*questions.Bank, error)) error {
	taken := map[string]string{}
	err := root.ForEachBucket(func(k []byte) error {
		o, err := readOrg(root, k)
		taken[fold(o.Name)] = o.ID
		return err
	})
	if err != nil {
		return err
	}
	for _, d := range in {
		if id, ok := taken[fold(d.Name)]; ok {
			return fmt.Errorf("name %q %w (organization %s; names are compared ignoring case, full-width letters and accent encoding)", d.Name, ErrExists, id)
		}
		if err := putOrg(root, d.Organization); err != nil {
			return err
		}
		for j := range d.Assessments {
			bank, err := resolve(d.Assessments[j].Bank) // by the hash CheckImport set
			if err != nil {
				return err
			}
			if err := putBank(tx, bank); err != nil {
				return err
			}
			if err := writeAssessment(tx, d.ID, &d.Assessments[j], bank); err != nil {
				return err
			}
		}
	}
	return nil
}
