package store

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// bank42 is the default bank grown to 42 functions (the size issue 14 asks about),
// with a hash of its own.
func bank42() *questions.Bank {
	def := questions.Default()
	b := &questions.Bank{ID: "bank42", Version: 1, Hash: "sha256:" + strings.Repeat("ab", 32)}
	for i := 0; len(b.Functions) < 42; i++ {
		f := def.Functions[i%len(def.Functions)]
		f.ID = fmt.Sprintf("%s-%d", f.ID, i)
		b.Functions = append(b.Functions, f)
	}
	return b
}

// completed42 answers every function of bank with notes of noteLen characters on the
// first notes functions, at times a few minutes apart, with nanoseconds.
func completed42(bank *questions.Bank, notes, noteLen int) assessment.Assessment {
	start := time.Date(2025, 3, 1, 9, 0, 0, 123456789, time.UTC)
	done := start.Add(26 * time.Hour)
	a := assessment.Assessment{
		Number: 7, Status: assessment.Completed, StartedAt: start, CompletedAt: &done,
		Bank: bank.Ref(), Profile: assessment.Profile{Beds: 420, Teaching: true, CEFTE: 2.5, BMETFTE: 11, ManagerFTE: 1, ITFTE: 0.5, Devices: 14000},
		Answers: map[string]assessment.Answer{},
	}
	a.Bank.Hash = bank.Hash
	for i, f := range bank.Functions {
		ans := assessment.Answer{Performer: questions.Performers[i%questions.NumPerformers],
			AnsweredAt: start.Add(time.Duration(i)*3*time.Minute + time.Duration(i*7919)*time.Microsecond)}
		if i < notes {
			ans.Note = strings.Repeat("n", noteLen)
		}
		a.Answers[f.ID] = ans
	}
	return a
}

func lookup(banks ...*questions.Bank) func(questions.Ref) (*questions.Bank, error) {
	return func(ref questions.Ref) (*questions.Bank, error) {
		for _, b := range banks {
			if b.Hash == ref.Hash {
				return b, nil
			}
		}
		return nil, fmt.Errorf("bank %s: %w", ref, ErrNotFound)
	}
}

// TestCompactSize measures the compact value of a completed assessment of 42 functions
// against the old layout's bytes (head and answers as JSON), and holds it to 4 KB with
// 10 notes of 120 characters.
func TestCompactSize(t *testing.T) {
	bank := bank42()
	for _, c := range []struct{ notes, noteLen, limit int }{
		{0, 0, 1024}, {10, 120, 4096}, {42, 120, 8192}, {42, assessment.MaxNoteRunes, 0},
	} {
		a := completed42(bank, c.notes, c.noteLen)
		v, err := encodeCompleted(&a, bank)
		if err != nil {
			t.Fatal(err)
		}
		old := 0
		h, _ := encode(headOf(&a, bank))
		old += len(keyHead) + len(h)
		for id, ans := range a.Answers {
			j, _ := encode(ans)
			old += len(id) + len(j)
		}
		t.Logf("42 functions, %d notes of %d characters: %d bytes compact; the old layout's keys and values: %d bytes", c.notes, c.noteLen, len(v), old)
		if c.limit > 0 && len(v) > c.limit {
			t.Errorf("%d notes of %d: %d bytes; want at most %d", c.notes, c.noteLen, len(v), c.limit)
		}
		back, err := decodeCompleted(v, lookup(bank), false)
		if err != nil || !sameAssessment(&a, &back) {
			t.Fatalf("round trip: %v\n got %+v\nwant %+v", err, back, a)
		}
	}
}

// TestCompactRoundTrip: whatever a completed assessment holds comes back exactly, times
// with their zone offsets and nanoseconds, also the answers that have no position (no
// bank hash, a function the bank does not have, an unknown performer).
func TestCompactRoundTrip(t *testing.T) {
	def := questions.Default()
	plus2 := time.FixedZone("", 2*3600)
	base := completed42(bank42(), 3, 40)
	base.Bank = def.Ref()
	base.Answers = map[string]assessment.Answer{}
	for i, f := range def.Functions {
		// Every option, "not applicable" where the function allows it.
		p := questions.Performers[i%questions.NumPerformers]
		if f.NAAllowed {
			p = questions.NA
		}
		base.Answers[f.ID] = assessment.Answer{Performer: p, Note: "é ✓",
			AnsweredAt: time.Date(2024, 12, 31, 23, 59, 59, i, plus2)}
	}
	noHash := base.Clone()
	noHash.Bank.Hash = ""
	odd := base.Clone()
	odd.Answers["not-in-bank"] = assessment.Answer{Performer: assessment.IT, AnsweredAt: time.Time{}}
	odd.Answers[def.Functions[3].ID] = assessment.Answer{Performer: "legacy", Note: "x"}
	delete(odd.Answers, def.Functions[5].ID)
	odd.StartedAt = time.Date(2023, 1, 1, 0, 0, 0, 0, time.FixedZone("", -(5*3600+30*60)))
	odd.CompletedAt = nil
	odd.Profile = assessment.Profile{Beds: -3, CEFTE: -0.0001, Devices: 1 << 30}
	for name, a := range map[string]assessment.Assessment{"positional": base, "no hash": noHash, "odd": odd} {
		for _, bank := range []*questions.Bank{def, nil} {
			v, err := encodeCompleted(&a, bank)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			back, err := decodeCompleted(v, lookup(def), false)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if !sameAssessment(&a, &back) {
				t.Errorf("%s (bank %v): round trip changed it\n got %+v\nwant %+v", name, bank != nil, back, a)
			}
			aj, _ := encode(a)
			bj, _ := encode(back)
			if string(aj) != string(bj) {
				t.Errorf("%s: JSON differs\n got %s\nwant %s", name, bj, aj)
			}
			peers, err := decodeCompleted(v, lookup(def), true)
			if err != nil || len(peers.Answers) != len(a.Answers) {
				t.Fatalf("%s: performers only: %d answers, %v", name, len(peers.Answers), err)
			}
			for id, ans := range peers.Answers {
				if ans.Performer != a.Answers[id].Performer || ans.Note != "" || !ans.AnsweredAt.IsZero() {
					t.Errorf("%s: performers only: %s = %+v", name, id, ans)
				}
			}
		}
	}
	draft := base.Clone()
	draft.Status = assessment.Draft
	if _, err := encodeCompleted(&draft, def); err == nil {
		t.Error("a draft was encoded as a completed value")
	}
}

// TestCompactDamage: every truncation and every single-byte change of a value is
// either refused with ErrCorrupt or decodes to something that encodes again; never a
// panic. A missing bank is reported as such, not as damage.
func TestCompactDamage(t *testing.T) {
	def := questions.Default()
	a := completed42(bank42(), 0, 0)
	a.Bank = def.Ref()
	a.Answers = map[string]assessment.Answer{}
	for _, f := range def.Functions {
		a.Answers[f.ID] = assessment.Answer{Performer: assessment.BMET, Note: "ok"}
	}
	v, err := encodeCompleted(&a, def)
	if err != nil {
		t.Fatal(err)
	}
	for n := range len(v) {
		if _, err := decodeCompleted(v[:n], lookup(def), false); !errors.Is(err, ErrCorrupt) {
			t.Fatalf("truncated to %d of %d bytes: %v; want ErrCorrupt", n, len(v), err)
		}
	}
	if _, err := decodeCompleted(append(v[:len(v):len(v)], 0), lookup(def), false); !errors.Is(err, ErrCorrupt) {
		t.Errorf("a byte after the end: %v; want ErrCorrupt", err)
	}
	if _, err := decodeCompleted(v, lookup(), false); !errors.Is(err, ErrNotFound) {
		t.Errorf("without its bank: %v; want ErrNotFound", err)
	}
	for i := range v {
		for _, x := range []byte{0, 1, 0x7f, 0x80, 0xff} {
			d := append([]byte(nil), v...)
			d[i] = x
			checkDecode(t, d, def)
		}
	}
}

// checkDecode decodes data: an error must be ErrCorrupt or ErrNotFound (the bank), and
// a value that decodes must survive encoding again unchanged.
func checkDecode(t *testing.T, data []byte, bank *questions.Bank) {
	t.Helper()
	a, err := decodeCompleted(data, lookup(bank), false)
	if err != nil {
		if !errors.Is(err, ErrCorrupt) && !errors.Is(err, ErrNotFound) {
			t.Fatalf("decode %x: %v; want ErrCorrupt", data, err)
		}
		return
	}
	v, err := encodeCompleted(&a, bank)
	if err != nil {
		return // e.g. a number the encoder refuses; the reader did not panic
	}
	back, err := decodeCompleted(v, lookup(bank), false)
	if err != nil || !sameAssessment(&a, &back) {
		t.Fatalf("decode %x: %+v re-encoded to %+v, %v", data, a, back, err)
	}
}

// FuzzDecodeCompleted feeds the decoder anything: it returns ErrCorrupt (or the missing
// bank) or a value that encodes and decodes to itself, and never panics.
// go test -run x -fuzz FuzzDecodeCompleted -fuzztime 60s ./store/
func FuzzDecodeCompleted(f *testing.F) {
	def := questions.Default()
	a := completed42(bank42(), 0, 0)
	a.Bank = def.Ref()
	a.Answers = map[string]assessment.Answer{}
	for i, fn := range def.Functions {
		a.Answers[fn.ID] = assessment.Answer{Performer: questions.Performers[i%7], Note: strings.Repeat("n", i)}
	}
	v, _ := encodeCompleted(&a, def)
	f.Add(v)
	f.Add(v[:len(v)/2])
	odd := a.Clone()
	odd.Bank.Hash = ""
	odd.Answers["extra"] = assessment.Answer{Performer: "legacy", AnsweredAt: time.Unix(1, 2).In(time.FixedZone("", 3600))}
	w, _ := encodeCompleted(&odd, nil)
	f.Add(w)
	f.Add([]byte{compactFormat})
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		checkDecode(t, data, def)
	})
}
