package store

import (
	"bytes"
	"errors"
	"fmt"
	"strings"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
	"cebalance/questions"
)

// orgBucket returns the bucket of organization id, or ErrNotFound.
func orgBucket(tx *bolt.Tx, id string) (*bolt.Bucket, error) {
	if orgs := tx.Bucket(bucketOrgs); orgs != nil && id != "" {
		if b := orgs.Bucket([]byte(id)); b != nil {
			return b, nil
		}
	}
	return nil, fmt.Errorf("organization %q: %w", id, ErrNotFound)
}

// lastCompleted returns the number and stored value of an organization's latest
// completed assessment (a nil value: the bucket of the layout before schema 3), or 0
// when it has none.
func lastCompleted(org *bolt.Bucket) (int, []byte) {
	c := org.Cursor()
	for k, v := c.Last(); k != nil; k, v = c.Prev() {
		if n, ok := keyNumber(k); ok {
			return n, v
		}
	}
	return 0, nil
}

// forEachCompleted calls fn with the number and stored value of every completed
// assessment of organization orgID (bucket org), by number. A nil value is an
// assessment still in the layout before schema 3: a bucket under the same key.
func forEachCompleted(org *bolt.Bucket, orgID string, fn func(n int, v []byte) error) error {
	c := org.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if bytes.Equal(k, keyOrg) {
			continue
		}
		n, ok := keyNumber(k)
		if !ok {
			return fmt.Errorf("%w: bad assessment key %x in %q", ErrCorrupt, k, orgID)
		}
		if err := fn(n, v); err != nil {
			return err
		}
	}
	return nil
}

// completedTx decodes completed assessment n of organization orgID, stored as v in its
// bucket org: a compact value, or (v nil) a bucket of the layout before schema 3, which
// readers accept so that an assessment the migration could not convert stays readable.
// With performersOnly the answers carry only their performer.
func (s *Store) completedTx(tx *bolt.Tx, org *bolt.Bucket, orgID string, n int, v []byte, performersOnly bool) (assessment.Assessment, error) {
	if v == nil {
		b := org.Bucket(numberKey(n))
		if b == nil {
			return assessment.Assessment{}, fmt.Errorf("assessment %d of %q: %w", n, orgID, ErrNotFound)
		}
		if performersOnly {
			h, err := readHead(b, orgID, n)
			if err != nil {
				return assessment.Assessment{}, err
			}
			if bank, err := s.bankTx(tx, h.Bank); err == nil {
				if answers, ok := h.peerAnswers(bank); ok {
					return h.assessment(answers), nil
				}
			}
		}
		return readAssessment(b, orgID, n)
	}
	a, err := decodeCompleted(v, func(ref questions.Ref) (*questions.Bank, error) { return s.bankTx(tx, ref) }, performersOnly)
	if err == nil && a.Number != n {
		err = fmt.Errorf("%w: it says it is number %d", ErrCorrupt, a.Number)
	}
	if err != nil {
		return assessment.Assessment{}, fmt.Errorf("assessment %d of %q: %w", n, orgID, err)
	}
	return a, nil
}

// completedValue returns the stored value of completed assessment n in org (nil for a
// bucket of the layout before schema 3) and whether there is one.
func completedValue(org *bolt.Bucket, n int) ([]byte, bool) {
	k, v := org.Cursor().Seek(numberKey(n))
	if k == nil || !bytes.Equal(k, numberKey(n)) {
		return nil, false
	}
	return v, true
}

// draftBucket returns the bucket of organization orgID's draft, or nil.
func draftBucket(tx *bolt.Tx, orgID string) *bolt.Bucket {
	if drafts := tx.Bucket(bucketDrafts); drafts != nil && orgID != "" {
		return drafts.Bucket([]byte(orgID))
	}
	return nil
}

// readHead decodes the head in assessment bucket b (number 0: the draft).
func readHead(b *bolt.Bucket, orgID string, number int) (head, error) {
	var h head
	if number == 0 {
		return h, decode(b.Get(keyHead), &h, "draft of %q", orgID)
	}
	return h, decode(b.Get(keyHead), &h, "assessment %d of %q", number, orgID)
}

// readAnswers decodes the answers in assessment bucket b (number 0: the draft).
func readAnswers(b *bolt.Bucket, orgID string, number int) (map[string]assessment.Answer, error) {
	answers := map[string]assessment.Answer{}
	err := b.ForEach(func(k, v []byte) error {
		if v == nil || bytes.Equal(k, keyHead) {
			return nil
		}
		var ans assessment.Answer
		var err error
		if number == 0 {
			err = decode(v, &ans, "answer %s of the draft of %q", k, orgID)
		} else {
			err = decode(v, &ans, "answer %s of assessment %d of %q", k, number, orgID)
		}
		if err != nil {
			return err
		}
		answers[string(k)] = ans
		return nil
	})
	return answers, err
}

func readAssessment(b *bolt.Bucket, orgID string, number int) (assessment.Assessment, error) {
	h, err := readHead(b, orgID, number)
	if err != nil {
		return assessment.Assessment{}, err
	}
	answers, err := readAnswers(b, orgID, number)
	if err != nil {
		return assessment.Assessment{}, err
	}
	return h.assessment(answers), nil
}

// writeAssessment stores a of organization orgID, replacing what was there: a draft
// as the organization's draft bucket (a head and one key per answer), a completed one
// as one compact value under its number; bank is a's bank.
func writeAssessment(tx *bolt.Tx, orgID string, a *assessment.Assessment, bank *questions.Bank) error {
	// Every writer comes here: a number the reader would refuse as damage (from an
	// import made before the bound existed) is refused instead of written.
	if err := assessment.CheckNumber(a.Number); err != nil {
		return err
	}
	parent, err := orgBucket(tx, orgID)
	if err != nil {
		return err
	}
	if a.Status != assessment.Draft {
		key := numberKey(a.Number)
		v, err := encodeCompleted(a, bank)
		if err != nil {
			return err
		}
		if parent.Bucket(key) != nil { // the layout before schema 3
			if err := parent.DeleteBucket(key); err != nil {
				return err
			}
		}
		return parent.Put(key, v)
	}
	if parent, err = top(tx, bucketDrafts); err != nil {
		return err
	}
	key := []byte(orgID)
	if parent.Bucket(key) != nil {
		if err := parent.DeleteBucket(key); err != nil {
			return err
		}
	}
	b, err := parent.CreateBucket(key)
	if err != nil {
		return err
	}
	v, err := encode(headOf(a, bank))
	if err != nil {
		return err
	}
	if err := b.Put(keyHead, v); err != nil {
		return err
	}
	for id, ans := range a.Answers {
		v, err := encode(ans)
		if err != nil {
			return err
		}
		if err := b.Put([]byte(id), v); err != nil {
			return err
		}
	}
	return nil
}

// draftOf opens assessment number of orgID for a change: it must exist and be a draft.
func (s *Store) draftOf(tx *bolt.Tx, orgID string, number int) (*bolt.Bucket, head, error) {
	org, err := orgBucket(tx, orgID)
	if err != nil {
		return nil, head{}, err
	}
	if d := draftBucket(tx, orgID); d != nil {
		h, err := s.draftHead(d, orgID)
		if err != nil {
			return nil, h, err
		}
		if h.Number == number {
			if h.Status != assessment.Draft {
				err := fmt.Errorf("assessment %d of %q is %w: start a new assessment to change answers", number, orgID, ErrNotDraft)
				return nil, h, err
			}
			return d, h, nil
		}
	}
	if _, ok := completedValue(org, number); ok && number > 0 {
		return nil, head{}, fmt.Errorf("assessment %d of %q is %w: start a new assessment to change answers", number, orgID, ErrNotDraft)
	}
	return nil, head{}, fmt.Errorf("assessment %d of %q: %w", number, orgID, ErrNotFound)
}

// Assessments returns every assessment of organization orgID with its answers, by number.
func (s *Store) Assessments(orgID string) ([]assessment.Assessment, error) {
	var out []assessment.Assessment
	err := s.view(func(tx *bolt.Tx) error {
		var err error
		out, err = s.assessmentsTx(tx, orgID)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("list assessments: %w", err)
	}
	return out, nil
}

// Assessment returns assessment number of organization orgID with its answers.
func (s *Store) Assessment(orgID string, number int) (assessment.Assessment, error) {
	var a assessment.Assessment
	err := s.view(func(tx *bolt.Tx) error {
		org, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		if d := draftBucket(tx, orgID); d != nil {
			h, err := readHead(d, orgID, 0)
			if err != nil {
				return err
			}
			if h.Number == number {
				a, err = readAssessment(d, orgID, 0)
				return err
			}
		}
		if v, ok := completedValue(org, number); ok && number > 0 {
			a, err = s.completedTx(tx, org, orgID, number, v, false)
			return err
		}
		return fmt.Errorf("assessment %d of %q: %w", number, orgID, ErrNotFound)
	})
	if err != nil {
		return assessment.Assessment{}, fmt.Errorf("read assessment: %w", err)
	}
	return a, nil
}

// Draft returns the draft assessment of organization orgID, or ErrNotFound when it has
// none.
func (s *Store) Draft(orgID string) (assessment.Assessment, error) {
	a, _, err := s.DraftRev(orgID)
	return a, err
}

// DraftRev returns the draft of organization orgID, like Draft, with its revision: what
// an editor passes to CompleteIf.
func (s *Store) DraftRev(orgID string) (assessment.Assessment, int, error) {
	var a assessment.Assessment
	var rev int
	err := s.view(func(tx *bolt.Tx) error {
		if _, err := orgBucket(tx, orgID); err != nil {
			return err
		}
		d := draftBucket(tx, orgID)
		if d == nil {
			return fmt.Errorf("draft of %q: %w", orgID, ErrNotFound)
		}
		h, err := readHead(d, orgID, 0)
		if err != nil {
			return err
		}
		rev = h.Rev
		a, err = readAssessment(d, orgID, 0)
		return err
	})
	if err != nil {
		return assessment.Assessment{}, 0, fmt.Errorf("read draft: %w", err)
	}
	return a, rev, nil
}

// StartAssessment starts a new draft for organization orgID with bank, numbered one past
// its last assessment, and stores the bank if it is new. The profile is copied from the
// latest completed assessment (a first assessment starts with an empty profile); the
// answers start empty. It returns ErrDraftExists when the organization has a draft, and
// ErrInvalid when its last number is assessment.MaxNumber.
func (s *Store) StartAssessment(orgID string, bank *questions.Bank) (assessment.Assessment, error) {
	if err := checkBank(bank); err != nil {
		return assessment.Assessment{}, fmt.Errorf("start assessment: %w", err)
	}
	a := assessment.Assessment{
		Number:    1,
		Status:    assessment.Draft,
		StartedAt: s.stamp(),
		Bank:      bank.Ref(),
		Answers:   map[string]assessment.Answer{},
	}
	err := s.update(func(tx *bolt.Tx) error {
		org, err := orgBucket(tx, orgID)
		if err != nil {
			return err
		}
		if d := draftBucket(tx, orgID); d != nil {
			h, err := readHead(d, orgID, 0)
			if err != nil {
				return err
			}
			return fmt.Errorf("%w for %q (assessment %d): resume it, or delete it first", ErrDraftExists, orgID, h.Number)
		}
		if n, v := lastCompleted(org); n > 0 {
			h, err := s.completedTx(tx, org, orgID, n, v, true)
			if err != nil {
				return err
			}
			if n >= assessment.MaxNumber {
				return &assessment.FieldError{Field: "number", Msg: fmt.Sprintf(
					"organization %q has reached assessment number %d, the highest there can be: no new assessment can be numbered", orgID, n)}
			}
			a.Number, a.Profile = n+1, h.Profile
		}
		if err := putBank(tx, bank); err != nil {
			return err
		}
		return writeAssessment(tx, orgID, &a, bank)
	})
	if err != nil {
		return assessment.Assessment{}, fmt.Errorf("start assessment: %w", err)
	}
	return a, nil
}

// ConflictError is the ErrConflict of a compare-and-set write: the draft changed since
// the editor last saw it, and nothing was written. It carries what the draft holds now,
// so that the editor can be shown the other answer and choose.
type ConflictError struct {
	// Function is the function whose answer changed; "" for the profile or the draft.
	Function string
	// Current is the answer stored now; nil when the function is unanswered.
	Current *assessment.Answer
	// Field is the profile field that changed, for a profile save.
	Field assessment.ProfileField
	// Profile is the profile stored now.
	Profile assessment.Profile
	// Rev is the draft's revision now.
	Rev int
}

func (e *ConflictError) Error() string {
	switch {
	case e.Function != "" && e.Current == nil:
		return fmt.Sprintf("the answer to %s was cleared by someone else since you last saw it", e.Function)
	case e.Function != "":
		return fmt.Sprintf("the answer to %s was changed to %q by someone else since you last saw it", e.Function, e.Current.Performer)
	case e.Field != "":
		return fmt.Sprintf("%s was changed to %s by someone else since you last saw it", strings.ToLower(e.Field.Label()), e.Profile.Value(e.Field))
	}
	return fmt.Sprintf("the draft was changed by someone else since you last saw it (now revision %d)", e.Rev)
}

// Is makes errors.Is(err, ErrConflict) true.
func (e *ConflictError) Is(target error) bool { return target == ErrConflict }

// sameAnswer reports whether two answers say the same: performer, note and estimate. When they
// were given does not matter: an editor who saw "ce, no note" and saves over it loses
// nothing, whoever typed it and when.
func sameAnswer(a, b *assessment.Answer) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return a.Performer == b.Performer && a.Note == b.Note && sameHours(a.Hours, b.Hours)
}

// sameHours reports whether two estimates say the same (both none, or equal).
func sameHours(a, b *float64) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return *a == *b
}

// bumpRev counts one change of the draft of orgID in bucket b (head h) and returns the
// new revision.
func (s *Store) bumpRev(b *bolt.Bucket, orgID string, h head) (int, error) {
	h.Rev++
	return h.Rev, s.putHead(b, orgID, h)
}

// putHead stores h as the head of the draft of orgID in bucket b.
func (s *Store) putHead(b *bolt.Bucket, orgID string, h head) error {
	v, err := encode(h)
	if err != nil {
		return err
	}
	if err := b.Put(keyHead, v); err != nil {
		return err
	}
	s.heads.keep(orgID, v, h)
	return nil
}

// draftHead is readHead of the draft of orgID in bucket d, without decoding again the
// head a change made through this Store wrote last (see headMemo).
func (s *Store) draftHead(d *bolt.Bucket, orgID string) (head, error) {
	raw := d.Get(keyHead)
	if h, ok := s.heads.lookup(orgID, raw); ok {
		return h, nil
	}
	return readHead(d, orgID, 0)
}

// storedAnswer decodes the answer to functionID in draft bucket b, or nil.
func storedAnswer(b *bolt.Bucket, orgID, functionID string) (*assessment.Answer, error) {
	v := b.Get([]byte(functionID))
	if v == nil {
		return nil, nil
	}
	var a assessment.Answer
	if err := decode(v, &a, "answer %s of the draft of %q", functionID, orgID); err != nil {
		return nil, err
	}
	return &a, nil
}

// anyBase, as the base of a write, skips the comparison: the last writer wins.
var anyBase = &assessment.Answer{Performer: "\x00any"}

// SaveAnswer records the answer to function functionID in draft number of orgID,
// replacing any earlier one, and returns once it is on disk. The last writer wins: an
// editor who may share the draft with others uses SaveAnswerIf. The note is sanitized
// (assessment.SanitizeNote); a zero AnsweredAt is set from the clock. It returns
// ErrNotDraft for a completed assessment and ErrInvalid for an unknown performer or a
// function that is not in the assessment's bank.
func (s *Store) SaveAnswer(orgID string, number int, functionID string, ans assessment.Answer) error {
	_, err := s.SaveAnswerIf(orgID, number, functionID, ans, anyBase)
	return err
}

// SaveAnswerIf is SaveAnswer as a compare-and-set: base is the answer the editor last
// saw (nil: unanswered), and when the stored answer says something else (another
// performer, note or estimate of hours), nothing is written and a *ConflictError (ErrConflict) carries
// the stored one. It returns the draft's new revision.
func (s *Store) SaveAnswerIf(orgID string, number int, functionID string, ans assessment.Answer, base *assessment.Answer) (int, error) {
	return s.one(orgID, number, AnswerWrite{Function: functionID, Answer: ans, Base: base})
}

// one makes a single write of SaveAnswersIf and returns its result.
func (s *Store) one(orgID string, number int, w AnswerWrite) (int, error) {
	res, err := s.SaveAnswersIf(orgID, number, []AnswerWrite{w})
	if err != nil {
		return 0, err
	}
	return res[0].Rev, res[0].Err
}

// AnswerWrite is one write of SaveAnswersIf: the answer to Function, or with Clear its
// removal, made only while the stored answer is Base, the one the editor last saw
// (nil: unanswered).
type AnswerWrite struct {
	Function string
	Answer   assessment.Answer
	Clear    bool
	Base     *assessment.Answer
}

// WriteResult is what became of one AnswerWrite: the draft's revision after it, or
// why it was not made.
type WriteResult struct {
	Rev int
	Err error
}

// verb names a write in its errors.
func (w AnswerWrite) verb() string {
	if w.Clear {
		return "clear answer"
	}
	return "save answer"
}

// SaveAnswersIf makes writes to draft number of orgID in order, in one transaction, and
// returns once they are on disk: each as SaveAnswerIf or ClearAnswerIf would make it
// alone, with its own revision. A write that is refused (a *ConflictError: someone
// else changed that answer first; an unknown performer or function) is left out and
// its result says why, and the others are made. An error that concerns them all (not a
// draft, the disk) is returned alone, and then nothing was written. An editor's
// autosave sends what queued up while its last write was on the way in one call.
func (s *Store) SaveAnswersIf(orgID string, number int, writes []AnswerWrite) ([]WriteResult, error) {
	ws := make([]AnswerWrite, len(writes))
	refused := make([]error, len(writes))
	vals := make([][]byte, len(writes))
	all := true
	for i, w := range writes {
		ws[i], vals[i], refused[i] = s.prepareWrite(w)
		all = all && refused[i] != nil
	}
	var res []WriteResult
	if all {
		res = make([]WriteResult, len(ws))
		for i := range res {
			res[i].Err = refused[i]
		}
		return res, nil
	}
	err := s.coalesce(func(tx *bolt.Tx) error {
		// Run again when the group commit retries it alone: start afresh.
		res = make([]WriteResult, len(ws))
		b, h, err := s.draftOf(tx, orgID, number)
		if err != nil {
			return err
		}
		changed := false
		for i, w := range ws {
			if refused[i] != nil {
				res[i].Err = refused[i]
				continue
			}
			ok, err := s.applyWrite(tx, b, h, orgID, w, vals[i])
			if err != nil {
				return err
			}
			if !ok.applied {
				res[i].Err = fmt.Errorf("%s: %w", w.verb(), ok.refused)
				continue
			}
			h.Rev++
			res[i].Rev, changed = h.Rev, true
		}
		if changed {
			return s.putHead(b, orgID, h)
		}
		return nil
	})
	if err != nil {
		verb := "save answers"
		if len(ws) == 1 {
			verb = ws[0].verb()
		}
		return nil, fmt.Errorf("%s: %w", verb, err)
	}
	return res, nil
}

// prepareWrite checks what can be checked of w before the transaction and returns it
// as stored (the note sanitized, the time set) with the encoded answer, or why it is
// refused.
func (s *Store) prepareWrite(w AnswerWrite) (AnswerWrite, []byte, error) {
	if w.Clear {
		return w, nil, nil
	}
	ans := w.Answer
	if !ans.Performer.Valid() {
		return w, nil, fmt.Errorf("%s: %w", w.verb(), &assessment.FieldError{Field: "performer",
			Msg: fmt.Sprintf("unknown performer %q (use ce, specialist, bmet, manager, it, other_dept, vendor, nobody, unsure, or na where allowed)", ans.Performer)})
	}
	if err := assessment.CheckHours(ans.Performer, ans.Hours); err != nil {
		return w, nil, fmt.Errorf("%s: %w", w.verb(), err)
	}
	ans.Note = assessment.SanitizeNote(ans.Note)
	if ans.AnsweredAt.IsZero() {
		ans.AnsweredAt = s.stamp()
	}
	v, err := encode(ans)
	if err != nil {
		return w, nil, fmt.Errorf("%s: %w", w.verb(), err)
	}
	w.Answer = ans
	return w, v, nil
}

// outcome is whether applyWrite made a write, and if not, why.
type outcome struct {
	applied bool
	refused error
}

// applyWrite makes write w (value v) in draft bucket b (head h) unless the function,
// the performer or the base refuse it; an error is a failure of the transaction.
func (s *Store) applyWrite(tx *bolt.Tx, b *bolt.Bucket, h head, orgID string, w AnswerWrite, v []byte) (outcome, error) {
	var p assessment.Performer
	if !w.Clear {
		p = w.Answer.Performer
	}
	if err := s.checkFunction(tx, h.Bank, w.Function, p); err != nil {
		return outcome{refused: err}, nil
	}
	if err := checkBase(b, h, orgID, w.Function, w.Base); err != nil {
		var ce *ConflictError
		if errors.As(err, &ce) {
			return outcome{refused: err}, nil
		}
		return outcome{}, err
	}
	if w.Clear {
		return outcome{applied: true}, b.Delete([]byte(w.Function))
	}
	return outcome{applied: true}, b.Put([]byte(w.Function), v)
}

// checkBase returns a *ConflictError when the stored answer to functionID is not base.
func checkBase(b *bolt.Bucket, h head, orgID, functionID string, base *assessment.Answer) error {
	if base == anyBase {
		return nil
	}
	cur, err := storedAnswer(b, orgID, functionID)
	if err != nil {
		return err
	}
	if !sameAnswer(cur, base) {
		return &ConflictError{Function: functionID, Current: cur, Profile: h.Profile, Rev: h.Rev}
	}
	return nil
}

// checkFunction returns ErrInvalid unless functionID is in the bank ref names and
// accepts performer p (not checked when p is empty).
func (s *Store) checkFunction(tx *bolt.Tx, ref questions.Ref, functionID string, p assessment.Performer) error {
	bank, err := s.bankTx(tx, ref)
	if err != nil {
		return err
	}
	if _, ok := bank.Function(functionID); !ok {
		return &assessment.FieldError{Field: "function",
			Msg: fmt.Sprintf("unknown function %q in bank %s", functionID, bank.Ref())}
	}
	if p == "" { // clearing an answer
		return nil
	}
	f, _ := bank.Function(functionID)
	return assessment.CheckAnswer(f, p)
}

// ClearAnswer removes the answer to function functionID from draft number of orgID, so
// that it is unanswered again. Clearing an unanswered function is not an error. The
// last writer wins; see ClearAnswerIf.
func (s *Store) ClearAnswer(orgID string, number int, functionID string) error {
	_, err := s.ClearAnswerIf(orgID, number, functionID, anyBase)
	return err
}

// ClearAnswerIf is ClearAnswer as a compare-and-set: it clears only while the stored
// answer is base, the one the editor last saw, and otherwise returns a *ConflictError
// (ErrConflict) with the stored answer. It returns the draft's new revision.
func (s *Store) ClearAnswerIf(orgID string, number int, functionID string, base *assessment.Answer) (int, error) {
	return s.one(orgID, number, AnswerWrite{Function: functionID, Clear: true, Base: base})
}

// SaveProfile stores the profile of draft number of orgID. A partly filled profile is
// fine (it is validated completely by Complete), but every value must be in range. The
// last writer wins; see SaveProfileIf.
func (s *Store) SaveProfile(orgID string, number int, p assessment.Profile) error {
	_, _, err := s.saveProfile(orgID, number, p, nil, assessment.AllProfileFields)
	return err
}

// SaveProfileIf is SaveProfile as a compare-and-set per field: it writes only the
// given fields of p, and only when each of them still holds in the store what it holds
// in base, the profile the editor last saw; the other fields keep what is stored, so
// two editors of different fields both keep their values. When a field changed, it
// writes nothing and returns a *ConflictError (ErrConflict) naming the field, with the
// stored profile. It returns the stored profile and the draft's new revision.
func (s *Store) SaveProfileIf(orgID string, number int, p, base assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error) {
	return s.saveProfile(orgID, number, p, &base, fields)
}

func (s *Store) saveProfile(orgID string, number int, p assessment.Profile, base *assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error) {
	if err := p.ValidateDraft(); err != nil {
		return assessment.Profile{}, 0, fmt.Errorf("save profile: %w", err)
	}
	var out assessment.Profile
	var rev int
	err := s.coalesce(func(tx *bolt.Tx) error {
		b, h, err := s.draftOf(tx, orgID, number)
		if err != nil {
			return err
		}
		next := h.Profile
		for _, f := range fields {
			if base != nil && h.Profile.Value(f) != base.Value(f) {
				return &ConflictError{Field: f, Profile: h.Profile, Rev: h.Rev}
			}
			next.CopyField(p, f)
		}
		h.Profile, out = next, next
		rev, err = s.bumpRev(b, orgID, h)
		return err
	})
	if err != nil {
		return assessment.Profile{}, 0, fmt.Errorf("save profile: %w", err)
	}
	return out, rev, nil
}

// Complete completes draft number of orgID: every function of its bank must be answered
// (ErrIncomplete lists those that are not) and the profile must be valid (ErrInvalid).
// It returns the completed assessment. See CompleteIf for a draft others may edit.
func (s *Store) Complete(orgID string, number int) (assessment.Assessment, error) {
	return s.complete(orgID, number, -1)
}

// CompleteIf is Complete as a compare-and-set: it completes the draft only while it is
// at revision rev, the one the editor reviewed (DraftRev); otherwise it returns a
// *ConflictError (ErrConflict) with the revision now, and the editor reviews again.
func (s *Store) CompleteIf(orgID string, number, rev int) (assessment.Assessment, error) {
	return s.complete(orgID, number, rev)
}

func (s *Store) complete(orgID string, number, rev int) (assessment.Assessment, error) {
	var a assessment.Assessment
	err := s.update(func(tx *bolt.Tx) error {
		b, h, err := s.draftOf(tx, orgID, number)
		if err != nil {
			return err
		}
		if rev >= 0 && h.Rev != rev {
			return &ConflictError{Profile: h.Profile, Rev: h.Rev}
		}
		bank, err := s.bankTx(tx, h.Bank)
		if err != nil {
			return err
		}
		answers, err := readAnswers(b, orgID, number)
		if err != nil {
			return err
		}
		if missing := assessment.Unanswered(bank, answers); len(missing) > 0 {
			return fmt.Errorf("%w: %d of %d functions unanswered: %s",
				ErrIncomplete, len(missing), len(bank.Functions), strings.Join(missing, ", "))
		}
		if err := h.Profile.Validate(); err != nil {
			var fe *assessment.FieldError
			if errors.As(err, &fe) {
				return &assessment.FieldError{Field: "profile." + fe.Field, Msg: fe.Msg}
			}
			return err
		}
		now := s.stamp()
		h.Status, h.CompletedAt, h.Rev = assessment.Completed, &now, 0
		a = h.assessment(answers)
		if err := a.Validate(bank); err != nil {
			return err
		}
		// Move it from the draft's place to the completed ones.
		if err := writeAssessment(tx, orgID, &a, bank); err != nil {
			return err
		}
		if err := noteCompleted(tx, orgID); err != nil { // benchmark.go
			return err
		}
		return tx.Bucket(bucketDrafts).DeleteBucket([]byte(orgID))
	})
	if err != nil {
		return assessment.Assessment{}, fmt.Errorf("complete assessment: %w", err)
	}
	s.refreshIfDue() // benchmark.go: a new snapshot once enough organizations completed
	return a, nil
}

// DeleteDraft deletes draft number of orgID and its answers. Completed assessments
// cannot be deleted (ErrNotDraft).
func (s *Store) DeleteDraft(orgID string, number int) error {
	err := s.update(func(tx *bolt.Tx) error {
		if _, _, err := s.draftOf(tx, orgID, number); err != nil {
			return err
		}
		return tx.Bucket(bucketDrafts).DeleteBucket([]byte(orgID))
	})
	if err != nil {
		return fmt.Errorf("delete draft: %w", err)
	}
	return nil
}

// LatestCompleted returns, for every organization with a completed assessment, its
// latest completed assessment with the bank it was answered with: the candidates of the
// peer benchmark (assessment.Peers), by organization id. It reads everything in one
// transaction and decodes only what the benchmark needs: the answers carry their
// performer but no note or time. Use Assessments for the full record.
func (s *Store) LatestCompleted() ([]assessment.PeerInput, error) {
	var out []assessment.PeerInput
	err := s.view(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil {
			return nil
		}
		return orgs.ForEachBucket(func(id []byte) error {
			orgID := string(id)
			a, bank, err := s.latestTx(tx, orgs.Bucket(id), orgID)
			if a != nil {
				out = append(out, assessment.PeerInput{OrgID: orgID, Bank: bank, Assessment: a})
			}
			return err
		})
	})
	if err != nil {
		return nil, fmt.Errorf("read latest assessments: %w", err)
	}
	return out, nil
}

// latestTx reads the latest completed assessment of organization orgID (bucket org) with
// its bank, as far as peer figures need it: the answers carry their performer only. It returns nil when the organization has none.
func (s *Store) latestTx(tx *bolt.Tx, org *bolt.Bucket, orgID string) (*assessment.Assessment, *questions.Bank, error) {
	n, v := lastCompleted(org)
	if n == 0 {
		return nil, nil, nil
	}
	a, err := s.completedTx(tx, org, orgID, n, v, true)
	if err != nil {
		return nil, nil, err
	}
	bank, err := s.bankTx(tx, a.Bank)
	if err != nil {
		return nil, nil, err
	}
	return &a, bank, nil
}
