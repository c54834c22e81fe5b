package present

import (
	"math"
	"strconv"
	"strings"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// Dash stands for a figure that cannot be computed.
const Dash = "—"

// Fixed formats v with d decimals, halves rounded away from zero (71.25 → 71.3, as
// people round), never as "-0.0".
func Fixed(v float64, d int) string {
	p := math.Pow(10, float64(d))
	s := strconv.FormatFloat(math.Round(v*p)/p, 'f', d, 64)
	if strings.Trim(s, "-0.") == "" {
		s = strings.TrimPrefix(s, "-")
	}
	return s
}

// Index formats an index (0–100) with one decimal, or Dash.
func Index(p *float64) string {
	if p == nil {
		return Dash
	}
	return Fixed(*p, 1)
}

// Percent is a fraction as a whole percent, rounded as Fixed rounds.
func Percent(v float64) int { return int(math.Round(v*100)) + 0 }

// Pct formats a fraction as a whole percent: "42 %".
func Pct(v float64) string { return strconv.Itoa(Percent(v)) + " %" }

// PctOf formats a nullable fraction as a whole percent, or Dash.
func PctOf(p *float64) string {
	if p == nil {
		return Dash
	}
	return Pct(*p)
}

// Thousands formats n with thousands separators: 12,500.
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// FTE formats an FTE count without needless zeros: 1, 0.5, 2.25.
func FTE(v float64) string { return assessment.FormatFTE(v) }

// RatioValue formats a staffing ratio in its unit, or Dash when it is empty.
func RatioValue(r assessment.Ratio) string {
	if r.Value == nil {
		return Dash
	}
	switch r.Unit {
	case assessment.Count:
		return Thousands(int(math.Round(*r.Value)))
	case assessment.Share:
		return Pct(*r.Value)
	}
	return Fixed(*r.Value, 1)
}

// round1 rounds v to one decimal, halves away from zero: the figure as shown.
func round1(v float64) float64 { return math.Round(v*10) / 10 }

// Signed formats a change with one decimal and its sign: +3.2, -1.0, ±0.0.
func Signed(v float64) string {
	s := Fixed(v, 1)
	switch {
	case s == "0.0":
		return "±0.0"
	case v > 0:
		return "+" + s
	}
	return s
}

// Change is the change between two figures as shown with one decimal (see the package
// doc), or "" when either is missing.
func Change(from, to *float64) string {
	if from == nil || to == nil {
		return ""
	}
	return Signed(round1(*to) - round1(*from))
}

// SignedPts formats a change of n percentage points: +10 pts, ±0 pts.
func SignedPts(n int) string {
	switch {
	case n == 0:
		return "±0 pts"
	case n > 0:
		return "+" + strconv.Itoa(n) + " pts"
	}
	return strconv.Itoa(n) + " pts"
}

// SignedFTE formats a change of FTEs: +1, -0.5, "" for none. It rounds to hundredths,
// so that 2.3 − 2.2 shows as 0.1 and not as a float's remainder.
func SignedFTE(from, to float64) string {
	if from == to {
		return ""
	}
	v := math.Round((to-from)*100)/100 + 0
	s := FTE(v)
	switch {
	case v == 0:
		return "±0"
	case v > 0:
		return "+" + s
	}
	return s
}

// Date formats a time as YYYY-MM-DD in UTC, or Dash for none.
func Date(t *time.Time) string {
	if t == nil || t.IsZero() {
		return Dash
	}
	return t.UTC().Format(time.DateOnly)
}

// Severity names a function weight: critical, important or normal.
func Severity(w int) string {
	switch w {
	case 3:
		return "critical"
	case 2:
		return "important"
	}
	return "normal"
}

// PerformerName is a performer's short name, or Dash for none (unanswered, or not in
// that assessment's bank).
func PerformerName(p questions.Performer) string {
	if p == "" {
		return Dash
	}
	return p.Short()
}

// letters mark each performer in share bars and legends, in performer order.
var letters = [questions.NumPerformers]string{"C", "S", "B", "M", "I", "O", "V", "N", "?"}

// Letter is the one letter that marks performer i (in questions.Performers order) in a
// share bar and its legend.
func Letter(i int) string { return letters[i] }

// Clean makes text from a bank, an organization or a note safe to print on one line:
// no control characters or escape sequences.
func Clean(s string) string { return assessment.CleanText(s) }
