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
	"sync"
)

// Performer is who performs a function: one of the seven answer options.
type Performer string

// The performers, in the order they are offered.
const (
	CE      Performer = "ce"
	BMET    Performer = "bmet"
	Manager Performer = "manager"
	IT      Performer = "it"
	Vendor  Performer = "vendor"
	Nobody  Performer = "nobody"
	Unsure  Performer = "unsure"
)

// NumPerformers is the number of answer options.
const NumPerformers = 7

// Performers lists every performer in the order they are offered.
var Performers = [NumPerformers]Performer{CE, BMET, Manager, IT, Vendor, Nobody, Unsure}

var performerLabels = [NumPerformers]string{
	"Dedicated clinical engineer",
	"BMETs / technicians",
	"HTM manager or director",
	"IT department",
	"Vendor or outside service",
	"Nobody — not done",
	"Don't know",
}

var performerShort = [NumPerformers]string{"CE", "BMET", "Manager", "IT", "Vendor", "Nobody", "Don't know"}

// Index returns the position of p in Performers, or -1 when p is not a performer.
func (p Performer) Index() int {
	switch p {
	case CE:
		return 0
	case BMET:
		return 1
	case Manager:
		return 2
	case IT:
		return 3
	case Vendor:
		return 4
	case Nobody:
		return 5
	case Unsure:
		return 6
	}
	return -1
}

// Valid reports whether p is one of the seven performers.
func (p Performer) Valid() bool { return p.Index() >= 0 }

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

// Kind says whether a function is engineering/management work or day-to-day operations.
type Kind string

// The two kinds of function.
const (
	Engineering Kind = "engineering"
	Operations  Kind = "operations"
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == Engineering || k == Operations }

// String implements fmt.Stringer.
func (k Kind) String() string { return string(k) }

// DefaultFit is the fit of each performer for each kind of work, indexed by
// performer order. A function may override single cells.
var DefaultFit = map[Kind][NumPerformers]float64{
	Engineering: engineeringFit,
	Operations:  operationsFit,
}

var (
	engineeringFit = [NumPerformers]float64{1.0, 0.5, 0.75, 0.5, 0.5, 0, 0}
	operationsFit  = [NumPerformers]float64{0.5, 1.0, 0.5, 0.5, 0.75, 0, 0}
)

// Bank is a validated question bank.
type Bank struct {
	ID          string     `json:"id" yaml:"id"`
	Version     int        `json:"version" yaml:"version"`
	Name        string     `json:"name,omitempty" yaml:"name,omitempty"`
	Hash        string     `json:"hash,omitempty" yaml:"-"`
	Domains     []Domain   `json:"domains" yaml:"domains"`
	Functions   []Function `json:"functions" yaml:"functions"`
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
}

// FitFor returns how well performer p fits this function, in [0,1]: the function's
// override when it has one, otherwise the default for its kind.
func (f *Function) FitFor(p Performer) float64 {
	if v, ok := f.Fit[p]; ok {
		return v
	}
	i := p.Index()
	switch {
	case i < 0:
		return 0
	case f.Kind == Engineering:
		return engineeringFit[i]
	case f.Kind == Operations:
		return operationsFit[i]
	}
	return 0
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
	if !bankIDPattern.MatchString(b.ID) {
		return fail("id", "bank id %q must be lower-case letters, digits, '-', '_' or '.'", b.ID)
	}
	if b.Version < 1 {
		return fail("version", "version must be a whole number of at least 1, not %d", b.Version)
	}
	if len(b.Domains) == 0 {
		return fail("domains", "the bank has no domains: add at least one")
	}
	domains := make(map[string]bool, len(b.Domains))
	for i, d := range b.Domains {
		p := fmt.Sprintf("domains[%d]", i)
		if !idPattern.MatchString(d.ID) {
			return fail(p+".id", "domain id %q must be snake_case (a-z, 0-9, _)", d.ID)
		}
		if domains[d.ID] {
			return fail(p+".id", "duplicate domain id %q", d.ID)
		}
		domains[d.ID] = true
		if d.Name == "" {
			return fail(p+".name", "domain %q has no name", d.ID)
		}
	}
	if len(b.Functions) == 0 {
		return fail("functions", "the bank has no functions: add at least one")
	}
	idx := make(map[string]int, len(b.Functions))
	for i := range b.Functions {
		f := &b.Functions[i]
		p := fmt.Sprintf("functions[%d]", i)
		if !idPattern.MatchString(f.ID) {
			return fail(p+".id", "function id %q must be snake_case (a-z, 0-9, _)", f.ID)
		}
		if j, dup := idx[f.ID]; dup {
			return fail(p+".id", "duplicate function id %q (also functions[%d])", f.ID, j)
		}
		idx[f.ID] = i
		if !domains[f.Domain] {
			return fail(p+".domain", "unknown domain %q for function %q: list it under domains", f.Domain, f.ID)
		}
		if !f.Kind.Valid() {
			return fail(p+".kind", "unknown kind %q for function %q: use engineering or operations", f.Kind, f.ID)
		}
		if f.Weight < 1 || f.Weight > 3 {
			return fail(p+".weight", "weight %d of function %q is outside 1–3 (1 normal, 2 important, 3 critical)", f.Weight, f.ID)
		}
		if f.Question == "" {
			return fail(p+".question", "function %q has no question", f.ID)
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
			return fail(p+".fit."+unknown[0], "unknown performer %q in fit of function %q (known: ce, bmet, manager, it, vendor, nobody, unsure)", unknown[0], f.ID)
		}
	}
	b.functionIdx = idx
	b.domainOf = make([]int, len(b.Functions))
	for i := range b.Functions {
		b.domainOf[i] = b.DomainIndex(b.Functions[i].Domain)
	}
	b.Hash = b.ComputeHash()
	return nil
}

//go:embed default.yaml
var defaultYAML []byte

var (
	defaultOnce sync.Once
	defaultBank *Bank
)

// Default returns the embedded default bank (id "default", version 1). The bank is
// shared: callers must not modify it.
func Default() *Bank {
	defaultOnce.Do(func() {
		b, err := Parse("default.yaml", defaultYAML)
		if err != nil {
			// The embedded bank is tested; a failure here is a build defect.
			panic(fmt.Sprintf("questions: embedded default bank: %v", err))
		}
		defaultBank = b
	})
	return defaultBank
}

// DefaultYAML returns the source of the embedded default bank.
func DefaultYAML() []byte { return append([]byte(nil), defaultYAML...) }
