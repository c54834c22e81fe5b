package present

import (
	"fmt"
	"math"
	"sort"
	"strconv"

	"cebalance/assessment"
	"cebalance/questions"
)

// Status is the line under a scorecard's title, as parts to be joined with " · ":
// "Assessment 3", "completed 2025-03-14", "question bank default v1".
func Status(r *assessment.Report) []string {
	info := r.Assessment
	parts := []string{fmt.Sprintf("Assessment %d", info.Number)}
	if IsDraft(r) {
		parts = append(parts, fmt.Sprintf("DRAFT — provisional, %d of %d answered", r.Answered, r.Total))
		if !info.StartedAt.IsZero() {
			parts = append(parts, "started "+Date(&info.StartedAt))
		}
	} else {
		parts = append(parts, "completed "+Date(info.CompletedAt))
	}
	if info.Bank.ID != "" {
		parts = append(parts, "question bank "+Clean(info.Bank.String()))
	}
	return parts
}

// IsDraft reports whether r is about a draft: its figures are provisional.
func IsDraft(r *assessment.Report) bool {
	return r.Provisional || r.Assessment.Status != assessment.Completed
}

// OrgName is the organization's name as shown (its id when it has no name).
func OrgName(o assessment.Organization) string {
	n := Clean(o.Name)
	if n == "" {
		n = Clean(o.ID)
	}
	if o.Demo {
		n += " (demo data)"
	}
	return n
}

// Kind is one row of "engineering vs operations": a kind of work with its index, its
// coverage, how much of it is answered and the share of each performer.
type Kind struct {
	Name     string
	Index    string
	Coverage string
	Answered string // "12/20"
	Empty    bool   // nothing answered: Shares are dashes
	Shares   [questions.NumPerformers]string
	Raw      assessment.Shares // for the share bar (Bar)
}

// Kinds are the engineering and the operations rows of r.
func Kinds(r *assessment.Report) []Kind {
	out := []Kind{kindOf("Engineering", r.Engineering), kindOf("Operations", r.Operations)}
	return out
}

func kindOf(name string, s assessment.Section) Kind {
	k := Kind{Name: name, Index: Index(s.Index), Coverage: PctOf(s.Coverage), Answered: answered(s),
		Empty: s.Index == nil, Raw: s.Shares}
	for i, v := range s.Shares {
		k.Shares[i] = Pct(v)
		if k.Empty {
			k.Shares[i] = Dash
		}
	}
	return k
}

func answered(s assessment.Section) string { return fmt.Sprintf("%d/%d", s.Answered, s.Total) }

// Absorbed is the share of engineering work done by BMETs or IT, or Dash when no
// engineering function is answered.
func Absorbed(r *assessment.Report) string {
	if r.Engineering.Index == nil {
		return Dash
	}
	return Pct(r.Absorbed)
}

// Domain is one row of the domains table, with the share of each performer (Raw, for
// a share bar; Empty when nothing in the domain is answered).
type Domain struct {
	Name, Answered, Index, Coverage string
	Empty                           bool
	Raw                             assessment.Shares
}

// Domains are the domain rows of r, in bank order.
func Domains(r *assessment.Report) []Domain {
	out := make([]Domain, 0, len(r.Domains))
	for _, d := range r.Domains {
		out = append(out, Domain{Name: Clean(d.Name), Answered: answered(d), Index: Index(d.Index), Coverage: PctOf(d.Coverage),
			Empty: d.Index == nil, Raw: d.Shares})
	}
	return out
}

// Gap is one gap: a function nobody does or nobody knows who does, with the director's
// note on it (empty when there is none).
type Gap struct {
	Severity       string
	Critical       bool
	Title          string
	Performer      string
	Recommendation string
	Note           string
}

// Gaps are the gap rows of r, critical first; a (which may be nil) supplies the notes.
func Gaps(r *assessment.Report, a *assessment.Assessment) []Gap {
	out := make([]Gap, 0, len(r.Gaps))
	for _, g := range r.Gaps {
		row := Gap{Severity: Severity(g.Weight), Critical: g.Critical(), Title: Clean(g.Title),
			Performer: g.Performer.Label(), Recommendation: Clean(g.Recommendation)}
		if a != nil {
			row.Note = Clean(a.Answers[g.Function].Note)
		}
		out = append(out, row)
	}
	return out
}

// GapsSummary is "3 gaps, 1 critical (listed first). A gap is …".
func GapsSummary(r *assessment.Report) string {
	var s string
	switch n, c := len(r.Gaps), r.CriticalGaps; {
	case n == 1 && c == 1:
		s = "1 critical gap"
	case n == 1:
		s = "1 gap, not critical"
	case c == 0:
		s = fmt.Sprintf("%d gaps, none critical", n)
	case c == n:
		s = fmt.Sprintf("%d gaps, all critical", n)
	default:
		s = fmt.Sprintf("%d gaps, %d critical (listed first)", n, c)
	}
	return s + ". A gap is a function that nobody does, or that nobody knows who does."
}

// Staffing is one staffing ratio beside its reference figure.
type Staffing struct {
	Label     string
	Value     string // Dash when empty
	WhyEmpty  string // why Value is empty
	Reference string // the reference figure, "" when there is none
	Source    string
}

// StaffingRows are the staffing ratios of s with their references.
func StaffingRows(s assessment.Staffing) []Staffing {
	ratios := s.Ratios()
	out := make([]Staffing, 0, len(ratios))
	for _, r := range ratios {
		row := Staffing{Label: r.Label, Value: RatioValue(r), WhyEmpty: r.WhyEmpty}
		if r.Ref != nil {
			row.Reference, row.Source = r.Ref.Text, r.Ref.Source
		}
		out = append(out, row)
	}
	return out
}

// Profile are the facts of the profile as label and value rows: size band, beds,
// staff, IT and devices.
func Profile(s assessment.Staffing) [][2]string {
	teaching := "not teaching"
	if s.Teaching {
		teaching = "teaching"
	}
	devices := "not known"
	if s.Devices > 0 {
		devices = Thousands(s.Devices)
	}
	return [][2]string{
		{"Size band", s.SizeBand.Describe() + ", " + teaching},
		{"Staffed beds", Thousands(s.Beds)},
		{"HTM staff (FTE)", fmt.Sprintf("CE %s · BMET %s · manager %s · total %s",
			FTE(s.CEFTE), FTE(s.BMETFTE), FTE(s.ManagerFTE), FTE(s.CEFTE+s.BMETFTE+s.ManagerFTE))},
		{"IT for devices", FTE(s.ITFTE) + " FTE"},
		{"Devices", devices},
	}
}

// Peer is one figure of the peer benchmark as published: the median, and the 25th and
// 75th percentiles when there are enough peers (Dash otherwise), with this
// organization's own value. Shown is false when too few peers have the figure.
type Peer struct {
	Label            string
	P25, Median, P75 string
	Yours            string
	Shown            bool
}

// Peers are the rows of r's peer benchmark; nil when nothing is published (a draft,
// or fewer than assessment.MinPeers peers).
func Peers(r *assessment.Report) []Peer {
	p := r.Peers
	if !p.Enough() {
		return nil
	}
	row := func(label string, q *assessment.Figure, f func(float64) string, yours string) Peer {
		out := Peer{Label: label, Yours: yours, P25: Dash, Median: Dash, P75: Dash}
		if q == nil {
			return out
		}
		out.Median, out.Shown = f(q.Median), true
		if q.P25 != nil && q.P75 != nil {
			out.P25, out.P75 = f(*q.P25), f(*q.P75)
		}
		return out
	}
	whole := func(v float64) string { return Fixed(v, 0) }
	one := func(v float64) string { return Fixed(v, 1) }
	var ceShare *float64
	if r.Engineering.Index != nil {
		v := r.Engineering.Shares.Of(assessment.CE)
		ceShare = &v
	}
	bmet, _ := r.Staffing.Ratio("bmet_per_ce")
	out := []Peer{
		row("Balance index", p.BalanceIndex, whole, Index(r.BalanceIndex)),
		row("Engineering index", p.EngineeringIndex, whole, Index(r.EngineeringIndex)),
		row("CE share of engineering work", p.CEEngineeringShare, Pct, PctOf(ceShare)),
	}
	var bq *assessment.Figure
	label := bmet.Label
	if b := p.BMETPerCE; b != nil && b.Figure != nil {
		bq = b.Figure
		label = fmt.Sprintf("%s (n = %d)", bmet.Label, b.N)
	}
	return append(out, row(label, bq, one, RatioValue(bmet)))
}

// PeersIntro says what the peers are and what is shown of them.
func PeersIntro(p assessment.PeerBenchmark) string {
	shown := fmt.Sprintf("Only the median is shown (quartiles from %d peers)", assessment.QuartilePeers)
	if p.Quartiles() {
		shown = "Only quartiles are shown"
	}
	s := fmt.Sprintf("%d peers in the %s band, benchmark of %s: the latest completed assessment of each organization of this size that you cannot see yourself. %s, rounded, never a single peer.",
		p.N, p.SizeBand.Describe(), Date(p.AsOf), shown)
	if p.Outside > 0 {
		s += fmt.Sprintf(" %d of them came from outside this server.", p.Outside)
	}
	if p.Demo {
		s += " Demo data: compared only with other demo data."
	}
	return s
}

// NotEnoughPeers says why no figure is shown: a draft, or fewer than MinPeers peers (no
// count: a count below the threshold is itself a figure about few organizations).
func NotEnoughPeers(p assessment.PeerBenchmark) string {
	if p.Pending != "" {
		return "No peers for a draft: " + p.Pending + "."
	}
	return fmt.Sprintf("Fewer than %d peers in this band (%s). The benchmark appears once %d organizations of this size that you cannot see yourself have completed an assessment.",
		assessment.MinPeers, p.SizeBand.Describe(), assessment.MinPeers)
}

// PeerNotes are the sentences under the benchmark: a ratio too few peers have, and the
// share of peers without a clinical engineer.
func PeerNotes(p assessment.PeerBenchmark) []string {
	var out []string
	if p.BMETPerCE != nil && p.BMETPerCE.Figure == nil {
		out = append(out, fmt.Sprintf("BMETs per CE: fewer than %d peers have clinical engineers, too few to show.", assessment.MinPeers))
	}
	if p.NoCEShare != nil {
		out = append(out, fmt.Sprintf("About %s of them have no clinical engineer.", Pct(*p.NoCEShare)))
	}
	return out
}

// Change groups.
const (
	GroupIndex    = ""
	GroupShare    = "Engineering work done by"
	GroupStaffing = "Staffing"
)

// ChangeRow is one figure of a comparison: then, now and the change (see the package
// doc for the rule). Same is true when the figure reads the same then and now.
type ChangeRow struct {
	Group             string
	Label             string
	Letter            string // the performer's bar letter, for share rows
	Then, Now, Change string
	Same              bool
}

// Changes are the figures of a comparison: the three indexes, the share of each
// performer in engineering work (only those that are not 0 % both times) and the
// staffing then and now.
func Changes(c *assessment.Comparison) []ChangeRow {
	var rows []ChangeRow
	for _, d := range []struct {
		name string
		d    assessment.Delta
	}{{"Balance index", c.BalanceIndex}, {"Engineering index", c.EngineeringIndex}, {"Operations index", c.OperationsIndex}} {
		ch := Change(d.d.From, d.d.To)
		rows = append(rows, ChangeRow{Label: d.name, Then: Index(d.d.From), Now: Index(d.d.To), Change: ch,
			Same: Index(d.d.From) == Index(d.d.To)})
	}
	for i, d := range c.EngineeringShare {
		if (d.From == nil || Percent(*d.From) == 0) && (d.To == nil || Percent(*d.To) == 0) {
			continue
		}
		row := ChangeRow{Group: GroupShare, Label: questions.Performers[i].Short(), Letter: Letter(i),
			Then: PctOf(d.From), Now: PctOf(d.To)}
		if d.From != nil && d.To != nil {
			row.Change = SignedPts(Percent(*d.To) - Percent(*d.From))
		}
		row.Same = row.Then == row.Now
		rows = append(rows, row)
	}
	then, now := c.StaffingThen, c.StaffingNow
	fte := func(name string, a, b float64) {
		rows = append(rows, ChangeRow{Group: GroupStaffing, Label: name, Then: FTE(a), Now: FTE(b),
			Change: SignedFTE(a, b), Same: a == b})
	}
	fte("CE FTE", then.CEFTE, now.CEFTE)
	fte("BMET FTE", then.BMETFTE, now.BMETFTE)
	nr := now.Ratios()
	for i, tr := range then.Ratios() {
		if tr.Unit != assessment.PerUnit {
			continue
		}
		rows = append(rows, ChangeRow{Group: GroupStaffing, Label: tr.Label, Then: RatioValue(tr), Now: RatioValue(nr[i]),
			Change: Change(tr.Value, nr[i].Value), Same: RatioValue(tr) == RatioValue(nr[i])})
	}
	return append(rows, workloadChanges(c)...)
}

// Changed is one function whose performer changed.
type Changed struct{ Title, Severity, From, To string }

// ChangedRows are the functions of c whose performer changed, most important first.
func ChangedRows(c *assessment.Comparison) []Changed {
	out := make([]Changed, 0, len(c.Changed))
	for _, ch := range c.Changed {
		out = append(out, Changed{Clean(ch.Title), Severity(ch.Weight), PerformerName(ch.From), PerformerName(ch.To)})
	}
	return out
}

// ChangedIntro is "3 functions changed hands (most important first):".
func ChangedIntro(n int) string {
	if n == 1 {
		return "1 function changed hands (most important first):"
	}
	return fmt.Sprintf("%d functions changed hands (most important first):", n)
}

// Since is the title of the change since the previous assessment.
func Since(c *assessment.Comparison) string {
	return fmt.Sprintf("Since assessment %d (%s)", c.From.Number, Date(c.From.CompletedAt))
}

// Point is one completed assessment in a history table.
type Point struct {
	Number, Completed                string
	Balance, Engineering, Operations string
	Gaps, Critical                   string
	CE, BMET                         string
	Verdict                          string
	Bank                             string // BankMark: "bank v2" on the first point of a new bank
}

// Points are the rows of a history table, in trend order.
func Points(t assessment.Trend) []Point {
	out := make([]Point, 0, len(t.Points))
	for _, p := range t.Points {
		out = append(out, Point{
			Number: strconv.Itoa(p.Number), Completed: Date(p.CompletedAt),
			Balance: Index(p.BalanceIndex), Engineering: Index(p.EngineeringIndex), Operations: Index(p.OperationsIndex),
			Gaps: strconv.Itoa(p.Gaps), Critical: strconv.Itoa(p.CriticalGaps),
			CE: FTE(p.Staffing.CEFTE), BMET: FTE(p.Staffing.BMETFTE), Verdict: p.Verdict.Title(), Bank: BankMark(p),
		})
	}
	return out
}

// Bar gives shares width cells, in performer order. Cells are apportioned by largest
// remainder, so they add up to width exactly, and every non-zero share gets at least
// one cell (taken from the largest), so a 1 % share never disappears. With no share at
// all every count is 0.
func Bar(s assessment.Shares, width int) [questions.NumPerformers]int {
	var cells [questions.NumPerformers]int
	var frac [questions.NumPerformers]float64
	total, sum := 0, 0.0
	for i, v := range s {
		x := v * float64(width)
		cells[i] = int(math.Floor(x))
		frac[i] = x - float64(cells[i])
		total += cells[i]
		sum += v
	}
	if sum <= 0 || width <= 0 {
		return [questions.NumPerformers]int{}
	}
	order := make([]int, questions.NumPerformers)
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return frac[order[a]] > frac[order[b]] })
	for k := 0; total < width; k = (k + 1) % len(order) {
		if s[order[k]] > 0 {
			cells[order[k]]++
			total++
		}
	}
	for i, v := range s {
		if v <= 0 || cells[i] > 0 {
			continue
		}
		big := 0
		for j := range cells {
			if cells[j] > cells[big] {
				big = j
			}
		}
		if cells[big] > 1 {
			cells[big]--
			cells[i]++
		}
	}
	return cells
}

// chartSteps are the bands of values a chart row may hold, finest first. Each divides
// both verdict thresholds (assessment.MostlyBalancedFrom and BalancedFrom), so a row
// never holds two values that are a verdict band apart.
var chartSteps = [...]int{5, 10, 20}

// ChartScale returns the rows of the finest chart that fits in at most maxRows rows,
// and the band of values each row holds (step): rows = 100/step + 1, the top row
// holding 100. With fewer than 6 rows no chart can keep the verdict bands apart:
// rows and step are 0, and the caller says so rather than draw a misleading one.
func ChartScale(maxRows int) (rows, step int) {
	for _, st := range chartSteps {
		if r := 100/st + 1; r <= maxRows {
			return r, st
		}
	}
	return 0, 0
}

// ChartBand names the verdict band whose lower threshold is value (a row of a chart),
// or "": "balanced" at 80, "mostly balanced" at 60.
func ChartBand(value int) string {
	switch float64(value) {
	case assessment.BalancedFrom:
		return "balanced"
	case assessment.MostlyBalancedFrom:
		return "mostly balanced"
	}
	return ""
}

// ChartRow is the row, counted from the bottom (0) to the top (rows−1), on which a
// value from 0 to 100 is plotted in a chart rows high: the band it has reached, by
// floor. With 11 rows each row holds 10 points and 85.1 sits on the 80 row.
func ChartRow(v float64, rows int) int {
	if rows < 2 {
		return 0
	}
	v = min(max(v, 0), 100)
	return min(int(math.Floor(v*float64(rows-1)/100+1e-9)), rows-1)
}
