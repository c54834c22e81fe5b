package assessment

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"cebalance/questions"
)

// Organization is a hospital or health system that is assessed, or whose figures count
// as peers. The same type is stored, exported and shown in reports; a report carries
// only its id, name and demo mark (see Organization.Public), so created_at and
// peer_only are left out of JSON when zero.
type Organization struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at,omitzero"`
	// PeerOnly marks benchmark data (demo peers, a consortium's figures): the
	// organization counts as a peer but is not assessed here, so lists leave it out.
	PeerOnly bool `json:"peer_only,omitempty"`
	// Demo marks demo data (`cebalance demo`): it is benchmarked only against other demo
	// data, `cebalance demo --remove` deletes it, and reports of it say so.
	Demo bool `json:"demo,omitempty"`
}

// Public is o as a report shows it: id, name and the demo mark.
func (o Organization) Public() Organization {
	return Organization{ID: o.ID, Name: o.Name, Demo: o.Demo}
}

// Record is one organization with all its assessments: what an interchange file holds
// and an import writes.
type Record struct {
	Organization
	Assessments []Assessment `json:"assessments"`
}

// CheckImport checks incoming organizations (an interchange file, an import into the
// store) before anything is written; the file and the store apply these same rules:
//
//   - ids are slugs (CheckID) and unique; names are valid (CheckName) and unique as
//     NameKey compares them;
//   - every assessment passes CheckIncoming against the bank that bankOf resolves its
//     reference to;
//   - an organization's assessment numbers are unique, and it has at most one draft,
//     its highest-numbered assessment.
//
// It trims names, sanitizes notes and sets each bank reference to the resolved bank's,
// in place. Errors are *FieldError whose Field is a path such as
// "organizations[2].assessments[0].profile.beds".
func CheckImport(orgs []Record, bankOf func(questions.Ref) (*questions.Bank, error), now time.Time) error {
	ids := map[string]int{}
	names := map[string]int{}
	for i := range orgs {
		p := fmt.Sprintf("organizations[%d]", i)
		if err := checkIdentity(&orgs[i].Organization, i, ids, names); err != nil {
			return under(p, err)
		}
		if err := checkAssessments(orgs[i].Assessments, bankOf, now); err != nil {
			return under(p, err)
		}
	}
	return nil
}

// checkIdentity checks the id and name of organization i against the rules and against
// the organizations before it, whose ids and name keys are in ids and names.
func checkIdentity(o *Organization, i int, ids, names map[string]int) error {
	if err := CheckID("id", o.ID); err != nil {
		return err
	}
	if j, dup := ids[o.ID]; dup {
		return fieldErr("id", "duplicate organization id %q (also organizations[%d])", o.ID, j)
	}
	ids[o.ID] = i
	name, err := CheckName("name", o.Name)
	if err != nil {
		return err
	}
	o.Name = name
	if j, dup := names[NameKey(name)]; dup {
		return fieldErr("name", "name %q is the same as organizations[%d] (names are compared ignoring case, full-width letters and accent encoding)", name, j)
	}
	names[NameKey(name)] = i
	return nil
}

// checkAssessments checks one organization's assessments, each on its own and then
// their numbers and drafts together.
func checkAssessments(as []Assessment, bankOf func(questions.Ref) (*questions.Bank, error), now time.Time) error {
	numbers := map[int]int{}
	for j := range as {
		p := fmt.Sprintf("assessments[%d]", j)
		bank, err := bankOf(as[j].Bank)
		if err != nil {
			return fieldErr(p+".bank", "%v", err)
		}
		if err := as[j].CheckIncoming(bank, now); err != nil {
			return under(p, err)
		}
		if k, dup := numbers[as[j].Number]; dup {
			return fieldErr(p+".number", "duplicate assessment number %d (also assessments[%d])", as[j].Number, k)
		}
		numbers[as[j].Number] = j
	}
	last := 0
	for _, a := range as {
		last = max(last, a.Number)
	}
	drafts := 0
	for j, a := range as {
		if a.Status == Draft {
			if drafts++; drafts > 1 {
				return fieldErr(fmt.Sprintf("assessments[%d].status", j), "an organization has at most one draft")
			}
		}
	}
	for j, a := range as {
		if a.Status == Draft && a.Number != last {
			return fieldErr(fmt.Sprintf("assessments[%d].number", j),
				"draft %d is not the organization's latest assessment (%d): a draft must have the highest number", a.Number, last)
		}
	}
	return nil
}

// CheckIncoming checks an assessment that comes from outside against bank, the bank its
// reference resolved to: its notes are sanitized, its reference set to bank's, its
// content checked as Validate does (a draft's profile may be partly filled in) and its
// dates against now (CheckTimes).
func (a *Assessment) CheckIncoming(bank *questions.Bank, now time.Time) error {
	a.Bank = bank.Ref()
	for id, ans := range a.Answers {
		ans.Note = SanitizeNote(ans.Note)
		a.Answers[id] = ans
	}
	if a.Answers == nil {
		a.Answers = map[string]Answer{}
	}
	if err := a.Validate(bank); err != nil {
		return err
	}
	return a.CheckTimes(now)
}

// SortByNumber sorts assessments by number, as they are stored and exported.
func SortByNumber(as []Assessment) {
	sort.SliceStable(as, func(x, y int) bool { return as[x].Number < as[y].Number })
}

// under puts a *FieldError's field under path p; other errors are returned as they are.
func under(p string, err error) error {
	var fe *FieldError
	if errors.As(err, &fe) {
		return &FieldError{Field: p + "." + fe.Field, Msg: fe.Msg}
	}
	return err
}
