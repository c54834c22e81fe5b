package store_test

import (
	"errors"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// customBank is a small bank: two functions, with the given id and version.
func customBank(t testing.TB, id string, version int, question string) *questions.Bank {
	t.Helper()
	src := strings.NewReplacer("ID", id, "VERSION", string(rune('0'+version)), "QUESTION", question).Replace(`
id: ID
version: VERSION
domains:
  - {id: core, name: Core}
functions:
  - {id: inventory, domain: core, kind: operations, weight: 3, question: "QUESTION"}
  - {id: budget, domain: core, kind: engineering, weight: 2, question: "Who owns the budget?"}
`)
	b, err := questions.Parse(id+".yaml", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestBanks(t *testing.T) {
	s, _ := openTemp(t)
	def := questions.Default()
	if b, err := s.Bank(def.Ref()); err != nil || b.Hash != def.Hash {
		t.Fatalf("Bank(default) before any save = %v, %v", b, err)
	}
	if b, err := s.Bank(questions.Ref{ID: "default", Version: def.Version}); err != nil || b.Hash != def.Hash {
		t.Fatalf("Bank(default v%d by id) = %v, %v", def.Version, b, err)
	}
	// Version 1 stays embedded: assessments made with it resolve to it, by id and
	// version or by hash, without it ever being saved.
	v1def := questions.BuiltinFor(questions.Ref{ID: "default", Version: 1})
	if v1def == nil || v1def.Hash == def.Hash {
		t.Fatalf("no embedded default v1 distinct from the current default")
	}
	for _, ref := range []questions.Ref{{ID: "default", Version: 1}, v1def.Ref()} {
		if b, err := s.Bank(ref); err != nil || b.Hash != v1def.Hash {
			t.Fatalf("Bank(%+v) = %v, %v; want the embedded v1", ref, b, err)
		}
	}
	if banks, err := s.Banks(); err != nil || len(banks) != 0 {
		t.Fatalf("Banks() before any save = %v, %v", banks, err)
	}

	v1 := customBank(t, "regional", 1, "Who keeps the inventory?")
	v1b := customBank(t, "regional", 1, "Who keeps the device inventory?") // same id and version, new text
	v2 := customBank(t, "regional", 2, "Who keeps the inventory?")
	for _, b := range []*questions.Bank{v1, v1, v1b, v2} {
		if err := s.SaveBank(b); err != nil {
			t.Fatalf("SaveBank(%s): %v", b.Ref(), err)
		}
	}
	banks, err := s.Banks()
	if err != nil || len(banks) != 3 {
		t.Fatalf("Banks() = %d banks, %v; want 3", len(banks), err)
	}
	for _, c := range []struct {
		ref  questions.Ref
		want string
	}{
		{v1.Ref(), v1.Hash},
		{v1b.Ref(), v1b.Hash},
		{questions.Ref{ID: "regional", Version: 1}, v1b.Hash}, // the latest saved
		{questions.Ref{ID: "regional", Version: 2}, v2.Hash},
	} {
		b, err := s.Bank(c.ref)
		if err != nil || b.Hash != c.want {
			t.Errorf("Bank(%+v) = %v, %v; want hash %s", c.ref, b, err, c.want)
			continue
		}
		if _, ok := b.Function("budget"); !ok {
			t.Errorf("Bank(%+v) has no lookups: Validate was not called", c.ref)
		}
	}
	for _, ref := range []questions.Ref{{ID: "regional", Version: 3}, {Hash: "sha256:00"}} {
		if _, err := s.Bank(ref); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Bank(%+v) = %v; want ErrNotFound", ref, err)
		}
	}

	changed := customBank(t, "regional", 3, "x")
	changed.Functions[0].Weight = 1 // after Validate
	unvalidated := &questions.Bank{ID: "raw", Version: 1}
	for _, b := range []*questions.Bank{nil, changed, unvalidated} {
		if err := s.SaveBank(b); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("SaveBank(%v) = %v; want ErrInvalid", b, err)
		}
	}
}

func TestAssessmentWithOwnBank(t *testing.T) {
	path := dbPath(t)
	s := open(t, path, store.Options{})
	o := mustOrg(t, s, "Alpha Hospital")
	bank := customBank(t, "regional", 1, "Who keeps the inventory?")
	a, err := s.StartAssessment(o.ID, bank)
	if err != nil {
		t.Fatal(err)
	}
	if a.Bank != bank.Ref() {
		t.Errorf("assessment bank %+v; want %+v", a.Bank, bank.Ref())
	}
	if err := s.SaveAnswer(o.ID, a.Number, "capital_planning", assessment.Answer{Performer: assessment.CE}); !errors.Is(err, store.ErrInvalid) {
		t.Errorf("answering a function of another bank = %v; want ErrInvalid", err)
	}
	for _, id := range []string{"inventory", "budget"} {
		if err := s.SaveAnswer(o.ID, a.Number, id, assessment.Answer{Performer: assessment.BMET}); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.SaveProfile(o.ID, a.Number, goodProfile); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Complete(o.ID, a.Number); err != nil {
		t.Fatalf("Complete with the bank's 2 functions answered: %v", err)
	}
	s.Close()

	// The bank was stored with the assessment: it is there after a reopen, in a new
	// process that never saw the file.
	s = open(t, path, store.Options{ReadOnly: true})
	got, err := s.Bank(a.Bank)
	if err != nil || got.Hash != bank.Hash || len(got.Functions) != 2 {
		t.Fatalf("Bank(%+v) after reopen = %v, %v", a.Bank, got, err)
	}
	latest, err := s.LatestCompleted()
	if err != nil || len(latest) != 1 || latest[0].Bank.Hash != bank.Hash {
		t.Fatalf("LatestCompleted() = %+v, %v", latest, err)
	}
}
