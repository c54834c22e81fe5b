package present

import (
	"fmt"
	"math"
	"strconv"
	"strings"

	"cebalance/assessment"
	"cebalance/questions"
)

// Rows for charts and the appendix of a committee packet. Positions are fractions of an
// axis (0 at its start, 1 at its end), so a renderer only scales them to its own size
// and never works out a figure itself.

// Weight names a function weight with its number: "3 (critical)".
func Weight(w int) string { return strconv.Itoa(w) + " (" + Severity(w) + ")" }

// LegendItem is one performer in the legend of the share bars.
type LegendItem struct {
	Index  int // the performer's position in questions.Performers
	Letter string
	Name   string
}

// Segment is one performer's part of a share bar of some width: it starts at Start
// cells and is Cells wide (see Bar).
type Segment struct {
	Index        int // the performer's position in questions.Performers
	Letter, Name string
	Share        string // "42 %"
	Start, Cells int
}

// Segments are the non-empty parts of a share bar width cells wide, in performer order;
// nil when nothing is answered.
func Segments(s assessment.Shares, width int) []Segment {
	cells := Bar(s, width)
	var out []Segment
	at := 0
	for i, n := range cells {
		if n == 0 {
			continue
		}
		out = append(out, Segment{Index: i, Letter: Letter(i), Name: questions.Performers[i].Short(),
			Share: Pct(s[i]), Start: at, Cells: n})
		at += n
	}
	return out
}

// SharesText says a share bar in words: "CE 42 %, BMET 30 %, …" (the performers with a
// share only), or "nothing answered".
func SharesText(s assessment.Shares) string {
	var parts []string
	for i, v := range s {
		if Percent(v) == 0 && v <= 0 {
			continue
		}
		parts = append(parts, questions.Performers[i].Short()+" "+Pct(v))
	}
	if len(parts) == 0 {
		return "nothing answered"
	}
	return strings.Join(parts, ", ")
}

// Tick is a labelled mark on an axis.
type Tick struct {
	At    float64 // 0–1 along the axis
	Label string
}

// PeerBox is one figure of the peer benchmark as a box plot: the quartiles the report
// publishes and the organization's own mark, on an axis from 0 to Max. A quartile the
// report does not publish is nil, and so is the own mark when the organization has no
// such figure; Summary says the same in words.
type PeerBox struct {
	Label            string
	N                string // "n = 12"
	P25, Median, P75 *float64
	Yours            *float64
	YoursText        string
	Ticks            []Tick
	Summary          string
}

// PeerBoxes are the box plots of r's peer benchmark, one per row of Peers; nil when
// there are too few peers.
func PeerBoxes(r *assessment.Report) []PeerBox {
	rows := Peers(r)
	if rows == nil {
		return nil
	}
	p := r.Peers
	var ceShare *float64
	if r.Engineering.Index != nil {
		v := r.Engineering.Shares.Of(assessment.CE)
		ceShare = &v
	}
	bmet, _ := r.Staffing.Ratio("bmet_per_ce")
	type src struct {
		q     *assessment.Figure
		n     int
		own   *float64
		scale float64 // the axis maximum; 0: from the figures
		pct   bool
	}
	srcs := []src{
		{p.BalanceIndex, p.N, r.BalanceIndex, 100, false},
		{p.EngineeringIndex, p.N, r.EngineeringIndex, 100, false},
		{p.CEEngineeringShare, p.N, ceShare, 1, true},
	}
	bm := src{nil, 0, bmet.Value, 0, false}
	if b := p.BMETPerCE; b != nil {
		bm.q, bm.n = b.Figure, b.N
	}
	srcs = append(srcs, bm)
	out := make([]PeerBox, 0, len(rows))
	for i, row := range rows {
		s := srcs[i]
		max := s.scale
		if max == 0 {
			max = niceMax(s.q, s.own)
		}
		at := func(v float64) *float64 {
			x := math.Min(math.Max(v/max, 0), 1)
			return &x
		}
		box := PeerBox{Label: row.Label, YoursText: row.Yours}
		if s.n > 0 {
			box.N = "n = " + strconv.Itoa(s.n)
		}
		if s.q != nil {
			box.Median = at(s.q.Median)
			if s.q.P25 != nil && s.q.P75 != nil {
				box.P25, box.P75 = at(*s.q.P25), at(*s.q.P75)
			}
		}
		if s.own != nil {
			box.Yours = at(*s.own)
		}
		for k := 0; k <= 4; k++ {
			v := max * float64(k) / 4
			label := Fixed(v, 0)
			if s.pct {
				label = Pct(v)
			} else if max < 8 {
				label = Fixed(v, 1)
			}
			box.Ticks = append(box.Ticks, Tick{At: float64(k) / 4, Label: label})
		}
		box.Summary = peerSummary(row, box.N)
		out = append(out, box)
	}
	return out
}

// niceMax is an axis maximum for a figure with no natural scale: a round number above
// the 75th percentile and the organization's own value.
func niceMax(q *assessment.Figure, own *float64) float64 {
	top := 0.0
	if q != nil {
		top = q.Median
		if q.P75 != nil {
			top = *q.P75
		}
	}
	if own != nil {
		top = math.Max(top, *own)
	}
	top *= 1.2
	for _, m := range []float64{2, 4, 8, 10, 20, 40, 80, 100, 200, 400, 1000} {
		if top <= m {
			return m
		}
	}
	return math.Ceil(top/1000) * 1000
}

func peerSummary(p Peer, n string) string {
	var b strings.Builder
	b.WriteString(p.Label + ": ")
	switch {
	case p.Shown && p.P25 != Dash:
		fmt.Fprintf(&b, "peers' 25th percentile %s, median %s, 75th percentile %s (%s)", p.P25, p.Median, p.P75, n)
	case p.Shown:
		fmt.Fprintf(&b, "peers' median %s (%s; quartiles are shown from %d peers)", p.Median, n, assessment.QuartilePeers)
	default:
		fmt.Fprintf(&b, "fewer than %d peers have this figure, too few to show it", assessment.MinPeers)
	}
	b.WriteString("; yours " + p.Yours + ".")
	return b.String()
}

// Band is a verdict band of the balance index: From and To are fractions of the 0–100
// axis.
type Band struct {
	Label    string // "Balanced"
	Range    string // "80–100"
	From, To float64
}

// Bands are the verdict bands of the balance index, from the top: balanced, mostly
// balanced and out of balance (the verdicts that the index alone decides).
func Bands() []Band {
	b, m := assessment.BalancedFrom, assessment.MostlyBalancedFrom
	return []Band{
		{assessment.Balanced.Title(), Fixed(b, 0) + "–100", b / 100, 1},
		{assessment.MostlyBalanced.Title(), Fixed(m, 0) + "–" + Fixed(b-0.1, 1), m / 100, b / 100},
		{assessment.OutOfBalance.Title(), "0–" + Fixed(m-0.1, 1), 0, m / 100},
	}
}

// TrendPoint is one completed assessment on the trend chart: X along the time axis in
// assessment order (a single point sits in the middle), Y its balance index on the 0–1
// axis, nil when it has none.
type TrendPoint struct {
	Number, Date, Value, Verdict string
	X                            float64
	Y                            *float64
}

// TrendChart is the balance index over time, with the verdict bands and the ticks of
// the 0–100 axis.
type TrendChart struct {
	Points  []TrendPoint
	Bands   []Band
	Ticks   []Tick
	Summary string
}

// Trend is the chart of t's balance index; Points is empty when there is no completed
// assessment.
func Trend(t assessment.Trend) TrendChart {
	c := TrendChart{Bands: Bands()}
	for v := 0; v <= 100; v += 20 {
		c.Ticks = append(c.Ticks, Tick{At: float64(v) / 100, Label: strconv.Itoa(v)})
	}
	n := len(t.Points)
	var parts []string
	for i, p := range t.Points {
		x := 0.5
		if n > 1 {
			x = float64(i) / float64(n-1)
		}
		tp := TrendPoint{Number: strconv.Itoa(p.Number), Date: Date(p.CompletedAt), Value: Index(p.BalanceIndex),
			Verdict: p.Verdict.Title(), X: x}
		if p.BalanceIndex != nil {
			y := math.Min(math.Max(*p.BalanceIndex, 0), 100) / 100
			tp.Y = &y
		}
		c.Points = append(c.Points, tp)
		parts = append(parts, fmt.Sprintf("assessment %s (%s) %s", tp.Number, tp.Date, tp.Value))
	}
	if n == 0 {
		c.Summary = "Balance index over time: no completed assessment yet."
	} else {
		c.Summary = "Balance index over time: " + strings.Join(parts, "; ") + "."
	}
	return c
}

// AppendixRow is one function of an assessment with its answer, weight and note.
type AppendixRow struct {
	Title, Kind, Weight, Answer, Note string
	Gap                               bool // answered nobody or don't know
	Unanswered                        bool
}

// AppendixDomain is the appendix rows of one domain, in bank order.
type AppendixDomain struct {
	Name string
	Rows []AppendixRow
}

// Appendix is every function of bank, by domain in bank order, with a's answer (its
// full label), the function's weight and the director's note.
func Appendix(bank *questions.Bank, a *assessment.Assessment) []AppendixDomain {
	if bank == nil {
		return nil
	}
	out := make([]AppendixDomain, 0, len(bank.Domains))
	pos := map[string]int{}
	for _, d := range bank.Domains {
		pos[d.ID] = len(out)
		out = append(out, AppendixDomain{Name: Clean(d.Name)})
	}
	for i := range bank.Functions {
		f := &bank.Functions[i]
		row := AppendixRow{Title: Clean(f.Name()), Kind: kindName(f.Kind), Weight: Weight(f.Weight),
			Answer: "not answered", Unanswered: true}
		if a != nil {
			if ans, ok := a.Answers[f.ID]; ok {
				if ans.Performer.Valid() {
					row.Answer, row.Unanswered, row.Gap = ans.Performer.Label(), false, ans.Performer.IsGap()
				}
				row.Note = Clean(ans.Note)
			}
		}
		k, ok := pos[f.Domain]
		if !ok {
			pos[f.Domain] = len(out)
			k = len(out)
			out = append(out, AppendixDomain{Name: Clean(f.Domain)})
		}
		out[k].Rows = append(out[k].Rows, row)
	}
	return out
}

func kindName(k questions.Kind) string {
	switch k {
	case questions.Engineering:
		return "Engineering"
	case questions.Operations:
		return "Operations"
	}
	return Clean(string(k))
}
