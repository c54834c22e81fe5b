package store

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// OrgData is an organization with all its assessments, for export and import.
type OrgData struct {
	Organization
	Assessments []assessment.Assessment
}

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
			if err := orgs.ForEachBucket(func(k []byte) error {
				ids = append(ids, string(k))
				return nil
			}); err != nil {
				return err
			}
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
// or nothing. Everything is validated first (ErrInvalid, naming the field as
// "organizations[i]…"): organization ids are slugs and names valid and unique; every
// assessment's bank is among banks, stored, or the embedded default; completed
// assessments pass assessment.Validate; a draft's values are in range, and an
// organization has at most one draft, its highest-numbered assessment. Notes are
// sanitized. Without replace, an organization id or name that already exists is
// ErrExists; with replace, existing organizations with those ids are deleted first
// (other organizations still may not share a name).
func (s *Store) ReplaceAll(orgs []OrgData, banks []*questions.Bank, replace bool) error {
	fail := func(field, format string, args ...any) error {
		return fmt.Errorf("import: %w", &assessment.FieldError{Field: field, Msg: fmt.Sprintf(format, args...)})
	}
	for i, b := range banks {
		if err := checkBank(b); err != nil {
			var fe *assessment.FieldError
			errors.As(err, &fe)
			return fail(fmt.Sprintf("banks[%d]", i), "%s", fe.Msg)
		}
	}
	ids := map[string]int{}
	names := map[string]int{}
	for i := range orgs {
		o := &orgs[i]
		p := fmt.Sprintf("organizations[%d]", i)
		if err := assessment.CheckID("id", o.ID); err != nil {
			return fail(p+".id", "%s", err.(*assessment.FieldError).Msg)
		}
		if _, err := checkName("name", o.Name); err != nil {
			return fail(p+".name", "%s", err.(*assessment.FieldError).Msg)
		}
		if j, dup := ids[o.ID]; dup {
			return fail(p+".id", "id %q is also organizations[%d]", o.ID, j)
		}
		ids[o.ID] = i
		folded := fold(strings.TrimSpace(o.Name))
		if j, dup := names[folded]; dup {
			return fail(p+".name", "name %q is the same as organizations[%d] (names are compared ignoring case, full-width letters and accent encoding)", o.Name, j)
		}
		names[folded] = i
	}

	now := s.stamp()
	err := s.update(func(tx *bolt.Tx) error {
		// Resolve banks against the incoming ones first, then the stored ones.
		byHash := map[string]*questions.Bank{}
		byRef := map[string]*questions.Bank{}
		for _, b := range banks {
			byHash[b.Hash] = b
			byRef[string(bankRefKey(b.ID, b.Version))] = b
		}
		resolve := func(ref questions.Ref) (*questions.Bank, error) {
			if b := byHash[ref.Hash]; ref.Hash != "" && b != nil {
				return b, nil
			}
			if b := byRef[string(bankRefKey(ref.ID, ref.Version))]; ref.Hash == "" && b != nil {
				return b, nil
			}
			return s.bankTx(tx, ref)
		}

		prepared := make([]OrgData, len(orgs))
		banksOf := make([][]*questions.Bank, len(orgs)) // the bank of each prepared assessment
		for i := range orgs {
			p := fmt.Sprintf("organizations[%d]", i)
			d := OrgData{Organization: orgs[i].Organization}
			d.Name = strings.TrimSpace(d.Name)
			if d.CreatedAt.IsZero() {
				d.CreatedAt = s.stamp()
			}
			var usedBanks []*questions.Bank
			numbers := map[int]bool{}
			drafts, last := 0, 0
			for j := range orgs[i].Assessments {
				a := orgs[i].Assessments[j].Clone()
				ap := fmt.Sprintf("%s.assessments[%d]", p, j)
				bank, err := resolve(a.Bank)
				if err != nil {
					return &assessment.FieldError{Field: ap + ".bank", Msg: err.Error()}
				}
				a.Bank = bank.Ref()
				for id, ans := range a.Answers {
					ans.Note = assessment.SanitizeNote(ans.Note)
					a.Answers[id] = ans
				}
				if err := validateImported(&a, bank, now); err != nil {
					var fe *assessment.FieldError
					if errors.As(err, &fe) {
						return &assessment.FieldError{Field: ap + "." + fe.Field, Msg: fe.Msg}
					}
					return err
				}
				if numbers[a.Number] {
					return &assessment.FieldError{Field: ap + ".number", Msg: fmt.Sprintf("assessment number %d appears twice", a.Number)}
				}
				numbers[a.Number] = true
				last = max(last, a.Number)
				if a.Status == assessment.Draft {
					drafts++
				}
				if err := putBank(tx, bank); err != nil {
					return err
				}
				d.Assessments = append(d.Assessments, a)
				usedBanks = append(usedBanks, bank)
			}
			if drafts > 1 {
				return &assessment.FieldError{Field: p + ".assessments", Msg: "an organization has at most one draft"}
			}
			for j, a := range d.Assessments {
				if a.Status == assessment.Draft && a.Number != last {
					return &assessment.FieldError{Field: fmt.Sprintf("%s.assessments[%d].number", p, j),
						Msg: fmt.Sprintf("draft %d must be the last assessment (the last is %d)", a.Number, last)}
				}
			}
			prepared[i], banksOf[i] = d, usedBanks
		}

		root, err := top(tx, bucketOrgs)
		if err != nil {
			return err
		}
		for _, d := range prepared {
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
		// Names must stay unique among the organizations that remain.
		taken := map[string]string{}
		err = root.ForEachBucket(func(k []byte) error {
			o, err := readOrg(root, k)
			taken[fold(o.Name)] = o.ID
			return err
		})
		if err != nil {
			return err
		}
		for i, d := range prepared {
			if id, ok := taken[fold(d.Name)]; ok {
				return fmt.Errorf("name %q %w (organization %s; names are compared ignoring case, full-width letters and accent encoding)", d.Name, ErrExists, id)
			}
			if err := putOrg(root, d.Organization); err != nil {
				return err
			}
			for j := range d.Assessments {
				if err := writeAssessment(tx, d.ID, &d.Assessments[j], banksOf[i][j]); err != nil {
					return err
				}
			}
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

// validateImported checks an incoming assessment against its bank and its dates against
// now: completed ones as assessment.Validate does; drafts the same way except that the
// profile may be partly filled in.
func validateImported(a *assessment.Assessment, bank *questions.Bank, now time.Time) error {
	if err := validateContent(a, bank); err != nil {
		return err
	}
	return a.CheckTimes(now)
}

func validateContent(a *assessment.Assessment, bank *questions.Bank) error {
	if a.Status != assessment.Draft {
		return a.Validate(bank)
	}
	if err := checkDraftProfile(a.Profile); err != nil {
		var fe *assessment.FieldError
		if errors.As(err, &fe) {
			return &assessment.FieldError{Field: "profile." + fe.Field, Msg: fe.Msg}
		}
		return err
	}
	c := *a
	c.Profile = assessment.Profile{Beds: assessment.MinBeds} // checked above
	return c.Validate(bank)
}
