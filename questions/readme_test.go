package questions

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
)

// fitMarkdown is the fit table and every override of bank b, as the README prints them.
func fitMarkdown(b *Bank) string {
	var s strings.Builder
	s.WriteString("| kind \\ performer |")
	for _, p := range Performers {
		s.WriteString(" " + p.Short() + " |")
	}
	s.WriteString("\n|---|" + strings.Repeat("---|", NumPerformers) + "\n")
	table := b.FitTable()
	for _, k := range Kinds {
		n := 0
		for _, f := range b.Functions {
			if f.Kind == k {
				n++
			}
		}
		fmt.Fprintf(&s, "| %s (%d functions) |", k, n)
		for _, v := range table[k] {
			s.WriteString(" " + strconv.FormatFloat(v, 'f', -1, 64) + " |")
		}
		s.WriteString("\n")
	}
	s.WriteString("\nOverrides in the default bank, each with its reason:\n\n")
	for _, f := range b.Functions {
		for _, p := range Performers {
			if v, ok := f.Fit[p]; ok {
				fmt.Fprintf(&s, "- `%s`, %s: %s — %s\n", f.ID, p.Short(), strconv.FormatFloat(v, 'f', -1, 64), f.FitWhy[p])
			}
		}
	}
	return s.String()
}

// TestReadmeFitTable keeps the README's fit table and overrides in step with the bank.
func TestReadmeFitTable(t *testing.T) {
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	want := fitMarkdown(Default())
	if os.Getenv("PRINT_FIT") != "" {
		fmt.Print(want)
	}
	if !strings.Contains(string(data), want) {
		t.Errorf("README.md does not hold the bank's fit table; it should contain:\n%s", want)
	}
}
