package assessment

import (
	"math"
	"sort"

	"cebalance/questions"
)

// MinPeers is the smallest number of peers for which a benchmark is shown
// (k-anonymity): with fewer, quartiles could reveal a single organization's figures.
const MinPeers = 5

// PeerInput is the latest completed assessment of one organization, as a candidate peer.
type PeerInput struct {
	OrgID      string
	Bank       *questions.Bank
	Assessment *Assessment
}

// Quartiles are the 25th percentile, median and 75th percentile of a figure over peers.
type Quartiles struct {
	P25    float64 `json:"p25"`
	Median float64 `json:"median"`
	P75    float64 `json:"p75"`
}

// RatioQuartiles are the quartiles of a figure that only some peers have (it is null for
// the others); N says how many have it. The quartiles are shown only when N ≥ MinPeers.
type RatioQuartiles struct {
	N int `json:"n"`
	*Quartiles
}

// PeerBenchmark compares an assessment with its peers: organizations in the same size
// band. Below MinPeers peers only SizeBand and N are set. Nothing in it identifies a peer.
type PeerBenchmark struct {
	SizeBand           SizeBand        `json:"size_band"`
	N                  int             `json:"n"`
	BalanceIndex       *Quartiles      `json:"balance_index,omitempty"`
	EngineeringIndex   *Quartiles      `json:"engineering_index,omitempty"`
	CEEngineeringShare *Quartiles      `json:"ce_engineering_share,omitempty"`
	BMETPerCE          *RatioQuartiles `json:"bmet_per_ce,omitempty"`
	NoCE               *int            `json:"no_ce,omitempty"`
}

// Enough reports whether there were enough peers to show a benchmark.
func (p *PeerBenchmark) Enough() bool { return p.N >= MinPeers }

// Peers computes the peer benchmark of SPEC §4.1 for an organization (orgID) in size
// band band: over the candidates that are completed, belong to another organization and
// have a profile in the same band. Candidates should be each organization's latest
// completed assessment.
func Peers(orgID string, band SizeBand, candidates []PeerInput) PeerBenchmark {
	pb := PeerBenchmark{SizeBand: band}
	var balance, engineering, ceShare, bmetPerCE []float64
	noCE := 0
	var buf [64]int8
	for _, c := range candidates {
		a := c.Assessment
		if c.OrgID == orgID || a == nil || c.Bank == nil || a.Status != Completed || BandFor(a.Profile.Beds) != band {
			continue
		}
		all, eng, _ := tallies(c.Bank, resolve(c.Bank, a.Answers, buf[:]), nil)
		if all.weight == 0 {
			continue // nothing to compare; cannot happen for a valid completed assessment
		}
		pb.N++
		balance = append(balance, 100*all.fitWeight/float64(all.weight))
		if eng.weight > 0 {
			engineering = append(engineering, 100*eng.fitWeight/float64(eng.weight))
		}
		ceShare = append(ceShare, eng.shares().Of(CE))
		if r := ratio(a.Profile.BMETFTE, a.Profile.CEFTE); r != nil {
			bmetPerCE = append(bmetPerCE, *r)
		}
		if a.Profile.CEFTE == 0 {
			noCE++
		}
	}
	if pb.N < MinPeers {
		return pb
	}
	pb.BalanceIndex = quartiles(balance)
	pb.EngineeringIndex = quartiles(engineering)
	pb.CEEngineeringShare = quartiles(ceShare)
	pb.BMETPerCE = &RatioQuartiles{N: len(bmetPerCE), Quartiles: quartiles(bmetPerCE)}
	pb.NoCE = &noCE
	return pb
}

// quartiles returns the quartiles of values, or nil when there are fewer than MinPeers
// of them. values is sorted in place.
func quartiles(values []float64) *Quartiles {
	if len(values) < MinPeers {
		return nil
	}
	sort.Float64s(values)
	return &Quartiles{
		P25:    Percentile(values, 0.25),
		Median: Percentile(values, 0.5),
		P75:    Percentile(values, 0.75),
	}
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
