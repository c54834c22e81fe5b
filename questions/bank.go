package questions

import (
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Performer is who performs a function: one of the ten answer options.
type Performer string

// The answer options, in the order they are offered. Their ids are fixed, so that
// assessments stay portable between banks and versions.
const (
	CE         Performer = "ce"
	Specialist Performer = "specialist"
	BMET       Performer = "bmet"
	Manager    Performer = "manager"
	IT         Performer = "it"
	OtherDept  Performer = "other_dept"
	Vendor     Performer = "vendor"
	Nobody     Performer = "nobody"
	Unsure     Performer = "unsure"
	// NA ("not applicable here") is offered only on functions whose bank entry allows
	// it. It counts as answered but takes no part in any figure.
	NA Performer = "na"
)

// NumPerformers is the number of performers that take part in the figures: every
// answer option but NA. Shares and fit tables have one cell per performer.
const NumPerformers = 9

// NumOptions is the number of answer options: the performers and NA.
const NumOptions = NumPerformers + 1

// Performers lists the scored performers in the order they are offered; NA follows
// them in Options.
var Performers = [NumPerformers]Performer{CE, Specialist, BMET, Manager, IT, OtherDept, Vendor, Nobody, Unsure}

// Options lists every answer option in the order offered: the performers, then NA.
var Options = [NumOptions]Performer{CE, Specialist, BMET, Manager, IT, OtherDept, Vendor, Nobody, Unsure, NA}

var performerLabels = [NumOptions]string{
	"Dedicated clinical engineer",
	"Senior technical specialist with assigned engineering duties",
	"BMETs / technicians",
	"HTM manager or director",
	"IT department",
	"Another hospital department",
	"Vendor or outside service",
	"Nobody — not done",
	"Don't know",
	"Not applicable here",
}

var performerShort = [NumOptions]string{"CE", "Specialist", "BMET", "Manager", "IT", "Other dept", "Vendor", "Nobody", "Don't know", "N/A"}

// Index returns the position of p in Options (and so in Performers, for all but NA), or
// -1 when p is not an answer option.
func (p Performer) Index() int {
	switch p {
	case CE:
		return 0
	case Specialist:
		return 1
	case BMET:
		return 2
	case Manager:
		return 3
	case IT:
		return 4
	case OtherDept:
		return 5
	case Vendor:
		return 6
	case Nobody:
		return 7
	case Unsure:
		return 8
	case NA:
		return 9
	}
	return -1
}

// Valid reports whether p is one of the ten answer options. Whether a function accepts
// NA is the bank's rule: see Function.Allows.
func (p Performer) Valid() bool { return p.Index() >= 0 }

// Scored reports whether p takes part in the figures: a valid answer other than NA.
func (p Performer) Scored() bool { return p.Valid() && p != NA }

// IsGap reports whether an answer of p means the function is not covered: nobody does
// it, or nobody knows who does.
func (p Performer) IsGap() bool { return p == Nobody || p == Unsure }

// Label returns the answer text shown to the director.
func (p Performer) Label() string {
	if i := p.Index(); i >= 0 {
		return performerLabels[i]
	}
	return string(p)
}

// Short returns a short name for tables and legends.
func (p Performer) Short() string {
	if i := p.Index(); i >= 0 {
		return performerShort[i]
	}
	return string(p)
}

// String implements fmt.Stringer.
func (p Performer) String() string { return string(p) }

// performerList is the known performers for error messages.
const performerList = "ce, specialist, bmet, manager, it, other_dept, vendor, nobody, unsure"

// Kind says whether a function is engineering/management work or day-to-day operations.
type Kind string

// The two kinds of function.
const (
	Engineering Kind = "engineering"
	Operations  Kind = "operations"
)

// Kinds lists the kinds in the order they are shown.
var Kinds = [2]Kind{Engineering, Operations}

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Engineering || k == Operations }

// String implements fmt.Stringer.
func (k Kind) String() string { return string(k) }

// FitRow is the fit of each performer, in Performers order.
type FitRow [NumPerformers]float64

// V1Fit is the fit table of a bank without fit_defaults (version 1 banks and custom
// banks): the version 1 table, with the two performers added in version 2 set so that no
// version 1 answer scores differently — a specialist fits engineering 0.75 and operations
// 1.0, another department 0.5 on both.
var V1Fit = map[Kind]FitRow{
	Engineering: {1.0, 0.75, 0.5, 0.75, 0.5, 0.5, 0.5, 0, 0},
	Operations:  {0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 0.75, 0, 0},
}

// Bank is a validated question bank.
type Bank struct {
	ID        string     `json:"id" yaml:"id"`
	Version   int        `json:"version" yaml:"version"`
	Name      string     `json:"name,omitempty" yaml:"name,omitempty"`
	Hash      string     `json:"hash,omitempty" yaml:"-"`
	Domains   []Domain   `json:"domains" yaml:"domains"`
	Functions []Function `json:"functions" yaml:"functions"`
	// StandardsAsOf is the month ("2026-11") the bank's citations were last checked.
	StandardsAsOf string `json:"standards_as_of,omitempty" yaml:"standards_as_of,omitempty"`
	// FitDefaults is the fit of each performer for each kind of work; nil means V1Fit.
	// Every kind and every performer but NA must be listed.
	FitDefaults map[Kind]map[Performer]float64 `json:"fit_defaults,omitempty" yaml:"fit_defaults,omitempty"`
	functionIdx map[string]int
	domainOf    []int // domain position of each function, set by validation
}

// Domain groups functions for the questionnaire and the scorecard.
type Domain struct {
	ID          string `json:"id" yaml:"id"`
	Name        string `json:"name" yaml:"name"`
	Description string `json:"description,omitempty" yaml:"description,omitempty"`
}

// Function is one clinical engineering function the director is asked about.
type Function struct {
	ID             string                `json:"id" yaml:"id"`
	Domain         string                `json:"domain" yaml:"domain"`
	Kind           Kind                  `json:"kind" yaml:"kind"`
	Weight         int                   `json:"weight" yaml:"weight"`
	Title          string                `json:"title,omitempty" yaml:"title,omitempty"`
	Question       string                `json:"question" yaml:"question"`
	Help           string                `json:"help,omitempty" yaml:"help,omitempty"`
	Recommendation string                `json:"recommendation,omitempty" yaml:"recommendation,omitempty"`
	Fit            map[Performer]float64 `json:"fit,omitempty" yaml:"fit,omitempty"`
	// FitWhy gives the reason for each Fit override, by performer.
	FitWhy map[Performer]string `json:"fit_why,omitempty" yaml:"fit_why,omitempty"`
	// WeightWhy is one line on why the function has its weight.
	WeightWhy string `json:"weight_why,omitempty" yaml:"weight_why,omitempty"`
	// NAAllowed lets the director answer "not applicable here"; Help must say when.
	NAAllowed bool `json:"na_allowed,omitempty" yaml:"na_allowed,omitempty"`
	// fit is the resolved fit of every performer (bank defaults, then overrides), set
	// by validation.
	fit *FitRow
}

// Allows reports whether p is an accepted answer to f: any performer, and NA only
// where the bank allows it.
func (f *Function) Allows(p Performer) bool {
	return p.Scored() || (p == NA && f.NAAllowed)
}

// AnswerOptions returns the answers f accepts, in the order offered.
func (f *Function) AnswerOptions() []Performer {
	if f.NAAllowed {
		return Options[:]
	}
	return Options[:NumPerformers]
}

// FitFor returns how well performer p fits this function, in [0,1]: the function's
// override when it has one, otherwise the bank's default for its kind. NA and unknown
// performers fit 0 (NA takes no part in the figures anyway).
func (f *Function) FitFor(p Performer) float64 {
	if !p.Scored() {
		return 0
	}
	if f.fit != nil {
		return f.fit[p.Index()]
	}
	if v, ok := f.Fit[p]; ok {
		return v
	}
	return V1Fit[f.Kind][p.Index()] // a function outside a validated bank
}

// FitTable returns the bank's default fit for each kind of work: its fit_defaults, or
// V1Fit when it has none.
func (b *Bank) FitTable() map[Kind]FitRow {
	if b.FitDefaults == nil {
		return V1Fit
	}
	out := make(map[Kind]FitRow, len(Kinds))
	for _, k := range Kinds {
		var row FitRow
		for i, p := range Performers {
			row[i] = b.FitDefaults[k][p]
		}
		out[k] = row
	}
	return out
}

// Name returns the function's title, or its id when it has none.
func (f *Function) Name() string {
	if f.Title != "" {
		return f.Title
	}
	return f.ID
}

// Function returns the function with the given id.
func (b *Bank) Function(id string) (*Function, bool) {
	if b.functionIdx != nil {
		i, ok := b.functionIdx[id]
		if !ok {
			return nil, false
		}
		return &b.Functions[i], true
	}
	for i := range b.Functions {
		if b.Functions[i].ID == id {
			return &b.Functions[i], true
		}
	}
	return nil, false
}

// FunctionIndex returns the bank order of the function with the given id, or -1.
func (b *Bank) FunctionIndex(id string) int {
	if b.functionIdx != nil {
		if i, ok := b.functionIdx[id]; ok {
			return i
		}
		return -1
	}
	for i := range b.Functions {
		if b.Functions[i].ID == id {
			return i
		}
	}
	return -1
}

// DomainOf returns the position in Domains of the i-th function's domain, or -1.
func (b *Bank) DomainOf(i int) int {
	if len(b.domainOf) == len(b.Functions) {
		return b.domainOf[i]
	}
	return b.DomainIndex(b.Functions[i].Domain)
}

// DomainIndex returns the position of the domain with the given id, or -1.
func (b *Bank) DomainIndex(id string) int {
	for i := range b.Domains {
		if b.Domains[i].ID == id {
			return i
		}
	}
	return -1
}

// Domain returns the domain with the given id.
func (b *Bank) Domain(id string) (*Domain, bool) {
	if i := b.DomainIndex(id); i >= 0 {
		return &b.Domains[i], true
	}
	return nil, false
}

// Ref returns the bank's identity as recorded in an assessment.
func (b *Bank) Ref() Ref { return Ref{ID: b.ID, Version: b.Version, Hash: b.Hash} }

// Ref identifies one version of a bank.
type Ref struct {
	ID      string `json:"id"`
	Version int    `json:"version"`
	Hash    string `json:"hash,omitempty"`
}

// String returns "id v1".
func (r Ref) String() string { return fmt.Sprintf("%s v%d", r.ID, r.Version) }

// ComputeHash returns the content hash of the bank: "sha256:" and the hex digest of its
// canonical JSON form (everything but the hash itself; fit keys sorted).
func (b *Bank) ComputeHash() string {
	c := *b
	c.Hash = ""
	data, err := json.Marshal(&c)
	if err != nil {
		// Every field is a plain string, number or map of them: Marshal cannot fail.
		panic(fmt.Sprintf("questions: marshal bank: %v", err))
	}
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// Validate checks a bank that was built in code or decoded from JSON, sets its hash and
// prepares its lookups. Banks from Parse and Load are already validated.
func (b *Bank) Validate() error {
	return b.check("bank", nil)
}

var (
	idPattern     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
	bankIDPattern = regexp.MustCompile(`^[a-z0-9][a-z0-9_.-]*$`)
	monthPattern  = regexp.MustCompile(`^20[0-9]{2}-(0[1-9]|1[0-2])$`)
)

// check validates b semantically; lines maps field paths to YAML lines when known.
func (b *Bank) check(file string, lines map[string]int) error {
	fail := func(path, format string, args ...any) error {
		line := 0
		if lines != nil {
			line = lines[path]
		}
		return &Error{File: file, Line: line, Field: path, Msg: fmt.Sprintf(format, args...)}
	}
	domains, err := b.checkHead(fail)
	if err != nil {
		return err
	}
	idx := make(map[string]int, len(b.Functions))
	for i := range b.Functions {
		f := &b.Functions[i]
		p := fmt.Sprintf("functions[%d]", i)
		if j, dup := idx[f.ID]; dup {
			return fail(p+".id", "duplicate function id %q (also functions[%d])", f.ID, j)
		}
		idx[f.ID] = i
		if err := f.check(p, domains, fail); err != nil {
			return err
		}
		if err := f.checkFit(p, b.FitDefaults != nil, fail); err != nil {
			return err
		}
	}
	if err := b.checkFitDefaults(fail); err != nil {
		return err
	}
	if n := b.StandardsAsOf; n != "" && !monthPattern.MatchString(n) {
		return fail("standards_as_of", "standards_as_of %q must be a month written YYYY-MM, e.g. \"2026-11\"", n)
	}
	b.resolve(idx)
	return nil
}

// failFunc builds a validation error for a field path.
type failFunc func(path, format string, args ...any) error

// checkHead checks the bank's id, version and domains, and that it has functions; it
// returns the set of domain ids.
func (b *Bank) checkHead(fail failFunc) (map[string]bool, error) {
	if !bankIDPattern.MatchString(b.ID) {
		return nil, fail("id", "bank id %q must be lower-case letters, digits, '-', '_' or '.'", b.ID)
	}
	if b.Version < 1 {
		return nil, fail("version", "version must be a whole number of at least 1, not %d", b.Version)
	}
	if len(b.Domains) == 0 {
		return nil, fail("domains", "the bank has no domains: add at least one")
	}
	domains := make(map[string]bool, len(b.Domains))
	for i, d := range b.Domains {
		p := fmt.Sprintf("domains[%d]", i)
		if !idPattern.MatchString(d.ID) {
			return nil, fail(p+".id", "domain id %q must be snake_case (a-z, 0-9, _)", d.ID)
		}
		if domains[d.ID] {
			return nil, fail(p+".id", "duplicate domain id %q", d.ID)
		}
		domains[d.ID] = true
		if d.Name == "" {
			return nil, fail(p+".name", "domain %q has no name", d.ID)
		}
	}
	if len(b.Functions) == 0 {
		return nil, fail("functions", "the bank has no functions: add at least one")
	}
	return domains, nil
}

// check checks one function's own fields (p is its path).
func (f *Function) check(p string, domains map[string]bool, fail failFunc) error {
	switch {
	case !idPattern.MatchString(f.ID):
		return fail(p+".id", "function id %q must be snake_case (a-z, 0-9, _)", f.ID)
	case !domains[f.Domain]:
		return fail(p+".domain", "unknown domain %q for function %q: list it under domains", f.Domain, f.ID)
	case !f.Kind.Valid():
		return fail(p+".kind", "unknown kind %q for function %q: use engineering or operations", f.Kind, f.ID)
	case f.Weight < 1 || f.Weight > 3:
		return fail(p+".weight", "weight %d of function %q is outside 1–3 (1 normal, 2 important, 3 critical)", f.Weight, f.ID)
	case f.Question == "":
		return fail(p+".question", "function %q has no question", f.ID)
	case f.WeightWhy != "" && len(f.WeightWhy) > 300:
		return fail(p+".weight_why", "weight_why of function %q is %d bytes: keep it to one line (at most 300)", f.ID, len(f.WeightWhy))
	case f.NAAllowed && f.Help == "":
		return fail(p+".na_allowed", "function %q allows \"not applicable\" but has no help saying when it applies", f.ID)
	}
	return nil
}

// checkFit checks a function's fit overrides and, when the bank has its own fit table
// (explained), their reasons.
func (f *Function) checkFit(p string, explained bool, fail failFunc) error {
	if _, ok := f.Fit[NA]; ok {
		return fail(p+".fit.na", "function %q gives a fit for na: \"not applicable\" takes no part in the figures, so it has no fit", f.ID)
	}
	for _, q := range Performers { // fixed order, so the first bad key is stable
		v, ok := f.Fit[q]
		if ok && (math.IsNaN(v) || v < 0 || v > 1) {
			return fail(p+".fit."+string(q), "fit %v for %q in function %q is outside [0,1]", v, q, f.ID)
		}
		if ok && v == 0 {
			// -0 is the same fit as 0 but marshals as "-0", and YAML reads "-0" back
			// as the integer 0: keep one form so equal banks hash alike.
			f.Fit[q] = 0
		}
	}
	unknown := make([]string, 0, len(f.Fit))
	for q := range f.Fit {
		if !q.Valid() {
			unknown = append(unknown, string(q))
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown) // report the same one every time
		return fail(p+".fit."+unknown[0], "unknown performer %q in fit of function %q (known: %s)", unknown[0], f.ID, performerList)
	}
	if len(f.FitWhy) == 0 && !explained {
		return nil
	}
	// A bank with its own fit table explains every override, and a reason names an
	// override that exists.
	for _, q := range Performers {
		_, has := f.Fit[q]
		why, said := f.FitWhy[q]
		switch {
		case has && strings.TrimSpace(why) == "":
			return fail(p+".fit."+string(q), "the fit override for %q in function %q has no reason: add fit_why: {%s: \"…\"}", q, f.ID, q)
		case said && !has:
			return fail(p+".fit_why."+string(q), "fit_why for %q in function %q explains no override: add fit: {%s: …} or remove the reason", q, f.ID, q)
		}
	}
	for q := range f.FitWhy {
		if !q.Scored() {
			return fail(p+".fit_why."+string(q), "unknown performer %q in fit_why of function %q (known: %s)", q, f.ID, performerList)
		}
	}
	return nil
}

// checkFitDefaults checks the bank's own fit table, when it has one: a row for each
// kind, a fit in [0,1] for every scored performer.
func (b *Bank) checkFitDefaults(fail failFunc) error {
	if b.FitDefaults == nil {
		return nil
	}
	for k := range b.FitDefaults {
		if !k.Valid() {
			return fail("fit_defaults."+string(k), "unknown kind %q in fit_defaults: use engineering and operations", k)
		}
	}
	for _, k := range Kinds {
		row, ok := b.FitDefaults[k]
		if !ok {
			return fail("fit_defaults", "fit_defaults has no row for %s: give the fit of every performer for both kinds", k)
		}
		for q := range row {
			if !q.Scored() {
				return fail("fit_defaults."+string(k)+"."+string(q), "unknown performer %q in fit_defaults.%s (known: %s)", q, k, performerList)
			}
		}
		for _, q := range Performers {
			v, ok := row[q]
			switch {
			case !ok:
				return fail("fit_defaults."+string(k), "fit_defaults.%s has no fit for %q: list all of %s", k, q, performerList)
			case math.IsNaN(v) || v < 0 || v > 1:
				return fail("fit_defaults."+string(k)+"."+string(q), "fit %v for %q is outside [0,1]", v, q)
			case v == 0:
				row[q] = 0 // one form of zero, as for overrides
			}
		}
	}
	return nil
}

// resolve fixes what a valid bank computes once: each function's fit row, the id
// index, each function's domain position and the content hash.
func (b *Bank) resolve(idx map[string]int) {
	table := b.FitTable()
	for i := range b.Functions {
		f := &b.Functions[i]
		row := table[f.Kind]
		for q, v := range f.Fit {
			row[q.Index()] = v
		}
		f.fit = &row
	}
	b.functionIdx = idx
	b.domainOf = make([]int, len(b.Functions))
	for i := range b.Functions {
		b.domainOf[i] = b.DomainIndex(b.Functions[i].Domain)
	}
	b.Hash = b.ComputeHash()
}

//go:embed default.yaml
var defaultYAML []byte

//go:embed default-v1.yaml
var defaultV1YAML []byte

var (
	defaultOnce sync.Once
	defaultBank *Bank
	defaultV1   *Bank
)

func loadDefaults() {
	defaultOnce.Do(func() {
		var err error
		if defaultBank, err = Parse("default.yaml", defaultYAML); err == nil {
			defaultV1, err = Parse("default-v1.yaml", defaultV1YAML)
		}
		if err != nil {
			// The embedded banks are tested; a failure here is a build defect.
			panic(fmt.Sprintf("questions: embedded default bank: %v", err))
		}
	})
}

// Default returns the embedded default bank (id "default", the current version) that
// new assessments use. The bank is shared: callers must not modify it.
func Default() *Bank {
	loadDefaults()
	return defaultBank
}

// Builtin returns every embedded bank, oldest first: version 1 of the default bank,
// which assessments made before version 2 keep using, and the current default. The
// banks are shared: callers must not modify them.
func Builtin() []*Bank {
	loadDefaults()
	return []*Bank{defaultV1, defaultBank}
}

// BuiltinFor returns the embedded bank ref names, or nil: by hash when ref has one,
// else by id and version.
func BuiltinFor(ref Ref) *Bank {
	for _, b := range Builtin() {
		if b.ID == ref.ID && b.Version == ref.Version && (ref.Hash == "" || ref.Hash == b.Hash) {
			return b
		}
	}
	return nil
}

// DefaultYAML returns the source of the embedded default bank.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }
