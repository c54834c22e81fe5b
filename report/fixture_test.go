package report

import (
	"fmt"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// smallBank is a bank of 2 domains and 4 functions: three engineering, one operations,
// one fit override and one function without its own recommendation.
func smallBank(t testing.TB) *questions.Bank {
	t.Helper()
	b := &questions.Bank{
		ID: "small", Version: 2, Name: "Small test bank",
		Domains: []questions.Domain{
			{ID: "planning", Name: "Planning | purchasing"},
			{ID: "maintenance", Name: "Maintenance program"},
		},
		Functions: []questions.Function{
			{
				ID: "capital_planning", Domain: "planning", Kind: questions.Engineering, Weight: 2,
				Title: "Capital planning", Question: "Who plans capital?",
				Recommendation: "Give one person ownership of a rolling 3–5 year replacement plan built from CMMS data, and review it with finance every budget cycle.",
			},
			{
				ID: "service_contracts", Domain: "planning", Kind: questions.Engineering, Weight: 1,
				Title: "Service contracts", Question: "Who evaluates service contracts?",
			},
			{
				ID: "maintenance_program", Domain: "maintenance", Kind: questions.Engineering, Weight: 3,
				Title: "Maintenance program", Question: "Who designs the maintenance program?",
				Recommendation: "Make a clinical engineer, or the manager with engineering support, own the inclusion criteria, strategies and intervals, and review them yearly.",
			},
			{
				ID: "scheduled_maintenance", Domain: "maintenance", Kind: questions.Operations, Weight: 3,
				Title: "Scheduled maintenance", Question: "Who does scheduled maintenance?",
				Fit: map[questions.Performer]float64{questions.Vendor: 1},
			},
		},
	}
	if err := b.Validate(); err != nil {
		t.Fatalf("small bank: %v", err)
	}
	return b
}

func day(y, m, d int) time.Time { return time.Date(y, time.Month(m), d, 15, 4, 5, 0, time.UTC) }

// completed returns a completed assessment with answers given as function=performer.
func completed(n int, at time.Time, p assessment.Profile, answers map[string]assessment.Performer) *assessment.Assessment {
	done := at
	a := &assessment.Assessment{
		Number: n, Status: assessment.Completed,
		StartedAt: at.Add(-72 * time.Hour), CompletedAt: &done,
		Profile: p, Answers: map[string]assessment.Answer{},
	}
	for id, perf := range answers {
		a.Answers[id] = assessment.Answer{Performer: perf, AnsweredAt: at.Add(-time.Hour)}
	}
	return a
}

func withBank(a *assessment.Assessment, b *questions.Bank) *assessment.Assessment {
	a.Bank = b.Ref()
	return a
}

// peerInputs returns n peers in the medium band, with varied answers and staffing.
func peerInputs(b *questions.Bank, n int) []assessment.PeerInput {
	perfs := []assessment.Performer{assessment.CE, assessment.BMET, assessment.Manager, assessment.Vendor}
	ces := []float64{0, 1, 0.5, 2, 1, 1.5}
	var out []assessment.PeerInput
	for i := range n {
		ans := map[string]assessment.Performer{}
		for j, f := range b.Functions {
			ans[f.ID] = perfs[(i+j)%len(perfs)]
		}
		p := assessment.Profile{Beds: 120 + 20*i, CEFTE: ces[i%len(ces)], BMETFTE: float64(3 + i), ManagerFTE: 1, Devices: 2000 + 500*i}
		out = append(out, assessment.PeerInput{
			OrgID: fmt.Sprintf("peer-%d", i), Bank: b,
			Assessment: withBank(completed(1, day(2024, 1, 1+i), p, ans), b),
		})
	}
	return out
}

// peerBench is the published peer benchmark over peerInputs(b, n), as of 2025-01-31.
func peerBench(b *questions.Bank, n int) assessment.PeerBenchmark {
	var g assessment.Group
	for _, in := range peerInputs(b, n) {
		g.Add(assessment.ValuesOf(in.OrgID, in.Bank, in.Assessment))
	}
	g.Sort()
	return assessment.Peers(assessment.Medium, g, time.Date(2025, 1, 31, 0, 0, 0, 0, time.UTC), false)
}

var testOrg = assessment.Organization{ID: "st-example", Name: "St Example Hospital"}

// fixture is the fixed report of the golden files: a second completed assessment with a
// critical gap, a "don't know" with a note, no CEs, six peers and a change.
func fixture(t testing.TB) (*assessment.Report, *questions.Bank, *assessment.Assessment) {
	b := smallBank(t)
	prev := withBank(completed(1, day(2023, 3, 14), assessment.Profile{Beds: 180, BMETFTE: 3, ManagerFTE: 1}, map[string]assessment.Performer{
		"capital_planning": assessment.Nobody, "service_contracts": assessment.Manager,
		"maintenance_program": assessment.Nobody, "scheduled_maintenance": assessment.Vendor,
	}), b)
	cur := withBank(completed(2, day(2024, 3, 12), assessment.Profile{Beds: 180, BMETFTE: 4, ManagerFTE: 1, ITFTE: 0.5, Devices: 3500}, map[string]assessment.Performer{
		"capital_planning": assessment.BMET, "service_contracts": assessment.Unsure,
		"maintenance_program": assessment.Nobody, "scheduled_maintenance": assessment.BMET,
	}), b)
	ans := cur.Answers["service_contracts"]
	ans.Note = "Purchasing | legal may own these; nobody in HTM reviews them."
	cur.Answers["service_contracts"] = ans
	r := assessment.NewReport(testOrg, assessment.Scored{Bank: b, Assessment: cur},
		&assessment.Scored{Bank: b, Assessment: prev}, peerBench(b, 6))
	return r, b, cur
}

// realistic is a completed second assessment of a 250-bed hospital on the default bank:
// one clinical engineer, a manager carrying compliance, IT owning cybersecurity, risk
// management filing MDRs, a senior specialist running the CMMS, no construction (not
// applicable), a few gaps, seven peers and a previous assessment without a CE, answered
// with version 1 of the default bank.
func realistic(t testing.TB) (*assessment.Report, *questions.Bank, *assessment.Assessment) {
	b := questions.Default()
	const (
		ce, bmet, mgr, it, vendor, nobody, unsure = assessment.CE, assessment.BMET, assessment.Manager,
			assessment.IT, assessment.Vendor, assessment.Nobody, assessment.Unsure
	)
	now := map[string]assessment.Performer{
		"capital_planning": mgr, "technology_assessment": ce, "prepurchase_evaluation": ce,
		"service_contracts": mgr, "replacement_decisions": bmet,
		"maintenance_program": ce, "aem_program": mgr, "cmms_analysis": nobody, "inventory": bmet,
		"incoming_inspection": bmet, "scheduled_maintenance": bmet, "repair": bmet,
		"vendor_coordination": bmet, "test_equipment": vendor,
		"incident_investigation": ce, "adverse_event_reporting": mgr, "recall_management": bmet,
		"recall_field_actions": bmet, "risk_analysis": nobody, "alarm_management": unsure,
		"survey_readiness": mgr, "committee_reporting": mgr, "annual_plan_evaluation": mgr,
		"policies_procedures":   mgr,
		"cyber_risk_assessment": it, "device_integration": it, "device_patching": it, "network_inventory": it,
		"construction_planning": nobody, "installation_planning": bmet, "installation": bmet,
		"clinical_consultation": ce, "user_training": vendor, "staff_development": mgr,
		"kpi_benchmarking": unsure, "budget": mgr, "staffing_model": mgr,
	}
	then := map[string]assessment.Performer{}
	for id, p := range now {
		then[id] = p
	}
	for id, p := range map[string]assessment.Performer{
		"technology_assessment": nobody, "prepurchase_evaluation": bmet, "maintenance_program": mgr,
		"incident_investigation": bmet, "recall_management": nobody, "clinical_consultation": mgr,
		"cyber_risk_assessment": unsure, "device_patching": bmet,
	} {
		then[id] = p
	}
	// Version 2 adds functions and answers.
	for id, p := range map[string]assessment.Performer{
		"equipment_contingency": mgr, "equipment_disposal": bmet, "nonowned_equipment": bmet,
		"contract_oversight": mgr, "cmms_administration": questions.Specialist,
		"adverse_event_reporting": questions.OtherDept, "construction_planning": questions.NA,
	} {
		now[id] = p
	}
	v1 := questions.BuiltinFor(questions.Ref{ID: "default", Version: 1})
	prev := withBank(completed(1, day(2023, 4, 3), assessment.Profile{Beds: 250, BMETFTE: 8, ManagerFTE: 1, Devices: 6800}, then), v1)
	cur := withBank(completed(2, day(2024, 4, 9), assessment.Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, ITFTE: 0.5, Devices: 7200}, now), b)
	ans := cur.Answers["alarm_management"]
	ans.Note = "Alarm committee lapsed in 2023; nursing informatics may have picked it up."
	cur.Answers["alarm_management"] = ans
	org := assessment.Organization{ID: "mercy-general", Name: "Mercy General Hospital"}
	r := assessment.NewReport(org, assessment.Scored{Bank: b, Assessment: cur},
		&assessment.Scored{Bank: v1, Assessment: prev}, peerBench(b, 7))
	return r, b, cur
}
