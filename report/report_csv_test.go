package report

import "testing"

func TestCSVSafe(t *testing.T) {
	for in, want := range map[string]string{
		"":              "",
		"plain":         "plain",
		"=HYPERLINK(1)": "'=HYPERLINK(1)",
		"+1":            "'+1",
		"-2 techs":      "'-2 techs",
		"@SUM(A1)":      "'@SUM(A1)",
		"\tindented":    "'\tindented",
		"a=b is fine":   "a=b is fine",
	} {
		if got := csvSafe(in); got != want {
			t.Errorf("csvSafe(%q) = %q, want %q", in, got, want)
		}
	}
}
