package cli

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

func (a *app) demoCmd() *cobra.Command {
	var remove bool
	cmd := &cobra.Command{
		Use:   "demo",
		Short: `Add demo data ("Demo …" organizations, marked as demo data) to see scorecards, history and peers; --remove deletes it`,
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			out := cmd.OutOrStdout()
			if remove {
				orgs, assessments, err := st.RemoveDemo()
				if err != nil {
					return err
				}
				if orgs == 0 {
					fmt.Fprintf(out, "No demo data in %s: nothing changed.\n", st.Path())
					return nil
				}
				fmt.Fprintf(out, "Removed the demo data from %s: %s, %s. Nothing else changed.\n",
					st.Path(), plural(orgs, "organization"), plural(assessments, "assessment"))
				return nil
			}
			orgs := DemoData()
			if err := st.ReplaceAll(orgs, questions.Builtin(), false); err != nil {
				if errors.Is(err, store.ErrExists) {
					return fmt.Errorf("demo data is already in %s: nothing changed (see it with `cebalance report --org demo-general-hospital`, remove it with `cebalance demo --remove`)", st.Path())
				}
				return err
			}
			fmt.Fprintf(out, "Added %s (3 assessments, 2023–2025; the last one on question bank v%d) and %d anonymous demo peers to %s.\n",
				orgs[0].Name, questions.Default().Version, len(orgs)-1, st.Path())
			fmt.Fprintf(out, "They are marked as demo data: they are compared only with each other, never with your organizations.\n")
			fmt.Fprintf(out, "Try:\n  cebalance report --org %s\n  cebalance history --org %s\n  cebalance\nRemove them with:\n  cebalance demo --remove\n", orgs[0].ID, orgs[0].ID)
			return nil
		},
	}
	cmd.Flags().BoolVar(&remove, "remove", false, "delete the demo data (and nothing else)")
	return cmd
}

// demoStory is who does what at Demo General Hospital in three yearly assessments: no
// clinical engineer in 2023 (engineering absorbed by BMETs and the manager, critical
// gaps), one CE hired in 2024 (critical gaps closed), two CEs in 2025. The first two
// are answered with version 1 of the default bank, the third with the current one: it
// answers the functions added since (demoNew) and uses the answers added with them
// (a senior specialist, another department), so the demo shows a comparison across
// bank versions.
var demoStory = [3]map[string]questions.Performer{
	{
		"capital_planning": "manager", "technology_assessment": "nobody", "prepurchase_evaluation": "bmet",
		"service_contracts": "manager", "replacement_decisions": "bmet",
		"maintenance_program": "bmet", "aem_program": "nobody", "cmms_analysis": "nobody",
		"inventory": "bmet", "incoming_inspection": "bmet", "scheduled_maintenance": "bmet", "repair": "bmet",
		"vendor_coordination": "bmet", "test_equipment": "bmet",
		"incident_investigation": "bmet", "adverse_event_reporting": "unsure", "recall_management": "nobody",
		"recall_field_actions": "bmet", "risk_analysis": "nobody", "alarm_management": "unsure",
		"survey_readiness": "manager", "committee_reporting": "manager", "annual_plan_evaluation": "manager",
		"policies_procedures":   "manager",
		"cyber_risk_assessment": "it", "device_integration": "it", "device_patching": "unsure", "network_inventory": "it",
		"construction_planning": "nobody", "installation_planning": "bmet", "installation": "vendor",
		"clinical_consultation": "bmet", "user_training": "vendor", "staff_development": "manager",
		"kpi_benchmarking": "nobody", "budget": "manager", "staffing_model": "manager",
	},
	{
		"technology_assessment": "ce", "prepurchase_evaluation": "ce", "replacement_decisions": "manager",
		"maintenance_program": "ce", "aem_program": "ce", "cmms_analysis": "ce",
		"incident_investigation": "ce", "adverse_event_reporting": "ce", "recall_management": "ce",
		"risk_analysis": "unsure", "alarm_management": "ce", "device_patching": "it",
	},
	{
		"capital_planning": "ce", "service_contracts": "ce", "risk_analysis": "ce",
		"survey_readiness": "ce", "annual_plan_evaluation": "ce", "cyber_risk_assessment": "ce",
		"construction_planning": "ce", "installation_planning": "ce", "clinical_consultation": "ce",
		"kpi_benchmarking": "ce", "staffing_model": "manager",
		// Risk management files MDRs with HTM input; nurse educators run in-service
		// training; the senior BMET (a CBET) administers the CMMS.
		"adverse_event_reporting": "other_dept", "user_training": "other_dept",
		"cmms_administration": "specialist",
	},
}

// demoNew answers the functions the current bank added over version 1, for every
// assessment made with it that the story does not answer.
var demoNew = map[string]questions.Performer{
	"equipment_contingency": "ce", "equipment_disposal": "bmet", "nonowned_equipment": "bmet",
	"contract_oversight": "manager", "cmms_administration": "bmet",
}

var demoProfiles = [3]assessment.Profile{
	{Beds: 240, CEFTE: 0, BMETFTE: 6, ManagerFTE: 1, ITFTE: 0, Devices: 6800},
	{Beds: 240, CEFTE: 1, BMETFTE: 6, ManagerFTE: 1, ITFTE: 0.5, Devices: 7100},
	{Beds: 250, CEFTE: 2, BMETFTE: 7, ManagerFTE: 1, ITFTE: 1, Devices: 7400},
}

// demoPeers are six anonymous organizations of the same size band, each built from one
// year of the story with a few changes.
var demoPeers = []struct {
	letter  string
	year    int
	profile assessment.Profile
	changes map[string]questions.Performer
}{
	{"A", 0, assessment.Profile{Beds: 180, BMETFTE: 5, ManagerFTE: 1, Devices: 5200}, map[string]questions.Performer{"recall_management": "manager", "aem_program": "bmet"}},
	{"B", 1, assessment.Profile{Beds: 275, CEFTE: 1, BMETFTE: 9, ManagerFTE: 1, Devices: 8100}, map[string]questions.Performer{"kpi_benchmarking": "manager"}},
	{"C", 2, assessment.Profile{Beds: 290, CEFTE: 2, BMETFTE: 10, ManagerFTE: 2, ITFTE: 1, Devices: 9900}, nil},
	{"D", 0, assessment.Profile{Beds: 130, BMETFTE: 4, ManagerFTE: 1, Devices: 3900}, map[string]questions.Performer{"adverse_event_reporting": "manager", "recall_management": "bmet", "device_patching": "vendor"}},
	{"E", 1, assessment.Profile{Beds: 210, CEFTE: 0.5, BMETFTE: 6, ManagerFTE: 1, Devices: 6000}, map[string]questions.Performer{"maintenance_program": "manager", "capital_planning": "ce"}},
	{"F", 2, assessment.Profile{Beds: 160, CEFTE: 1, BMETFTE: 4, ManagerFTE: 0.5, Devices: 4100}, map[string]questions.Performer{"repair": "vendor", "scheduled_maintenance": "vendor"}},
}

// DemoData returns the demo organizations: Demo General Hospital with three completed
// assessments, then six peer-only "Demo Peer Hospital" organizations.
func DemoData() []store.OrgData {
	bank, v1 := questions.Default(), questions.BuiltinFor(questions.Ref{ID: "default", Version: 1})
	yearly := make([]map[string]questions.Performer, 3)
	cur := map[string]questions.Performer{}
	for y := range demoStory {
		for k, v := range demoStory[y] {
			cur[k] = v
		}
		yearly[y] = make(map[string]questions.Performer, len(cur))
		for k, v := range cur {
			yearly[y][k] = v
		}
	}
	mk := func(number, year int, bank *questions.Bank, profile assessment.Profile, who map[string]questions.Performer) assessment.Assessment {
		start := time.Date(2023+year, time.October, 2+year, 9, 0, 0, 0, time.UTC)
		done := start.AddDate(0, 0, 14)
		a := assessment.Assessment{
			Number: number, Status: assessment.Completed, StartedAt: start, CompletedAt: &done,
			Bank: bank.Ref(), Profile: profile, Answers: map[string]assessment.Answer{},
		}
		for i, f := range bank.Functions {
			p, ok := who[f.ID]
			if !ok {
				p = demoNew[f.ID]
			}
			a.Answers[f.ID] = assessment.Answer{Performer: p, AnsweredAt: start.Add(time.Duration(i) * 3 * time.Minute)}
		}
		return a
	}
	main := store.OrgData{Organization: store.Organization{
		ID: "demo-general-hospital", Name: "Demo General Hospital", CreatedAt: time.Date(2023, time.October, 2, 8, 55, 0, 0, time.UTC),
		Demo: true,
	}}
	for y := range 3 {
		b := v1
		if y == 2 {
			b = bank
		}
		main.Assessments = append(main.Assessments, mk(y+1, y, b, demoProfiles[y], yearly[y]))
	}
	main.Assessments[0].Answers["adverse_event_reporting"] = assessment.Answer{
		Performer: assessment.Unsure, AnsweredAt: main.Assessments[0].Answers["adverse_event_reporting"].AnsweredAt,
		Note: "Risk management may file MDRs; nobody in HTM has seen one.",
	}
	out := []store.OrgData{main}
	for _, p := range demoPeers {
		who := make(map[string]questions.Performer, len(yearly[p.year]))
		for k, v := range yearly[p.year] {
			who[k] = v
		}
		for k, v := range p.changes {
			who[k] = v
		}
		out = append(out, store.OrgData{
			Organization: store.Organization{
				ID: "demo-peer-hospital-" + strings.ToLower(p.letter), Name: "Demo Peer Hospital " + p.letter,
				CreatedAt: time.Date(2025, time.September, 1, 12, 0, 0, 0, time.UTC), PeerOnly: true, Demo: true,
			},
			Assessments: []assessment.Assessment{mk(1, 2, bank, p.profile, who)},
		})
	}
	return out
}
