package exchange

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"cebalance/assessment"
	"cebalance/questions"
)

// fuzzExternal is the bank FuzzDecode's resolver knows, so that the fuzzer also reaches
// references to a bank the document does not carry ("ext" v2).
var fuzzExternal = func() *questions.Bank {
	b := &questions.Bank{ID: "ext", Version: 2, Domains: []questions.Domain{{ID: "d", Name: "D"}},
		Functions: []questions.Function{
			{ID: "f", Domain: "d", Kind: questions.Engineering, Weight: 3, Question: "Who?"},
			{ID: "g", Domain: "d", Kind: questions.Operations, Weight: 1, Question: "And?", Fit: map[questions.Performer]float64{questions.IT: 0.25}},
		}}
	if err := b.Validate(); err != nil {
		panic(err)
	}
	return b
}()

// fuzzNow is the clock FuzzDecode checks dates against.
var fuzzNow = time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)

func fuzzResolve(ref questions.Ref) *questions.Bank {
	if ref.ID == fuzzExternal.ID && ref.Version == fuzzExternal.Version && (ref.Hash == "" || ref.Hash == fuzzExternal.Hash) {
		return fuzzExternal
	}
	return nil
}

// fuzzSeeds are documents that reach deep into Decode: a full assessment on the default
// bank, a custom bank carried in the document, a bank only the resolver knows, drafts and
// notes that need sanitizing.
func fuzzSeeds(t testing.TB) [][]byte {
	var out [][]byte
	enc := func(d *Document) {
		var buf bytes.Buffer
		if err := Encode(&buf, d); err != nil {
			t.Fatal(err)
		}
		out = append(out, buf.Bytes())
	}
	enc(validDoc())

	custom := &questions.Bank{ID: "mine", Version: 3, Name: "Mine", Domains: []questions.Domain{{ID: "d", Name: "D", Description: "The d."}},
		Functions: []questions.Function{{ID: "f", Domain: "d", Kind: questions.Operations, Weight: 2, Question: "Who?",
			Fit: map[questions.Performer]float64{questions.Vendor: 1, questions.IT: 0}}}}
	if err := custom.Validate(); err != nil {
		t.Fatal(err)
	}
	start := time.Date(2025, 3, 4, 5, 6, 7, 8, time.FixedZone("", 3600))
	d := validDoc()
	d.Banks = []*questions.Bank{custom, questions.Default()}
	o := &d.Organizations[0]
	o.Assessments[0].Answers["inventory"] = assessment.Answer{Performer: assessment.Nobody, Note: "line\x1b[2Jbreak\u202e\u200b  x\n", AnsweredAt: start}
	draft := assessment.Assessment{Number: 2, Status: assessment.Draft, StartedAt: start, Bank: custom.Ref(),
		Profile: assessment.Profile{Beds: 5000, Teaching: true, CEFTE: 0.5, BMETFTE: 10000, Devices: 10_000_000},
		Answers: map[string]assessment.Answer{"f": {Performer: assessment.Unsure, Note: strings.Repeat("é ", 300)}}}
	o.Assessments = append(o.Assessments, draft)
	peers := Organization{Organization: assessment.Organization{ID: "peer-1", Name: "Peer One", CreatedAt: start, PeerOnly: true}, Assessments: []assessment.Assessment{
		{Number: 1, Status: assessment.Draft, StartedAt: start, Bank: fuzzExternal.Ref(), Profile: assessment.Profile{Beds: 1},
			Answers: map[string]assessment.Answer{"g": {Performer: assessment.IT}}},
	}}
	d.Organizations = append(d.Organizations, peers, Organization{Organization: assessment.Organization{ID: "empty", Name: "E", CreatedAt: start}})
	enc(d)

	// A hand-written file: no hashes, an empty answer map, no banks.
	out = append(out, []byte(`{"format":"cebalance/v1","exported_at":"2025-01-01T00:00:00Z","organizations":[
{"id":"a","name":"A","created_at":"2025-01-01T00:00:00Z","assessments":[
{"number":1,"status":"draft","started_at":"2025-01-01T00:00:00+02:00","completed_at":null,
"bank":{"id":"default","version":1},"profile":{"beds":10,"teaching":false,"ce_fte":0,"bmet_fte":0,"manager_fte":0,"it_fte":0,"devices":0},
"answers":{}}]}]}`))
	return out
}

// FuzzDecode feeds arbitrary bytes to the import validator. Decode must not panic; a
// refusal must wrap ErrInvalid; an accepted document must satisfy every rule it promises
// (assessments valid against their banks, notes sanitized) and encode → decode → encode
// to the same bytes.
//
// Seeds: documents built from the default bank and a full assessment (fuzzSeeds) and the
// files under testdata/fuzz/FuzzDecode.
// Run with: go test -run '^$' -fuzz '^FuzzDecode$' -fuzztime 3m ./exchange/
func FuzzDecode(f *testing.F) {
	for i, s := range fuzzSeeds(f) {
		// The seeds are there to reach the success path: each must be accepted.
		if _, err := Decode(s, fuzzResolve, fuzzNow); err != nil {
			f.Fatalf("seed %d: %v", i, err)
		}
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		doc, err := Decode(data, fuzzResolve, fuzzNow)
		if err != nil {
			if doc != nil {
				t.Errorf("Decode returned a document and an error: %v", err)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q does not wrap ErrInvalid", err)
			}
			return
		}
		checkDocument(t, doc)

		var first bytes.Buffer
		if err := Encode(&first, doc); err != nil {
			t.Fatalf("Encode of a decoded document: %v", err)
		}
		again, err := Decode(first.Bytes(), fuzzResolve, fuzzNow)
		if err != nil {
			t.Fatalf("Decode(Encode(doc)): %v\n%s", err, first.Bytes())
		}
		checkDocument(t, again)
		var second bytes.Buffer
		if err := Encode(&second, again); err != nil {
			t.Fatalf("Encode of a re-decoded document: %v", err)
		}
		if !bytes.Equal(first.Bytes(), second.Bytes()) {
			t.Fatalf("encode → decode → encode is not stable:\n%s\n---\n%s", first.Bytes(), second.Bytes())
		}
	})
}

// checkDocument checks the promises of a document Decode accepted.
func checkDocument(t *testing.T, doc *Document) {
	t.Helper()
	bankFor := func(ref questions.Ref) *questions.Bank {
		for _, b := range doc.Banks {
			if b.Hash == ref.Hash {
				return b
			}
		}
		if d := questions.BuiltinFor(questions.Ref{ID: ref.ID, Version: ref.Version}); d != nil && d.Hash == ref.Hash {
			return d
		}
		if fuzzExternal.Hash == ref.Hash {
			return fuzzExternal
		}
		return nil
	}
	for _, o := range doc.Organizations {
		if o.Name != strings.TrimSpace(o.Name) || strings.IndexFunc(o.Name, hiddenRune) >= 0 {
			t.Errorf("organization %s: name %q is untrimmed or has control characters", o.ID, o.Name)
		}
		for _, a := range o.Assessments {
			b := bankFor(a.Bank)
			if b == nil {
				t.Fatalf("%s #%d: bank %s (%s) resolves to nothing", o.ID, a.Number, a.Bank, a.Bank.Hash)
			}
			if b.ID != a.Bank.ID || b.Version != a.Bank.Version {
				t.Errorf("%s #%d: ref %s names bank %s", o.ID, a.Number, a.Bank, b.Ref())
			}
			if err := a.Validate(b); err != nil {
				t.Errorf("%s #%d: accepted assessment does not validate: %v", o.ID, a.Number, err)
			}
			if a.Answers == nil {
				t.Errorf("%s #%d: nil answers", o.ID, a.Number)
			}
			for id, ans := range a.Answers {
				n := ans.Note
				if !utf8.ValidString(n) || utf8.RuneCountInString(n) > assessment.MaxNoteRunes {
					t.Errorf("%s #%d %s: note %q is invalid UTF-8 or too long", o.ID, a.Number, id, n)
				}
				if i := strings.IndexFunc(n, func(r rune) bool { return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) }); i >= 0 {
					t.Errorf("%s #%d %s: note %q has a control character at %d", o.ID, a.Number, id, n, i)
				}
			}
		}
	}
}

// hiddenRune is the test's own statement of what a name must not hold.
func hiddenRune(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}
