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

// writeBank prints a bank for people: the fit table, then every function by domain.
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
	fmt.Fprintf(w, "%d functions: %d engineering, %d operations, in %d domains. The bank is valid.\n\n",
		len(b.Functions), eng, ops, len(b.Domains))
	WriteFitTable(w)
	fmt.Fprintln(w, "\nWeights: 1 normal, 2 important, 3 critical (patient safety or a regulatory requirement).")
	for di, d := range b.Domains {
		fmt.Fprintf(w, "\n%s — %s\n", strings.ToUpper(d.Name), d.Description)
		for i := range b.Functions {
			f := &b.Functions[i]
			if b.DomainOf(i) != di {
				continue
			}
			extra := ""
			if len(f.Fit) > 0 {
				var parts []string
				for _, p := range questions.Performers {
					if v, ok := f.Fit[p]; ok {
						parts = append(parts, fmt.Sprintf("%s %s", p.Short(), strconv.FormatFloat(v, 'f', -1, 64)))
					}
				}
				extra = "; fit " + strings.Join(parts, ", ")
			}
			fmt.Fprintf(w, "  %-26s %-11s weight %d%s\n", f.ID, f.Kind, f.Weight, extra)
			fmt.Fprintf(w, "  %26s %s\n", "", f.Question)
		}
	}
}

// WriteFitTable prints the default fit of each performer for each kind of work.
func WriteFitTable(w io.Writer) {
	fmt.Fprintln(w, "Fit of each performer for each kind of work (1 = fits fully, 0 = not done):")
	fmt.Fprintf(w, "  %-12s", "")
	for _, p := range questions.Performers {
		fmt.Fprintf(w, " %7s", p.Short())
	}
	fmt.Fprintln(w)
	for _, k := range []questions.Kind{questions.Engineering, questions.Operations} {
		fmt.Fprintf(w, "  %-12s", k)
		row := questions.DefaultFit[k]
		for i := range questions.Performers {
			fmt.Fprintf(w, " %7s", strconv.FormatFloat(row[i], 'f', -1, 64))
		}
		fmt.Fprintln(w)
	}
}

func (a *app) versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version",
		Args:  exactArgs(0, "no arguments"),
		Run: func(cmd *cobra.Command, _ []string) {
			fmt.Fprintf(cmd.OutOrStdout(), "cebalance %s (default bank %s v%d)\n", Version, questions.Default().ID, questions.Default().Version)
		},
	}
}
