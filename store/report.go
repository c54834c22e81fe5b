package store

import (
	"fmt"
	"sort"

	bolt "go.etcd.io/bbolt"

	"cebalance/assessment"
)

// ReportData is everything a scorecard needs, read in one transaction so that its
// figures come from one consistent state of the file: the organization, the
// assessment, the previous completed one, their banks and the peers.
type ReportData struct {
	Org Organization
	// Assessments lists every assessment of the organization by number, for messages
	// such as "it has 1, 2 and 3 (draft)".
	Assessments []assessment.Ref
	// Current is the assessment asked for; nil when there is no such assessment (or,
	// for the latest, no completed one).
	Current *assessment.Scored
	// Previous is the completed assessment before Current by completion time (for a
	// draft: the latest completed one); nil when there is none.
	Previous *assessment.Scored
	// Peers is the published peer benchmark of Current as the viewer may see it (see
	// Peers); empty when Current is nil.
	Peers assessment.PeerBenchmark
	// Completed are the organization's completed assessments with their banks, by
	// number: the history a report's trend is drawn from.
	Completed []assessment.Scored
}

// Report assembles the scorecard of d.Current; nil when there is no current assessment.
func (d *ReportData) Report() *assessment.Report {
	if d.Current == nil {
		return nil
	}
	return assessment.NewReport(d.Org.Public(), *d.Current, d.Previous, d.Peers)
}

// ReportData reads, in one transaction, assessment number of organization orgID (0:
// its latest completed assessment by completion time), the completed assessment before
// it by completion time, their banks and the peer benchmark from the stored snapshot,
// leaving out the organizations exclude that the viewer can see (see Peers). It returns
// ErrNotFound only when the organization does not exist; a missing assessment leaves
// Current nil.
func (s *Store) ReportData(orgID string, number int, exclude []string) (ReportData, error) {
	var d ReportData
	err := s.view(func(tx *bolt.Tx) error {
		orgs := tx.Bucket(bucketOrgs)
		if orgs == nil || orgID == "" || orgs.Bucket([]byte(orgID)) == nil {
			return fmt.Errorf("organization %q: %w", orgID, ErrNotFound)
		}
		var err error
		if d.Org, err = readOrg(orgs, []byte(orgID)); err != nil {
			return err
		}
		all, err := s.assessmentsTx(tx, orgID)
		if err != nil {
			return err
		}
		cur, prev := pickReport(all, number)
		for _, a := range all {
			d.Assessments = append(d.Assessments, assessment.Ref{Number: a.Number, Status: a.Status, CompletedAt: a.CompletedAt})
		}
		if d.Current, err = s.scoredTx(tx, cur); err != nil {
			return err
		}
		if d.Previous, err = s.scoredTx(tx, prev); err != nil {
			return err
		}
		if d.Completed, err = s.historyTx(tx, all); err != nil {
			return err
		}
		if d.Current != nil {
			d.Peers, err = peersTx(tx, d.Org, d.Current.Assessment, exclude)
		}
		return err
	})
	if err != nil {
		return ReportData{}, fmt.Errorf("read report data: %w", err)
	}
	return d, nil
}

// pickReport chooses, among all (by number), assessment number (0: the latest
// completed) and the completed one before it. Completed assessments are ordered by
// completion time, then number, as assessment.History orders them.
func pickReport(all []assessment.Assessment, number int) (cur, prev *assessment.Assessment) {
	var done []*assessment.Assessment
	for i := range all {
		if all[i].Status == assessment.Completed && all[i].CompletedAt != nil {
			done = append(done, &all[i])
		}
		if number > 0 && all[i].Number == number {
			cur = &all[i]
		}
	}
	sort.SliceStable(done, func(i, j int) bool {
		if !done[i].CompletedAt.Equal(*done[j].CompletedAt) {
			return done[i].CompletedAt.Before(*done[j].CompletedAt)
		}
		return done[i].Number < done[j].Number
	})
	if number == 0 && len(done) > 0 {
		cur = done[len(done)-1]
	}
	if cur == nil {
		return nil, nil
	}
	for i := len(done) - 1; i >= 0; i-- {
		if done[i] == cur {
			continue
		}
		if cur.CompletedAt == nil || done[i].CompletedAt.Before(*cur.CompletedAt) ||
			(done[i].CompletedAt.Equal(*cur.CompletedAt) && done[i].Number < cur.Number) {
			return cur, done[i]
		}
	}
	return cur, nil
}

// assessmentsTx reads every assessment of orgID with its answers, by number.
func (s *Store) assessmentsTx(tx *bolt.Tx, orgID string) ([]assessment.Assessment, error) {
	org, err := orgBucket(tx, orgID)
	if err != nil {
		return nil, err
	}
	var out []assessment.Assessment
	err = forEachCompleted(org, orgID, func(n int, v []byte) error {
		a, err := s.completedTx(tx, org, orgID, n, v, false)
		out = append(out, a)
		return err
	})
	if err != nil {
		return nil, err
	}
	if d := draftBucket(tx, orgID); d != nil {
		a, err := readAssessment(d, orgID, 0)
		if err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	// The draft is numbered past every completed assessment, so it is already last;
	// sorting keeps the promise even for a file that breaks that rule.
	sort.SliceStable(out, func(i, j int) bool { return out[i].Number < out[j].Number })
	return out, nil
}

// scoredTx pairs a with its bank; nil for nil.
func (s *Store) scoredTx(tx *bolt.Tx, a *assessment.Assessment) (*assessment.Scored, error) {
	if a == nil {
		return nil, nil
	}
	bank, err := s.bankTx(tx, a.Bank)
	if err != nil {
		return nil, err
	}
	return &assessment.Scored{Bank: bank, Assessment: a}, nil
}

// Completed returns the completed assessments of organization orgID with their banks,
// by number, read in one transaction: what a history is drawn from.
func (s *Store) Completed(orgID string) ([]assessment.Scored, error) {
	var out []assessment.Scored
	err := s.view(func(tx *bolt.Tx) error {
		all, err := s.assessmentsTx(tx, orgID)
		if err != nil {
			return err
		}
		out, err = s.historyTx(tx, all)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("read the history of %q: %w", orgID, err)
	}
	return out, nil
}

// historyTx pairs the completed assessments among all with their banks.
func (s *Store) historyTx(tx *bolt.Tx, all []assessment.Assessment) ([]assessment.Scored, error) {
	out := make([]assessment.Scored, 0, len(all))
	for i := range all {
		if all[i].Status != assessment.Completed || all[i].CompletedAt == nil {
			continue
		}
		sc, err := s.scoredTx(tx, &all[i])
		if err != nil {
			return nil, err
		}
		out = append(out, *sc)
	}
	return out, nil
}
