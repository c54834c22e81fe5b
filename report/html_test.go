package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/present"
)

func packet(t *testing.T, r *assessment.Report, withTrend bool) string {
	t.Helper()
	_, b, a := realistic(t)
	var tr *assessment.Trend
	if withTrend {
		x := trend(t, 4)
		tr = &x
	}
	var buf bytes.Buffer
	if err := Packet(&buf, r, b, a, tr); err != nil {
		t.Fatal(err)
	}
	return buf.String()
}

// TestPacketGolden: the committee packet of the realistic assessment, with a trend, and
// the history page.
func TestPacketGolden(t *testing.T) {
	r, _, _ := realistic(t)
	t.Run("packet", func(t *testing.T) { golden(t, []byte(packet(t, r, true))) })
	t.Run("history", func(t *testing.T) { golden(t, []byte(renderHistory(t, HTML, testOrg, trend(t, 4)))) })
}

// TestPacketSelfContained: no script, no font, nothing fetched from outside the file,
// and a policy that forbids it anyway; every chart has a title and an aria-label and a
// table that says the same.
func TestPacketSelfContained(t *testing.T) {
	r, _, _ := realistic(t)
	html := packet(t, r, true)
	for _, bad := range []string{"<script", "@import", "@font-face", "http://", "https://", "src=", "<link"} {
		if strings.Contains(strings.ToLower(html), bad) {
			t.Errorf("the packet contains %q", bad)
		}
	}
	for _, want := range []string{`<html lang="en">`, `Content-Security-Policy" content="default-src 'none'`, "@page", "break-inside: avoid"} {
		if !strings.Contains(html, want) {
			t.Errorf("the packet lacks %q", want)
		}
	}
	charts := regexp.MustCompile(`<svg [^>]*role="img"[^>]*>`).FindAllString(html, -1)
	if len(charts) < 10 {
		t.Errorf("%d charts, want share bars, box plots and a trend", len(charts))
	}
	for _, c := range charts {
		if !strings.Contains(c, `aria-label="`) {
			t.Errorf("a chart without aria-label: %s", c)
		}
	}
	if n, m := strings.Count(html, `role="img"`), strings.Count(html, `role="img" aria-label=`); n != m {
		t.Errorf("%d charts, %d with an aria-label", n, m)
	}
	// Figures come from present, as the other renderers show them.
	for _, want := range []string{headline(r), present.GapsSummary(r), present.Since(r.Change),
		"Alarm committee lapsed in 2023; nursing informatics may have picked it up."} {
		if !strings.Contains(html, htmlEscape(want)) {
			t.Errorf("the packet lacks %q", want)
		}
	}
	// Every function of the bank is in the appendix.
	_, b, _ := realistic(t)
	if got := strings.Count(html, `<td class="answer`); got != len(b.Functions) {
		t.Errorf("appendix has %d answers, want %d", got, len(b.Functions))
	}
}

func htmlEscape(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;", `"`, "&#34;", "'", "&#39;").Replace(s)
}

// TestPacketEscapes: a name and a note that look like markup stay text.
func TestPacketEscapes(t *testing.T) {
	r, b, a := realistic(t)
	r.Organization.Name = `<img src=x onerror=alert(1)> & "Mercy"`
	ans := a.Answers["cmms_analysis"]
	ans.Note = `</td><script>alert(1)</script>`
	a.Answers["cmms_analysis"] = ans
	var buf bytes.Buffer
	if err := Packet(&buf, r, b, a, nil); err != nil {
		t.Fatal(err)
	}
	html := buf.String()
	if strings.Contains(html, "<img src=x") || strings.Contains(html, "<script>") {
		t.Error("a name or a note became markup")
	}
	if !strings.Contains(html, "&lt;/td&gt;&lt;script&gt;") || !strings.Contains(html, "&lt;img src=x onerror=alert(1)&gt; &amp; &#34;Mercy&#34;") {
		t.Error("the escaped name or note is missing")
	}
	if strings.Contains(html, "trendchart") {
		t.Error("a packet without a trend drew one")
	}
}

// TestPacketPeers: without enough peers there is no box plot, only the sentence; a
// figure too few peers have is a plot with the own mark and no box.
func TestPacketPeers(t *testing.T) {
	r, _, _ := realistic(t)
	few := *r
	few.Peers = assessment.PeerBenchmark{SizeBand: r.Peers.SizeBand, N: 2}
	html := packet(t, &few, false)
	if strings.Contains(html, `class="boxplot"`) || !strings.Contains(html, htmlEscape(present.NotEnoughPeers(few.Peers))) {
		t.Error("too few peers: want the sentence and no box plot")
	}
	// 5–9 peers: medians only, no box.
	some := *r
	p := r.Peers
	p.BMETPerCE = &assessment.SubFigure{FewerThan: assessment.MinPeers}
	some.Peers = p
	html = packet(t, &some, false)
	if got := strings.Count(html, `class="boxplot"`); got != 4 {
		t.Errorf("%d box plots, want 4", got)
	}
	if got := strings.Count(html, `class="iqr"`); got != 0 {
		t.Errorf("%d boxes with %d peers, want none (medians only)", got, p.N)
	}
	// 10 or more: quartiles, a box for every published figure.
	f := func(v float64) *float64 { return &v }
	q := &assessment.Figure{P25: f(60), Median: 70, P75: f(80)}
	p.N, p.BalanceIndex, p.EngineeringIndex = 12, q, q
	p.CEEngineeringShare = &assessment.Figure{P25: f(0.1), Median: 0.2, P75: f(0.3)}
	some.Peers = p
	html = packet(t, &some, false)
	if got := strings.Count(html, `class="iqr"`); got != 3 {
		t.Errorf("%d boxes, want 3 (BMETs per CE has too few peers)", got)
	}
}

func TestPacketMissing(t *testing.T) {
	if err := Packet(&bytes.Buffer{}, nil, nil, nil, nil); err == nil {
		t.Error("a packet without a report rendered")
	}
}
