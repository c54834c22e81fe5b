package assessment

import (
	"encoding/json"
	"sort"
	"time"

	"cebalance/questions"
)

// Scored is an assessment with the bank it was answered with.
type Scored struct {
	Bank       *questions.Bank
	Assessment *Assessment
}

// Delta is the change of one figure between two assessments. Change is nil when either
// side is nil.
type Delta struct {
	From   *float64 `json:"from"`
	To     *float64 `json:"to"`
	Change *float64 `json:"change"`
}

func delta(f *floats, from, to *float64) Delta {
	d := Delta{From: from, To: to}
	if from != nil && to != nil {
		d.Change = f.num(*to - *from)
	}
	return d
}

// ShareDeltas holds the change of each performer's share, in performer order. In JSON
// it is an object keyed by performer.
type ShareDeltas [questions.NumPerformers]Delta

type shareDeltasJSON struct {
	CE         Delta `json:"ce"`
	Specialist Delta `json:"specialist"`
	BMET       Delta `json:"bmet"`
	Manager    Delta `json:"manager"`
	IT         Delta `json:"it"`
	OtherDept  Delta `json:"other_dept"`
	Vendor     Delta `json:"vendor"`
	Nobody     Delta `json:"nobody"`
	Unsure     Delta `json:"unsure"`
}

// MarshalJSON implements json.Marshaler, in performer order.
func (s ShareDeltas) MarshalJSON() ([]byte, error) {
	return json.Marshal(shareDeltasJSON{s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7], s[8]})
}

// UnmarshalJSON implements json.Unmarshaler.
func (s *ShareDeltas) UnmarshalJSON(data []byte) error {
	var j shareDeltasJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	*s = ShareDeltas{j.CE, j.Specialist, j.BMET, j.Manager, j.IT, j.OtherDept, j.Vendor, j.Nobody, j.Unsure}
	return nil
}

// BankFunction names a function that only one side of a comparison's banks has.
type BankFunction struct {
	Function string `json:"function"`
	Title    string `json:"title"`
	Weight   int    `json:"weight"`
}

// Change is a function whose performer changed between two assessments. From or To is
// empty when the function was unanswered, or not in that assessment's bank.
type Change struct {
	Function string    `json:"function"`
	Title    string    `json:"title"`
	Weight   int       `json:"weight"`
	From     Performer `json:"from"`
	To       Performer `json:"to"`
}

// Ref identifies an assessment in a comparison or a history.
type Ref struct {
	Number      int        `json:"number"`
	Status      Status     `json:"status"`
	CompletedAt *time.Time `json:"completed_at"`
}

func refOf(a *Assessment) Ref {
	return Ref{Number: a.Number, Status: a.Status, CompletedAt: a.CompletedAt}
}

// Comparison is the change from one assessment to another.
type Comparison struct {
	From             Ref         `json:"from"`
	To               Ref         `json:"to"`
	BalanceIndex     Delta       `json:"balance_index"`
	EngineeringIndex Delta       `json:"engineering_index"`
	OperationsIndex  Delta       `json:"operations_index"`
	EngineeringShare ShareDeltas `json:"engineering_shares"`
	Changed          []Change    `json:"changed"`
	// FromBank and ToBank are the banks the two assessments were answered with. When
	// they differ (BankChanged), Changed covers only the functions both banks have;
	// Added and Removed list the rest.
	FromBank     questions.Ref  `json:"from_bank"`
	ToBank       questions.Ref  `json:"to_bank"`
	BankChanged  bool           `json:"bank_changed"`
	Added        []BankFunction `json:"added"`
	Removed      []BankFunction `json:"removed"`
	StaffingThen Staffing       `json:"staffing_then"`
	StaffingNow  Staffing       `json:"staffing_now"`
	// Workload is the change of the workload estimate; nil when neither assessment
	// carries an estimate.
	Workload *WorkloadChange `json:"workload,omitempty"`
}

// Compare returns the change from assessment from to assessment to.
func Compare(from, to Scored) Comparison {
	c := compare(from, to, summarize(from, nil), summarize(to, nil),
		StaffingOf(from.Assessment.Profile), StaffingOf(to.Assessment.Profile), newFloats(compareFloats), nil)
	c.Workload = workloadChange(from, to, WorkloadOf(from.Bank, from.Assessment), WorkloadOf(to.Bank, to.Assessment))
	return c
}

// compareFloats is how many optional figures a comparison holds.
const compareFloats = 3*3 + 3*questions.NumPerformers

// compare builds a comparison from summaries already made. fl and arena (which may be
// nil) provide memory shared by all the comparisons of a history.
func compare(from, to Scored, f, t summary, then, now Staffing, fl *floats, arena *[]Change) Comparison {
	c := Comparison{
		From:             refOf(from.Assessment),
		To:               refOf(to.Assessment),
		BalanceIndex:     delta(fl, f.all.index(fl), t.all.index(fl)),
		EngineeringIndex: delta(fl, f.eng.index(fl), t.eng.index(fl)),
		OperationsIndex:  delta(fl, f.ops.index(fl), t.ops.index(fl)),
		StaffingThen:     then,
		StaffingNow:      now,
		Changed:          []Change{},
		FromBank:         from.Bank.Ref(),
		ToBank:           to.Bank.Ref(),
		BankChanged:      bankChanged(from.Bank, to.Bank),
		Added:            onlyIn(to.Bank, from.Bank),
		Removed:          onlyIn(from.Bank, to.Bank),
	}
	fs, ts := f.eng.shares(), t.eng.shares()
	for i := range c.EngineeringShare {
		c.EngineeringShare[i] = delta(fl, fl.num(fs[i]), fl.num(ts[i]))
	}
	c.Changed = changes(from, to, f.perf, t.perf, arena)
	return c
}

// bankChanged reports whether two assessments were answered with different banks.
func bankChanged(a, b *questions.Bank) bool {
	return a != b && (a.Hash == "" || a.Hash != b.Hash)
}

// onlyIn lists, in a's order, the functions of bank a that bank b does not have.
func onlyIn(a, b *questions.Bank) []BankFunction {
	out := []BankFunction{}
	if a == b {
		return out
	}
	for i := range a.Functions {
		f := &a.Functions[i]
		if b.FunctionIndex(f.ID) < 0 {
			out = append(out, BankFunction{f.ID, f.Name(), f.Weight})
		}
	}
	return out
}

// changes lists the functions whose performer differs, by weight (descending) and then
// the newer bank's order. Across two banks only the functions both have are compared:
// the others are listed as added or removed, not as changes.
func changes(from, to Scored, fromPerf, toPerf []int8, arena *[]Change) []Change {
	if from.Bank == to.Bank {
		return sameBankChanges(to.Bank, fromPerf, toPerf, arena)
	}
	performer := func(s Scored, id string) Performer {
		if a, ok := s.Assessment.Answers[id]; ok && a.Performer.Valid() {
			return a.Performer
		}
		return ""
	}
	out := []Change{}
	// Weights are 1–3: three passes keep the order without a sort.
	for w := 3; w >= 1; w-- {
		for i := range to.Bank.Functions {
			f := &to.Bank.Functions[i]
			if f.Weight != w {
				continue
			}
			if from.Bank.FunctionIndex(f.ID) < 0 {
				continue // added: listed in Comparison.Added
			}
			was := performer(from, f.ID)
			if now := performer(to, f.ID); now != was {
				out = append(out, Change{f.ID, f.Name(), f.Weight, was, now})
			}
		}
	}
	return out
}

// sameBankChanges is changes for two assessments of one bank, on resolved answers.
// The result is carved from arena when it has room.
func sameBankChanges(bank *questions.Bank, from, to []int8, arena *[]Change) []Change {
	n := 0
	for i := range from {
		if from[i] != to[i] {
			n++
		}
	}
	var out []Change
	if arena != nil && cap(*arena)-len(*arena) >= n {
		l := len(*arena)
		out = (*arena)[l : l : l+n]
		*arena = (*arena)[:l+n]
	} else {
		out = make([]Change, 0, n)
	}
	name := func(pi int8) Performer {
		switch {
		case pi == notApplicable:
			return questions.NA
		case pi < 0:
			return ""
		}
		return questions.Performers[pi]
	}
	for w := 3; w >= 1; w-- {
		for i := range bank.Functions {
			f := &bank.Functions[i]
			if f.Weight == w && from[i] != to[i] {
				out = append(out, Change{f.ID, f.Name(), f.Weight, name(from[i]), name(to[i])})
			}
		}
	}
	return out
}

// Point is one completed assessment in an organization's history.
type Point struct {
	Ref
	BalanceIndex     *float64 `json:"balance_index"`
	EngineeringIndex *float64 `json:"engineering_index"`
	OperationsIndex  *float64 `json:"operations_index"`
	Absorbed         float64  `json:"absorbed"`
	Verdict          Verdict  `json:"verdict"`
	CriticalGaps     int      `json:"critical_gaps"`
	Gaps             int      `json:"gaps"`
	Staffing         Staffing `json:"staffing"`
	// Bank is the bank the assessment was answered with; BankChanged marks the first
	// point answered with a different bank than the point before it, so a chart can show
	// where the questions changed.
	Bank        questions.Ref `json:"bank"`
	BankChanged bool          `json:"bank_changed"`
	// Workload is the assessment's workload estimate; nil when it has none.
	Workload *Workload `json:"workload,omitempty"`
}

// Trend is an organization's history: its completed assessments ordered by completion
// time, and the change between each one and the next.
type Trend struct {
	Points  []Point      `json:"assessments"`
	Changes []Comparison `json:"changes"`
}

// History builds the trend (docs/design.md, Scoring) from an organization's assessments; drafts are
// left out.
func History(items []Scored) Trend {
	done := make([]Scored, 0, len(items))
	for _, it := range items {
		if it.Assessment.Status == Completed && it.Assessment.CompletedAt != nil {
			done = append(done, it)
		}
	}
	sort.SliceStable(done, func(i, j int) bool {
		a, b := done[i].Assessment, done[j].Assessment
		if !a.CompletedAt.Equal(*b.CompletedAt) {
			return a.CompletedAt.Before(*b.CompletedAt)
		}
		return a.Number < b.Number
	})
	t := Trend{Points: make([]Point, len(done)), Changes: make([]Comparison, 0, max(len(done)-1, 0))}
	// Resolve every assessment once, into shared buffers: a history of hundreds of
	// assessments is then a few allocations, not thousands.
	sums := make([]summary, len(done))
	size, changed := 0, 0
	for _, s := range done {
		size += len(s.Bank.Functions)
	}
	perf := make([]int8, 0, size)
	for i, s := range done {
		sums[i] = summarize(s, perf[len(perf):len(perf)])
		perf = perf[:len(perf)+len(sums[i].perf)]
		if i > 0 && done[i-1].Bank == s.Bank {
			for k := range sums[i].perf {
				if sums[i].perf[k] != sums[i-1].perf[k] {
					changed++
				}
			}
		}
	}
	fl := newFloats(len(done) * (3 + compareFloats))
	arena := make([]Change, 0, changed)
	for i, s := range done {
		cur := sums[i]
		t.Points[i] = Point{
			Ref:              refOf(s.Assessment),
			BalanceIndex:     cur.all.index(fl),
			EngineeringIndex: cur.eng.index(fl),
			OperationsIndex:  cur.ops.index(fl),
			Absorbed:         cur.absorbed(),
			Verdict:          cur.verdict(),
			CriticalGaps:     cur.all.critical,
			Gaps:             cur.all.gaps,
			Staffing:         StaffingOf(s.Assessment.Profile),
			Bank:             s.Bank.Ref(),
			BankChanged:      i > 0 && bankChanged(done[i-1].Bank, s.Bank),
			Workload:         WorkloadOf(s.Bank, s.Assessment),
		}
		if i > 0 {
			c := compare(done[i-1], s, sums[i-1], cur,
				t.Points[i-1].Staffing, t.Points[i].Staffing, fl, &arena)
			c.Workload = workloadChange(done[i-1], s, t.Points[i-1].Workload, t.Points[i].Workload)
			t.Changes = append(t.Changes, c)
		}
	}
	return t
}
