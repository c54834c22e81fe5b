package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"cebalance/assessment"
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
			f, err := report.ParseFormat(format, report.Formats...)
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
			d, err := a.buildReport(st, org, number)
			if err != nil {
				return err
			}
			rep, bank, cur := d.Report(), d.Current.Bank, d.Current.Assessment
			if f == report.HTML {
				// The packet shows the trend up to this assessment, from the same read.
				tr := trendOf(d.Completed, cur)
				return report.Packet(cmd.OutOrStdout(), rep, bank, cur, &tr)
			}
			return report.Scorecard(cmd.OutOrStdout(), f, rep, bank, cur)
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organization id or exact name (may be omitted when there is only one)")
	cmd.Flags().IntVar(&number, "assessment", 0, "assessment number (a draft only when named)")
	cmd.Flags().StringVar(&format, "format", "text", "text, markdown, json, csv or html (a committee packet: one self-contained page that prints)")
	return cmd
}

// buildReport assembles the report of assessment number of the organization (0 = the
// latest completed), with the previous completed assessment and the peers, all read in
// one store transaction (store.ReportData).
func (a *app) buildReport(st *store.Store, orgRef string, number int) (store.ReportData, error) {
	org, err := a.resolveOrg(st, orgRef)
	if err != nil {
		return store.ReportData{}, err
	}
	d, err := st.ReportData(org.ID, number, a.env.Scope.Excluded())
	if err != nil {
		return store.ReportData{}, err
	}
	if d.Current == nil {
		all := d.Assessments
		switch {
		case number > 0:
			return d, fmt.Errorf("%s has no assessment %d (it has %s)", org.Name, number, numbersOf(all))
		case len(all) > 0:
			last := all[len(all)-1].Number
			return d, fmt.Errorf("%s has no completed assessment yet: finish draft %d in `cebalance`, or see it with --assessment %d", org.Name, last, last)
		}
		return d, fmt.Errorf("%s has no assessment yet: run `cebalance` to start one", org.Name)
	}
	return d, nil
}

func numbersOf(all []assessment.Ref) string {
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
			f, err := report.ParseFormat(format, report.HistoryFormats...)
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
			completed, err := st.Completed(o.ID)
			if err != nil {
				return err
			}
			tr := trendOf(completed, nil)
			if len(tr.Points) == 0 && (f == report.Text || f == report.HTML) {
				return fmt.Errorf("%s has no completed assessment yet: the history starts with the first one", o.Name)
			}
			return report.History(cmd.OutOrStdout(), f, o.Public(), tr)
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "organization id or exact name (may be omitted when there is only one)")
	cmd.Flags().StringVar(&format, "format", "text", "text, json, csv or html")
	return cmd
}

// trendOf is the history of the organization's completed assessments; with upTo, only
// those completed no later than upTo (all of them when upTo is a draft).
func trendOf(completed []assessment.Scored, upTo *assessment.Assessment) assessment.Trend {
	items := make([]assessment.Scored, 0, len(completed))
	for _, x := range completed {
		if upTo != nil && upTo.CompletedAt != nil && x.Assessment.CompletedAt.After(*upTo.CompletedAt) {
			continue
		}
		items = append(items, x)
	}
	return assessment.History(items)
}

// resolveOrg finds the organization the caller named, or the only one they can see.
// Peer-only organizations (benchmark data) are found only by name.
//
// A director's reference is matched against their own organizations only: the database
// is not asked about any other, so an organization that exists but is not theirs gets
// the same answer, after the same work, as one that does not exist — neither the
// message nor the time taken tells them which.
func (a *app) resolveOrg(st *store.Store, ref string) (store.Organization, error) {
	scope := a.env.Scope
	if ref != "" && !scope.Admin {
		own, err := st.OrganizationsOf(scope.Orgs)
		if err != nil {
			return store.Organization{}, err
		}
		if o, ok := store.Match(own, ref); ok {
			return o, nil
		}
		return store.Organization{}, fmt.Errorf("no organization %q%s", ref, hint(withoutPeerOnly(own)))
	}
	if ref != "" {
		o, err := st.Organization(ref)
		if errors.Is(err, store.ErrNotFound) {
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

// visibleOrgs are the organizations the caller may see, without peer-only ones. For a
// director only their own records are read.
func (a *app) visibleOrgs(st *store.Store) ([]store.Organization, error) {
	if !a.env.Scope.Admin {
		own, err := st.OrganizationsOf(a.env.Scope.Orgs)
		if err != nil {
			return nil, err
		}
		out := withoutPeerOnly(own)
		sort.SliceStable(out, func(i, j int) bool { return strings.ToLower(out[i].Name) < strings.ToLower(out[j].Name) })
		return out, nil
	}
	all, err := st.Organizations()
	if err != nil {
		return nil, err
	}
	return withoutPeerOnly(all), nil
}

func withoutPeerOnly(orgs []store.Organization) []store.Organization {
	var out []store.Organization
	for _, o := range orgs {
		if !o.PeerOnly {
			out = append(out, o)
		}
	}
	return out
}

func hint(orgs []store.Organization) string {
	if len(orgs) == 0 {
		return ""
	}
	return ": use one of " + idList(orgs)
}

func (a *app) orgHint(st *store.Store) string {
	orgs, err := a.visibleOrgs(st)
	if err != nil {
		return ""
	}
	return hint(orgs)
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

// PacketFile returns what the TUI's packet key calls when it runs locally: it writes
// the committee packet (report --format html) of assessment number of an organization
// to a new file in dir, <org-id>-assessment-<n>.html, and returns its absolute path. It
// never replaces a file: when the name is taken it adds -2, -3, … (up to 99).
func PacketFile(st *store.Store, dir string) func(orgID string, number int) (string, error) {
	return func(orgID string, number int) (string, error) {
		d, err := st.ReportData(orgID, number, nil)
		if err != nil {
			return "", err
		}
		if d.Current == nil {
			return "", fmt.Errorf("assessment %d of %s: %w", number, orgID, store.ErrNotFound)
		}
		tr := trendOf(d.Completed, d.Current.Assessment)
		var buf bytes.Buffer
		if err := report.Packet(&buf, d.Report(), d.Current.Bank, d.Current.Assessment, &tr); err != nil {
			return "", err
		}
		return writeNew(dir, fmt.Sprintf("%s-assessment-%d", orgID, number), ".html", buf.Bytes())
	}
}

// writeNew writes data to dir/base+ext, or base-2+ext, … when that exists, creating the
// file exclusively so that no file is ever replaced. A half-written file is removed.
func writeNew(dir, base, ext string, data []byte) (string, error) {
	for i := 1; i < 100; i++ {
		name := base + ext
		if i > 1 {
			name = fmt.Sprintf("%s-%d%s", base, i, ext)
		}
		path, err := filepath.Abs(filepath.Join(dir, name))
		if err != nil {
			return "", err
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", fmt.Errorf("write the packet: %w", err)
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			os.Remove(path)
			return "", fmt.Errorf("write %s: %w", path, err)
		}
		return path, nil
	}
	return "", fmt.Errorf("write the packet: %s%s to %s-99%s all exist in %s: remove some", base, ext, base, ext, dir)
}
