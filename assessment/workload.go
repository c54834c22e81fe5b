package assessment

import (
	"encoding/json"
	"fmt"
	"math"

	"cebalance/questions"
)

// FTEs holds an FTE figure per performer, in performer order. In JSON it is an object
// keyed by performer (every performer but NA), like Shares.
type FTEs [questions.NumPerformers]float64

// Of returns the FTE of performer p.
func (f FTEs) Of(p Performer) float64 {
	if p.Scored() {
		return f[p.Index()]
	}
	return 0
}

// MarshalJSON implements json.Marshaler.
func (f FTEs) MarshalJSON() ([]byte, error) { return json.Marshal(Shares(f)) }

// UnmarshalJSON implements json.Unmarshaler.
func (f *FTEs) UnmarshalJSON(data []byte) error { return json.Unmarshal(data, (*Shares)(f)) }

// KindWorkload is the estimated workload of one kind of work (engineering or
// operations). Only the functions with an estimate count: a partial estimate is a lower
// bound, never extrapolated to the functions without one.
type KindWorkload struct {
	// Estimated is how many of the Answered functions (answered, not "not applicable")
	// carry an estimate; Partial is Estimated < Answered.
	Estimated int  `json:"estimated"`
	Answered  int  `json:"answered"`
	Partial   bool `json:"partial"`
	// Hours is the estimated hours a month; FTE = Hours × 12 ÷ productive hours.
	Hours float64 `json:"hours_per_month"`
	FTE   float64 `json:"fte"`
	// ByPerformer splits FTE by who does the work (nobody and "don't know" included:
	// work that needs doing).
	ByPerformer FTEs `json:"by_performer"`
	// Vendor is the part done by vendors; InHouse the rest.
	Vendor  float64 `json:"vendor_fte"`
	InHouse float64 `json:"in_house_fte"`
	// Staff is the profile's FTE of the staff the kind belongs to: clinical engineers
	// for engineering, BMETs for operations.
	Staff float64 `json:"staff_fte"`
}

// Workload is the workload estimate of an assessment (docs/design.md, Workload).
type Workload struct {
	// ProductiveHours is the productive hours a year of one FTE used for every figure;
	// DefaultHours says it is the default, not the profile's own.
	ProductiveHours int          `json:"productive_hours"`
	DefaultHours    bool         `json:"productive_hours_default"`
	Engineering     KindWorkload `json:"engineering"`
	Operations      KindWorkload `json:"operations"`
	// EngineeringCapacity is the engineering capacity on staff: the profile's CE FTE plus
	// the engineering FTE the specialist answers carry (the profile has no specialist
	// count). EngineeringExcess is in-house engineering work less that capacity.
	EngineeringCapacity float64 `json:"engineering_capacity_fte"`
	EngineeringExcess   float64 `json:"engineering_excess_fte"`
	// BMETLoad is the operations work done in house plus the engineering work BMETs
	// absorb: the load on the BMET FTE.
	BMETLoad float64 `json:"bmet_load_fte"`
}

// Thresholds of the workload findings.
const (
	// WorkloadExcessFTE is how much in-house engineering work beyond the engineering
	// capacity on staff raises engineering-workload-exceeds-staff.
	WorkloadExcessFTE = 0.5
)

// The workload finding ids.
const (
	FindingEngineeringWorkload = "engineering-workload-exceeds-staff"
	FindingBMETOverload        = "bmet-load-exceeds-staff"
)

// workloadEps absorbs the rounding of sums of halves × 12 ÷ hours, so that a figure
// that is exactly at a threshold on paper is at it here too.
const workloadEps = 1e-9

// WorkloadOf computes the workload of assessment a, answered with bank; nil when no
// answer carries an estimate.
func WorkloadOf(bank *questions.Bank, a *Assessment) *Workload {
	var eng, ops KindWorkload
	estimated := false
	for i := range bank.Functions {
		f := &bank.Functions[i]
		ans, ok := a.Answers[f.ID]
		if !ok || !ans.Performer.Scored() {
			continue // unanswered, or not applicable
		}
		k := &ops
		if f.Kind == questions.Engineering {
			k = &eng
		}
		k.Answered++
		if ans.Hours == nil {
			continue
		}
		estimated = true
		k.Estimated++
		k.Hours += *ans.Hours
		k.ByPerformer[ans.Performer.Index()] += *ans.Hours // hours for now, FTE below
	}
	if !estimated {
		return nil
	}
	p := a.Profile
	w := &Workload{ProductiveHours: p.Productive(), DefaultHours: p.ProductiveHours == 0}
	perYear := float64(w.ProductiveHours)
	for _, k := range []*KindWorkload{&eng, &ops} {
		k.Partial = k.Estimated < k.Answered
		k.FTE = k.Hours * 12 / perYear
		for i := range k.ByPerformer {
			k.ByPerformer[i] = k.ByPerformer[i] * 12 / perYear
		}
		k.Vendor = k.ByPerformer.Of(Vendor)
		k.InHouse = k.FTE - k.Vendor
	}
	eng.Staff, ops.Staff = p.CEFTE, p.BMETFTE
	w.Engineering, w.Operations = eng, ops
	w.EngineeringCapacity = p.CEFTE + eng.ByPerformer.Of(questions.Specialist)
	w.EngineeringExcess = eng.InHouse - w.EngineeringCapacity
	w.BMETLoad = ops.InHouse + eng.ByPerformer.Of(BMET)
	return w
}

// Findings returns the workload findings, in a fixed order: in-house engineering work
// beyond the engineering capacity on staff by WorkloadExcessFTE or more, and operations
// work in house plus the engineering work BMETs absorb beyond the BMET FTE.
func (w *Workload) Findings() []Finding {
	if w == nil {
		return nil
	}
	var out []Finding
	e := w.Engineering
	if e.Estimated > 0 && w.EngineeringExcess >= WorkloadExcessFTE-workloadEps {
		out = append(out, Finding{FindingEngineeringWorkload, Warning, fmt.Sprintf(
			"The engineering work done in house is estimated at %s FTE%s, against %s clinical engineer FTE on staff%s: %s FTE of engineering work is carried by BMETs, the manager, IT, other departments or nobody. This is the workload basis for requesting about %s FTE of clinical engineering.",
			fte1(e.InHouse), partialNote(e, "engineering"), formatFTE(e.Staff), specialistNote(e),
			fte1(w.EngineeringExcess), halfUp(w.EngineeringExcess))})
	}
	o := w.Operations
	if o.Estimated+e.Estimated > 0 && w.BMETLoad > o.Staff+workloadEps {
		out = append(out, Finding{FindingBMETOverload, Warning, fmt.Sprintf(
			"The operations work done in house (%s FTE%s) plus the engineering work BMETs absorb (%s FTE) comes to %s FTE, more than the %s BMET FTE on staff. Absorbed engineering work is load on top of repairs and maintenance: something waits.",
			fte1(o.InHouse), partialNote(o, "operations"), fte1(e.ByPerformer.Of(BMET)), fte1(w.BMETLoad), formatFTE(o.Staff))})
	}
	return out
}

// partialNote is ", 12 of 31 engineering functions estimated" for a partial estimate.
func partialNote(k KindWorkload, kind string) string {
	if !k.Partial {
		return ""
	}
	return fmt.Sprintf(" (%d of %d %s functions estimated)", k.Estimated, k.Answered, kind)
}

func specialistNote(e KindWorkload) string {
	if s := e.ByPerformer.Of(questions.Specialist); s > 0 {
		return fmt.Sprintf(" and %s FTE carried by a specialist", fte1(s))
	}
	return ""
}

// fte1 prints an FTE with one decimal, halves away from zero.
func fte1(v float64) string { return fmt.Sprintf("%.1f", roundTo(v, 0.1)+0) }

// halfUp rounds an FTE up to the next half, the unit a position is requested in.
func halfUp(v float64) string { return formatFTE(math.Ceil(v*2-workloadEps) / 2) }

// WorkloadChange is the change of the workload estimate between two assessments.
type WorkloadChange struct {
	EngineeringFTE     Delta `json:"engineering_fte"`
	EngineeringInHouse Delta `json:"engineering_in_house_fte"`
	OperationsFTE      Delta `json:"operations_fte"`
	OperationsInHouse  Delta `json:"operations_in_house_fte"`
	BMETLoad           Delta `json:"bmet_load_fte"`
	// Estimates lists the functions (of both banks) whose estimate changed, in the newer
	// bank's order.
	Estimates []EstimateChange `json:"estimates"`
}

// EstimateChange is a function whose estimate of hours a month changed; From or To is
// nil where there was no estimate.
type EstimateChange struct {
	Function string   `json:"function"`
	Title    string   `json:"title"`
	From     *float64 `json:"from"`
	To       *float64 `json:"to"`
}

// workloadChange compares the workloads wf (of from) and wt (of to); nil when neither
// has an estimate.
func workloadChange(from, to Scored, wf, wt *Workload) *WorkloadChange {
	if wf == nil && wt == nil {
		return nil
	}
	pick := func(w *Workload, get func(*Workload) float64) *float64 {
		if w == nil {
			return nil
		}
		return num(get(w))
	}
	d := func(get func(*Workload) float64) Delta { return delta(nil, pick(wf, get), pick(wt, get)) }
	c := &WorkloadChange{
		EngineeringFTE:     d(func(w *Workload) float64 { return w.Engineering.FTE }),
		EngineeringInHouse: d(func(w *Workload) float64 { return w.Engineering.InHouse }),
		OperationsFTE:      d(func(w *Workload) float64 { return w.Operations.FTE }),
		OperationsInHouse:  d(func(w *Workload) float64 { return w.Operations.InHouse }),
		BMETLoad:           d(func(w *Workload) float64 { return w.BMETLoad }),
		Estimates:          []EstimateChange{},
	}
	for i := range to.Bank.Functions {
		f := &to.Bank.Functions[i]
		if from.Bank.FunctionIndex(f.ID) < 0 {
			continue // added: listed in Comparison.Added
		}
		was, now := from.Assessment.Answers[f.ID].Hours, to.Assessment.Answers[f.ID].Hours
		if (was == nil) != (now == nil) || (was != nil && *was != *now) {
			c.Estimates = append(c.Estimates, EstimateChange{f.ID, f.Name(), was, now})
		}
	}
	return c
}
