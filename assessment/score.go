package assessment

import (
	"encoding/json"

	"cebalance/questions"
)

// Shares holds a fraction in [0,1] per performer, indexed in performer order. It is
// encoded in JSON as an object that always lists every performer but NA.
type Shares [questions.NumPerformers]float64

// Of returns the share of performer p.
func (s Shares) Of(p Performer) float64 {
	if p.Scored() {
		return s[p.Index()]
	}
	return 0
}

type sharesJSON struct {
	CE         float64 `json:"ce"`
	Specialist float64 `json:"specialist"`
	BMET       float64 `json:"bmet"`
	Manager    float64 `json:"manager"`
	IT         float64 `json:"it"`
	OtherDept  float64 `json:"other_dept"`
	Vendor     float64 `json:"vendor"`
	Nobody     float64 `json:"nobody"`
	Unsure     float64 `json:"unsure"`
}

// MarshalJSON implements json.Marshaler, in performer order; every performer but NA.
func (s Shares) MarshalJSON() ([]byte, error) {
	return json.Marshal(sharesJSON{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]})
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *Shares) UnmarshalJSON(data []byte) error {
	var j sharesJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*s = Shares{j.CE, j.Specialist, j.BMET, j.Manager, j.IT, j.OtherDept, j.Vendor, j.Nobody, j.Unsure}
	return nil
}

// Section holds the figures of one group of functions: engineering, operations or a
// domain. Index and Coverage are nil when nothing in the group is answered.
type Section struct {
	ID       string   `json:"id,omitempty"`
	Name     string   `json:"name,omitempty"`
	Index    *float64 `json:"index"`
	Coverage *float64 `json:"coverage"`
	Answered int      `json:"answered"`
	// NotApplicable counts the answers "not applicable here": answered, but left out
	// of every figure.
	NotApplicable int    `json:"not_applicable"`
	Total         int    `json:"total"`
	Shares        Shares `json:"shares"`
}

// Gap is an answered function that nobody does, or whose performer nobody knows.
type Gap struct {
	Function       string    `json:"function"`
	Title          string    `json:"title"`
	Domain         string    `json:"domain"`
	Weight         int       `json:"weight"`
	Performer      Performer `json:"performer"`
	Recommendation string    `json:"recommendation"`
}

// Critical reports whether the gap is in a critical function (weight 3).
func (g Gap) Critical() bool { return g.Weight == 3 }

// Scorecard is the balance scorecard of one assessment. Its JSON form is the
// body of `report --format json`.
type Scorecard struct {
	Answered         int       `json:"answered"`
	Total            int       `json:"total"`
	BalanceIndex     *float64  `json:"balance_index"`
	EngineeringIndex *float64  `json:"engineering_index"`
	OperationsIndex  *float64  `json:"operations_index"`
	Absorbed         float64   `json:"absorbed"`
	Verdict          Verdict   `json:"verdict"`
	VerdictMeaning   string    `json:"verdict_meaning"`
	Engineering      Section   `json:"engineering"`
	Operations       Section   `json:"operations"`
	Domains          []Section `json:"domains"`
	Gaps             []Gap     `json:"gaps"`
	CriticalGaps     int       `json:"critical_gaps"`
	Findings         []Finding `json:"findings"`
	Staffing         Staffing  `json:"staffing"`
	// Workload is the workload estimate; nil (left out of JSON) when no answer carries
	// an estimate of hours.
	Workload *Workload `json:"workload,omitempty"`
	// Provisional is true for a draft: the figures cover only what is answered so far.
	Provisional bool `json:"provisional"`
}

// tally accumulates the weights of a group of answered functions.
type tally struct {
	answered, total int
	na              int // answered "not applicable": counted as answered, nothing else
	weight          int
	fitWeight       float64 // Σ w·fit
	byPerformer     [questions.NumPerformers]int
	gaps, critical  int // answered functions done by nobody or unknown; those of weight 3
}

func (t *tally) add(w int, pi int, fit float64) {
	if questions.Performers[pi].IsGap() {
		t.gaps++
		if w == 3 {
			t.critical++
		}
	}
	t.answered++
	t.weight += w
	t.fitWeight += float64(w) * fit
	t.byPerformer[pi] += w
}

func (t *tally) shares() Shares {
	var s Shares
	if t.weight == 0 {
		return s
	}
	W := float64(t.weight)
	for i, w := range t.byPerformer {
		s[i] = float64(w) / W
	}
	return s
}

// index returns the group's index, or nil when nothing in it is answered.
func (t *tally) index(f *floats) *float64 {
	if t.weight == 0 {
		return nil
	}
	return f.num(100 * t.fitWeight / float64(t.weight))
}

func (t *tally) section(f *floats, id, name string) Section {
	s := Section{ID: id, Name: name, Answered: t.answered, NotApplicable: t.na, Total: t.total, Shares: t.shares()}
	if t.weight > 0 {
		s.Index = t.index(f)
		s.Coverage = f.num(1 - s.Shares[Nobody.Index()] - s.Shares[Unsure.Index()])
	}
	return s
}

func num(v float64) *float64 { return &v }

// floats hands out pointers into one allocation: a scorecard or a comparison has a few
// dozen optional figures, and one allocation for all of them keeps scoring fast.
type floats []float64

func newFloats(n int) *floats {
	f := make(floats, 0, n)
	return &f
}

// num returns a pointer to a copy of v.
func (f *floats) num(v float64) *float64 {
	if f == nil || len(*f) == cap(*f) {
		return num(v) // never re-allocate: earlier pointers point into the array
	}
	*f = append(*f, v)
	return &(*f)[len(*f)-1]
}

// notApplicable marks a function answered "not applicable" in resolve's result.
const notApplicable = -2

// resolve looks up the answer of every bank function once: the performer index of each
// function in bank order, notApplicable for an NA the function allows, or -1 when it is
// unanswered. buf is reused when big enough.
func resolve(bank *questions.Bank, answers map[string]Answer, buf []int8) []int8 {
	perf := buf[:0]
	for i := range bank.Functions {
		pi := -1
		if ans, ok := answers[bank.Functions[i].ID]; ok {
			switch p := ans.Performer; {
			case p.Scored():
				pi = p.Index()
			case p == questions.NA && bank.Functions[i].NAAllowed:
				pi = notApplicable
			}
		}
		perf = append(perf, int8(pi))
	}
	return perf
}

// tallies scores the whole bank, engineering, operations and, when domains is not nil,
// each domain (domains must have one entry per bank domain); perf is from resolve.
func tallies(bank *questions.Bank, perf []int8, domains []tally) (all, eng, ops tally) {
	for i := range bank.Functions {
		f := &bank.Functions[i]
		kind := &ops
		if f.Kind == questions.Engineering {
			kind = &eng
		}
		all.total++
		kind.total++
		var dom *tally
		if domains != nil {
			if d := bank.DomainOf(i); d >= 0 {
				dom = &domains[d]
				dom.total++
			}
		}
		pi := int(perf[i])
		if pi == notApplicable {
			// Answered, and nothing more: no weight, share, index or gap.
			for _, t := range []*tally{&all, kind, dom} {
				if t != nil {
					t.answered++
					t.na++
				}
			}
			continue
		}
		if pi < 0 {
			continue
		}
		fit := f.FitFor(questions.Performers[pi])
		all.add(f.Weight, pi, fit)
		kind.add(f.Weight, pi, fit)
		if dom != nil {
			dom.add(f.Weight, pi, fit)
		}
	}
	return all, eng, ops
}

// Score computes the scorecard of assessment a, answered with bank. A draft
// is scored over what is answered and marked provisional.
func Score(bank *questions.Bank, a *Assessment) *Scorecard {
	var buf [64]int8
	perf := resolve(bank, a.Answers, buf[:])
	domains := make([]tally, len(bank.Domains))
	all, eng, ops := tallies(bank, perf, domains)
	f := newFloats(3 + 2*(2+len(domains)))

	sc := &Scorecard{
		Answered:         all.answered,
		Total:            all.total,
		BalanceIndex:     all.index(f),
		EngineeringIndex: eng.index(f),
		OperationsIndex:  ops.index(f),
		Engineering:      eng.section(f, "", ""),
		// Answered and NotApplicable above and in the sections count NA answers.
		Operations:  ops.section(f, "", ""),
		Domains:     make([]Section, len(bank.Domains)),
		Staffing:    StaffingOf(a.Profile),
		Provisional: a.Status != Completed,
		Gaps:        make([]Gap, 0, all.gaps),
	}
	for i, d := range bank.Domains {
		sc.Domains[i] = domains[i].section(f, d.ID, d.Name)
	}
	sc.Absorbed = sc.Engineering.Shares.Of(BMET) + sc.Engineering.Shares.Of(IT)

	// Gaps by weight, descending, then bank order. Weights are 1–3, so three passes
	// over the bank beat a sort.
	for w := 3; w >= 1; w-- {
		for i := range bank.Functions {
			f := &bank.Functions[i]
			if f.Weight != w {
				continue
			}
			if perf[i] < 0 { // unanswered or not applicable
				continue
			}
			p := questions.Performers[perf[i]]
			if !p.IsGap() {
				continue
			}
			sc.Gaps = append(sc.Gaps, Gap{
				Function:       f.ID,
				Title:          f.Name(),
				Domain:         f.Domain,
				Weight:         f.Weight,
				Performer:      p,
				Recommendation: Recommendation(f, p),
			})
			if w == 3 {
				sc.CriticalGaps++
			}
		}
	}

	sc.Verdict = verdictOf(all.answered, sc.CriticalGaps, sc.Absorbed, sc.Operations.Shares.Of(CE), sc.BalanceIndex)
	sc.VerdictMeaning = sc.Verdict.Meaning()
	sc.Findings = findings(a.Profile, perf, sc.Engineering.Shares)
	sc.Workload = WorkloadOf(bank, a)
	sc.Findings = append(sc.Findings, sc.Workload.Findings()...)
	return sc
}

// summary is the resolved answers and the whole-bank, engineering and operations
// tallies of one assessment: all that the verdict, a history point and a comparison need.
type summary struct {
	perf          []int8
	all, eng, ops tally
}

// summarize resolves and tallies s; buf (which may be nil) is reused for the answers.
func summarize(s Scored, buf []int8) summary {
	perf := resolve(s.Bank, s.Assessment.Answers, buf)
	all, eng, ops := tallies(s.Bank, perf, nil)
	return summary{perf, all, eng, ops}
}

func (s *summary) absorbed() float64 {
	sh := s.eng.shares()
	return sh.Of(BMET) + sh.Of(IT)
}

func (s *summary) verdict() Verdict {
	return verdictOf(s.all.answered, s.all.critical, s.absorbed(), s.ops.shares().Of(CE), s.all.index(nil))
}

// verdictOf applies the verdict rules (docs/design.md, Scoring) in order.
func verdictOf(answered, criticalGaps int, absorbed, opsCE float64, balance *float64) Verdict {
	switch {
	case answered == 0:
		return NoAnswers
	case criticalGaps > 0:
		return CriticalGaps
	case absorbed >= 0.5:
		return EngineeringAbsorbed
	case opsCE >= 0.3:
		return EngineersInOperations
	case balance != nil && *balance >= BalancedFrom:
		return Balanced
	case balance != nil && *balance >= MostlyBalancedFrom:
		return MostlyBalanced
	}
	return OutOfBalance
}

// The balance index from which the verdict (when no rule before it applies) is
// Balanced, and Mostly balanced; below MostlyBalancedFrom it is Out of balance. Charts
// draw their bands at these lines.
const (
	BalancedFrom       = 80.0
	MostlyBalancedFrom = 60.0
)

// Verdict is the one-phrase finding of a scorecard.
type Verdict string

// The verdicts, in the order they are tested.
const (
	CriticalGaps          Verdict = "critical-gaps"
	EngineeringAbsorbed   Verdict = "engineering-absorbed"
	EngineersInOperations Verdict = "engineers-in-operations"
	Balanced              Verdict = "balanced"
	MostlyBalanced        Verdict = "mostly-balanced"
	OutOfBalance          Verdict = "out-of-balance"
	// NoAnswers is the verdict of a draft with nothing answered yet.
	NoAnswers Verdict = "no-answers"
)

// String implements fmt.Stringer.
func (v Verdict) String() string { return string(v) }

// Title returns the verdict for a headline, e.g. "Critical gaps".
func (v Verdict) Title() string {
	switch v {
	case CriticalGaps:
		return "Critical gaps"
	case EngineeringAbsorbed:
		return "Engineering absorbed"
	case EngineersInOperations:
		return "Engineers in operations"
	case Balanced:
		return "Balanced"
	case MostlyBalanced:
		return "Mostly balanced"
	case OutOfBalance:
		return "Out of balance"
	case NoAnswers:
		return "No answers yet"
	}
	return string(v)
}

// Meaning returns what the verdict means, in plain words for a director.
func (v Verdict) Meaning() string {
	switch v {
	case CriticalGaps:
		return "At least one critical function — patient safety or a regulatory requirement — is done by nobody, or nobody knows who does it. Close these gaps first; they outweigh every other finding."
	case EngineeringAbsorbed:
		return "Half or more of the engineering and management work is done by BMETs or IT. Ask whether the people doing it have the time, the training and the authority it needs: it competes with repairs and maintenance, and without them it tends to be reactive. Work assigned to a senior specialist with engineering duties, or owned by another department, is not counted here."
	case EngineersInOperations:
		return "Clinical engineers carry 30 % or more of the day-to-day operations work. Engineering capacity is being spent on technician tasks, so planning, safety and program work are likely to wait."
	case Balanced:
		return "Engineering and operations work are each owned by roles that fit them. This measures who owns the work, not whether they have the capacity for it or do it well: check the findings, keep the assignments documented and re-assess after staffing changes."
	case MostlyBalanced:
		return "Most functions are done by people who fit them, with some work placed on the wrong role or not covered. The domain figures and gaps show where to act."
	case OutOfBalance:
		return "Much of the work is done by people who do not fit it, or not at all. The department is likely reactive: review the engineering functions and decide who should own them."
	case NoAnswers:
		return "Nothing is answered yet, so there is nothing to score."
	}
	return ""
}

// Recommendation returns what to do about a gap in function f answered with p: the
// function's own recommendation, preceded for "don't know" by finding out who owns it.
func Recommendation(f *questions.Function, p Performer) string {
	rec := f.Recommendation
	if rec == "" {
		if f.Kind == questions.Engineering {
			rec = "Assign this engineering function to a named owner — ideally a clinical engineer, or the HTM manager with engineering support — and record how it is done."
		} else {
			rec = "Assign this operations function to a named owner — ideally the BMET team, or a vendor under a monitored contract — and track it in the CMMS."
		}
	}
	if p == Unsure {
		return "Find out who, if anyone, does this today; unknown ownership is itself a finding. " + rec
	}
	return rec
}
