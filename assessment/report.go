package assessment

import (
	"time"

	"cebalance/questions"
)

// Info describes the assessment a report is about.
type Info struct {
	Number      int           `json:"number"`
	Status      Status        `json:"status"`
	StartedAt   time.Time     `json:"started_at"`
	CompletedAt *time.Time    `json:"completed_at"`
	Bank        questions.Ref `json:"bank"`
}

// Report is everything `report` shows about one assessment; its JSON form is the output
// of `report --format json` (its documented contract).
type Report struct {
	Organization Organization `json:"organization"`
	Assessment   Info         `json:"assessment"`
	Scorecard
	Peers PeerBenchmark `json:"peers"`
	// Change is the change since the previous completed assessment, nil for the first.
	Change *Comparison `json:"change"`
}

// NewReport assembles a report. prev is the previous completed assessment (nil when
// there is none); peers is the published peer benchmark (Peers, or DraftBenchmark for a
// draft).
func NewReport(org Organization, cur Scored, prev *Scored, peers PeerBenchmark) *Report {
	a := cur.Assessment
	r := &Report{
		Organization: org,
		Assessment: Info{
			Number: a.Number, Status: a.Status, StartedAt: a.StartedAt, CompletedAt: a.CompletedAt,
			Bank: questions.Ref{ID: cur.Bank.ID, Version: cur.Bank.Version},
		},
		Scorecard: *Score(cur.Bank, a),
	}
	r.Peers = peers
	if prev != nil {
		c := Compare(*prev, cur)
		r.Change = &c
	}
	return r
}
