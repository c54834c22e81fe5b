package report

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"io"
	"strconv"

	"cebalance/assessment"
	"cebalance/present"
	"cebalance/questions"
)

// The HTML form is a committee packet: one self-contained file (inline CSS and SVG, no
// script, no font, no request for anything outside it, which its Content-Security-Policy
// also forbids) that prints on A4 and US Letter. Every chart is an SVG with a title and
// an aria-label and a table or caption that says the same in words; colour is never the
// only signal (bars carry letters and patterns, bands carry their names).
//
// Like the other renderers it lays out present's rows: every number, date and label in
// it comes from present. The only figures computed here are SVG coordinates.

//go:embed packet.html.tmpl
var packetTemplate string

var packetTmpl = template.Must(template.New("packet").Funcs(template.FuncMap{
	"px":   px,
	"add":  func(a, b float64) float64 { return a + b },
	"sub":  func(a, b float64) float64 { return a - b },
	"half": func(a float64) float64 { return a / 2 },
}).Parse(packetTemplate))

// Packet writes the committee packet of one assessment as HTML: the scorecard, gaps,
// staffing, peers, the change since the previous assessment, the trend t (nil: no trend
// section) and an appendix of every function of bank with a's answer (bank or a nil: no
// appendix).
func Packet(w io.Writer, r *assessment.Report, bank *questions.Bank, a *assessment.Assessment, t *assessment.Trend) error {
	if r == nil {
		return fmt.Errorf("render packet: %w: no report", ErrMissing)
	}
	var buf bytes.Buffer
	if err := writeHTML(&buf, r, bank, a, t); err != nil {
		return err
	}
	_, err := w.Write(buf.Bytes())
	return err
}

func writeHTML(buf *bytes.Buffer, r *assessment.Report, bank *questions.Bank, a *assessment.Assessment, t *assessment.Trend) error {
	p := htmlPage{
		Title:  orgName(r.Organization) + " — clinical engineering balance scorecard",
		Org:    orgName(r.Organization),
		Kind:   "Clinical engineering balance scorecard",
		Status: statusParts(r),
		Scorecard: &htmlScorecard{
			Headline: headline(r), Meaning: meaning(r), Verdict: string(r.Verdict),
			Kinds: kindBars(r), Domains: domainBars(r), Absorbed: absorbedLine(r),
			GapsSummary: present.GapsSummary(r), Gaps: present.Gaps(r, a),
			Profile: present.Profile(r.Staffing), Staffing: present.StaffingRows(r.Staffing),
			ReferenceLabel: referenceLabel(), NoCEBenchmark: assessment.NoCEBenchmark,
			Peers:    htmlPeersOf(r),
			Workload: present.Workload(r),
			Findings: present.Findings(r),
		},
		Legend:   legendItems(r),
		Appendix: present.Appendix(bank, a),
	}
	if isDraft(r) {
		p.Scorecard.DraftNote = draftNote(r)
	}
	if c := r.Change; c != nil {
		p.Change = htmlChangeOf(c, present.Since(c))
	}
	if t != nil {
		p.Trend = trendOf(*t)
	}
	if err := packetTmpl.Execute(buf, p); err != nil {
		return fmt.Errorf("render packet: %w", err)
	}
	return nil
}

// writeHistoryHTML is the history as a page: the table of completed assessments, the
// trend chart and the last change.
func writeHistoryHTML(buf *bytes.Buffer, org assessment.Organization, t assessment.Trend) error {
	p := htmlPage{
		Title:  orgName(org) + " — clinical engineering balance history",
		Org:    orgName(org),
		Kind:   "Clinical engineering balance history",
		Trend:  trendOf(t),
		Points: present.Points(t),
	}
	switch n := len(t.Points); n {
	case 0:
		p.Status = []string{"No completed assessments"}
	case 1:
		p.Status = []string{"1 completed assessment, " + present.Date(t.Points[0].CompletedAt)}
	default:
		p.Status = []string{fmt.Sprintf("%d completed assessments, %s to %s", n, present.Date(t.Points[0].CompletedAt), present.Date(t.Points[n-1].CompletedAt))}
	}
	if n := len(t.Changes); n > 0 {
		c := t.Changes[n-1]
		p.Change = htmlChangeOf(&c, fmt.Sprintf("Last change: assessment %d (%s) → %d (%s)",
			c.From.Number, present.Date(c.From.CompletedAt), c.To.Number, present.Date(c.To.CompletedAt)))
	}
	if err := packetTmpl.Execute(buf, p); err != nil {
		return fmt.Errorf("render history: %w", err)
	}
	return nil
}

// htmlPage is what the template lays out; Scorecard is nil for a history page.
type htmlPage struct {
	Title, Org, Kind string
	Status           []string
	Scorecard        *htmlScorecard
	Legend           []htmlLegend
	Change           *htmlChange
	Trend            *htmlTrend
	Points           []present.Point
	Appendix         []present.AppendixDomain
}

type htmlScorecard struct {
	Headline, Meaning, Verdict, DraftNote string
	Kinds, Domains                        []htmlBar
	Absorbed                              string
	GapsSummary                           string
	Gaps                                  []present.Gap
	Profile                               [][2]string
	Staffing                              []present.Staffing
	ReferenceLabel, NoCEBenchmark         string
	Peers                                 htmlPeers
	Workload                              *present.WorkloadSection
	Findings                              []present.Finding
}

// Share bar geometry: barCells cells of barCellPx each.
const (
	barCells  = 100
	barCellPx = 4
	barHeight = 22
)

type htmlBar struct {
	Name, Index, Coverage, Answered, Text string
	Empty                                 bool
	Segments                              []htmlSegment
}

type htmlSegment struct {
	present.Segment
	X, W      float64
	ShowLabel bool
}

func barOf(name, index, coverage, answered string, empty bool, s assessment.Shares) htmlBar {
	b := htmlBar{Name: name, Index: index, Coverage: coverage, Answered: answered, Empty: empty, Text: present.SharesText(s)}
	if empty {
		b.Text = "nothing answered"
		return b
	}
	for _, seg := range present.Segments(s, barCells) {
		w := float64(seg.Cells * barCellPx)
		b.Segments = append(b.Segments, htmlSegment{Segment: seg, X: float64(seg.Start * barCellPx), W: w, ShowLabel: w >= 16})
	}
	return b
}

func kindBars(r *assessment.Report) []htmlBar {
	var out []htmlBar
	for _, k := range present.Kinds(r) {
		out = append(out, barOf(k.Name, k.Index, k.Coverage, k.Answered, k.Empty, k.Raw))
	}
	return out
}

func domainBars(r *assessment.Report) []htmlBar {
	var out []htmlBar
	for _, d := range present.Domains(r) {
		out = append(out, barOf(d.Name, d.Index, d.Coverage, d.Answered, d.Empty, d.Raw))
	}
	return out
}

type htmlLegend struct {
	present.LegendItem
	Pattern string
}

func legendItems(r *assessment.Report) []htmlLegend {
	var out []htmlLegend
	for _, l := range present.Legend(r) {
		out = append(out, htmlLegend{LegendItem: l, Pattern: "p" + strconv.Itoa(l.Index)})
	}
	return out
}

// Box plot geometry: the axis runs from boxLeft to boxLeft+boxWidth.
const (
	boxLeft  = 12.0
	boxWidth = 376.0
)

type htmlPeers struct {
	Enough           bool
	Intro, NotEnough string
	Rows             []present.Peer
	Boxes            []htmlBox
	Notes            []string
}

type htmlBox struct {
	present.PeerBox
	HasBox               bool
	X25, XMed, X75, XOwn float64
	HasMedian, HasOwn    bool
	OwnLabelX            float64
	OwnAnchor            string
	TickX                []float64
}

func htmlPeersOf(r *assessment.Report) htmlPeers {
	p := r.Peers
	if !p.Enough() {
		return htmlPeers{NotEnough: present.NotEnoughPeers(p)}
	}
	out := htmlPeers{Enough: true, Intro: present.PeersIntro(p), Rows: present.Peers(r), Notes: present.PeerNotes(p)}
	x := func(f float64) float64 { return boxLeft + f*boxWidth }
	for _, b := range present.PeerBoxes(r) {
		hb := htmlBox{PeerBox: b, OwnAnchor: "middle"}
		if b.P25 != nil && b.P75 != nil {
			hb.HasBox, hb.X25, hb.X75 = true, x(*b.P25), x(*b.P75)
		}
		if b.Median != nil {
			hb.HasMedian, hb.XMed = true, x(*b.Median)
		}
		if b.Yours != nil {
			hb.HasOwn, hb.XOwn, hb.OwnLabelX = true, x(*b.Yours), x(*b.Yours)
			switch {
			case *b.Yours < 0.1:
				hb.OwnAnchor = "start"
				hb.OwnLabelX -= 6
			case *b.Yours > 0.9:
				hb.OwnAnchor = "end"
				hb.OwnLabelX += 6
			}
		}
		for _, t := range b.Ticks {
			hb.TickX = append(hb.TickX, x(t.At))
		}
		out.Boxes = append(out.Boxes, hb)
	}
	return out
}

type htmlChange struct {
	Title   string
	Rows    []present.ChangeRow
	Intro   string
	Changed []present.Changed
	// Estimates are the functions whose estimate of hours changed.
	Estimates      []present.EstimateChanged
	EstimatesIntro string
}

func htmlChangeOf(c *assessment.Comparison, title string) *htmlChange {
	h := &htmlChange{Title: title, Changed: present.ChangedRows(c), Estimates: present.EstimateRows(c)}
	if len(h.Estimates) > 0 {
		h.EstimatesIntro = present.EstimatesIntro(len(h.Estimates))
	}
	for _, row := range present.Changes(c) {
		if row.Group == present.GroupShare && row.Same {
			continue // would only repeat
		}
		if row.Group == present.GroupShare {
			row.Label = "Engineering work: " + row.Label
		}
		h.Rows = append(h.Rows, row)
	}
	if len(c.Changed) == 0 {
		h.Intro = "No function changed hands."
	} else {
		h.Intro = present.ChangedIntro(len(c.Changed))
	}
	return h
}

// Trend chart geometry: the plot area inside a trendW × trendH view box.
const (
	trendW, trendH        = 720.0, 300.0
	plotL, plotR          = 44.0, 560.0
	plotT, plotB          = 14.0, 244.0
	trendLabelX           = plotR + 10
	trendDateY, trendNumY = plotB + 36, plotB + 18
	trendPad              = 24.0 // keeps the first and last point off the axis
)

type htmlTrend struct {
	present.TrendChart
	Bands  []htmlBand
	Ticks  []htmlTick
	Points []htmlPoint
	Path   string
	W, H   float64
	L, R   float64
	T, B   float64
}

type htmlBand struct {
	present.Band
	Y, H, LabelY float64
	Class        string
}

type htmlTick struct {
	present.Tick
	Y float64
}

type htmlPoint struct {
	present.TrendPoint
	CX, CY      float64
	HasY        bool
	NumY, DateY float64
	ValueY      float64
	ShowDate    bool
}

func trendOf(t assessment.Trend) *htmlTrend {
	c := present.Trend(t)
	h := &htmlTrend{TrendChart: c, W: trendW, H: trendH, L: plotL, R: plotR, T: plotT, B: plotB}
	y := func(f float64) float64 { return plotB - f*(plotB-plotT) }
	for i, b := range c.Bands {
		hb := htmlBand{Band: b, Y: y(b.To), H: y(b.From) - y(b.To), Class: "band" + strconv.Itoa(i)}
		hb.LabelY = hb.Y + hb.H/2
		h.Bands = append(h.Bands, hb)
	}
	for _, tk := range c.Ticks {
		h.Ticks = append(h.Ticks, htmlTick{Tick: tk, Y: y(tk.At)})
	}
	// Dates are shown under every point when they fit, else under every k-th.
	every := 1
	if n := len(c.Points); n > 6 {
		every = (n + 5) / 6
	}
	path := ""
	for i, p := range c.Points {
		hp := htmlPoint{TrendPoint: p, CX: plotL + trendPad + p.X*(plotR-plotL-2*trendPad), NumY: trendNumY, DateY: trendDateY,
			ShowDate: i%every == 0 || i == len(c.Points)-1}
		if p.Y != nil {
			hp.HasY, hp.CY = true, y(*p.Y)
			hp.ValueY = hp.CY - 10
			if hp.ValueY < plotT+10 {
				hp.ValueY = hp.CY + 20
			}
			cmd := "L"
			if path == "" {
				cmd = "M"
			}
			path += cmd + px(hp.CX) + " " + px(hp.CY) + " "
		}
		h.Points = append(h.Points, hp)
	}
	h.Path = path
	return h
}

// px formats an SVG coordinate.
func px(v float64) string { return strconv.FormatFloat(v, 'f', 1, 64) }
