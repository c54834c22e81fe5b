package questions

import (
	"strings"
	"testing"
)

// TestDefaultV2 checks the current default bank against the rules of version 2.
func TestDefaultV2(t *testing.T) {
	v1, v2 := Builtin()[0], Default()
	if v2.Version != 2 || v2.StandardsAsOf != "2026-11" || v2.FitDefaults == nil {
		t.Fatalf("default bank %s, standards %q, fit_defaults %v", v2.Ref(), v2.StandardsAsOf, v2.FitDefaults)
	}
	// Every v1 id, in v1 order, with the new ones interleaved.
	next := 0
	for _, f := range v2.Functions {
		if next < len(v1.Functions) && f.ID == v1.Functions[next].ID {
			next++
		}
	}
	if next != len(v1.Functions) {
		t.Errorf("v1 id %q missing or out of order in v2", v1.Functions[next].ID)
	}
	for _, id := range []string{"equipment_contingency", "equipment_disposal", "nonowned_equipment", "contract_oversight", "cmms_administration"} {
		if _, ok := v2.Function(id); !ok {
			t.Errorf("new function %q missing", id)
		}
	}
	for _, f := range v2.Functions {
		if f.WeightWhy == "" {
			t.Errorf("%s has no weight_why", f.ID)
		}
		if f.NAAllowed && !strings.Contains(f.Help, "Not applicable here") {
			t.Errorf("%s allows na but its help does not say when", f.ID)
		}
		if strings.Contains(f.Help, "analyzes") || strings.Contains(f.Question, "analyzes (") {
			t.Errorf("%s: typo 'analyzes'", f.ID)
		}
	}
	for _, id := range []string{"aem_program", "construction_planning"} {
		if f, _ := v2.Function(id); !f.NAAllowed {
			t.Errorf("%s does not allow na", id)
		}
	}
	// The weights the issue named as regulatory are 3.
	for _, id := range []string{"alarm_management", "incoming_inspection", "committee_reporting", "test_equipment", "staff_development"} {
		if f, _ := v2.Function(id); f.Weight != 3 {
			t.Errorf("%s weight %d, want 3", id, f.Weight)
		}
	}
	// The manager fits 1.0 on management work, risk management on MDR filing.
	for _, id := range []string{"budget", "staffing_model", "policies_procedures", "committee_reporting", "staff_development", "kpi_benchmarking"} {
		if f, _ := v2.Function(id); f.FitFor(Manager) != 1 {
			t.Errorf("%s manager fit %v", id, f.FitFor(Manager))
		}
	}
	if f, _ := v2.Function("adverse_event_reporting"); f.FitFor(OtherDept) != 1 || f.FitFor(NA) != 0 {
		t.Errorf("MDR other_dept fit %v", f.FitFor(OtherDept))
	}
	if f, _ := v2.Function("inventory"); f.Allows(NA) || !f.Allows(Specialist) {
		t.Error("inventory answer options")
	}
	// Citations: no retired TJC EC/NPSG element cited as current.
	for _, f := range v2.Functions {
		for _, old := range []string{"TJC EC.", "NPSG.06.01.01 requires", "EC.02.04.01 requires"} {
			if strings.Contains(f.Help, old) {
				t.Errorf("%s cites %q as current", f.ID, old)
			}
		}
	}
}

// TestFitDefaultsValidation refuses incomplete tables and unexplained overrides.
func TestFitDefaultsValidation(t *testing.T) {
	base := string(DefaultYAML())
	for _, tc := range []struct{ name, from, to, want string }{
		{"missing performer", "    other_dept: 0.5\n    vendor: 0.5\n", "    vendor: 0.5\n", `fit_defaults.engineering has no fit for "other_dept"`},
		{"fit out of range", "    specialist: 0.75\n", "    specialist: 1.5\n", "outside [0,1]"},
		{"override without why", "      user_training: 0\n", "", ""},
		{"na fit", "    fit:\n      other_dept: 1.0\n", "    fit:\n      na: 1.0\n", "na has no fit"},
		{"bad month", `standards_as_of: "2026-11"`, `standards_as_of: "Nov 2026"`, "must be a month"},
	} {
		if tc.want == "" {
			continue
		}
		t.Run(tc.name, func(t *testing.T) {
			src := strings.Replace(base, tc.from, tc.to, 1)
			if src == base {
				t.Fatalf("replacement %q not found", tc.from)
			}
			_, err := Parse("b.yaml", []byte(src))
			if err == nil || !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "b.yaml:") {
				t.Errorf("error %v, want one line with %q", err, tc.want)
			}
		})
	}
	// An override whose reason is removed.
	src := strings.Replace(base, `      budget: 1.0`, `      budget: 1.0`, 1)
	src = strings.Replace(src, "    fit_why:\n      manager: \"Management work: the HTM budget is the manager's job.\"\n", "", 1)
	if _, err := Parse("b.yaml", []byte(src)); err == nil || !strings.Contains(err.Error(), "has no reason") {
		t.Errorf("override without reason: %v", err)
	}
}
