package questions

import (
	"errors"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// The expectations below are copied from the product specification, not from the code, so that a
// drift in either default-v1.yaml or V1Fit fails here.

// specFunctions are the default bank's functions as specified, in order.
var specFunctions = []struct {
	domain string
	id     string
	kind   Kind
	weight int
}{
	{"planning", "capital_planning", Engineering, 2},
	{"planning", "technology_assessment", Engineering, 2},
	{"planning", "prepurchase_evaluation", Engineering, 2},
	{"planning", "service_contracts", Engineering, 2},
	{"planning", "replacement_decisions", Engineering, 1},
	{"maintenance", "maintenance_program", Engineering, 3},
	{"maintenance", "aem_program", Engineering, 3},
	{"maintenance", "cmms_analysis", Engineering, 1},
	{"maintenance", "inventory", Operations, 3},
	{"maintenance", "incoming_inspection", Operations, 2},
	{"maintenance", "scheduled_maintenance", Operations, 3},
	{"maintenance", "repair", Operations, 2},
	{"maintenance", "vendor_coordination", Operations, 1},
	{"maintenance", "test_equipment", Operations, 1},
	{"safety", "incident_investigation", Engineering, 3},
	{"safety", "adverse_event_reporting", Engineering, 3},
	{"safety", "recall_management", Engineering, 3},
	{"safety", "recall_field_actions", Operations, 2},
	{"safety", "risk_analysis", Engineering, 1},
	{"safety", "alarm_management", Engineering, 2},
	{"compliance", "survey_readiness", Engineering, 2},
	{"compliance", "committee_reporting", Engineering, 2},
	{"compliance", "annual_plan_evaluation", Engineering, 2},
	{"compliance", "policies_procedures", Engineering, 1},
	{"cyber", "cyber_risk_assessment", Engineering, 2},
	{"cyber", "device_integration", Engineering, 1},
	{"cyber", "device_patching", Operations, 2},
	{"cyber", "network_inventory", Operations, 1},
	{"projects", "construction_planning", Engineering, 1},
	{"projects", "installation_planning", Engineering, 2},
	{"projects", "installation", Operations, 2},
	{"people", "clinical_consultation", Engineering, 1},
	{"people", "user_training", Operations, 1},
	{"people", "staff_development", Engineering, 1},
	{"performance", "kpi_benchmarking", Engineering, 1},
	{"performance", "budget", Engineering, 2},
	{"performance", "staffing_model", Engineering, 1},
}

// specDomains is the domain order as specified.
var specDomains = []string{"planning", "maintenance", "safety", "compliance", "cyber", "projects", "people", "performance"}

// specFit is the version 1 fit table in performer order (ce, specialist, bmet, manager,
// it, other_dept, vendor, nobody, unsure), with the two performers added in version 2:
// specialist 0.75 / 1.0, other_dept 0.5 / 0.5.
var specFit = map[Kind]FitRow{
	Engineering: {1.0, 0.75, 0.5, 0.75, 0.5, 0.5, 0.5, 0, 0},
	Operations:  {0.5, 1.0, 1.0, 0.5, 0.5, 0.5, 0.75, 0, 0},
}

// specOverrides are the only fit overrides in the default bank (as specified).
var specOverrides = map[string]map[Performer]float64{
	"device_patching":       {IT: 1},
	"network_inventory":     {IT: 1},
	"cyber_risk_assessment": {IT: 0.75},
	"device_integration":    {IT: 0.75},
}

// defaultHash pins the content of the embedded bank "default" version 1. Assessments
// record (id, version, hash); if default.yaml changes while its version stays 1, two
// different banks would claim to be "default v1".
const defaultHash = "sha256:77feb04e0235596a8bec073597fdc72334da1de29e6e89d48a6684ce8453c2a0"

func TestDefaultBankMatchesSpec(t *testing.T) {
	b := Builtin()[0]
	if b.ID != "default" || b.Version != 1 {
		t.Fatalf("Builtin()[0] is %q v%d, want \"default\" v1", b.ID, b.Version)
	}
	if got := b.Ref().String(); got != "default v1" {
		t.Errorf("Ref().String() = %q, want %q", got, "default v1")
	}

	var domains []string
	for _, d := range b.Domains {
		domains = append(domains, d.ID)
		if d.Name == "" || d.Description == "" {
			t.Errorf("domain %q: name %q, description %q: both must be written", d.ID, d.Name, d.Description)
		}
	}
	if strings.Join(domains, ",") != strings.Join(specDomains, ",") {
		t.Errorf("domains = %v, want %v", domains, specDomains)
	}

	if len(b.Functions) != len(specFunctions) {
		t.Fatalf("%d functions, want %d", len(b.Functions), len(specFunctions))
	}
	kinds := map[Kind]int{}
	for i, want := range specFunctions {
		f := &b.Functions[i]
		kinds[f.Kind]++
		if f.ID != want.id || f.Domain != want.domain || f.Kind != want.kind || f.Weight != want.weight {
			t.Errorf("functions[%d] = {%s %s %s %d}, want {%s %s %s %d}", i,
				f.Domain, f.ID, f.Kind, f.Weight, want.domain, want.id, want.kind, want.weight)
		}
		for field, text := range map[string]string{"title": f.Title, "question": f.Question, "help": f.Help, "recommendation": f.Recommendation} {
			if strings.TrimSpace(text) == "" {
				t.Errorf("function %q has an empty %s", f.ID, field)
			}
		}
		if !strings.HasSuffix(f.Question, "?") {
			t.Errorf("function %q: question %q does not end with a question mark", f.ID, f.Question)
		}
		if got, ok := b.Function(want.id); !ok || got != f {
			t.Errorf("Function(%q) = %p, %v; want functions[%d]", want.id, got, ok, i)
		}
		if got := b.FunctionIndex(want.id); got != i {
			t.Errorf("FunctionIndex(%q) = %d, want %d", want.id, got, i)
		}
		if got := b.DomainOf(i); got < 0 || b.Domains[got].ID != want.domain {
			t.Errorf("DomainOf(%d) = %d, want the position of %q", i, got, want.domain)
		}
	}
	if kinds[Engineering] != 26 || kinds[Operations] != 11 {
		t.Errorf("kinds: %d engineering, %d operations; want 26 and 11", kinds[Engineering], kinds[Operations])
	}
	if _, ok := b.Function("nope"); ok {
		t.Error(`Function("nope") found a function`)
	}
	if got := b.FunctionIndex("nope"); got != -1 {
		t.Errorf(`FunctionIndex("nope") = %d, want -1`, got)
	}
	if got := b.DomainIndex("cyber"); got != 4 {
		t.Errorf(`DomainIndex("cyber") = %d, want 4`, got)
	}
	if d, ok := b.Domain("people"); !ok || d.ID != "people" {
		t.Errorf(`Domain("people") = %v, %v`, d, ok)
	}
	if _, ok := b.Domain("nope"); ok {
		t.Error(`Domain("nope") found a domain`)
	}
}

func TestDefaultFitTable(t *testing.T) {
	for kind, want := range specFit {
		if got := V1Fit[kind]; got != want {
			t.Errorf("V1Fit[%s] = %v, want %v", kind, got, want)
		}
	}
	if len(V1Fit) != len(specFit) {
		t.Errorf("V1Fit has %d kinds, want %d", len(V1Fit), len(specFit))
	}
}

func TestDefaultBankFit(t *testing.T) {
	b := Builtin()[0]
	for i := range b.Functions {
		f := &b.Functions[i]
		over := specOverrides[f.ID]
		if len(f.Fit) != len(over) {
			t.Errorf("function %q has fit overrides %v, want %v", f.ID, f.Fit, over)
		}
		for j, p := range Performers {
			want := specFit[f.Kind][j]
			if v, ok := over[p]; ok {
				want = v
			}
			if got := f.FitFor(p); got != want {
				t.Errorf("%s.FitFor(%s) = %v, want %v", f.ID, p, got, want)
			}
		}
		if got := f.FitFor("boss"); got != 0 {
			t.Errorf("%s.FitFor(boss) = %v, want 0", f.ID, got)
		}
	}
}

func TestDefaultYAMLIsACopy(t *testing.T) {
	a := DefaultYAML()
	if len(a) == 0 {
		t.Fatal("DefaultYAML() is empty")
	}
	a[0] = '!'
	if DefaultYAML()[0] == '!' {
		t.Error("DefaultYAML() returns the embedded slice itself; callers can corrupt it")
	}
}

var hashPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

func TestDefaultHash(t *testing.T) {
	b := Builtin()[0]
	if !hashPattern.MatchString(b.Hash) {
		t.Fatalf("Builtin()[0].Hash = %q, want sha256: and 64 hex digits", b.Hash)
	}
	if b.Hash != b.ComputeHash() {
		t.Errorf("Hash %s != ComputeHash() %s", b.Hash, b.ComputeHash())
	}
	if b.Hash != defaultHash {
		t.Errorf("default.yaml changed: hash %s, pinned %s.\n"+
			"Once assessments exist, bump `version` in default.yaml for any content change;\n"+
			"then (or before the first release) update defaultHash in this test.", b.Hash, defaultHash)
	}
}

// baseBank is a small valid bank used as the starting point of the hash tests.
const baseBank = `# a test bank
id: t
version: 1
name: Test bank
domains:
  - id: a
    name: Domain A
    description: The first domain.
  - id: b
    name: Domain B
functions:
  - id: f
    domain: a
    kind: engineering
    weight: 2
    title: Function F
    question: Who does F?
    help: F matters.
    recommendation: Do F.
    fit: {it: 0.75, vendor: 0.25}
  - id: g
    domain: b
    kind: operations
    weight: 1
    question: Who does G?
`

func mustParse(t *testing.T, text string) *Bank {
	t.Helper()
	b, err := Parse("t.yaml", []byte(text))
	if err != nil {
		t.Fatalf("Parse: %v\n%s", err, text)
	}
	return b
}

func TestHashStable(t *testing.T) {
	a, b := mustParse(t, baseBank), mustParse(t, baseBank)
	if !hashPattern.MatchString(a.Hash) {
		t.Fatalf("Hash = %q, want sha256: and 64 hex digits", a.Hash)
	}
	if a.Hash != b.Hash {
		t.Errorf("same bytes, different hashes: %s, %s", a.Hash, b.Hash)
	}
	d1, err := Parse("x.yaml", DefaultYAML())
	if err != nil {
		t.Fatal(err)
	}
	d2, err := Parse("y.yaml", DefaultYAML())
	if err != nil {
		t.Fatal(err)
	}
	if d1.Hash != d2.Hash || d1.Hash != Default().Hash {
		t.Errorf("default bank hashes differ: %s, %s, %s", d1.Hash, d2.Hash, Default().Hash)
	}
}

// TestHashContent: every change of content must change the hash.
func TestHashContent(t *testing.T) {
	base := mustParse(t, baseBank).Hash
	tests := []struct {
		name     string
		old, new string
	}{
		{"bank id", "id: t\n", "id: t2\n"},
		{"version", "version: 1", "version: 2"},
		{"bank name", "name: Test bank", "name: Test Bank"},
		{"domain name", "name: Domain A", "name: Domain A2"},
		{"domain description", "The first domain.", "The first domain!"},
		{"domain order", "  - id: a\n    name: Domain A\n    description: The first domain.\n  - id: b\n    name: Domain B\n",
			"  - id: b\n    name: Domain B\n  - id: a\n    name: Domain A\n    description: The first domain.\n"},
		{"function id", "id: g\n", "id: h\n"},
		{"function domain", "domain: b", "domain: a"},
		{"kind", "kind: operations", "kind: engineering"},
		{"weight", "weight: 2", "weight: 3"},
		{"title", "title: Function F", "title: Function F2"},
		{"question", "Who does F?", "Who does F now?"},
		{"help", "F matters.", "F matters a lot."},
		{"recommendation", "Do F.", "Do F soon."},
		{"fit value", "it: 0.75", "it: 0.5"},
		{"fit performer", "vendor: 0.25", "bmet: 0.25"},
		{"fit added", "question: Who does G?", "question: Who does G?\n    fit: {ce: 1}"},
		{"fit removed", "    fit: {it: 0.75, vendor: 0.25}\n", ""},
		{"function order", baseBank[strings.Index(baseBank, "  - id: f"):], // swap f and g
			"  - id: g\n    domain: b\n    kind: operations\n    weight: 1\n    question: Who does G?\n" +
				baseBank[strings.Index(baseBank, "  - id: f"):strings.Index(baseBank, "  - id: g")]},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(baseBank, tt.old) {
				t.Fatalf("test bug: %q not in baseBank", tt.old)
			}
			text := strings.Replace(baseBank, tt.old, tt.new, 1)
			if got := mustParse(t, text).Hash; got == base {
				t.Errorf("hash unchanged after changing the %s:\n%s", tt.name, text)
			}
		})
	}

	t.Run("default bank weight", func(t *testing.T) {
		src := string(DefaultYAML())
		old := "id: budget\n    domain: performance\n    kind: engineering\n    weight: 2"
		if !strings.Contains(src, old) {
			t.Fatal("test bug: budget function not found in default.yaml")
		}
		b := mustParse(t, strings.Replace(src, old, old[:len(old)-1]+"3", 1))
		if b.Hash == Default().Hash {
			t.Error("changing one weight of the default bank kept its hash")
		}
	})
}

// TestHashCanonical: changes of form, not content, must keep the hash.
func TestHashCanonical(t *testing.T) {
	base := mustParse(t, baseBank).Hash
	tests := []struct {
		name string
		text string
	}{
		{"comments, blank lines and indentation", `
id: t   # the id
version: 1

# a comment
name: Test bank
domains:
- id: a
  name: Domain A
  description: The first domain.
- id: b
  name: Domain B


functions:
    # first
    - id: f
      domain: a
      kind: engineering
      weight: 2
      title: Function F
      question: Who does F?
      help: F matters.
      recommendation: Do F.
      fit: {it: 0.75, vendor: 0.25}
    - id: g
      domain: b
      kind: operations
      weight: 1
      question: Who does G?
`},
		{"keys reordered, quoting, block styles, fit order, 0.75 as .75", `functions:
  - question: "Who does F?"
    recommendation: >-
      Do F.
    fit:
      vendor: 0.250
      it: .75
    help: |-
      F matters.
    weight: 2
    title: 'Function F'
    kind: engineering
    domain: a
    id: f
  - weight: 1
    question: Who does G?
    kind: operations
    id: g
    domain: b
domains:
  - name: Domain A
    description: The first domain.
    id: a
  - {name: Domain B, id: b}
name: Test bank
version: 1
id: t
`},
		{"surrounding whitespace in texts", strings.Replace(baseBank, "question: Who does F?", "question: \"  Who does F?  \"", 1)},
		{"empty fit on g", strings.Replace(baseBank, "question: Who does G?", "question: Who does G?\n    fit: {}", 1)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.text == baseBank {
				t.Fatal("test bug: the text is unchanged")
			}
			if got := mustParse(t, tt.text).Hash; got != base {
				t.Errorf("hash changed for a change of form only:\n%s", tt.text)
			}
		})
	}
}

// TestHashNegativeZeroFit: a fit of -0 is a fit of 0, whether the bank comes from YAML
// or from JSON/code through Validate (found by FuzzParse: YAML() wrote "-0", which
// parses back as 0, so the round trip changed the hash).
func TestHashNegativeZeroFit(t *testing.T) {
	zero := mustParse(t, fnHead+fnF+"    fit: {it: 0}\n")
	neg := mustParse(t, fnHead+fnF+"    fit: {it: -0.0}\n")
	if neg.Hash != zero.Hash {
		t.Errorf("fit -0 hashes as %s, fit 0 as %s", neg.Hash, zero.Hash)
	}
	b := &Bank{ID: "t", Version: 1, Domains: []Domain{{ID: "a", Name: "A"}},
		Functions: []Function{{ID: "f", Domain: "a", Kind: Engineering, Weight: 1, Question: "Who?",
			Fit: map[Performer]float64{IT: math.Copysign(0, -1)}}}}
	if err := b.Validate(); err != nil {
		t.Fatal(err)
	}
	if b.Hash != zero.Hash || math.Signbit(b.Functions[0].Fit[IT]) {
		t.Errorf("Validate kept -0: hash %s, want %s", b.Hash, zero.Hash)
	}
}

func TestYAMLRoundTrip(t *testing.T) {
	for name, b := range map[string]*Bank{"default": Default(), "base": mustParse(t, baseBank)} {
		t.Run(name, func(t *testing.T) {
			out, err := b.YAML()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(string(out), b.Hash) || strings.Contains(string(out), "hash:") {
				t.Errorf("YAML() writes the hash; it is derived, not content:\n%s", out)
			}
			back, err := Parse("out.yaml", out)
			if err != nil {
				t.Fatalf("Parse(YAML()): %v\n%s", err, out)
			}
			if back.Hash != b.Hash {
				t.Errorf("round trip changed the hash: %s -> %s\n%s", b.Hash, back.Hash, out)
			}
		})
	}
}

// fnHead is a valid bank up to its functions list; the function texts below start on
// line 7.
const fnHead = `id: t
version: 1
domains:
  - id: a
    name: A
functions:
`

// fnF is a valid function occupying lines 7–11 after fnHead:
//
//	7 - id   8 domain   9 kind   10 weight   11 question
const fnF = `  - id: f
    domain: a
    kind: engineering
    weight: 1
    question: Who?
`

func TestParseInvalid(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		msg   string // substring of the error
		line  int
		field string
	}{
		// top level
		{"empty file", "", "empty", 0, ""},
		{"only a comment", "# nothing here\n", "empty", 0, ""},
		{"scalar document", "hello", "must be a mapping", 1, ""},
		{"list document", "- id: t\n", "must be a mapping", 1, ""},
		{"syntax error", "id: t\nversion: 1\ndomains: [\n", "not valid YAML", 3, ""},
		{"syntax error mid-file", "id: t\nversion: 1\nname: a: b\ndomains: []\n", "not valid YAML", 3, ""},
		{"tab indentation", "id: t\n\tversion: 1\n", "not valid YAML", 2, ""},
		{"unknown top-level key", "id: t\nversion: 1\nauthor: me\n", `unknown field "author"`, 3, "author"},
		{"duplicate top-level key", "id: t\nversion: 1\nid: u\n", `field "id" appears twice`, 3, "id"},
		{"list as key", "? [a, b]\n: c\nid: t\n", "must be plain names, not lists", 1, ""},
		{"alias as key", "id: t\nversion: &v 1\n*v : 2\n", "not the alias *v", 3, ""},
		{"missing functions key", "id: t\nversion: 1\ndomains:\n  - id: a\n    name: A\n", `missing field "functions"`, 1, "functions"},
		{"missing id", "version: 1\ndomains: []\nfunctions: []\n", `missing field "id"`, 1, "id"},
		{"bad bank id", "id: My Bank\n" + fnHead[len("id: t\n"):] + fnF, "bank id", 1, "id"},
		{"bank id not text", "id: [t]\n" + fnHead[len("id: t\n"):] + fnF, "must be text", 1, "id"},
		{"version 0", strings.Replace(fnHead, "version: 1", "version: 0", 1) + fnF, "at least 1", 2, "version"},
		{"version -1", strings.Replace(fnHead, "version: 1", "version: -1", 1) + fnF, "at least 1", 2, "version"},
		{"version text", strings.Replace(fnHead, "version: 1", "version: one", 1) + fnF, "whole number", 2, "version"},
		{"version float", strings.Replace(fnHead, "version: 1", "version: 1.5", 1) + fnF, "whole number", 2, "version"},

		// domains
		{"no domains", "id: t\nversion: 1\ndomains: []\nfunctions:\n" + fnF, "no domains", 3, "domains"},
		{"domains not a list", "id: t\nversion: 1\ndomains: {a: A}\nfunctions:\n" + fnF, "must be a list", 3, "domains"},
		{"duplicate domain id", "id: t\nversion: 1\ndomains:\n  - id: a\n    name: A\n  - id: a\n    name: B\nfunctions:\n" + fnF,
			`duplicate domain id "a"`, 6, "domains[1].id"},
		{"bad domain id", strings.Replace(fnHead, "- id: a", "- id: Domain-A", 1) + fnF, "snake_case", 4, "domains[0].id"},
		{"domain without name", strings.Replace(fnHead, "    name: A\n", "", 1) + fnF, "has no name", 4, "domains[0].name"},
		{"unknown key in domain", strings.Replace(fnHead, "    name: A\n", "    name: A\n    colour: red\n", 1) + fnF,
			`unknown field "colour"`, 6, "domains[0].colour"},
		{"domain not a mapping", "id: t\nversion: 1\ndomains:\n  - a\nfunctions:\n" + fnF, "must be a mapping", 4, "domains[0]"},

		// functions list
		{"empty functions list", fnHead[:len(fnHead)-1] + " []\n", "no functions", 6, "functions"},
		{"null functions", fnHead, "must be a list", 6, "functions"},
		{"functions as a mapping", fnHead + "  f:\n    domain: a\n", "must be a list", 7, "functions"},
		{"function not a mapping", fnHead + "  - f\n", "must be a mapping", 7, "functions[0]"},

		// one function: fields and values
		{"duplicate function id", fnHead + fnF + fnF, `duplicate function id "f"`, 12, "functions[1].id"},
		{"bad function id", fnHead + strings.Replace(fnF, "id: f", "id: Capital-Planning", 1), "snake_case", 7, "functions[0].id"},
		{"function id with a digit first", fnHead + strings.Replace(fnF, "id: f", "id: 1st", 1), "snake_case", 7, "functions[0].id"},
		{"missing function id", fnHead + strings.Replace(fnF, "- id: f\n    ", "- ", 1), `missing field "id"`, 7, "functions[0].id"},
		{"missing domain", fnHead + strings.Replace(fnF, "    domain: a\n", "", 1), `missing field "domain"`, 7, "functions[0].domain"},
		{"missing kind", fnHead + strings.Replace(fnF, "    kind: engineering\n", "", 1), `missing field "kind"`, 7, "functions[0].kind"},
		{"missing weight", fnHead + strings.Replace(fnF, "    weight: 1\n", "", 1), `missing field "weight"`, 7, "functions[0].weight"},
		{"missing question", fnHead + strings.Replace(fnF, "    question: Who?\n", "", 1), `missing field "question"`, 7, "functions[0].question"},
		{"empty question", fnHead + strings.Replace(fnF, "question: Who?", `question: "  "`, 1), "has no question", 11, "functions[0].question"},
		{"null question", fnHead + strings.Replace(fnF, "question: Who?", "question:", 1), "has no question", 11, "functions[0].question"},
		{"question not text", fnHead + strings.Replace(fnF, "question: Who?", "question: [who]", 1), "must be text", 11, "functions[0].question"},
		{"unknown domain", fnHead + strings.Replace(fnF, "domain: a", "domain: b", 1), `unknown domain "b"`, 8, "functions[0].domain"},
		{"unknown kind", fnHead + strings.Replace(fnF, "kind: engineering", "kind: management", 1), `unknown kind "management"`, 9, "functions[0].kind"},
		{"kind in capitals", fnHead + strings.Replace(fnF, "kind: engineering", "kind: Engineering", 1), `unknown kind "Engineering"`, 9, "functions[0].kind"},
		{"weight 0", fnHead + strings.Replace(fnF, "weight: 1", "weight: 0", 1), "outside 1–3", 10, "functions[0].weight"},
		{"weight 4", fnHead + strings.Replace(fnF, "weight: 1", "weight: 4", 1), "outside 1–3", 10, "functions[0].weight"},
		{"weight -1", fnHead + strings.Replace(fnF, "weight: 1", "weight: -1", 1), "outside 1–3", 10, "functions[0].weight"},
		{"weight two", fnHead + strings.Replace(fnF, "weight: 1", "weight: two", 1), `whole number, not "two"`, 10, "functions[0].weight"},
		{"weight quoted", fnHead + strings.Replace(fnF, "weight: 1", `weight: "2"`, 1), "whole number", 10, "functions[0].weight"},
		{"weight 1.5", fnHead + strings.Replace(fnF, "weight: 1", "weight: 1.5", 1), "whole number", 10, "functions[0].weight"},
		{"unknown key in function", fnHead + fnF + "    owner: x\n", `unknown field "owner"`, 12, "functions[0].owner"},
		{"misspelt key in function", fnHead + fnF + "    wieght: 2\n", `unknown field "wieght"`, 12, "functions[0].wieght"},
		{"duplicate key in function", fnHead + fnF + "    weight: 2\n", `field "weight" appears twice`, 12, "functions[0].weight"},

		// fit
		{"fit 1.5", fnHead + fnF + "    fit: {it: 1.5}\n", "outside [0,1]", 12, "functions[0].fit.it"},
		{"fit -0.1", fnHead + fnF + "    fit: {it: -0.1}\n", "outside [0,1]", 12, "functions[0].fit.it"},
		{"fit on its own line", fnHead + fnF + "    fit:\n      ce: 1\n      vendor: 2\n", "outside [0,1]", 14, "functions[0].fit.vendor"},
		{"fit NaN", fnHead + fnF + "    fit: {it: .nan}\n", "number between 0 and 1", 12, "functions[0].fit.it"},
		{"fit infinite", fnHead + fnF + "    fit: {it: .inf}\n", "number between 0 and 1", 12, "functions[0].fit.it"},
		{"fit text", fnHead + fnF + "    fit: {it: high}\n", `not "high"`, 12, "functions[0].fit.it"},
		{"unknown performer in fit", fnHead + fnF + "    fit: {boss: 1}\n", `unknown performer "boss"`, 12, "functions[0].fit.boss"},
		{"performer twice in fit", fnHead + fnF + "    fit: {it: 1, it: 0.5}\n", `"it" appears twice`, 12, "functions[0].fit.it"},
		{"fit not a mapping", fnHead + fnF + "    fit: 0.75\n", "must be a mapping", 12, "functions[0].fit"},
		// An alias key is its anchor's text, not its name: "*question" here is "Bank" and
		// "*it" is "ce"; reading the names would take a wrong bank as valid.
		{"alias as field key", strings.Replace(fnHead, "id: t\n", "id: t\nname: &question Bank\n", 1) +
			strings.Replace(fnF, "question: Who?", "*question : Who?", 1), "not the alias *question", 12, "functions[0]"},
		{"alias as fit key", strings.Replace(fnHead, "name: A", "name: &it ce", 1) + fnF + "    fit: {*it : 0.25}\n",
			"not the alias *it", 12, "functions[0].fit"},

		// the first error is reported, in the second function too
		{"error in a later function", fnHead + fnF + strings.Replace(strings.Replace(fnF, "id: f", "id: g", 1), "weight: 1", "weight: 9", 1),
			"outside 1–3", 15, "functions[1].weight"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := Parse("bank.yaml", []byte(tt.text))
			if err == nil {
				t.Fatalf("Parse succeeded (bank %q), want error %q\n%s", b.ID, tt.msg, tt.text)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("error %q does not contain %q", e.Msg, tt.msg)
			}
			if e.File != "bank.yaml" || e.Line != tt.line || e.Field != tt.field {
				t.Errorf("error at %s line %d field %q, want bank.yaml line %d field %q (%v)\n%s",
					e.File, e.Line, e.Field, tt.line, tt.field, err, tt.text)
			}
			if !strings.HasPrefix(err.Error(), "bank.yaml") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
}

// TestParseErrorDeterministic: a bank with several faults reports the same one every
// time, so a director fixing errors one by one is not sent back and forth.
func TestParseErrorDeterministic(t *testing.T) {
	texts := map[string]string{
		"domain fields": "id: t\nversion: 1\ndomains:\n  - id: [a]\n    name: [b]\n    description: [c]\nfunctions: []\n",
		"function fields": fnHead + "  - id: [f]\n    domain: [a]\n    kind: [k]\n    weight: 1\n    title: [t]\n" +
			"    question: [q]\n    help: [h]\n    recommendation: [r]\n",
		"fit values": fnHead + fnF + "    fit: {it: 3, vendor: 4, ce: 2, unsure: 5}\n",
	}
	for name, text := range texts {
		t.Run(name, func(t *testing.T) {
			_, first := Parse("t.yaml", []byte(text))
			if first == nil {
				t.Fatal("Parse succeeded")
			}
			for i := 0; i < 100; i++ {
				if _, err := Parse("t.yaml", []byte(text)); err == nil || err.Error() != first.Error() {
					t.Fatalf("run %d: error %v, first run: %v", i, err, first)
				}
			}
		})
	}
}

func TestParseValid(t *testing.T) {
	tests := []struct {
		name string
		text string
	}{
		{"minimal", fnHead + fnF},
		{"weight 3, all fit bounds", fnHead + strings.Replace(fnF, "weight: 1", "weight: 3", 1) +
			"    fit: {ce: 0, bmet: 1, manager: 0.5, it: 1.0, vendor: 0.0, nobody: 0, unsure: 1}\n"},
		{"operations", fnHead + strings.Replace(fnF, "engineering", "operations", 1)},
		{"bank id with dots and dashes", strings.Replace(fnHead, "id: t", "id: acme-health.v2_x", 1) + fnF},
		{"explicit document markers", "---\n" + fnHead + fnF + "...\n"},
		{"flow style", `{id: t, version: 3, domains: [{id: a, name: A}], functions: [{id: f, domain: a, kind: operations, weight: 2, question: "Who?"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := mustParse(t, tt.text)
			if len(b.Functions) != 1 || len(b.Domains) != 1 {
				t.Fatalf("%d functions, %d domains; want 1, 1", len(b.Functions), len(b.Domains))
			}
			if !hashPattern.MatchString(b.Hash) {
				t.Errorf("Hash = %q", b.Hash)
			}
			if f, ok := b.Function("f"); !ok || f.Domain != "a" || f.Question != "Who?" {
				t.Errorf(`Function("f") = %+v, %v`, f, ok)
			}
		})
	}

	// The minimal bank, field by field.
	b := mustParse(t, fnHead+fnF+"    fit: {it: 0.25}\n")
	f := b.Functions[0]
	if b.ID != "t" || b.Version != 1 || b.Domains[0] != (Domain{ID: "a", Name: "A"}) ||
		f.ID != "f" || f.Domain != "a" || f.Kind != Engineering || f.Weight != 1 || f.Question != "Who?" ||
		len(f.Fit) != 1 || f.Fit[IT] != 0.25 {
		t.Errorf("minimal bank parsed as %+v / %+v", b, f)
	}
	if got := f.FitFor(IT); got != 0.25 {
		t.Errorf("FitFor(it) = %v, want the override 0.25", got)
	}
	if got := f.FitFor(Manager); got != 0.75 {
		t.Errorf("FitFor(manager) = %v, want the engineering default 0.75", got)
	}
	if f.Name() != "f" {
		t.Errorf("Name() without a title = %q, want the id", f.Name())
	}
	f.Title = "Eff"
	if f.Name() != "Eff" {
		t.Errorf("Name() = %q, want the title", f.Name())
	}
}

func TestParseTooLarge(t *testing.T) {
	data := []byte(fnHead + fnF + "# " + strings.Repeat("x", maxBankSize) + "\n")
	_, err := Parse("big.yaml", data)
	var e *Error
	if !errors.As(err, &e) || !errors.Is(err, ErrInvalid) || e.File != "big.yaml" || !strings.Contains(e.Msg, "bytes") {
		t.Errorf("Parse of %d bytes: %v", len(data), err)
	}
}

func writeFile(t *testing.T, dir, name, text string) string {
	t.Helper()
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()

	t.Run("valid", func(t *testing.T) {
		path := writeFile(t, dir, "good.yaml", fnHead+fnF)
		b, err := Load(path)
		if err != nil {
			t.Fatal(err)
		}
		if b.Hash != mustParse(t, fnHead+fnF).Hash {
			t.Errorf("Load and Parse of the same text give different hashes")
		}
	})

	t.Run("missing file", func(t *testing.T) {
		path := filepath.Join(dir, "nope.yaml")
		_, err := Load(path)
		if err == nil || !strings.Contains(err.Error(), path) {
			t.Fatalf("Load(%s) = %v, want an error naming the path", path, err)
		}
		if !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("errors.Is(%v, fs.ErrNotExist) = false", err)
		}
	})

	t.Run("directory", func(t *testing.T) {
		_, err := Load(dir)
		if err == nil || !strings.Contains(err.Error(), dir) || !strings.Contains(err.Error(), "directory") {
			t.Fatalf("Load(%s) = %v, want an error naming the directory", dir, err)
		}
	})

	t.Run("invalid", func(t *testing.T) {
		path := writeFile(t, dir, "bad.yaml", fnHead+strings.Replace(fnF, "weight: 1", "weight: 4", 1))
		_, err := Load(path)
		if err == nil {
			t.Fatal("Load of an invalid bank succeeded")
		}
		if want := path + ":10: functions[0].weight: "; !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %q, want it to start with %q", err, want)
		}
		var e *Error
		if !errors.As(err, &e) || e.File != path || !errors.Is(err, ErrInvalid) {
			t.Errorf("error %#v is not an *Error for %s wrapping ErrInvalid", err, path)
		}
	})

	t.Run("unclean path", func(t *testing.T) {
		writeFile(t, dir, "bad2.yaml", "hello")
		_, err := Load(dir + "/./bad2.yaml")
		if want := filepath.Join(dir, "bad2.yaml") + ":1: "; err == nil || !strings.HasPrefix(err.Error(), want) {
			t.Errorf("error %v, want it to start with %q", err, want)
		}
	})

	t.Run("too large", func(t *testing.T) {
		path := writeFile(t, dir, "big.yaml", strings.Repeat("#", maxBankSize+1))
		_, err := Load(path)
		if !errors.Is(err, ErrInvalid) || !strings.HasPrefix(err.Error(), path+": ") {
			t.Errorf("Load of an oversized file: %v", err)
		}
	})
}

func TestPerformers(t *testing.T) {
	tests := []struct {
		p     Performer
		index int
		gap   bool
		label string
		short string
	}{
		{"ce", 0, false, "Dedicated clinical engineer", "CE"},
		{"specialist", 1, false, "Senior technical specialist with assigned engineering duties", "Specialist"},
		{"bmet", 2, false, "BMETs / technicians", "BMET"},
		{"manager", 3, false, "HTM manager or director", "Manager"},
		{"it", 4, false, "IT department", "IT"},
		{"other_dept", 5, false, "Another hospital department", "Other dept"},
		{"vendor", 6, false, "Vendor or outside service", "Vendor"},
		{"nobody", 7, true, "Nobody — not done", "Nobody"},
		{"unsure", 8, true, "Don't know", "Don't know"},
		{"na", 9, false, "Not applicable here", "N/A"},
		{"boss", -1, false, "boss", "boss"},
		{"CE", -1, false, "CE", "CE"},
		{"", -1, false, "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.p), func(t *testing.T) {
			if got := tt.p.Index(); got != tt.index {
				t.Errorf("Index() = %d, want %d", got, tt.index)
			}
			if got := tt.p.Valid(); got != (tt.index >= 0) {
				t.Errorf("Valid() = %v", got)
			}
			if got := tt.p.IsGap(); got != tt.gap {
				t.Errorf("IsGap() = %v, want %v", got, tt.gap)
			}
			if got := tt.p.Label(); got != tt.label {
				t.Errorf("Label() = %q, want %q", got, tt.label)
			}
			if got := tt.p.Short(); got != tt.short {
				t.Errorf("Short() = %q, want %q", got, tt.short)
			}
			if got := tt.p.String(); got != string(tt.p) {
				t.Errorf("String() = %q", got)
			}
			if tt.index >= 0 && Options[tt.index] != tt.p {
				t.Errorf("Options[%d] = %q, want %q", tt.index, Options[tt.index], tt.p)
			}
		})
	}
}

func TestKind(t *testing.T) {
	for _, tt := range []struct {
		k     Kind
		valid bool
	}{{Engineering, true}, {Operations, true}, {"management", false}, {"Engineering", false}, {"", false}} {
		if got := tt.k.Valid(); got != tt.valid {
			t.Errorf("Kind(%q).Valid() = %v, want %v", tt.k, got, tt.valid)
		}
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		err  Error
		want string
	}{
		{Error{File: "b.yaml", Line: 3, Field: "functions[0].weight", Msg: "bad"}, "b.yaml:3: functions[0].weight: bad"},
		{Error{File: "b.yaml", Field: "functions", Msg: "bad"}, "b.yaml: functions: bad"},
		{Error{File: "b.yaml", Line: 1, Msg: "bad"}, "b.yaml:1: bad"},
		{Error{File: "b.yaml", Msg: "bad"}, "b.yaml: bad"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
}

// goBank is a valid bank built in code; it is the same bank as goBankYAML.
func goBank() *Bank {
	return &Bank{
		ID:      "t",
		Version: 1,
		Domains: []Domain{{ID: "a", Name: "A"}},
		Functions: []Function{
			{ID: "f", Domain: "a", Kind: Engineering, Weight: 1, Question: "Who?"},
			{ID: "g", Domain: "a", Kind: Operations, Weight: 3, Question: "Who else?", Fit: map[Performer]float64{IT: 1}},
		},
	}
}

const goBankYAML = fnHead + fnF + `  - id: g
    domain: a
    kind: operations
    weight: 3
    question: Who else?
    fit: {it: 1.0}
`

func TestValidate(t *testing.T) {
	b := goBank()
	// Before validation DomainOf looks the domain up by id.
	if got := b.DomainOf(1); got != 0 {
		t.Errorf("DomainOf(1) before Validate = %d, want 0", got)
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("Validate() of a valid bank: %v", err)
	}
	if want := mustParse(t, goBankYAML).Hash; b.Hash != want {
		t.Errorf("Validate() set hash %s; the same bank from YAML has %s", b.Hash, want)
	}
	if f, ok := b.Function("g"); !ok || f.Weight != 3 || b.FunctionIndex("g") != 1 {
		t.Errorf(`after Validate, Function("g") = %+v, %v; FunctionIndex = %d`, f, ok, b.FunctionIndex("g"))
	}

	tests := []struct {
		name   string
		change func(b *Bank)
		field  string
		msg    string
	}{
		{"bad bank id", func(b *Bank) { b.ID = "" }, "id", "bank id"},
		{"version 0", func(b *Bank) { b.Version = 0 }, "version", "at least 1"},
		{"no domains", func(b *Bank) { b.Domains = nil }, "domains", "no domains"},
		{"domain without name", func(b *Bank) { b.Domains[0].Name = "" }, "domains[0].name", "no name"},
		{"duplicate domain", func(b *Bank) { b.Domains = append(b.Domains, Domain{ID: "a", Name: "B"}) }, "domains[1].id", "duplicate domain"},
		{"no functions", func(b *Bank) { b.Functions = nil }, "functions", "no functions"},
		{"duplicate function", func(b *Bank) { b.Functions[1].ID = "f" }, "functions[1].id", "duplicate function id"},
		{"bad function id", func(b *Bank) { b.Functions[0].ID = "Capital-Planning" }, "functions[0].id", "snake_case"},
		{"unknown domain", func(b *Bank) { b.Functions[1].Domain = "z" }, "functions[1].domain", "unknown domain"},
		{"unknown kind", func(b *Bank) { b.Functions[0].Kind = "management" }, "functions[0].kind", "unknown kind"},
		{"weight 0", func(b *Bank) { b.Functions[0].Weight = 0 }, "functions[0].weight", "outside 1–3"},
		{"weight 4", func(b *Bank) { b.Functions[1].Weight = 4 }, "functions[1].weight", "outside 1–3"},
		{"no question", func(b *Bank) { b.Functions[1].Question = "" }, "functions[1].question", "no question"},
		{"fit 1.5", func(b *Bank) { b.Functions[1].Fit[IT] = 1.5 }, "functions[1].fit.it", "outside [0,1]"},
		{"fit -0.1", func(b *Bank) { b.Functions[1].Fit[Vendor] = -0.1 }, "functions[1].fit.vendor", "outside [0,1]"},
		{"fit NaN", func(b *Bank) { b.Functions[1].Fit[CE] = math.NaN() }, "functions[1].fit.ce", "outside [0,1]"},
		{"fit +Inf", func(b *Bank) { b.Functions[1].Fit[CE] = math.Inf(1) }, "functions[1].fit.ce", "outside [0,1]"},
		{"unknown performer", func(b *Bank) { b.Functions[0].Fit = map[Performer]float64{"boss": 1} }, "functions[0].fit.boss", "unknown performer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b := goBank()
			tt.change(b)
			err := b.Validate()
			if err == nil {
				t.Fatal("Validate() accepted an invalid bank")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("errors.Is(err, ErrInvalid) = false for %v", err)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %T is not an *Error: %v", err, err)
			}
			if e.Field != tt.field || e.Line != 0 || !strings.Contains(e.Msg, tt.msg) {
				t.Errorf("error field %q line %d msg %q; want field %q, line 0, msg containing %q",
					e.Field, e.Line, e.Msg, tt.field, tt.msg)
			}
			if b.Hash != "" {
				t.Errorf("an invalid bank got a hash: %s", b.Hash)
			}
		})
	}
}

func TestParseOneDocument(t *testing.T) {
	one := "id: x\nversion: 1\ndomains:\n  - id: d\n    name: D\nfunctions:\n  - id: f\n    domain: d\n    kind: operations\n    weight: 1\n    question: Who?\n"
	if _, err := Parse("one.yaml", []byte("---\n"+one+"...\n")); err != nil {
		t.Fatalf("one document with markers: %v", err)
	}
	_, err := Parse("two.yaml", []byte(one+"---\nid: y\n"))
	var qe *Error
	if !errors.As(err, &qe) || !strings.Contains(qe.Msg, "more than one YAML document") || qe.Line != 12 { // the second "---"
		t.Fatalf("two documents: %#v", err)
	}
}
