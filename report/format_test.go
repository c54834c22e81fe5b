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

func TestFixedAndThousands(t *testing.T) {
	for _, tt := range []struct {
		v    float64
		d    int
		want string
	}{
		{71.25, 1, "71.3"}, {86.25, 1, "86.3"}, {-0.04, 1, "0.0"}, {-1.25, 1, "-1.3"},
		{2.5, 0, "3"}, {0.125, 2, "0.13"}, {100, 1, "100.0"}, {0, 0, "0"},
	} {
		if got := Fixed(tt.v, tt.d); got != tt.want {
			t.Errorf("Fixed(%v, %d) = %q, want %q", tt.v, tt.d, got, tt.want)
		}
	}
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1,000", 7400: "7,400", 1234567: "1,234,567", -12500: "-12,500"} {
		if got := Thousands(n); got != want {
			t.Errorf("Thousands(%d) = %q, want %q", n, got, want)
		}
	}
}
