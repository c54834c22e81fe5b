package store_test

import (
	"errors"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/store"
)

// TestReportDataPreviousByCompletionTime: the previous assessment is chosen by
// completion time, not by number, for a completed assessment, the latest and a draft;
// the peers and banks come with it.
func TestReportData(t *testing.T) {
	now := time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC)
	s := open(t, dbPath(t), store.Options{Now: func() time.Time { return now }})
	org := mustOrg(t, s, "Alpha Hospital")
	peer := mustOrg(t, s, "Beta Hospital")

	completeWith(t, s, org.ID, mustStart(t, s, org.ID).Number, assessment.BMET, goodProfile) // #1, 2025-03-01
	now = time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC)                                        // a clock set back
	completeWith(t, s, org.ID, mustStart(t, s, org.ID).Number, assessment.CE, goodProfile)   // #2, 2024-03-01
	now = time.Date(2025, 6, 1, 9, 0, 0, 0, time.UTC)
	draft := mustStart(t, s, org.ID) // #3
	completeWith(t, s, peer.ID, mustStart(t, s, peer.ID).Number, assessment.Vendor, goodProfile)

	tests := []struct {
		number        int
		current, prev int // 0: none
	}{
		{0, 1, 2}, // the latest completed is #1 by time; before it, #2
		{1, 1, 2},
		{2, 2, 0},
		{draft.Number, draft.Number, 1},
		{9, 0, 0},
	}
	for _, tt := range tests {
		d, err := s.ReportData(org.ID, tt.number, nil)
		if err != nil {
			t.Fatalf("ReportData(%d): %v", tt.number, err)
		}
		num := func(sc *assessment.Scored) int {
			if sc == nil {
				return 0
			}
			if sc.Bank == nil {
				t.Errorf("ReportData(%d): an assessment without its bank", tt.number)
			}
			return sc.Assessment.Number
		}
		if c, p := num(d.Current), num(d.Previous); c != tt.current || p != tt.prev {
			t.Errorf("ReportData(%d): current #%d, previous #%d; want #%d, #%d", tt.number, c, p, tt.current, tt.prev)
		}
		if d.Org.ID != org.ID || len(d.Assessments) != 3 {
			t.Errorf("ReportData(%d): org %q, %d assessments; want %q, 3", tt.number, d.Org.ID, len(d.Assessments), org.ID)
		}
		if (d.Report() == nil) != (tt.current == 0) {
			t.Errorf("ReportData(%d).Report() = %v", tt.number, d.Report())
		}
	}
	if r := mustReport(t, s, org.ID, 0); r.Change == nil || r.Change.From.Number != 2 || r.Peers.SizeBand == "" {
		t.Errorf("report of the latest: change %+v", r.Change)
	}
	if _, err := s.ReportData("nobody", 0, nil); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("ReportData(unknown org) = %v; want ErrNotFound", err)
	}
}

func mustReport(t *testing.T, s *store.Store, orgID string, n int) *assessment.Report {
	t.Helper()
	d, err := s.ReportData(orgID, n, nil)
	if err != nil {
		t.Fatal(err)
	}
	return d.Report()
}
