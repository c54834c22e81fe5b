package assessment

import (
	"fmt"
	"math/rand/v2"

	"cebalance/questions"
)

// v1Performers are the seven answers a version 1 assessment can hold.
var v1Performers = []Performer{CE, BMET, Manager, IT, Vendor, Nobody, Unsure}

// v1Assessments are 40 seeded random assessments of the version 1 default bank: each
// answers a random subset of the functions with a random v1 performer.
func v1Assessments(bank *questions.Bank) []*Assessment {
	r := rand.New(rand.NewPCG(11, 2026))
	out := make([]*Assessment, 40)
	for k := range out {
		ans := map[string]Answer{}
		skip := r.Float64() * 0.3
		for _, f := range bank.Functions {
			if r.Float64() < skip {
				continue
			}
			// Bias later assessments towards a fitting answer so every verdict shows up.
			p := v1Performers[r.IntN(len(v1Performers))]
			if k%3 == 0 && p.IsGap() {
				p = CE
			}
			ans[f.ID] = Answer{Performer: p, AnsweredAt: t0}
		}
		a := completed(ans)
		a.Number = k + 1
		if k%5 == 4 {
			a.Status = Draft
			a.CompletedAt = nil
		}
		out[k] = a
	}
	return out
}

// v1Figures are the figures of a scorecard that existed before bank version 2, by name.
func v1Figures(sc *Scorecard) map[string]any {
	m := map[string]any{
		"answered": sc.Answered, "total": sc.Total, "balance": sc.BalanceIndex,
		"engineering": sc.EngineeringIndex, "operations": sc.OperationsIndex,
		"absorbed": sc.Absorbed, "verdict": sc.Verdict, "critical_gaps": sc.CriticalGaps,
	}
	sec := func(name string, s Section) {
		m[name+".index"] = s.Index
		m[name+".coverage"] = s.Coverage
		m[name+".answered"] = s.Answered
		for _, p := range v1Performers {
			m[name+".share."+string(p)] = s.Shares.Of(p)
		}
	}
	sec("eng", sc.Engineering)
	sec("ops", sc.Operations)
	for _, d := range sc.Domains {
		sec("domain."+d.ID, d)
	}
	var gaps []string
	for _, g := range sc.Gaps {
		gaps = append(gaps, fmt.Sprintf("%s/%s/%d", g.Function, g.Performer, g.Weight))
	}
	m["gaps"] = gaps
	return m
}
