package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"sort"
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

// A completed assessment is stored as one compact binary value (its answers never
// change again, so nothing is gained by keeping them apart, and one value reads in one
// lookup instead of a bucket of 43). Drafts keep one key per answer. The value:
//
//	format      1 byte (compactFormat)
//	number      uvarint
//	started     time (below), relative to 0
//	flags       1 byte: completed time present, teaching, positional answers,
//	            workload (set only when the profile has productive hours or an answer
//	            an estimate, so values without them read as before)
//	completed   time relative to started, if present
//	bank        id (string), version (varint), hash (string)
//	profile     beds (varint), CE, BMET, manager, IT FTE (float64 bits, little-endian),
//	            devices (varint); with the workload flag: productive hours (uvarint)
//	positional  if the flag is set: uvarint count, which must equal the number of the
//	            bank's functions; one byte per function in bank order (0: unanswered,
//	            1+i: questions.Options[i], the performers then "not applicable");
//	            then per answered function its time
//	            relative to started and its note (string), and with the workload
//	            flag its estimate (uvarint: 0 none, 1 + 2 × hours a month)
//	extras      uvarint count; per answer: function id, performer, time relative to
//	            started, note (strings), the estimate as above with the workload flag:
//	            answers that have no position (the bank is not
//	            known by hash, the function is not in the bank, the performer is unknown)
//
// A time is its seconds since the base (varint), nanoseconds (uvarint) and zone offset
// in seconds (varint): the instant and the offset JSON would show. A string is its
// length (uvarint) and bytes. Decoding checks every length against what is left and
// refuses trailing bytes, so damage is ErrCorrupt, never a panic or a huge allocation.
const compactFormat = 1

const (
	compactHasCompleted = 1 << iota
	compactTeaching
	compactPositional
	compactWorkload
)

// hasWorkload reports whether a carries anything of the workload estimate.
func hasWorkload(a *assessment.Assessment) bool {
	if a.Profile.ProductiveHours != 0 {
		return true
	}
	for _, ans := range a.Answers {
		if ans.Hours != nil {
			return true
		}
	}
	return false
}

// appendHours appends an estimate: 0 for none, 1 + 2 × hours (hours are in halves).
func appendHours(out []byte, h *float64) []byte {
	if h == nil {
		return binary.AppendUvarint(out, 0)
	}
	return binary.AppendUvarint(out, 1+uint64(math.Round(*h*2)))
}

// maxOffset bounds a stored zone offset: real ones are within ±24 hours.
const maxOffset = 24 * 60 * 60

// encodeCompleted returns the compact value of completed assessment a; bank is a's bank
// (nil when it is not available: the answers are then stored by function id).
func encodeCompleted(a *assessment.Assessment, bank *questions.Bank) ([]byte, error) {
	if a.Status != assessment.Completed {
		return nil, fmt.Errorf("encode: assessment %d is %s, not completed", a.Number, a.Status)
	}
	if a.Number <= 0 {
		return nil, fmt.Errorf("encode: assessment number %d", a.Number)
	}
	positional := bank != nil && a.Bank.Hash != "" && bank.Hash == a.Bank.Hash
	workload := hasWorkload(a)
	out := make([]byte, 0, 256+16*len(a.Answers))
	out, err := appendCompactHead(out, a, positional, workload)
	if err != nil {
		return nil, err
	}
	base := a.StartedAt.Unix()
	placed := 0 // answers stored by position
	if positional {
		if out, placed, err = appendPositional(out, a, bank, base, workload); err != nil {
			return nil, err
		}
	}
	return appendExtras(out, a, bank, positional, placed, base, workload)
}

// appendCompactHead appends the format, number, times, flags, bank and profile of a.
func appendCompactHead(out []byte, a *assessment.Assessment, positional, workload bool) ([]byte, error) {
	out = append(out, compactFormat)
	out = binary.AppendUvarint(out, uint64(a.Number))
	var err error
	if out, err = appendTime(out, a.StartedAt, 0); err != nil {
		return nil, err
	}
	var flags byte
	for _, f := range []struct {
		on   bool
		flag byte
	}{{a.CompletedAt != nil, compactHasCompleted}, {a.Profile.Teaching, compactTeaching}, {positional, compactPositional}, {workload, compactWorkload}} {
		if f.on {
			flags |= f.flag
		}
	}
	out = append(out, flags)
	if a.CompletedAt != nil {
		if out, err = appendTime(out, *a.CompletedAt, a.StartedAt.Unix()); err != nil {
			return nil, err
		}
	}
	out = appendString(out, a.Bank.ID)
	out = binary.AppendVarint(out, int64(a.Bank.Version))
	out = appendString(out, a.Bank.Hash)
	p := a.Profile
	out = binary.AppendVarint(out, int64(p.Beds))
	for _, x := range [...]float64{p.CEFTE, p.BMETFTE, p.ManagerFTE, p.ITFTE} {
		out = binary.LittleEndian.AppendUint64(out, math.Float64bits(x))
	}
	out = binary.AppendVarint(out, int64(p.Devices))
	if workload {
		out = binary.AppendUvarint(out, uint64(max(p.ProductiveHours, 0)))
	}
	return out, nil
}

// appendPositional appends the answers of a's functions in bank order: one performer
// byte each, then per answered function its time, note and (workload) hours. It returns
// how many answers it placed.
func appendPositional(out []byte, a *assessment.Assessment, bank *questions.Bank, base int64, workload bool) ([]byte, int, error) {
	fns := bank.Functions
	out = binary.AppendUvarint(out, uint64(len(fns)))
	for i := range fns {
		var tag byte
		if ans, ok := a.Answers[fns[i].ID]; ok {
			if p := ans.Performer.Index(); p >= 0 {
				tag = byte(1 + p)
			}
		}
		out = append(out, tag)
	}
	placed := 0
	for i := range fns {
		ans, ok := a.Answers[fns[i].ID]
		if !ok || ans.Performer.Index() < 0 {
			continue
		}
		var err error
		if out, err = appendTime(out, ans.AnsweredAt, base); err != nil {
			return nil, 0, err
		}
		out = appendString(out, ans.Note)
		if workload {
			out = appendHours(out, ans.Hours)
		}
		placed++
	}
	return out, placed, nil
}

// appendExtras appends the answers that have no position, by function id.
func appendExtras(out []byte, a *assessment.Assessment, bank *questions.Bank, positional bool, placed int, base int64, workload bool) ([]byte, error) {
	var extras []string
	if placed < len(a.Answers) {
		for id, ans := range a.Answers {
			if positional && ans.Performer.Index() >= 0 {
				if _, ok := bank.Function(id); ok {
					continue
				}
			}
			extras = append(extras, id)
		}
		sort.Strings(extras) // one value for one assessment
	}
	out = binary.AppendUvarint(out, uint64(len(extras)))
	for _, id := range extras {
		ans := a.Answers[id]
		out = appendString(out, id)
		out = appendString(out, string(ans.Performer))
		var err error
		if out, err = appendTime(out, ans.AnsweredAt, base); err != nil {
			return nil, err
		}
		out = appendString(out, ans.Note)
		if workload {
			out = appendHours(out, ans.Hours)
		}
	}
	return out, nil
}

func appendString(out []byte, s string) []byte {
	out = binary.AppendUvarint(out, uint64(len(s)))
	return append(out, s...)
}

func appendTime(out []byte, t time.Time, base int64) ([]byte, error) {
	_, off := t.Zone()
	if off <= -maxOffset || off >= maxOffset {
		return nil, fmt.Errorf("encode: time %v has a zone offset of %d seconds", t, off)
	}
	out = binary.AppendVarint(out, t.Unix()-base)
	out = binary.AppendUvarint(out, uint64(t.Nanosecond()))
	return binary.AppendVarint(out, int64(off)), nil
}

// compactReader reads a compact value; the first failure sticks in err.
type compactReader struct {
	data []byte
	err  error
	// str is the whole value as one string, so that the strings decoded from it share
	// one allocation; total is its length.
	str   string
	total int
	// zone is the last fixed zone made, reused for the next time with its offset.
	zone *time.Location
	off  int
}

func (r *compactReader) fail(format string, args ...any) {
	if r.err == nil {
		r.err = fmt.Errorf(format, args...)
	}
}

func (r *compactReader) byte(what string) byte {
	if r.err != nil {
		return 0
	}
	if len(r.data) == 0 {
		r.fail("ends before its %s", what)
		return 0
	}
	b := r.data[0]
	r.data = r.data[1:]
	return b
}

func (r *compactReader) uvarint(what string) uint64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Uvarint(r.data)
	if n <= 0 {
		r.fail("bad %s", what)
		return 0
	}
	r.data = r.data[n:]
	return v
}

func (r *compactReader) varint(what string) int64 {
	if r.err != nil {
		return 0
	}
	v, n := binary.Varint(r.data)
	if n <= 0 {
		r.fail("bad %s", what)
		return 0
	}
	r.data = r.data[n:]
	return v
}

// int reads a varint that must fit in [lo, hi].
func (r *compactReader) int(what string, lo, hi int64) int {
	v := r.varint(what)
	if r.err == nil && (v < lo || v > hi) {
		r.fail("%s %d out of range", what, v)
		return 0
	}
	return int(v)
}

// bytes reads a length-prefixed string's bytes, shared with the value.
func (r *compactReader) bytes(what string) []byte {
	n := r.uvarint(what + " length")
	if r.err != nil {
		return nil
	}
	if n > uint64(len(r.data)) {
		r.fail("%s of %d bytes, only %d left", what, n, len(r.data))
		return nil
	}
	b := r.data[:n:n]
	r.data = r.data[n:]
	return b
}

func (r *compactReader) string(what string) string {
	b := r.bytes(what)
	if r.err != nil {
		return ""
	}
	at := r.total - len(r.data) - len(b)
	return r.str[at : at+len(b)]
}

// maxSeconds bounds a stored time: Unix seconds of years 0 to 9999, the years JSON
// can write, with room for a base.
const maxSeconds = 1 << 40

func (r *compactReader) time(what string, base int64) time.Time {
	sec := r.varint(what)
	nsec := r.uvarint(what)
	off := r.varint(what)
	if r.err != nil {
		return time.Time{}
	}
	if sec <= -maxSeconds || sec >= maxSeconds || nsec >= 1e9 || off <= -maxOffset || off >= maxOffset {
		r.fail("bad %s", what)
		return time.Time{}
	}
	t := time.Unix(base+sec, int64(nsec))
	if off == 0 {
		return t.UTC()
	}
	if r.zone == nil || r.off != int(off) {
		r.zone, r.off = time.FixedZone("", int(off)), int(off)
	}
	return t.In(r.zone)
}

func (r *compactReader) float(what string) float64 {
	if r.err != nil {
		return 0
	}
	if len(r.data) < 8 {
		r.fail("ends before its %s", what)
		return 0
	}
	x := math.Float64frombits(binary.LittleEndian.Uint64(r.data))
	r.data = r.data[8:]
	return x
}

// hours reads an estimate written by appendHours.
func (r *compactReader) hours() *float64 {
	v := r.uvarint("estimate")
	if r.err != nil || v == 0 {
		return nil
	}
	if v-1 > 2*assessment.MaxHours {
		r.fail("estimate of %d half hours", v-1)
		return nil
	}
	h := float64(v-1) / 2
	return &h
}

// decodeCompleted decodes a compact value. bankOf returns a bank by reference; it is
// called only for positional answers, and its error is returned as it is (a missing
// bank is not damage to this value). With performersOnly the answers carry their
// performer and estimate and nothing else (what the peer benchmark reads). Any other failure is
// ErrCorrupt.
func decodeCompleted(data []byte, bankOf func(questions.Ref) (*questions.Bank, error), performersOnly bool) (assessment.Assessment, error) {
	var a assessment.Assessment
	r := &compactReader{data: data, str: string(data), total: len(data)}
	flags := r.head(&a)
	if r.err != nil {
		return a, fmt.Errorf("%w: %v", ErrCorrupt, r.err)
	}
	base, workload := a.StartedAt.Unix(), flags&compactWorkload != 0
	if flags&compactPositional != 0 {
		if err := r.positional(&a, bankOf, base, workload, performersOnly); err != nil {
			return a, err
		}
	}
	r.extras(&a, base, workload, performersOnly)
	if r.err == nil && len(r.data) > 0 {
		r.fail("%d bytes after its end", len(r.data))
	}
	if r.err != nil {
		return a, fmt.Errorf("%w: %v", ErrCorrupt, r.err)
	}
	if a.Answers == nil {
		a.Answers = map[string]assessment.Answer{}
	}
	return a, nil
}

// head reads the format, number, times, flags, bank and profile into a and returns
// the flags; a failure is left in r.err.
func (r *compactReader) head(a *assessment.Assessment) byte {
	if v := r.byte("format"); r.err == nil && v != compactFormat {
		r.fail("compact format %d, not %d", v, compactFormat)
		return 0
	}
	n := r.uvarint("number")
	if r.err == nil && (n == 0 || n > maxKeyNumber) {
		r.fail("number %d out of range", n)
	}
	a.Number, a.Status = int(n), assessment.Completed
	a.StartedAt = r.time("start time", 0)
	flags := r.byte("flags")
	if flags&^(compactHasCompleted|compactTeaching|compactPositional|compactWorkload) != 0 {
		r.fail("unknown flags %#x", flags)
	}
	if flags&compactHasCompleted != 0 {
		t := r.time("completion time", a.StartedAt.Unix())
		a.CompletedAt = &t
	}
	a.Bank.ID = r.string("bank id")
	a.Bank.Version = r.int("bank version", math.MinInt32, math.MaxInt32)
	a.Bank.Hash = r.string("bank hash")
	p := &a.Profile
	p.Beds = r.int("beds", math.MinInt32, math.MaxInt32)
	p.Teaching = flags&compactTeaching != 0
	p.CEFTE, p.BMETFTE, p.ManagerFTE, p.ITFTE = r.float("CE FTE"), r.float("BMET FTE"), r.float("manager FTE"), r.float("IT FTE")
	p.Devices = r.int("devices", math.MinInt32, math.MaxInt32)
	if flags&compactWorkload != 0 {
		ph := r.uvarint("productive hours")
		if r.err == nil && ph > math.MaxInt32 {
			r.fail("productive hours %d out of range", ph)
		}
		p.ProductiveHours = int(ph)
	}
	return flags
}

// positional reads the answers stored in bank order into a.
func (r *compactReader) positional(a *assessment.Assessment, bankOf func(questions.Ref) (*questions.Bank, error), base int64, workload, performersOnly bool) error {
	if a.Bank.Hash == "" {
		return fmt.Errorf("%w: positional answers without a bank hash", ErrCorrupt)
	}
	bank, err := bankOf(a.Bank)
	if err != nil {
		return err
	}
	count := r.uvarint("function count")
	if r.err == nil && count != uint64(len(bank.Functions)) {
		r.fail("%d answer positions for a bank of %d functions", count, len(bank.Functions))
	}
	if r.err == nil && count > uint64(len(r.data)) {
		r.fail("ends before its answers")
	}
	if r.err != nil {
		return fmt.Errorf("%w: %v", ErrCorrupt, r.err)
	}
	tags := r.data[:count]
	r.data = r.data[count:]
	a.Answers = make(map[string]assessment.Answer, count)
	for i, tag := range tags {
		if tag == 0 {
			continue
		}
		if int(tag) > questions.NumOptions {
			return fmt.Errorf("%w: answer %d has performer %d", ErrCorrupt, i, tag)
		}
		a.Answers[bank.Functions[i].ID] = r.answer(questions.Options[tag-1], base, workload, performersOnly)
	}
	return nil
}

// extras reads the answers stored by function id into a.
func (r *compactReader) extras(a *assessment.Assessment, base int64, workload, performersOnly bool) {
	extras := r.uvarint("extra answer count")
	if r.err == nil && extras > uint64(len(r.data)) { // each takes at least a byte
		r.fail("%d extra answers in %d bytes", extras, len(r.data))
	}
	if r.err == nil && extras > 0 && a.Answers == nil {
		a.Answers = make(map[string]assessment.Answer, extras)
	}
	for i := uint64(0); i < extras && r.err == nil; i++ {
		id := r.string("function id")
		ans := r.answer(assessment.Performer(r.string("performer")), base, workload, performersOnly)
		if _, dup := a.Answers[id]; dup && r.err == nil {
			r.fail("function %q answered twice", id)
		}
		a.Answers[id] = ans
	}
}

// answer reads the time, note and (workload) hours of one answer by p.
func (r *compactReader) answer(p assessment.Performer, base int64, workload, performersOnly bool) assessment.Answer {
	ans := assessment.Answer{Performer: p}
	t := r.time("answer time", base)
	note := r.string("note")
	if !performersOnly {
		ans.AnsweredAt, ans.Note = t, note
	}
	if workload {
		ans.Hours = r.hours()
	}
	return ans
}
