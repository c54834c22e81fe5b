package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// This file is the only place that turns values into bytes and back.

// head is an assessment without its answers, as stored under "head".
type head struct {
	Number      int                `json:"number"`
	Status      assessment.Status  `json:"status"`
	StartedAt   time.Time          `json:"started_at"`
	CompletedAt *time.Time         `json:"completed_at"`
	Bank        questions.Ref      `json:"bank"`
	Profile     assessment.Profile `json:"profile"`
	// Performers is set once the assessment is completed (its answers never change
	// again): the performer of every function in bank order, comma-separated
	// ("ce,bmet,…"). It repeats what the answers say so that LatestCompleted decodes one
	// short string per organization instead of every answer (encoding/json is the cost
	// there); Check verifies that the two agree.
	Performers string `json:"performers,omitempty"`
}

// headOf returns the head of a; bank is a's bank, used for a completed one's
// performers.
func headOf(a *assessment.Assessment, bank *questions.Bank) head {
	h := head{
		Number: a.Number, Status: a.Status, StartedAt: a.StartedAt, CompletedAt: a.CompletedAt,
		Bank: a.Bank, Profile: a.Profile,
	}
	if a.Status == assessment.Completed {
		h.Performers = performersOf(bank, a.Answers)
	}
	return h
}

func (h head) assessment(answers map[string]assessment.Answer) assessment.Assessment {
	return assessment.Assessment{
		Number: h.Number, Status: h.Status, StartedAt: h.StartedAt, CompletedAt: h.CompletedAt,
		Bank: h.Bank, Profile: h.Profile, Answers: answers,
	}
}

// performersOf lists the performer of every function of bank, in bank order,
// comma-separated.
func performersOf(bank *questions.Bank, answers map[string]assessment.Answer) string {
	var b strings.Builder
	for i := range bank.Functions {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(string(answers[bank.Functions[i].ID].Performer))
	}
	return b.String()
}

// peerAnswers turns a completed head's performers back into answers (performer only),
// or returns false when they do not fit the bank.
func (h head) peerAnswers(bank *questions.Bank) (map[string]assessment.Answer, bool) {
	out := make(map[string]assessment.Answer, len(bank.Functions))
	rest := h.Performers
	for i := range bank.Functions {
		p, more, found := strings.Cut(rest, ",")
		if found != (i < len(bank.Functions)-1) || !assessment.Performer(p).Valid() {
			return nil, false
		}
		out[bank.Functions[i].ID] = assessment.Answer{Performer: assessment.Performer(p)}
		rest = more
	}
	return out, true
}

// encode returns the JSON form of a stored value. Every stored type is plain data, so
// it fails only on a non-finite float, which the validators refuse first.
func encode(v any) ([]byte, error) {
	data, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("encode: %w", err)
	}
	return data, nil
}

// decode decodes a stored value. A value that does not decode means the file is
// damaged; the error names the value with format and args (formatted only on error).
func decode(data []byte, v any, format string, args ...any) error {
	if data == nil {
		return fmt.Errorf("%w: %s is missing", ErrCorrupt, fmt.Sprintf(format, args...))
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%w: %s: %v", ErrCorrupt, fmt.Sprintf(format, args...), err)
	}
	return nil
}

// decodeBank decodes a stored bank and prepares its lookups. It keeps hash, the key the
// bank was stored under, as its identity even if this binary would hash it differently.
func decodeBank(data []byte, hash string) (*questions.Bank, error) {
	var b questions.Bank
	if err := decode(data, &b, "bank %s", hash); err != nil {
		return nil, err
	}
	if err := b.Validate(); err != nil {
		return nil, fmt.Errorf("%w: bank %s: %v", ErrCorrupt, hash, err)
	}
	b.Hash = hash
	return &b, nil
}

// u64 is a big-endian key or value: keys sort numerically.
func u64(n uint64) []byte {
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], n)
	return b[:]
}

func numberKey(n int) []byte { return u64(uint64(n)) }

// maxKeyNumber is the highest assessment key the reader accepts: assessment.MaxNumber,
// and one more because files written before that bound existed could hold 1<<31 (the
// old limit of this reader); such a file stays readable, nothing writes that key now.
const maxKeyNumber = assessment.MaxNumber + 1

func keyNumber(k []byte) (int, bool) {
	if len(k) != 8 {
		return 0, false
	}
	n := binary.BigEndian.Uint64(k)
	if n == 0 || n > maxKeyNumber {
		return 0, false
	}
	return int(n), true
}

// bankRefKey is the bank_refs key of a bank id and version.
func bankRefKey(id string, version int) []byte {
	k := make([]byte, 0, len(id)+9)
	k = append(k, id...)
	k = append(k, 0)
	return append(k, u64(uint64(version))...)
}
