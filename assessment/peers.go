package assessment

import (
	"math"
	"slices"
	"sort"
	"time"

	"cebalance/questions"
)

// MinPeers is the smallest number of peers for which anything but "fewer than MinPeers"
// is published (k-anonymity): below it, no count and no figure.
const MinPeers = 5

// QuartilePeers is the smallest number of peers for which the 25th and 75th percentiles
// are published besides the median. With fewer, each quartile would sit on or next to a
// single organization's figure.
const QuartilePeers = 10

// DraftPeers is what a draft's report says instead of peers.
const DraftPeers = "peers appear when the assessment is complete"

// Metric names one figure of the benchmark, frozen per organization in a snapshot.
type Metric int

// The benchmark figures. Indexes are 0–100, shares 0–1.
const (
	MetricBalance        Metric = iota // balance index
	MetricEngineering                  // engineering index
	MetricCEEngShare                   // CE share of engineering work
	MetricBMETPerCE                    // BMET FTE per CE FTE (organizations with a CE)
	MetricCEPer100Beds                 // CE FTE per 100 staffed beds
	MetricCEShareOfStaff               // CE share of HTM staff
	MetricHTMPer100Beds                // HTM FTE (CE, BMET, manager) per 100 beds
	MetricAbsorbed                     // share of engineering work absorbed by BMETs and IT
	// MetricEngWorkloadPer100Beds is the in-house engineering workload FTE per 100 beds,
	// of organizations that estimated every engineering function.
	MetricEngWorkloadPer100Beds
	// MetricEngWorkloadPerCE is that workload FTE ÷ CE FTE, of those of them with a CE.
	MetricEngWorkloadPerCE
	NumMetrics
)

// step is how a metric is rounded when published, and (for the index metrics) the unit.
var metricSteps = [NumMetrics]float64{1, 1, 0.01, 0.5, 0.1, 0.01, 0.1, 0.01, 0.1, 0.1}

// Publish rounds v as metric m is published: indexes to whole points, shares to whole
// percent, BMETs per CE to 0.5, FTE per 100 beds to 0.1; halves away from zero.
func (m Metric) Publish(v float64) float64 { return roundTo(v, metricSteps[m]) }

// roundTo rounds v to a multiple of step, halves away from zero. Dividing by the step's
// inverse, a whole number, keeps 0.01 steps exact where they can be (23 / 100, not
// 23 × 0.01).
func roundTo(v, step float64) float64 {
	if step >= 1 {
		return math.Round(v/step) * step
	}
	inv := math.Round(1 / step)
	return math.Round(v*inv) / inv
}

// PeerValues are one organization's benchmark figures, computed from its latest
// completed assessment (or an outside contribution) and frozen in a snapshot. A figure an
// organization does not have (BMETs per CE without a CE, per-bed figures of an outside
// contribution, which carries no beds) is NaN.
type PeerValues struct {
	OrgID    string
	Band     SizeBand
	Teaching bool
	// Demo marks demo data: it is benchmarked only against other demo data.
	Demo bool
	// Outside marks a contribution imported from another installation.
	Outside bool
	NoCE    bool
	Values  [NumMetrics]float64
}

// ValuesOf returns the benchmark figures of a completed assessment.
func ValuesOf(orgID string, bank *questions.Bank, a *Assessment) PeerValues {
	sc := Score(bank, a)
	p := a.Profile
	v := PeerValues{OrgID: orgID, Band: BandFor(p.Beds), Teaching: p.Teaching, NoCE: p.CEFTE == 0}
	for i := range v.Values {
		v.Values[i] = math.NaN()
	}
	set := func(m Metric, x *float64) {
		if x != nil {
			v.Values[m] = *x
		}
	}
	set(MetricBalance, sc.BalanceIndex)
	set(MetricEngineering, sc.EngineeringIndex)
	if sc.EngineeringIndex != nil {
		v.Values[MetricCEEngShare] = sc.Engineering.Shares.Of(CE)
		v.Values[MetricAbsorbed] = sc.Absorbed
	}
	set(MetricBMETPerCE, sc.Staffing.BMETPerCE)
	set(MetricCEShareOfStaff, sc.Staffing.CEShareOfStaff)
	if p.Beds > 0 {
		v.Values[MetricCEPer100Beds] = p.CEFTE / float64(p.Beds) * 100
		set(MetricHTMPer100Beds, sc.Staffing.FTEPer100Beds)
	}
	// The workload figures count only a complete engineering estimate: a partial one is
	// a lower bound and would pull the community figure down.
	if w := sc.Workload; w != nil && w.Engineering.Answered > 0 && !w.Engineering.Partial {
		if p.Beds > 0 {
			v.Values[MetricEngWorkloadPer100Beds] = w.Engineering.InHouse / float64(p.Beds) * 100
		}
		set(MetricEngWorkloadPerCE, ratio(w.Engineering.InHouse, p.CEFTE))
	}
	return v
}

// Group is a group of organizations' frozen figures (one size band of one population,
// optionally one side of teaching), each metric's values sorted with the missing ones
// left out. A viewer's peers are a group less the organizations that viewer can see.
type Group struct {
	N       int // organizations
	NoCE    int // of which without a clinical engineer
	Outside int // of which outside contributions
	Values  [NumMetrics][]float64
}

// Add adds v to g; call Sort once all are added.
func (g *Group) Add(v PeerValues) {
	g.N++
	if v.NoCE {
		g.NoCE++
	}
	if v.Outside {
		g.Outside++
	}
	for m, x := range v.Values {
		if !math.IsNaN(x) {
			g.Values[m] = append(g.Values[m], x)
		}
	}
}

// Sort sorts every metric's values.
func (g *Group) Sort() {
	for m := range g.Values {
		sort.Float64s(g.Values[m])
	}
}

// Without returns g less the members in ex; g is not changed. Each of ex must be a member
// of g (the caller picks them from the same group).
func (g Group) Without(ex []PeerValues) Group {
	if len(ex) == 0 {
		return g
	}
	out := Group{N: g.N, NoCE: g.NoCE, Outside: g.Outside}
	for m := range g.Values {
		out.Values[m] = slices.Clone(g.Values[m])
	}
	for _, v := range ex {
		out.N--
		if v.NoCE {
			out.NoCE--
		}
		if v.Outside {
			out.Outside--
		}
		for m, x := range v.Values {
			if math.IsNaN(x) {
				continue
			}
			vals := out.Values[m]
			if i, ok := slices.BinarySearch(vals, x); ok {
				out.Values[m] = slices.Delete(vals, i, i+1)
			}
		}
	}
	return out
}

// Figure is a published figure: the median, and the 25th and 75th percentiles when
// there are QuartilePeers values or more. Every value is rounded (Metric.Publish) after
// linear interpolation on the exact values.
type Figure struct {
	P25    *float64 `json:"p25,omitempty"`
	Median float64  `json:"median"`
	P75    *float64 `json:"p75,omitempty"`
}

// SubFigure is a figure over its own count (BMETs per CE: only organizations with a CE
// have one): below MinPeers only FewerThan is set.
type SubFigure struct {
	FewerThan int `json:"fewer_than,omitempty"`
	N         int `json:"n,omitempty"`
	*Figure
}

// publish returns the published form of sorted values of metric m, or nil when there
// are fewer than MinPeers.
func publish(m Metric, sorted []float64) *Figure {
	n := len(sorted)
	if n < MinPeers {
		return nil
	}
	f := &Figure{Median: m.Publish(Percentile(sorted, 0.5))}
	if n >= QuartilePeers {
		p25, p75 := m.Publish(Percentile(sorted, 0.25)), m.Publish(Percentile(sorted, 0.75))
		f.P25, f.P75 = &p25, &p75
	}
	return f
}

func publishSub(m Metric, sorted []float64) *SubFigure {
	if len(sorted) < MinPeers {
		return &SubFigure{FewerThan: MinPeers}
	}
	return &SubFigure{N: len(sorted), Figure: publish(m, sorted)}
}

// PeerBenchmark is the published peer benchmark of a report: organizations in the same
// size band, less every organization the viewer can see. Below MinPeers peers only
// SizeBand and FewerThan are set; for a draft only SizeBand and Pending. Nothing in it
// is a single organization's figure.
type PeerBenchmark struct {
	SizeBand  SizeBand `json:"size_band"`
	Pending   string   `json:"pending,omitempty"`
	FewerThan int      `json:"fewer_than,omitempty"`
	N         int      `json:"n,omitempty"`
	// AsOf is when the benchmark snapshot the figures come from was taken.
	AsOf *time.Time `json:"as_of,omitempty"`
	// Outside is how many of the peers are contributions from other installations.
	Outside            int        `json:"outside,omitempty"`
	BalanceIndex       *Figure    `json:"balance_index,omitempty"`
	EngineeringIndex   *Figure    `json:"engineering_index,omitempty"`
	CEEngineeringShare *Figure    `json:"ce_engineering_share,omitempty"`
	BMETPerCE          *SubFigure `json:"bmet_per_ce,omitempty"`
	// NoCEShare is the share of peers without a clinical engineer, rounded to 0.1.
	NoCEShare *float64 `json:"no_ce_share,omitempty"`
	// Demo marks a benchmark of demo data.
	Demo bool `json:"demo,omitempty"`
}

// Enough reports whether there were enough peers to publish figures.
func (p *PeerBenchmark) Enough() bool { return p.N >= MinPeers }

// Quartiles reports whether the 25th and 75th percentiles are published.
func (p *PeerBenchmark) Quartiles() bool { return p.N >= QuartilePeers }

// DraftBenchmark is the peer benchmark of a draft: none.
func DraftBenchmark(band SizeBand) PeerBenchmark {
	return PeerBenchmark{SizeBand: band, Pending: DraftPeers}
}

// Peers publishes the peer benchmark of band from g, the snapshot's group less the
// organizations the viewer can see (Group.Without), taken at asOf.
func Peers(band SizeBand, g Group, asOf time.Time, demo bool) PeerBenchmark {
	pb := PeerBenchmark{SizeBand: band, Demo: demo}
	if g.N < MinPeers {
		pb.FewerThan = MinPeers
		return pb
	}
	pb.N, pb.Outside = g.N, g.Outside
	if !asOf.IsZero() {
		t := asOf.UTC()
		pb.AsOf = &t
	}
	pb.BalanceIndex = publish(MetricBalance, g.Values[MetricBalance])
	pb.EngineeringIndex = publish(MetricEngineering, g.Values[MetricEngineering])
	pb.CEEngineeringShare = publish(MetricCEEngShare, g.Values[MetricCEEngShare])
	pb.BMETPerCE = publishSub(MetricBMETPerCE, g.Values[MetricBMETPerCE])
	share := roundTo(float64(g.NoCE)/float64(g.N), 0.1)
	pb.NoCEShare = &share
	return pb
}

// BandBenchmark is one row of the community benchmark: what the organizations of one
// size band (and, when Teaching is set, one side of teaching) report. Below MinPeers
// organizations only the band and FewerThan are set.
type BandBenchmark struct {
	SizeBand  SizeBand `json:"size_band"`
	Teaching  *bool    `json:"teaching,omitempty"`
	FewerThan int      `json:"fewer_than,omitempty"`
	N         int      `json:"n,omitempty"`
	Outside   int      `json:"outside,omitempty"`
	// NoCEShare is the share of organizations without a clinical engineer, to 0.1.
	NoCEShare      *float64   `json:"no_ce_share,omitempty"`
	CEPer100Beds   *SubFigure `json:"ce_fte_per_100_beds,omitempty"`
	CEShareOfStaff *SubFigure `json:"ce_share_of_staff,omitempty"`
	BMETPerCE      *SubFigure `json:"bmet_per_ce,omitempty"`
	HTMPer100Beds  *SubFigure `json:"htm_fte_per_100_beds,omitempty"`
	BalanceIndex   *SubFigure `json:"balance_index,omitempty"`
	Engineering    *SubFigure `json:"engineering_index,omitempty"`
	Absorbed       *SubFigure `json:"absorbed,omitempty"`
	// EngWorkloadPer100Beds is the in-house engineering workload FTE per 100 beds and
	// EngWorkloadPerCE its ratio to CE FTE, each over the organizations that estimated
	// every engineering function (and, for the ratio, have a CE).
	EngWorkloadPer100Beds *SubFigure `json:"engineering_workload_fte_per_100_beds,omitempty"`
	EngWorkloadPerCE      *SubFigure `json:"engineering_workload_per_ce_fte,omitempty"`
}

// BenchmarkLabel is what the community benchmark is, and is not.
const BenchmarkLabel = "what %d hospitals on this server report, not a standard"

// Bands lists the size bands from smallest to largest.
var Bands = []SizeBand{CriticalAccess, Small, Medium, Large, VeryLarge}

// Band publishes one row of the community benchmark from g (already less what the
// viewer can see). teaching is nil for the whole band.
func Band(band SizeBand, teaching *bool, g Group) BandBenchmark {
	b := BandBenchmark{SizeBand: band, Teaching: teaching}
	if g.N < MinPeers {
		b.FewerThan = MinPeers
		return b
	}
	b.N, b.Outside = g.N, g.Outside
	share := roundTo(float64(g.NoCE)/float64(g.N), 0.1)
	b.NoCEShare = &share
	b.CEPer100Beds = publishSub(MetricCEPer100Beds, g.Values[MetricCEPer100Beds])
	b.CEShareOfStaff = publishSub(MetricCEShareOfStaff, g.Values[MetricCEShareOfStaff])
	b.BMETPerCE = publishSub(MetricBMETPerCE, g.Values[MetricBMETPerCE])
	b.HTMPer100Beds = publishSub(MetricHTMPer100Beds, g.Values[MetricHTMPer100Beds])
	b.BalanceIndex = publishSub(MetricBalance, g.Values[MetricBalance])
	b.Engineering = publishSub(MetricEngineering, g.Values[MetricEngineering])
	b.Absorbed = publishSub(MetricAbsorbed, g.Values[MetricAbsorbed])
	b.EngWorkloadPer100Beds = publishSub(MetricEngWorkloadPer100Beds, g.Values[MetricEngWorkloadPer100Beds])
	b.EngWorkloadPerCE = publishSub(MetricEngWorkloadPerCE, g.Values[MetricEngWorkloadPerCE])
	return b
}

// Benchmark is the community benchmark: every size band, and the teaching and
// non-teaching sides of a band where both reach MinPeers.
type Benchmark struct {
	AsOf *time.Time `json:"as_of,omitempty"`
	// N is how many organizations the benchmark covers; Outside of them came from other
	// installations.
	N       int             `json:"n"`
	Outside int             `json:"outside"`
	Label   string          `json:"label"`
	Bands   []BandBenchmark `json:"bands"`
}

// GroupKey names a group of a snapshot: a population (demo data or not), a size band
// and a teaching side ("" for the whole band, "yes", "no").
type GroupKey struct {
	Demo     bool
	Band     SizeBand
	Teaching string
}

// Teaching sides of a GroupKey.
const (
	SideAll         = ""
	SideTeaching    = "yes"
	SideNonTeaching = "no"
)

// KeysOf returns the groups v belongs to: its band as a whole and its teaching side.
func KeysOf(v PeerValues) [2]GroupKey {
	side := SideNonTeaching
	if v.Teaching {
		side = SideTeaching
	}
	return [2]GroupKey{{v.Demo, v.Band, SideAll}, {v.Demo, v.Band, side}}
}

// Percentile returns the q-th quantile (0 ≤ q ≤ 1) of sorted values by linear
// interpolation between closest ranks: the value at position (n−1)·q. It returns NaN for
// no values.
func Percentile(sorted []float64, q float64) float64 {
	n := len(sorted)
	if n == 0 {
		return math.NaN()
	}
	pos := float64(n-1) * q
	lo := int(math.Floor(pos))
	hi := int(math.Ceil(pos))
	if lo == hi {
		return sorted[lo]
	}
	return sorted[lo] + (pos-float64(lo))*(sorted[hi]-sorted[lo])
}

// LegacyPeers is the peer computation this package had before benchmark snapshots,
// kept only as the baseline of the scorecard benchmark (BenchmarkScorecardPeers): every
// other organization's latest completed assessment, re-read and re-tallied on each
// report. It fills balance, engineering, CE share and BMETs per CE.
func LegacyPeers(orgID string, band SizeBand, candidates []PeerInput) Group {
	var g Group
	var buf [64]int8
	for _, c := range candidates {
		a := c.Assessment
		if c.OrgID == orgID || a == nil || c.Bank == nil || a.Status != Completed || BandFor(a.Profile.Beds) != band {
			continue
		}
		all, eng, _ := tallies(c.Bank, resolve(c.Bank, a.Answers, buf[:]), nil)
		if all.weight == 0 {
			continue
		}
		g.N++
		g.Values[MetricBalance] = append(g.Values[MetricBalance], 100*all.fitWeight/float64(all.weight))
		if eng.weight > 0 {
			g.Values[MetricEngineering] = append(g.Values[MetricEngineering], 100*eng.fitWeight/float64(eng.weight))
		}
		g.Values[MetricCEEngShare] = append(g.Values[MetricCEEngShare], eng.shares().Of(CE))
		if r := ratio(a.Profile.BMETFTE, a.Profile.CEFTE); r != nil {
			g.Values[MetricBMETPerCE] = append(g.Values[MetricBMETPerCE], *r)
		}
		if a.Profile.CEFTE == 0 {
			g.NoCE++
		}
	}
	g.Sort()
	return g
}

// PeerInput is the latest completed assessment of one organization, as a candidate peer.
type PeerInput struct {
	OrgID      string
	Bank       *questions.Bank
	Assessment *Assessment
}
