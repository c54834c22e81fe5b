package exchange

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// testNow is the clock dates are checked against: after every date in validDoc.
var testNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

// validDoc returns a document with one organization and one completed assessment.
func validDoc() *Document {
	bank := questions.Default()
	start := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	done := start.Add(time.Hour)
	a := assessment.Assessment{Number: 1, Status: assessment.Completed, StartedAt: start, CompletedAt: &done,
		Bank:    bank.Ref(),
		Profile: assessment.Profile{Beds: 120, CEFTE: 1, BMETFTE: 4, ManagerFTE: 1},
		Answers: map[string]assessment.Answer{}}
	for _, f := range bank.Functions {
		a.Answers[f.ID] = assessment.Answer{Performer: assessment.BMET, AnsweredAt: start}
	}
	return &Document{Format: Format, ExportedAt: start, Organizations: []Organization{
		{Organization: assessment.Organization{ID: "st-x", Name: "St X", CreatedAt: start}, Assessments: []assessment.Assessment{a}},
	}}
}

func encode(t *testing.T, d *Document) string {
	var buf bytes.Buffer
	if err := Encode(&buf, d); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

func TestDecodeValid(t *testing.T) {
	text := encode(t, validDoc())
	doc, err := Decode([]byte(text), nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if got := doc.Organizations[0].Assessments[0].Bank.Hash; got != questions.Default().Hash {
		t.Errorf("bank ref not resolved: %q", got)
	}
	if again := encode(t, doc); again != text {
		t.Errorf("decode → encode changed the document")
	}
	// A reference without a hash (hand-written files) resolves to the embedded bank.
	d := validDoc()
	d.Organizations[0].Assessments[0].Bank = questions.Ref{ID: "default", Version: questions.Default().Version}
	doc, err = Decode([]byte(encode(t, d)), nil, testNow)
	if err != nil || doc.Organizations[0].Assessments[0].Bank.Hash != questions.Default().Hash {
		t.Errorf("hash-less reference: %v", err)
	}
}

func TestDecodeErrors(t *testing.T) {
	base := encode(t, validDoc())
	tests := []struct {
		name string
		edit func(string) string
		want string
	}{
		{"not json", func(string) string { return "{\n  \"format\": \n}" }, "not valid JSON at line 3"},
		{"empty", func(string) string { return "" }, "empty"},
		{"truncated", func(s string) string { return s[:len(s)/2] }, "truncated"},
		{"wrong format", func(s string) string { return strings.Replace(s, Format, "cebalance/v9", 1) }, `format: unknown format "cebalance/v9"`},
		{"unknown field", func(s string) string { return strings.Replace(s, `"format"`, `"colour": 1, "format"`, 1) }, `unknown field "colour"`},
		{"wrong type", func(s string) string { return strings.Replace(s, `"beds": 120`, `"beds": "many"`, 1) }, "organizations[0].assessments.profile.beds"},
		{"bad performer", func(s string) string {
			i := strings.Index(s, `"inventory": {`)
			return s[:i] + strings.Replace(s[i:], `"performer": "bmet"`, `"performer": "bmets"`, 1)
		}, `organizations[0].assessments[0].answers.inventory.performer: unknown performer "bmets"`},
		{"unknown function", func(s string) string { return strings.Replace(s, `"inventory":`, `"inventori":`, 1) }, "organizations[0].assessments[0].answers.inventori"},
		{"incomplete", func(s string) string {
			return strings.Replace(s, `"inventory":`, `"zz_removed_inventory":`, 1)
		}, "answers.zz_removed_inventory"},
		{"bad profile", func(s string) string { return strings.Replace(s, `"beds": 120`, `"beds": 0`, 1) }, "organizations[0].assessments[0].profile.beds"},
		{"unknown bank", func(s string) string { return strings.Replace(s, `"hash": "sha256:`, `"hash": "sha256:00`, 1) }, "organizations[0].assessments[0].bank: unknown bank " + questions.Default().Ref().String()},
		{"bad org id", func(s string) string { return strings.Replace(s, `"st-x"`, `"St X!"`, 1) }, "organizations[0].id"},
		{"no name", func(s string) string { return strings.Replace(s, `"St X"`, `"  "`, 1) }, "organizations[0].name"},
		{"bidi override in name", func(s string) string { return strings.Replace(s, `"St X"`, `"St \u202eX"`, 1) }, "organizations[0].name"},
		{"line separator in name", func(s string) string { return strings.Replace(s, `"St X"`, `"St\u2028X"`, 1) }, "organizations[0].name"},
		{"bad status", func(s string) string { return strings.Replace(s, `"completed"`, `"done"`, 1) }, "organizations[0].assessments[0].status"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Decode([]byte(tt.edit(base)), nil, testNow)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want %q", err, tt.want)
			}
		})
	}
}

func TestDecodeRules(t *testing.T) {
	d := validDoc()
	d.Organizations = append(d.Organizations, d.Organizations[0])
	if _, err := Decode([]byte(encode(t, d)), nil, testNow); err == nil || !strings.Contains(err.Error(), "organizations[1].id: duplicate") {
		t.Errorf("duplicate org: %v", err)
	}

	d = validDoc()
	a := d.Organizations[0].Assessments[0].Clone()
	a.Number, a.Status, a.CompletedAt = 2, assessment.Draft, nil
	b := a.Clone()
	b.Number = 3
	d.Organizations[0].Assessments = append(d.Organizations[0].Assessments, a, b)
	if _, err := Decode([]byte(encode(t, d)), nil, testNow); err == nil || !strings.Contains(err.Error(), "assessments[2].status: an organization has at most one draft") {
		t.Errorf("two drafts: %v", err)
	}

	// A custom bank travels with the document; an edited one is refused by its hash.
	custom := &questions.Bank{ID: "mine", Version: 3, Domains: []questions.Domain{{ID: "d", Name: "D"}},
		Functions: []questions.Function{{ID: "f", Domain: "d", Kind: questions.Operations, Weight: 2, Question: "Who?"}}}
	if err := custom.Validate(); err != nil {
		t.Fatal(err)
	}
	d = validDoc()
	d.Banks = []*questions.Bank{custom}
	o := &d.Organizations[0]
	o.Assessments[0].Bank = custom.Ref()
	o.Assessments[0].Answers = map[string]assessment.Answer{"f": {Performer: assessment.Vendor, Note: "line\x1b[2Jbreak"}}
	text := encode(t, d)
	doc, err := Decode([]byte(text), nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	if note := doc.Organizations[0].Assessments[0].Answers["f"].Note; note != "line [2Jbreak" {
		t.Errorf("note not sanitized: %q", note)
	}
	tampered := strings.Replace(text, `"weight": 2`, `"weight": 3`, 1)
	if _, err := Decode([]byte(tampered), nil, testNow); err == nil || !strings.Contains(err.Error(), "banks[0].hash") {
		t.Errorf("tampered bank: %v", err)
	}
	// A bank only the database knows is found through the resolver.
	d.Banks = nil
	if _, err := Decode([]byte(encode(t, d)), nil, testNow); err == nil {
		t.Error("a missing bank was accepted")
	}
	if _, err := Decode([]byte(encode(t, d)), func(r questions.Ref) *questions.Bank {
		if r.Hash == custom.Hash {
			return custom
		}
		return nil
	}, testNow); err != nil {
		t.Errorf("resolver: %v", err)
	}
}

func TestDraftMustBeLatest(t *testing.T) {
	d := validDoc()
	draft := d.Organizations[0].Assessments[0].Clone()
	draft.Number, draft.Status, draft.CompletedAt = 1, assessment.Draft, nil
	done := d.Organizations[0].Assessments[0].Clone()
	done.Number = 2
	d.Organizations[0].Assessments = []assessment.Assessment{draft, done}
	if _, err := Decode([]byte(encode(t, d)), nil, testNow); err == nil || !strings.Contains(err.Error(), "draft 1 is not the organization's latest") {
		t.Fatalf("draft before a completed assessment: %v", err)
	}
}

// TestDecodeV1File: a file exported before bank version 2 (assessments on default v1,
// with or without the hash) imports unchanged: it resolves to the embedded version 1,
// every answer is kept, and it encodes back to the same bytes.
func TestDecodeV1File(t *testing.T) {
	v1 := questions.BuiltinFor(questions.Ref{ID: "default", Version: 1})
	if v1 == nil || v1.Hash == questions.Default().Hash {
		t.Fatal("no embedded default v1")
	}
	d := validDoc()
	a := &d.Organizations[0].Assessments[0]
	a.Bank = v1.Ref()
	a.Answers = map[string]assessment.Answer{}
	for _, f := range v1.Functions {
		a.Answers[f.ID] = assessment.Answer{Performer: assessment.Manager, AnsweredAt: a.StartedAt}
	}
	text := encode(t, d)
	for name, in := range map[string]string{
		"with hash":    text,
		"without hash": strings.Replace(text, `"hash": "`+v1.Hash+`"`, `"hash": ""`, 1),
	} {
		doc, err := Decode([]byte(in), nil, testNow)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		got := doc.Organizations[0].Assessments[0]
		if got.Bank != v1.Ref() || len(got.Answers) != len(v1.Functions) {
			t.Errorf("%s: bank %+v, %d answers; want %+v and %d", name, got.Bank, len(got.Answers), v1.Ref(), len(v1.Functions))
		}
		if again := encode(t, doc); again != text {
			t.Errorf("%s: decode → encode changed the v1 document", name)
		}
	}
}

// TestDecodeHours: estimates of hours and the productive hours travel in the file and
// round-trip byte for byte; a file without them (every file written before them) reads
// as before; an estimate outside the rule is refused with its path.
func TestDecodeHours(t *testing.T) {
	d := validDoc()
	a := &d.Organizations[0].Assessments[0]
	h := 12.5
	ans := a.Answers["inventory"]
	ans.Hours = &h
	a.Answers["inventory"] = ans
	a.Profile.ProductiveHours = 1600
	text := encode(t, d)
	if !strings.Contains(text, `"hours_per_month": 12.5`) || !strings.Contains(text, `"productive_hours": 1600`) {
		t.Fatalf("estimates not written:\n%s", text)
	}
	doc, err := Decode([]byte(text), nil, testNow)
	if err != nil {
		t.Fatal(err)
	}
	got := doc.Organizations[0].Assessments[0]
	if g := got.Answers["inventory"].Hours; g == nil || *g != 12.5 || got.Profile.ProductiveHours != 1600 {
		t.Errorf("read back hours %v, productive %d", g, got.Profile.ProductiveHours)
	}
	if again := encode(t, doc); again != text {
		t.Error("decode → encode changed a document with estimates")
	}
	if plain := encode(t, validDoc()); strings.Contains(plain, "hours") {
		t.Errorf("a document without estimates mentions hours:\n%s", plain)
	}
	for _, c := range []struct{ from, to, want string }{
		{`"hours_per_month": 12.5`, `"hours_per_month": 745`, "organizations[0].assessments[0].answers.inventory.hours_per_month: hours a month must be 0 to 744"},
		{`"hours_per_month": 12.5`, `"hours_per_month": 1.25`, "answers.inventory.hours_per_month"},
		{`"hours_per_month": 12.5`, `"hours_per_month": "12"`, "hours_per_month"},
		{`"productive_hours": 1600`, `"productive_hours": 3000`, "organizations[0].assessments[0].profile.productive_hours"},
	} {
		_, err := Decode([]byte(strings.Replace(text, c.from, c.to, 1)), nil, testNow)
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want %q", c.to, err, c.want)
		}
	}
}
