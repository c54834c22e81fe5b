package assessment

import (
	"fmt"

	"cebalance/questions"
)

// Finding is a consistency check between the answers and the profile, shown beside the
// verdict. It does not change the verdict.
type Finding struct {
	ID       string   `json:"id"`
	Severity Severity `json:"severity"`
	Text     string   `json:"text"`
}

// Severity says how much a finding matters.
type Severity string

// The severities of findings.
const (
	// Warning: the answers and the profile contradict each other, or ownership is unknown.
	Warning Severity = "warning"
	// Notice: a question worth asking, common and not necessarily wrong.
	Notice Severity = "notice"
)

// The finding ids.
const (
	FindingCEWithoutStaff       = "ce-without-ce-staff"
	FindingBMETWithoutStaff     = "bmet-without-bmet-staff"
	FindingManagerConcentration = "manager-concentration"
	FindingUnknownOwnership     = "unknown-ownership"
)

// Thresholds of the findings.
const (
	// ManagerConcentrationShare is the manager's share of the engineering weight from
	// which manager-concentration is raised…
	ManagerConcentrationShare = 0.5
	// …when the profile has at most this many manager FTE.
	ManagerConcentrationFTE = 1.0
	// UnknownOwnershipCount is how many "don't know" answers raise unknown-ownership.
	UnknownOwnershipCount = 3
)

// findings checks the answers (perf, from resolve) against profile p; engShares are
// the engineering shares. The findings come in a fixed order.
func findings(p Profile, perf []int8, engShares Shares) []Finding {
	var count [questions.NumPerformers]int
	for _, pi := range perf {
		if pi >= 0 {
			count[pi]++
		}
	}
	n := func(q Performer) int { return count[q.Index()] }
	out := []Finding{}
	if c := n(CE); c > 0 && p.CEFTE == 0 {
		out = append(out, Finding{FindingCEWithoutStaff, Warning, fmt.Sprintf(
			"%s a dedicated clinical engineer, but the profile has 0 clinical engineer FTE. Correct the profile, or the answers: perhaps a specialist, the manager or a vendor does this work.",
			answerCount(c))})
	}
	if c := n(BMET) + n(questions.Specialist); c > 0 && p.BMETFTE == 0 {
		out = append(out, Finding{FindingBMETWithoutStaff, Warning, fmt.Sprintf(
			"%s BMETs or a senior technical specialist, but the profile has 0 BMET FTE. Correct the profile, or the answers: perhaps a vendor or another department does this work.",
			answerCount(c))})
	}
	if m := engShares.Of(Manager); m >= ManagerConcentrationShare && p.ManagerFTE <= ManagerConcentrationFTE {
		out = append(out, Finding{FindingManagerConcentration, Notice, fmt.Sprintf(
			"The HTM manager owns %.0f %% of the engineering weight with %s manager FTE. This is common in small hospitals; the question is capacity: does one person have the time for all of it, and who covers when they are away?",
			100*m, formatFTE(p.ManagerFTE))})
	}
	if c := n(Unsure); c >= UnknownOwnershipCount {
		out = append(out, Finding{FindingUnknownOwnership, Warning, fmt.Sprintf(
			"%d functions are answered \"don't know\". Unknown ownership is itself a finding: find out who, if anyone, does this work before acting on the other figures.", c)})
	}
	return out
}

// answerCount is "1 answer names" or "n answers name".
func answerCount(n int) string {
	if n == 1 {
		return "1 answer names"
	}
	return fmt.Sprintf("%d answers name", n)
}

func formatFTE(v float64) string {
	return fmt.Sprintf("%g", v)
}
