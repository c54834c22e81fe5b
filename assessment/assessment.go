package assessment

import (
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"cebalance/questions"
)

// Performer is who performs a function; see questions.Performer.
type Performer = questions.Performer

// The performers, in the order they are offered.
const (
	CE      = questions.CE
	BMET    = questions.BMET
	Manager = questions.Manager
	IT      = questions.IT
	Vendor  = questions.Vendor
	Nobody  = questions.Nobody
	Unsure  = questions.Unsure
)

// Status is the state of an assessment.
type Status string

// The two states of an assessment.
const (
	Draft     Status = "draft"
	Completed Status = "completed"
)

// Valid reports whether s is a known status.
func (s Status) Valid() bool { return s == Draft || s == Completed }

// String implements fmt.Stringer.
func (s Status) String() string { return string(s) }

// Answer is the director's answer for one function.
type Answer struct {
	Performer  Performer `json:"performer"`
	Note       string    `json:"note"`
	AnsweredAt time.Time `json:"answered_at"`
	// Hours is the director's estimate of how many hours a month the function takes —
	// or would take, done properly; nil when there is no estimate (CheckHours).
	Hours *float64 `json:"hours_per_month,omitempty"`
}

// Assessment is one run of the questionnaire for one organization.
type Assessment struct {
	Number      int               `json:"number"`
	Status      Status            `json:"status"`
	StartedAt   time.Time         `json:"started_at"`
	CompletedAt *time.Time        `json:"completed_at"`
	Bank        questions.Ref     `json:"bank"`
	Profile     Profile           `json:"profile"`
	Answers     map[string]Answer `json:"answers"`
}

// Clone returns a deep copy of a.
func (a Assessment) Clone() Assessment {
	c := a
	if a.CompletedAt != nil {
		t := *a.CompletedAt
		c.CompletedAt = &t
	}
	c.Answers = make(map[string]Answer, len(a.Answers))
	for k, v := range a.Answers {
		if v.Hours != nil {
			h := *v.Hours
			v.Hours = &h
		}
		c.Answers[k] = v
	}
	return c
}

// Answered reports whether function id has a valid answer.
func (a *Assessment) Answered(id string) bool {
	ans, ok := a.Answers[id]
	return ok && ans.Performer.Valid()
}

// Unanswered returns the ids of the bank's functions that have no answer, in bank order.
func Unanswered(bank *questions.Bank, answers map[string]Answer) []string {
	var out []string
	for i := range bank.Functions {
		if ans, ok := answers[bank.Functions[i].ID]; !ok || !ans.Performer.Valid() {
			out = append(out, bank.Functions[i].ID)
		}
	}
	return out
}

// NextUnanswered returns the bank index of the first unanswered function after position
// from, wrapping around to the start; -1 when every function is answered.
func NextUnanswered(bank *questions.Bank, answers map[string]Answer, from int) int {
	n := len(bank.Functions)
	for k := 1; k <= n; k++ {
		i := (from + k) % n
		if i < 0 {
			i += n
		}
		if ans, ok := answers[bank.Functions[i].ID]; !ok || !ans.Performer.Valid() {
			return i
		}
	}
	return -1
}

// ResumeIndex is where answering a draft resumes: the first unanswered function after
// the one answered most recently (by AnsweredAt), wrapping around; the first function
// when nothing is answered; the last answered one when everything is.
func ResumeIndex(bank *questions.Bank, answers map[string]Answer) int {
	latest, at := -1, time.Time{}
	for i := range bank.Functions {
		a, ok := answers[bank.Functions[i].ID]
		if ok && a.Performer.Valid() && (latest < 0 || a.AnsweredAt.After(at)) {
			latest, at = i, a.AnsweredAt
		}
	}
	if next := NextUnanswered(bank, answers, latest); next >= 0 {
		return next
	}
	return max(latest, 0)
}

// MaxNoteRunes is the longest note accepted for an answer.
const MaxNoteRunes = 500

// SanitizeNote makes a note safe to store and display: CleanText, cut to MaxNoteRunes.
func SanitizeNote(s string) string { return clean(s, MaxNoteRunes) }

// CleanText makes a text safe to display, whatever its length: control characters
// (including escape sequences' ESC) become spaces, runs of white space collapse to one
// space, invalid UTF-8 is dropped and the ends are trimmed. What may be long (a bank's
// explanations, up to the bank's own bounds) is shown whole.
func CleanText(s string) string { return clean(s, -1) }

// clean is CleanText cut to limit runes (no cut when limit < 0).
func clean(s string, limit int) string {
	var b strings.Builder
	if limit >= 0 {
		b.Grow(min(len(s), limit*4))
	} else {
		b.Grow(len(s))
	}
	n := 0
	full := func(k int) bool { return limit >= 0 && n+k > limit }
	space := false
	for _, r := range s {
		if r == utf8.RuneError {
			continue
		}
		if unicode.IsControl(r) || unicode.IsSpace(r) || r == '\u2028' || r == '\u2029' ||
			unicode.Is(unicode.Cf, r) {
			space = b.Len() > 0
			continue
		}
		if space {
			if full(2) {
				break
			}
			b.WriteByte(' ')
			n++
			space = false
		}
		if full(1) {
			break
		}
		b.WriteRune(r)
		n++
	}
	return b.String()
}

// Errors returned by validation.
var (
	// ErrInvalid is returned (wrapped in a *FieldError) when a profile, answer or
	// assessment breaks a rule.
	ErrInvalid = errors.New("invalid")
)

// FieldError names the field that is wrong and what to do about it.
type FieldError struct {
	Field string // a path, e.g. "beds" or "answers.inventory.performer"
	Msg   string
}

// Error implements error.
func (e *FieldError) Error() string {
	if e.Field == "" {
		return e.Msg
	}
	return e.Field + ": " + e.Msg
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *FieldError) Unwrap() error { return ErrInvalid }

func fieldErr(field, format string, args ...any) error {
	return &FieldError{Field: field, Msg: fmt.Sprintf(format, args...)}
}

// MaxNumber is the highest assessment number. The store keys assessments by number and
// refuses keys past it as damage, so no path may write a higher one: an organization
// that assesses itself once a week would need 41 million years to reach it.
const MaxNumber = math.MaxInt32

// CheckNumber checks an assessment number: 1 to MaxNumber.
func CheckNumber(n int) error {
	if n < 1 || n > MaxNumber {
		return fieldErr("number", "assessment number must be from 1 to %d, not %d", MaxNumber, n)
	}
	return nil
}

// Earliest is the earliest start or completion time an assessment may carry: cebalance
// did not exist before, so an older date is a typing or clock error.
var Earliest = time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC)

// ClockSkew is how far in the future a start or completion time may lie: enough for
// time zones and a slightly fast clock elsewhere, not for a wrong year.
const ClockSkew = 24 * time.Hour

// CheckTimes checks the dates of an assessment against now: started_at and completed_at
// (when set) no earlier than Earliest and no later than now plus ClockSkew, and the
// assessment completed no earlier than it started.
func (a *Assessment) CheckTimes(now time.Time) error {
	latest := now.Add(ClockSkew)
	check := func(field string, t time.Time) error {
		switch {
		case t.Before(Earliest):
			return fieldErr(field, "%s is before %s: check the date", t.Format(time.RFC3339), Earliest.Format("2006-01-02"))
		case t.After(latest):
			return fieldErr(field, "%s is in the future (now is %s): check the date and the clock", t.Format(time.RFC3339), now.UTC().Format(time.RFC3339))
		}
		return nil
	}
	if err := check("started_at", a.StartedAt); err != nil {
		return err
	}
	if a.CompletedAt == nil {
		return nil
	}
	if err := check("completed_at", *a.CompletedAt); err != nil {
		return err
	}
	if a.CompletedAt.Before(a.StartedAt) {
		return fieldErr("completed_at", "%s is before started_at %s: an assessment is completed after it starts",
			a.CompletedAt.Format(time.RFC3339), a.StartedAt.Format(time.RFC3339))
	}
	return nil
}

// Validate checks an assessment against the bank it was answered with: a known status,
// a valid profile (a draft's may be partly filled in: Profile.ValidateDraft), answers
// only for the bank's functions with known performers and notes within MaxNoteRunes,
// and every function answered when completed.
func (a *Assessment) Validate(bank *questions.Bank) error {
	if err := CheckNumber(a.Number); err != nil {
		return err
	}
	if !a.Status.Valid() {
		return fieldErr("status", "unknown status %q: use draft or completed", a.Status)
	}
	if a.StartedAt.IsZero() {
		return fieldErr("started_at", "missing start time")
	}
	if a.Status == Completed && a.CompletedAt == nil {
		return fieldErr("completed_at", "a completed assessment needs its completion time")
	}
	if a.Status == Draft && a.CompletedAt != nil {
		return fieldErr("completed_at", "a draft has no completion time")
	}
	check := a.Profile.Validate
	if a.Status == Draft {
		check = a.Profile.ValidateDraft // a draft's profile may still be partly filled in
	}
	if err := check(); err != nil {
		var fe *FieldError
		if errors.As(err, &fe) {
			return &FieldError{Field: "profile." + fe.Field, Msg: fe.Msg}
		}
		return err
	}
	for _, id := range sortedKeys(a.Answers) {
		ans := a.Answers[id]
		f, ok := bank.Function(id)
		if !ok {
			return fieldErr("answers."+id, "unknown function %q in bank %s v%d", id, bank.ID, bank.Version)
		}
		if err := CheckAnswer(f, ans.Performer); err != nil {
			return fieldErr("answers."+id+".performer", "%s", err.(*FieldError).Msg)
		}
		if err := CheckHours(ans.Performer, ans.Hours); err != nil {
			return fieldErr("answers."+id+".hours_per_month", "%s", err.(*FieldError).Msg)
		}
		if utf8.RuneCountInString(ans.Note) > MaxNoteRunes {
			return fieldErr("answers."+id+".note", "note is %d characters; the limit is %d", utf8.RuneCountInString(ans.Note), MaxNoteRunes)
		}
	}
	if a.Status == Completed {
		if missing := Unanswered(bank, a.Answers); len(missing) > 0 {
			return fieldErr("answers", "a completed assessment must answer every function; missing: %s", strings.Join(missing, ", "))
		}
	}
	return nil
}

func sortedKeys(m map[string]Answer) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	// Insertion sort keeps this dependency-free and is fine for ~40 keys.
	for i := 1; i < len(keys); i++ {
		for j := i; j > 0 && keys[j] < keys[j-1]; j-- {
			keys[j], keys[j-1] = keys[j-1], keys[j]
		}
	}
	return keys
}

// Profile is the organization's snapshot taken with each assessment.
type Profile struct {
	Beds       int     `json:"beds"`
	Teaching   bool    `json:"teaching"`
	CEFTE      float64 `json:"ce_fte"`
	BMETFTE    float64 `json:"bmet_fte"`
	ManagerFTE float64 `json:"manager_fte"`
	ITFTE      float64 `json:"it_fte"`
	Devices    int     `json:"devices"`
	// ProductiveHours is how many hours a year one FTE spends on the work, used to turn
	// hour estimates into FTE; 0 means not set, read as DefaultProductiveHours.
	ProductiveHours int `json:"productive_hours,omitempty"`
}

// Limits of the profile fields.
const (
	MinBeds    = 1
	MaxBeds    = 5000
	MaxFTE     = 10000
	MaxDevices = 10_000_000
	// DefaultProductiveHours is the productive hours a year of one FTE when the profile
	// does not say: 2,080 paid hours less leave, holidays, training and meetings.
	DefaultProductiveHours = 1700
	MinProductiveHours     = 1000
	MaxProductiveHours     = 2080
)

// Productive returns the productive hours a year of one FTE: the profile's, or
// DefaultProductiveHours when it is not set.
func (p Profile) Productive() int {
	if p.ProductiveHours == 0 {
		return DefaultProductiveHours
	}
	return p.ProductiveHours
}

// ProfileField names one field of the profile.
type ProfileField string

// The profile fields, in the order the form asks for them.
const (
	FieldBeds       ProfileField = "beds"
	FieldTeaching   ProfileField = "teaching"
	FieldCEFTE      ProfileField = "ce_fte"
	FieldBMETFTE    ProfileField = "bmet_fte"
	FieldManagerFTE ProfileField = "manager_fte"
	FieldITFTE      ProfileField = "it_fte"
	FieldDevices    ProfileField = "devices"
	// FieldProductiveHours is the assumption behind the workload figures.
	FieldProductiveHours ProfileField = "productive_hours"
)

// ProfileFields lists the profile fields of the staffing form, in form order.
var ProfileFields = []ProfileField{FieldBeds, FieldTeaching, FieldCEFTE, FieldBMETFTE, FieldManagerFTE, FieldITFTE, FieldDevices}

// AllProfileFields is ProfileFields and then FieldProductiveHours, the assumption behind
// the workload figures: every field a profile save copies. Plain mode asks for all of
// them; the TUI form asks for ProfileFields until it shows the assumption too.
var AllProfileFields = []ProfileField{FieldBeds, FieldTeaching, FieldCEFTE, FieldBMETFTE, FieldManagerFTE, FieldITFTE, FieldDevices, FieldProductiveHours}

// Label returns the field's name for people.
func (f ProfileField) Label() string {
	switch f {
	case FieldBeds:
		return "Staffed beds"
	case FieldTeaching:
		return "Teaching / academic"
	case FieldCEFTE:
		return "Clinical engineers (FTE)"
	case FieldBMETFTE:
		return "BMETs / technicians (FTE)"
	case FieldManagerFTE:
		return "HTM managers (FTE)"
	case FieldITFTE:
		return "IT staff for devices (FTE)"
	case FieldDevices:
		return "Devices in inventory"
	case FieldProductiveHours:
		return "Productive hours per FTE a year"
	}
	return string(f)
}

// Hint returns a short description of what the field accepts.
func (f ProfileField) Hint() string {
	switch f {
	case FieldBeds:
		return "whole number, 1 to 5,000"
	case FieldTeaching:
		return "yes or no"
	case FieldCEFTE:
		return "degree engineers in CE roles; 0 to 10,000, e.g. 0.5 or 2.5"
	case FieldBMETFTE:
		return "BMETs and technicians; 0 to 10,000, decimals allowed"
	case FieldManagerFTE:
		return "HTM managers and directors; 0 to 10,000"
	case FieldITFTE:
		return "IT staff supporting medical devices; 0 if none, at most 10,000"
	case FieldDevices:
		return "whole number up to 10,000,000; 0 = not known"
	case FieldProductiveHours:
		return "an assumption for the workload figures; 1000–2080, usually 1700"
	}
	return ""
}

// Value returns the field's current value as the form shows it.
func (p Profile) Value(f ProfileField) string {
	switch f {
	case FieldBeds:
		return strconv.Itoa(p.Beds)
	case FieldTeaching:
		if p.Teaching {
			return "yes"
		}
		return "no"
	case FieldCEFTE, FieldBMETFTE, FieldManagerFTE, FieldITFTE:
		return FormatFTE(*p.fte(f))
	case FieldDevices:
		return strconv.Itoa(p.Devices)
	case FieldProductiveHours:
		return strconv.Itoa(p.Productive())
	}
	return ""
}

// CopyField sets field f of p to its value in src (an FTE of -0 becomes 0), leaving
// the other fields as they are: what a per-field save writes.
func (p *Profile) CopyField(src Profile, f ProfileField) {
	switch f {
	case FieldBeds:
		p.Beds = src.Beds
	case FieldTeaching:
		p.Teaching = src.Teaching
	case FieldCEFTE, FieldBMETFTE, FieldManagerFTE, FieldITFTE:
		*p.fte(f) = *src.fte(f) + 0
	case FieldDevices:
		p.Devices = src.Devices
	case FieldProductiveHours:
		p.ProductiveHours = src.ProductiveHours
	}
}

// fte returns the FTE field f of p; f must be one of the four FTE fields.
func (p *Profile) fte(f ProfileField) *float64 {
	switch f {
	case FieldCEFTE:
		return &p.CEFTE
	case FieldBMETFTE:
		return &p.BMETFTE
	case FieldManagerFTE:
		return &p.ManagerFTE
	case FieldITFTE:
		return &p.ITFTE
	}
	panic("assessment: not an FTE field: " + string(f))
}

// FormatFTE prints an FTE count without needless zeros: 1, 0.5, 2.25.
func FormatFTE(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// Set parses text as the value of field f and stores it in p. On error p is unchanged
// and the error says what the field accepts.
func (p *Profile) Set(f ProfileField, text string) error {
	text = strings.TrimSpace(text)
	c := *p
	switch f {
	case FieldBeds:
		n, err := parseWhole(text)
		if err != nil || n < MinBeds || n > MaxBeds {
			return fieldErr(string(f), "%s must be a whole number from %d to %s, not %q", f.Label(), MinBeds, thousands(MaxBeds), text)
		}
		c.Beds = n
	case FieldTeaching:
		switch strings.ToLower(text) {
		case "y", "yes", "true", "1":
			c.Teaching = true
		case "n", "no", "false", "0":
			c.Teaching = false
		default:
			return fieldErr(string(f), "teaching must be yes or no, not %q", text)
		}
	case FieldCEFTE, FieldBMETFTE, FieldManagerFTE, FieldITFTE:
		v, err := parseDecimal(text)
		if err != nil || v > MaxFTE {
			return fieldErr(string(f), "%s must be a plain decimal number from 0 to %s (e.g. 0, 0.5, 2), not %q", f.Label(), thousands(MaxFTE), text)
		}
		*c.fte(f) = v + 0 // + 0 turns -0 into 0
	case FieldDevices:
		n, err := parseWhole(text)
		if err != nil || n < 0 || n > MaxDevices {
			return fieldErr(string(f), "%s must be a whole number from 0 (not known) to %s, not %q", f.Label(), thousands(MaxDevices), text)
		}
		c.Devices = n
	case FieldProductiveHours:
		n, err := parseWhole(text)
		if err != nil || n < MinProductiveHours || n > MaxProductiveHours {
			return fieldErr(string(f), "productive hours per FTE must be a whole number from %d to %d (usually %d), not %q",
				MinProductiveHours, MaxProductiveHours, DefaultProductiveHours, text)
		}
		c.ProductiveHours = n
	default:
		return fieldErr(string(f), "unknown profile field")
	}
	*p = c
	return nil
}

// parseDecimal accepts a plain decimal number of 0 or more: digits with at most one
// decimal point or comma ("2", "0.5", "2,5"). Exponents ("1.5e1"), signs, hexadecimal,
// "Inf" and "NaN", which strconv.ParseFloat would take, are refused: a director types
// a staff count, and anything else is a slip.
func parseDecimal(s string) (float64, error) {
	if s == "" || len(s) > 16 {
		return 0, strconv.ErrSyntax
	}
	digits, sep := 0, false
	for _, r := range s {
		switch {
		case r >= '0' && r <= '9':
			digits++
		case (r == '.' || r == ',') && !sep:
			sep = true
		default:
			return 0, strconv.ErrSyntax
		}
	}
	if digits == 0 {
		return 0, strconv.ErrSyntax
	}
	return strconv.ParseFloat(strings.ReplaceAll(s, ",", "."), 64)
}

// thousands writes n with a comma between thousands: 10000 → "10,000".
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// PlausibleFTEPer100Beds is the most FTE of one kind per 100 staffed beds a profile
// takes without a warning: ten times the published reference for all HTM staff
// together (2.5 per 100 beds). Above it the figure is far outside any reference, most
// likely a slip (300 typed for 3.00), though it is saved: a large system may report
// its whole regional team.
const PlausibleFTEPer100Beds = 25.0

// Warning returns a warning about the value of field f when it is far outside any
// reference (saved anyway: a warning is not an error), or "". The FTE fields are
// checked against the staffed beds; with the beds not yet given there is nothing to
// check against.
func (p Profile) Warning(f ProfileField) string {
	switch f {
	case FieldCEFTE, FieldBMETFTE, FieldManagerFTE, FieldITFTE:
	default:
		return ""
	}
	v := *p.fte(f)
	if p.Beds <= 0 || v <= 0 {
		return ""
	}
	per100 := v / float64(p.Beds) * 100
	if per100 <= PlausibleFTEPer100Beds {
		return ""
	}
	return fmt.Sprintf("%s: %s for %s staffed beds is %s per 100 beds, more than ten times the published reference of 2.5 HTM FTE per 100 beds for all HTM staff together: please check it (it is saved).",
		f.Label(), FormatFTE(v), thousands(p.Beds), strconv.FormatFloat(per100, 'f', 1, 64))
}

// Warnings returns the warnings of every field of p, in form order ("" for none).
func (p Profile) Warnings() map[ProfileField]string {
	out := map[ProfileField]string{}
	for _, f := range ProfileFields {
		if w := p.Warning(f); w != "" {
			out[f] = w
		}
	}
	return out
}

// parseWhole accepts digits with optional thousands separators ("7,000", "7 000").
func parseWhole(s string) (int, error) {
	s = strings.NewReplacer(",", "", " ", "", "_", "").Replace(s)
	if s == "" || len(s) > 12 {
		return 0, strconv.ErrSyntax
	}
	return strconv.Atoi(s)
}

// Validate checks every profile rule (docs/design.md, Domain): the profile of a
// completed assessment, with the staffed beds given.
func (p Profile) Validate() error {
	if p.Beds < MinBeds || p.Beds > MaxBeds {
		return fieldErr("beds", "staffed beds must be from %d to %d, not %d", MinBeds, MaxBeds, p.Beds)
	}
	return p.validateCounts()
}

// ValidateDraft checks the profile of a draft, which may be partly filled in: beds 0
// means not yet given (Validate requires them when the assessment is completed), and
// every value given must be in the range Validate allows.
func (p Profile) ValidateDraft() error {
	if p.Beds < 0 || p.Beds > MaxBeds {
		return fieldErr("beds", "staffed beds must be from 0 (not yet known) to %d, not %d", MaxBeds, p.Beds)
	}
	return p.validateCounts()
}

// validateCounts checks the staff and device counts, the same for a draft and a
// completed assessment.
func (p Profile) validateCounts() error {
	for _, c := range []struct {
		f ProfileField
		v float64
	}{{FieldCEFTE, p.CEFTE}, {FieldBMETFTE, p.BMETFTE}, {FieldManagerFTE, p.ManagerFTE}, {FieldITFTE, p.ITFTE}} {
		if math.IsNaN(c.v) || math.IsInf(c.v, 0) || c.v < 0 || c.v > MaxFTE {
			return fieldErr(string(c.f), "%s must be a finite number of 0 or more, not %v", strings.ToLower(c.f.Label()), c.v)
		}
	}
	if p.Devices < 0 || p.Devices > MaxDevices {
		return fieldErr("devices", "devices must be 0 or more (0 = not known), not %d", p.Devices)
	}
	if h := p.ProductiveHours; h != 0 && (h < MinProductiveHours || h > MaxProductiveHours) {
		return fieldErr(string(FieldProductiveHours), "productive hours per FTE must be from %d to %d (0 = the default %d), not %d",
			MinProductiveHours, MaxProductiveHours, DefaultProductiveHours, h)
	}
	return nil
}

// SizeBand is the hospital size class used to choose peers.
type SizeBand string

// The size bands, from staffed beds.
const (
	CriticalAccess SizeBand = "critical-access"
	Small          SizeBand = "small"
	Medium         SizeBand = "medium"
	Large          SizeBand = "large"
	VeryLarge      SizeBand = "very-large"
)

// BandFor returns the size band of a hospital with the given staffed beds.
func BandFor(beds int) SizeBand {
	switch {
	case beds <= 25:
		return CriticalAccess
	case beds <= 99:
		return Small
	case beds <= 299:
		return Medium
	case beds <= 499:
		return Large
	}
	return VeryLarge
}

// String implements fmt.Stringer.
func (b SizeBand) String() string { return string(b) }

// Describe returns the band with its bed range, e.g. "medium (100–299 beds)".
func (b SizeBand) Describe() string {
	switch b {
	case CriticalAccess:
		return "critical-access (≤ 25 beds)"
	case Small:
		return "small (26–99 beds)"
	case Medium:
		return "medium (100–299 beds)"
	case Large:
		return "large (300–499 beds)"
	case VeryLarge:
		return "very-large (≥ 500 beds)"
	}
	return string(b)
}

// CheckAnswer returns a *FieldError unless p is an accepted answer to function f: one of
// the performers, or "na" where the bank allows it.
func CheckAnswer(f *questions.Function, p Performer) error {
	switch {
	case p == questions.NA && !f.NAAllowed:
		return &FieldError{Field: "performer", Msg: fmt.Sprintf("%q is not accepted for function %q: its bank entry does not allow \"not applicable\"", p, f.ID)}
	case !f.Allows(p):
		return &FieldError{Field: "performer", Msg: fmt.Sprintf("unknown performer %q (use ce, specialist, bmet, manager, it, other_dept, vendor, nobody, unsure, or na where allowed)", p)}
	}
	return nil
}

// MaxHours is the most hours a month an estimate may give: every hour of a 31-day month.
const MaxHours = 744

// CheckHours returns a *FieldError unless h is an acceptable estimate of hours a month
// for an answer with performer p: none (nil), or 0 to MaxHours in steps of 0.5 for any
// answer but "not applicable". It is the one rule the store, the interchange and every
// front-end apply.
func CheckHours(p Performer, h *float64) error {
	if h == nil {
		return nil
	}
	v := *h
	switch {
	case p == questions.NA:
		return &FieldError{Field: "hours_per_month", Msg: "a function answered \"not applicable\" takes no hours: leave the estimate blank"}
	case math.IsNaN(v) || math.IsInf(v, 0) || v < 0 || v > MaxHours || v*2 != math.Trunc(v*2):
		return &FieldError{Field: "hours_per_month", Msg: fmt.Sprintf("hours a month must be 0 to %d in steps of 0.5 (blank = no estimate), not %v", MaxHours, v)}
	}
	return nil
}

// ParseHours reads an estimate of hours a month as a person types it: blank is no
// estimate (nil); "12", "7.5" and "7,5" are numbers; the value must pass CheckHours.
func ParseHours(p Performer, text string) (*float64, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return nil, nil
	}
	v, err := strconv.ParseFloat(strings.ReplaceAll(text, ",", "."), 64)
	if err != nil {
		return nil, &FieldError{Field: "hours_per_month", Msg: fmt.Sprintf("hours a month must be a number from 0 to %d in steps of 0.5 (blank = no estimate), not %q", MaxHours, text)}
	}
	v += 0 // -0 becomes 0
	if err := CheckHours(p, &v); err != nil {
		return nil, err
	}
	return &v, nil
}

// FormatHours prints an estimate without needless zeros: 12, 7.5.
func FormatHours(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

// NextGap returns the bank index of the first function after position from, wrapping
// around, whose answer is a gap (nobody does it, or nobody knows who does); -1 when
// no answer is a gap.
func NextGap(bank *questions.Bank, answers map[string]Answer, from int) int {
	n := len(bank.Functions)
	for k := 1; k <= n; k++ {
		i := ((from+k)%n + n) % n
		if ans, ok := answers[bank.Functions[i].ID]; ok && ans.Performer.IsGap() {
			return i
		}
	}
	return -1
}

// FindFunctions returns the bank indexes, in bank order, of the functions whose title
// or question contains every word of query (case-insensitive), at most limit of them;
// none for a query without words.
func FindFunctions(bank *questions.Bank, query string, limit int) []int {
	words := strings.Fields(strings.ToLower(query))
	if len(words) == 0 {
		return nil
	}
	var out []int
	for i := range bank.Functions {
		f := &bank.Functions[i]
		text := strings.ToLower(f.Name() + " " + f.Question)
		all := true
		for _, w := range words {
			if !strings.Contains(text, w) {
				all = false
				break
			}
		}
		if all {
			out = append(out, i)
			if len(out) == limit {
				break
			}
		}
	}
	return out
}
