package report_test

import (
	"fmt"
	"os"
	"time"

	"cebalance/assessment"
	"cebalance/report"
)

func ExampleParseFormat() {
	f, err := report.ParseFormat("markdown")
	fmt.Println(f, err)
	_, err = report.ParseFormat("markdown", report.HistoryFormats...)
	fmt.Println(err)
	// Output:
	// markdown <nil>
	// unknown format "markdown": use text, json, csv or html
}

func ExampleHistory() {
	done := time.Date(2024, 3, 12, 9, 30, 0, 0, time.UTC)
	balance, eng, ops := 71.25, 64.4, 88.6
	tr := assessment.Trend{Points: []assessment.Point{{
		Ref:          assessment.Ref{Number: 1, Status: assessment.Completed, CompletedAt: &done},
		BalanceIndex: &balance, EngineeringIndex: &eng, OperationsIndex: &ops,
		Absorbed: 0.42, Verdict: assessment.MostlyBalanced, CriticalGaps: 0, Gaps: 2,
		Staffing: assessment.StaffingOf(assessment.Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, Devices: 7000}),
	}}}
	org := assessment.Organization{ID: "st-example", Name: "St Example Hospital"}
	if err := report.History(os.Stdout, report.CSV, org, tr); err != nil {
		fmt.Println(err)
	}
	// Output:
	// number,completed_at,balance_index,engineering_index,operations_index,absorbed,verdict,critical_gaps,gaps,ce_fte,bmet_fte,manager_fte,it_fte,beds,devices
	// 1,2024-03-12T09:30:00Z,71.25,64.4,88.6,0.42,mostly-balanced,0,2,1,8,1,0,250,7000
}
