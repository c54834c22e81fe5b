package cli

import (
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/spf13/cobra"

	"cebalance/questions"
	"cebalance/report"
)

func (a *app) questionsCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "questions",
		Short: "Print and validate a question bank (the built-in one, or --bank FILE)",
		Args:  exactArgs(0, "no arguments (give a bank file with --bank FILE)"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			f, err := report.ParseFormat(format, report.Text, "yaml")
			if err != nil {
				return usageError{err}
			}
			bank, err := a.bank()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if f == "yaml" {
				if bank == questions.Default() {
					_, err = w.Write(questions.DefaultYAML())
					return err
				}
				data, err := bank.YAML()
				if err != nil {
					return err
				}
				_, err = w.Write(data)
				return err
			}
			writeBank(w, bank)
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "text or yaml")
	return cmd
}

// writeBank prints a bank for people: the fit table and every override with its
// reason, read from the bank itself, then every function by domain with its weight,
// why it has that weight, and when "not applicable" may be answered.
func writeBank(w io.Writer, b *questions.Bank) {
	eng, ops := 0, 0
	for _, f := range b.Functions {
		if f.Kind == questions.Engineering {
			eng++
		} else {
			ops++
		}
	}
	name := b.Name
	if name == "" {
		name = b.ID
	}
	fmt.Fprintf(w, "%s — bank %q version %d (%s)\n", name, b.ID, b.Version, b.Hash)
	if b.StandardsAsOf != "" {
		fmt.Fprintf(w, "Standards as of %s.\n", b.StandardsAsOf)
	}
	fmt.Fprintf(w, "%d functions: %d engineering, %d operations, in %d domains. The bank is valid.\n\n",
		len(b.Functions), eng, ops, len(b.Domains))
	WriteFitTable(w, b)
	fmt.Fprintln(w, "\nWeights: 1 normal, 2 important, 3 critical (patient safety or a regulatory requirement).")
	for di, d := range b.Domains {
		fmt.Fprintf(w, "\n%s — %s\n", strings.ToUpper(d.Name), d.Description)
		for i := range b.Functions {
			f := &b.Functions[i]
			if b.DomainOf(i) != di {
				continue
			}
			extra := ""
			if f.NAAllowed {
				extra = "; may be not applicable"
			}
			fmt.Fprintf(w, "  %-26s %-11s weight %d%s\n", f.ID, f.Kind, f.Weight, extra)
			fmt.Fprintf(w, "  %26s %s\n", "", f.Question)
			if f.WeightWhy != "" {
				fmt.Fprintf(w, "  %26s Weight %d: %s\n", "", f.Weight, f.WeightWhy)
			}
		}
	}
}

// WriteFitTable prints bank b's fit of each performer for each kind of work (its
// fit_defaults, or the version 1 table for a bank without them), then every
// per-function override with its reason.
func WriteFitTable(w io.Writer, b *questions.Bank) {
	fmt.Fprintln(w, "Fit of each performer for each kind of work (1 = fits fully, 0 = not done):")
	fmt.Fprintf(w, "  %-12s", "")
	width := func(p questions.Performer) int { return max(len(p.Short()), 4) }
	for _, p := range questions.Performers {
		fmt.Fprintf(w, " %*s", width(p), p.Short())
	}
	fmt.Fprintln(w)
	table := b.FitTable()
	for _, k := range questions.Kinds {
		fmt.Fprintf(w, "  %-12s", k)
		for i, p := range questions.Performers {
			fmt.Fprintf(w, " %*s", width(p), strconv.FormatFloat(table[k][i], 'f', -1, 64))
		}
		fmt.Fprintln(w)
	}
	if b.FitDefaults == nil {
		fmt.Fprintln(w, "  (this bank has no fit_defaults: the version 1 table is used)")
	}
	var lines []string
	for i := range b.Functions {
		f := &b.Functions[i]
		for _, p := range questions.Performers {
			if v, ok := f.Fit[p]; ok {
				line := fmt.Sprintf("  %s, %s: %s", f.ID, p.Short(), strconv.FormatFloat(v, 'f', -1, 64))
				if why := f.FitWhy[p]; why != "" {
					line += " — " + why
				}
				lines = append(lines, line)
			}
		}
	}
	if len(lines) == 0 {
		fmt.Fprintln(w, "\nNo function overrides the table.")
		return
	}
	fmt.Fprintln(w, "\nOverrides, each with its reason:")
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  exactArgs(0, "no arguments"),
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintln(cmd.OutOrStdout(), versionLine(questions.Default()))
		},
	}
}

// versionLine is "cebalance 0.2.0 · question bank default v2 (standards as of 2026-11)".
func versionLine(b *questions.Bank) string {
	s := fmt.Sprintf("cebalance %s · question bank %s v%d", Version, b.ID, b.Version)
	if b.StandardsAsOf != "" {
		s += " (standards as of " + b.StandardsAsOf + ")"
	}
	return s
}
