package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
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
	// Hours is, likewise, the estimate of hours a month of every function in bank order,
	// comma-separated, empty where there is none ("12,,7.5"); left out when no answer
	// carries one. The benchmark's workload figures read it.
	Hours string `json:"hours,omitempty"`
	// Rev counts the changes to a draft (answers, clears, profile saves): an editor
	// who saw revision n may complete it only while it is still at n, so nobody
	// completes a draft holding a change they have not seen.
	Rev int `json:"rev,omitempty"`
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
		h.Hours = hoursOf(bank, a.Answers)
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

// hoursOf lists the estimate of every function of bank, in bank order, comma-separated
// and empty where there is none; "" when no answer carries an estimate.
func hoursOf(bank *questions.Bank, answers map[string]assessment.Answer) string {
	var b strings.Builder
	seen := false
	for i := range bank.Functions {
		if i > 0 {
			b.WriteByte(',')
		}
		if h := answers[bank.Functions[i].ID].Hours; h != nil {
			b.WriteString(assessment.FormatHours(*h))
			seen = true
		}
	}
	if !seen {
		return ""
	}
	return b.String()
}

// peerAnswers turns a completed head's performers and estimates back into answers
// (performer and hours only), or returns false when they do not fit the bank.
func (h head) peerAnswers(bank *questions.Bank) (map[string]assessment.Answer, bool) {
	out := make(map[string]assessment.Answer, len(bank.Functions))
	rest, hours := h.Performers, h.Hours
	for i := range bank.Functions {
		last := i == len(bank.Functions)-1
		p, more, found := strings.Cut(rest, ",")
		if found == last || !assessment.Performer(p).Valid() {
			return nil, false
		}
		a := assessment.Answer{Performer: assessment.Performer(p)}
		if h.Hours != "" {
			hs, moreH, found := strings.Cut(hours, ",")
			if found == last {
				return nil, false
			}
			if hs != "" {
				v, err := assessment.ParseHours(a.Performer, hs)
				if err != nil {
					return nil, false
				}
				a.Hours = v
			}
			hours = moreH
		}
		out[bank.Functions[i].ID] = a
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

// The benchmark snapshot is read on every scorecard, so its groups are a compact binary
// form rather than JSON: decoding 50,000 figures from JSON would take longer than the
// whole scorecard may.
//
//	group:   N, NoCE, Outside (uint32 each), then per metric: count (uint32) and that
//	         many float64, little-endian, sorted
//	member:  flags (1 byte: teaching, demo, outside, no CE, all metrics), band length
//	         (1 byte), band, then one float64 per metric (NaN: the organization has
//	         none)
//	members: per member: id length (uint16), id, member
//
// Files written before the workload metrics hold legacyMetrics metrics per group and
// per member (a member without the all-metrics flag); they read with the later metrics
// missing, so outside contributions kept in the file stay readable.

const (
	flagTeaching = 1 << iota
	flagDemo
	flagOutside
	flagNoCE
	flagAllMetrics // the member carries NumMetrics values, not legacyMetrics
)

// legacyMetrics is how many metrics snapshots held before the workload metrics.
const legacyMetrics = int(assessment.MetricEngWorkloadPer100Beds)

func encodeGroup(g *assessment.Group) []byte {
	size := 12
	for _, v := range g.Values {
		size += 4 + 8*len(v)
	}
	out := make([]byte, 0, size)
	out = binary.LittleEndian.AppendUint32(out, uint32(g.N))
	out = binary.LittleEndian.AppendUint32(out, uint32(g.NoCE))
	out = binary.LittleEndian.AppendUint32(out, uint32(g.Outside))
	for _, vals := range g.Values {
		out = binary.LittleEndian.AppendUint32(out, uint32(len(vals)))
		for _, x := range vals {
			out = binary.LittleEndian.AppendUint64(out, math.Float64bits(x))
		}
	}
	return out
}

func decodeGroup(data []byte) (assessment.Group, error) {
	var g assessment.Group
	if len(data) < 12 {
		return g, fmt.Errorf("group of %d bytes", len(data))
	}
	g.N = int(binary.LittleEndian.Uint32(data))
	g.NoCE = int(binary.LittleEndian.Uint32(data[4:]))
	g.Outside = int(binary.LittleEndian.Uint32(data[8:]))
	data = data[12:]
	for m := range g.Values {
		if len(data) == 0 && m == legacyMetrics {
			break // a group written before the workload metrics
		}
		if len(data) < 4 {
			return g, fmt.Errorf("group ends before metric %d", m)
		}
		n := int(binary.LittleEndian.Uint32(data))
		data = data[4:]
		if n > g.N || len(data) < 8*n {
			return g, fmt.Errorf("metric %d claims %d values", m, n)
		}
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*i:]))
		}
		g.Values[m] = vals
		data = data[8*n:]
	}
	if len(data) != 0 || g.NoCE > g.N || g.Outside > g.N {
		return g, fmt.Errorf("group counts do not add up")
	}
	return g, nil
}

func encodeMember(v assessment.PeerValues) []byte {
	flags := byte(flagAllMetrics)
	for bit, on := range map[byte]bool{flagTeaching: v.Teaching, flagDemo: v.Demo, flagOutside: v.Outside, flagNoCE: v.NoCE} {
		if on {
			flags |= bit
		}
	}
	out := make([]byte, 0, 2+len(v.Band)+8*len(v.Values))
	out = append(out, flags, byte(len(v.Band)))
	out = append(out, v.Band...)
	for _, x := range v.Values {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(x))
	}
	return out
}

// memberSize returns the length of the member at the start of data, or -1.
func memberSize(data []byte) int {
	if len(data) < 2 {
		return -1
	}
	metrics := legacyMetrics
	if data[0]&flagAllMetrics != 0 {
		metrics = int(assessment.NumMetrics)
	}
	n := 2 + int(data[1]) + 8*metrics
	if len(data) < n {
		return -1
	}
	return n
}

func decodeMember(id string, data []byte) (assessment.PeerValues, error) {
	v := assessment.PeerValues{OrgID: id}
	if memberSize(data) != len(data) {
		return v, fmt.Errorf("member of %d bytes", len(data))
	}
	flags, bl := data[0], int(data[1])
	v.Teaching, v.Demo, v.Outside, v.NoCE = flags&flagTeaching != 0, flags&flagDemo != 0, flags&flagOutside != 0, flags&flagNoCE != 0
	v.Band = assessment.SizeBand(data[2 : 2+bl])
	data = data[2+bl:]
	for m := range v.Values {
		if 8*m >= len(data) { // a member written before the workload metrics
			v.Values[m] = math.NaN()
			continue
		}
		v.Values[m] = math.Float64frombits(binary.LittleEndian.Uint64(data[8*m:]))
	}
	return v, nil
}

func encodeMembers(vs []assessment.PeerValues) []byte {
	var out []byte
	for _, v := range vs {
		out = binary.LittleEndian.AppendUint16(out, uint16(len(v.OrgID)))
		out = append(out, v.OrgID...)
		out = append(out, encodeMember(v)...)
	}
	return out
}

func decodeMembers(data []byte) ([]assessment.PeerValues, error) {
	var out []assessment.PeerValues
	for len(data) > 0 {
		if len(data) < 2 {
			return nil, fmt.Errorf("truncated member list")
		}
		il := int(binary.LittleEndian.Uint16(data))
		data = data[2:]
		if len(data) < il {
			return nil, fmt.Errorf("truncated member id")
		}
		id := string(data[:il])
		data = data[il:]
		n := memberSize(data)
		if n < 0 {
			return nil, fmt.Errorf("truncated member %q", id)
		}
		v, err := decodeMember(id, data[:n])
		if err != nil {
			return nil, err
		}
		out = append(out, v)
		data = data[n:]
	}
	return out, nil
}
