package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"cebalance/report"
	"cebalance/store"
)

// ContributionFormat names the file `benchmark export` writes.
const ContributionFormat = "cebalance-benchmark-contribution/1"

// maxContributionFile and maxContributions bound what `benchmark import` reads.
const (
	maxContributionFile = 32 << 20
	maxContributions    = 100_000
)

// contributionFile is the anonymous contribution `benchmark export` writes.
type contributionFile struct {
	Format        string               `json:"format"`
	Contributions []store.Contribution `json:"contributions"`
}

func (a *app) benchmarkCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "benchmark",
		Short: "Print the community benchmark: what the hospitals on this server report, by size band",
		Args:  exactArgs(0, "no arguments (or refresh, export, import)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := report.ParseFormat(format, report.Text, report.Markdown, report.JSON, report.CSV)
			if err != nil {
				return usageError{err}
			}
			st, err := a.open(true)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			b, err := st.Benchmark(a.env.Scope.Excluded())
			if err != nil {
				return err
			}
			return report.Benchmark(cmd.OutOrStdout(), f, &b)
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text, markdown, json or csv")
	cmd.AddCommand(a.benchmarkRefreshCmd(), a.benchmarkExportCmd())
	if !a.env.Remote {
		cmd.AddCommand(a.benchmarkImportCmd())
	}
	return cmd
}

func (a *app) benchmarkRefreshCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "refresh",
		Short: "Take a new benchmark snapshot now (admins)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if !a.env.Scope.Admin {
				return errors.New("only an admin can refresh the benchmark: it is refreshed by itself after every 3 completed assessments")
			}
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			if err := st.RefreshBenchmark(); err != nil {
				return err
			}
			t, err := st.BenchmarkAsOf()
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Benchmark of %s taken.\n", t.Format("2006-01-02 15:04 UTC"))
			return nil
		},
	}
}

func (a *app) benchmarkExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write an anonymous benchmark contribution (no names, notes, beds or dates) to pool with another installation",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.env.Remote && out != "" {
				return usagef("-o is not available over SSH: redirect the output instead")
			}
			st, err := a.open(true)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			ids, err := a.callerOrgs("contribute") // nil: every real organization (admins)
			if err != nil {
				return err
			}
			cs, err := st.Contributions(ids, randomID)
			if err != nil {
				return err
			}
			doc := contributionFile{Format: ContributionFormat, Contributions: cs}
			if doc.Contributions == nil {
				doc.Contributions = []store.Contribution{}
			}
			var buf bytes.Buffer
			enc := json.NewEncoder(&buf)
			enc.SetIndent("", "  ")
			if err := enc.Encode(&doc); err != nil {
				return err
			}
			return writeOutput(cmd, out, buf.Bytes(), "wrote "+plural(len(cs), "anonymous contribution"))
		},
	}
	if !a.env.Remote {
		cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	}
	return cmd
}

func (a *app) benchmarkImportCmd() *cobra.Command {
	var source string
	cmd := &cobra.Command{
		Use:   "import FILE --source NAME",
		Short: "Add another installation's anonymous contribution to the benchmark (replaces that source's previous one)",
		Args:  exactArgs(1, "the contribution file"),
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(source) == "" {
				return usagef("benchmark import needs --source NAME: who the contribution comes from (importing the same source again replaces it)")
			}
			data, err := readLimited(args[0], maxContributionFile)
			if err != nil {
				return err
			}
			var doc contributionFile
			dec := json.NewDecoder(bytes.NewReader(data))
			dec.DisallowUnknownFields()
			if err := dec.Decode(&doc); err != nil {
				return fmt.Errorf("%s is not a benchmark contribution (%v): nothing was imported", args[0], err)
			}
			if doc.Format != ContributionFormat {
				return fmt.Errorf("%s has format %q, not %q: nothing was imported (write it with `cebalance benchmark export`)", args[0], doc.Format, ContributionFormat)
			}
			if len(doc.Contributions) > maxContributions {
				return fmt.Errorf("%s has %d contributions; the limit is %d: nothing was imported", args[0], len(doc.Contributions), maxContributions)
			}
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			if err := st.ImportContributions(source, doc.Contributions); err != nil {
				return fmt.Errorf("%s: %w (nothing was imported)", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "Imported %s from %q; any earlier contribution of %q is replaced. They count in peers and the benchmark, and are never listed or exported.\n",
				plural(len(doc.Contributions), "contribution"), source, source)
			return nil
		},
	}
	cmd.Flags().StringVar(&source, "source", "", "name of the installation the contribution comes from")
	return cmd
}

// randomID is the id of an anonymous contribution: 96 random bits, unrelated to the
// organization.
func randomID() string {
	var b [12]byte
	_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
	return hex.EncodeToString(b[:])
}
