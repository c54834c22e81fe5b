package cli

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/report"
	"cebalance/store"
)

func (a *app) reportCmd() *cobra.Command {
	var org, format string
	var number int
	cmd := &cobra.Command{
		Use:   "report",
		Short: "Print the scorecard of the latest completed assessment (or of --assessment N)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := report.ParseFormat(format, report.Text, report.Markdown, report.JSON, report.CSV)
			if err != nil {
				return usageError{err}
			}
			if cmd.Flags().Changed("assessment") && number < 1 {
				return usagef("--assessment must be an assessment number (1, 2, …), not %d", number)
			}
			st, err := a.open(true)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			rep, bank, cur, err := a.buildReport(st, org, number)
			if err != nil {
				return err
			}
			return report.Scorecard(cmd.OutOrStdout(), f, rep, bank, cur)
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organization id or exact name (may be omitted when there is only one)")
	cmd.Flags().IntVar(&number, "assessment", 0, "assessment number (a draft only when named)")
	cmd.Flags().StringVar(&format, "format", "text", "text, markdown, json or csv")
	return cmd
}

// buildReport assembles the report of assessment number of the organization (0 = the
// latest completed), with the previous completed assessment and the peers.
func (a *app) buildReport(st *store.Store, orgRef string, number int) (*assessment.Report, *questions.Bank, *assessment.Assessment, error) {
	org, err := a.resolveOrg(st, orgRef)
	if err != nil {
		return nil, nil, nil, err
	}
	all, err := st.Assessments(org.ID)
	if err != nil {
		return nil, nil, nil, err
	}
	done := completedByTime(all)
	var cur *assessment.Assessment
	if number > 0 {
		for i := range all {
			if all[i].Number == number {
				cur = &all[i]
			}
		}
		if cur == nil {
			return nil, nil, nil, fmt.Errorf("%s has no assessment %d (it has %s)", org.Name, number, numbersOf(all))
		}
	} else {
		if len(done) == 0 {
			if len(all) > 0 {
				return nil, nil, nil, fmt.Errorf("%s has no completed assessment yet: finish draft %d in `cebalance`, or see it with --assessment %d", org.Name, all[len(all)-1].Number, all[len(all)-1].Number)
			}
			return nil, nil, nil, fmt.Errorf("%s has no assessment yet: run `cebalance` to start one", org.Name)
		}
		cur = done[len(done)-1]
	}
	curBank, err := st.Bank(cur.Bank)
	if err != nil {
		return nil, nil, nil, err
	}
	// The previous assessment is the last completed one before cur (for a draft: the
	// last completed one).
	var prev *assessment.Scored
	for i := len(done) - 1; i >= 0; i-- {
		d := done[i]
		if d.Number == cur.Number || (cur.CompletedAt != nil && !d.CompletedAt.Before(*cur.CompletedAt)) {
			continue
		}
		b, err := st.Bank(d.Bank)
		if err != nil {
			return nil, nil, nil, err
		}
		prev = &assessment.Scored{Bank: b, Assessment: d}
		break
	}
	peers, err := a.peers(st, org, cur)
	if err != nil {
		return nil, nil, nil, err
	}
	rep := assessment.NewReport(assessment.Organization{ID: org.ID, Name: org.Name, Demo: org.Demo},
		assessment.Scored{Bank: curBank, Assessment: cur}, prev, peers)
	return rep, curBank, cur, nil
}

// peers is the peer benchmark of assessment cur of org as the caller may see it: from
// the benchmark snapshot, less every organization the caller can see.
func (a *app) peers(st *store.Store, org store.Organization, cur *assessment.Assessment) (assessment.PeerBenchmark, error) {
	return st.Peers(org, cur, a.env.Scope.Excluded())
}

func completedByTime(all []assessment.Assessment) []*assessment.Assessment {
	var done []*assessment.Assessment
	for i := range all {
		if all[i].Status == assessment.Completed && all[i].CompletedAt != nil {
			done = append(done, &all[i])
		}
	}
	sort.SliceStable(done, func(i, j int) bool {
		if !done[i].CompletedAt.Equal(*done[j].CompletedAt) {
			return done[i].CompletedAt.Before(*done[j].CompletedAt)
		}
		return done[i].Number < done[j].Number
	})
	return done
}

func numbersOf(all []assessment.Assessment) string {
	if len(all) == 0 {
		return "none"
	}
	parts := make([]string, len(all))
	for i, x := range all {
		parts[i] = fmt.Sprint(x.Number)
		if x.Status == assessment.Draft {
			parts[i] += " (draft)"
		}
	}
	return strings.Join(parts, ", ")
}

func (a *app) historyCmd() *cobra.Command {
	var org, format string
	cmd := &cobra.Command{
		Use:   "history",
		Short: "Print the trend of an organization's completed assessments",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := report.ParseFormat(format, report.Text, report.JSON, report.CSV)
			if err != nil {
				return usageError{err}
			}
			st, err := a.open(true)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			o, err := a.resolveOrg(st, org)
			if err != nil {
				return err
			}
			all, err := st.Assessments(o.ID)
			if err != nil {
				return err
			}
			items := make([]assessment.Scored, 0, len(all))
			for i := range all {
				if all[i].Status != assessment.Completed {
					continue
				}
				b, err := st.Bank(all[i].Bank)
				if err != nil {
					return err
				}
				items = append(items, assessment.Scored{Bank: b, Assessment: &all[i]})
			}
			if len(items) == 0 && f == report.Text {
				return fmt.Errorf("%s has no completed assessment yet: the history starts with the first one", o.Name)
			}
			return report.History(cmd.OutOrStdout(), f, assessment.Organization{ID: o.ID, Name: o.Name}, assessment.History(items))
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organization id or exact name (may be omitted when there is only one)")
	cmd.Flags().StringVar(&format, "format", "text", "text, json or csv")
	return cmd
}

// resolveOrg finds the organization the caller named, or the only one they can see.
// Peer-only organizations (benchmark data) are found only by name. A director is told
// the same about an organization that exists but is not theirs as about one that does
// not exist.
func (a *app) resolveOrg(st *store.Store, ref string) (store.Organization, error) {
	scope := a.env.Scope
	if ref != "" {
		o, err := st.Organization(ref)
		if errors.Is(err, store.ErrNotFound) || (err == nil && !scope.CanSee(o.ID)) {
			return store.Organization{}, fmt.Errorf("no organization %q%s", ref, a.orgHint(st))
		}
		return o, err
	}
	orgs, err := a.visibleOrgs(st)
	if err != nil {
		return store.Organization{}, err
	}
	switch len(orgs) {
	case 0:
		return store.Organization{}, errors.New("no organizations yet: run `cebalance` to create one, or `cebalance demo` for demo data")
	case 1:
		return orgs[0], nil
	}
	return store.Organization{}, usagef("there are %d organizations: choose one with --org (%s)", len(orgs), idList(orgs))
}

// visibleOrgs are the organizations the caller may see, without peer-only ones.
func (a *app) visibleOrgs(st *store.Store) ([]store.Organization, error) {
	all, err := st.Organizations()
	if err != nil {
		return nil, err
	}
	var out []store.Organization
	for _, o := range all {
		if a.env.Scope.CanSee(o.ID) && !o.PeerOnly {
			out = append(out, o)
		}
	}
	return out, nil
}

func (a *app) orgHint(st *store.Store) string {
	orgs, err := a.visibleOrgs(st)
	if err != nil || len(orgs) == 0 {
		return ""
	}
	return ": use one of " + idList(orgs)
}

func idList(orgs []store.Organization) string {
	ids := make([]string, 0, len(orgs))
	for i, o := range orgs {
		if i == 8 {
			ids = append(ids, fmt.Sprintf("and %d more", len(orgs)-i))
			break
		}
		ids = append(ids, o.ID)
	}
	return strings.Join(ids, ", ")
}
