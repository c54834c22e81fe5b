package cli

import (
	"bytes"
	"context"
	"encoding/binary"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// The committee packet (report --format html) rendered by a real browser: headless
// Chromium turns it into a PNG and a PDF, and dumps the DOM it built. The test fails on
// any console message (a blocked request is one: the packet's Content-Security-Policy
// blocks everything outside the file and Chromium logs each block), on any reference to
// something outside the file in the rendered DOM, on a PDF page count out of range, and
// when a chart's SVG elements are missing from the DOM.
//
// Chromium is the only test dependency outside Go. Without it the test is skipped with
// a message, except on CI (CI set), where .ci/run installs it and a missing browser is
// a failure.

const chromiumPath = "/usr/bin/chromium"

func chromium(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("%s is missing on CI: .ci/run installs it (apt-get install chromium)", chromiumPath)
		}
		t.Skipf("%s is not installed: the packet is not checked in a browser (apt-get install chromium; CI does)", chromiumPath)
	}
	return chromiumPath
}

// packetDir is where the packets and their PNG and PDF are written: a temporary
// directory, or CEBALANCE_PACKET_DIR to keep them and look at them.
func packetDir(t *testing.T) string {
	if d := os.Getenv("CEBALANCE_PACKET_DIR"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

// browserRun is what one packet looks like in Chromium.
type browserRun struct {
	dom      string
	console  []string // console messages, blocked requests among them
	pngW     int
	pngH     int
	pdfPages int
}

// render runs headless Chromium three times on the page: --dump-dom (with console
// logging), --screenshot and --print-to-pdf, writing the PNG and PDF beside it.
func render(t *testing.T, bin, page string) browserRun {
	t.Helper()
	dir := filepath.Dir(page)
	url := "file://" + page
	base := []string{"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync",
		"--disable-extensions", "--user-data-dir=" + filepath.Join(dir, "profile")}
	runChromium := func(args ...string) (string, string) {
		ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
		defer cancel()
		cmd := exec.CommandContext(ctx, bin, append(append(append([]string{}, base...), args...), url)...)
		var out, errb bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errb
		if err := cmd.Run(); err != nil {
			t.Fatalf("chromium %v: %v\n%s", args, err, errb.String())
		}
		return out.String(), errb.String()
	}
	var r browserRun
	var logs string
	r.dom, logs = runChromium("--enable-logging=stderr", "--v=0", "--dump-dom")
	for _, l := range strings.Split(logs, "\n") {
		if strings.Contains(l, ":CONSOLE") {
			r.console = append(r.console, l)
		}
	}
	png := strings.TrimSuffix(page, ".html") + ".png"
	pdf := strings.TrimSuffix(page, ".html") + ".pdf"
	runChromium("--hide-scrollbars", "--window-size=1000,1400", "--screenshot="+png)
	runChromium("--no-pdf-header-footer", "--print-to-pdf="+pdf)

	data, err := os.ReadFile(png)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	if len(data) < 24 || !bytes.Equal(data[:8], []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot %s is not a PNG", png)
	}
	r.pngW, r.pngH = int(binary.BigEndian.Uint32(data[16:20])), int(binary.BigEndian.Uint32(data[20:24]))
	if r.pdfPages, err = pdfPages(pdf); err != nil {
		t.Fatal(err)
	}
	return r
}

// pdfPages counts the page objects of a PDF (Chromium writes them uncompressed) and
// checks the count against the page tree's /Count.
func pdfPages(path string) (int, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return 0, fmt.Errorf("pdf: %w", err)
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return 0, fmt.Errorf("%s is not a PDF", path)
	}
	pages := len(regexp.MustCompile(`/Type\s*/Page\b`).FindAll(data, -1))
	// The root of the page tree: a dictionary (no nested one) with /Type /Pages. Other
	// dictionaries have a /Count too (the outline of headings).
	count := ""
	for _, d := range regexp.MustCompile(`<<([^<>]*)>>`).FindAllSubmatch(data, -1) {
		if regexp.MustCompile(`/Type\s*/Pages\b`).Match(d[1]) && !regexp.MustCompile(`/Parent\b`).Match(d[1]) {
			if m := regexp.MustCompile(`/Count\s+(\d+)`).FindSubmatch(d[1]); m != nil {
				count = string(m[1])
			}
		}
	}
	if count == "" {
		return 0, fmt.Errorf("%s: no page tree", path)
	}
	if count != fmt.Sprint(pages) {
		return 0, fmt.Errorf("%s: %d page objects but /Count %s", path, pages, count)
	}
	return pages, nil
}

// external finds references to anything outside the file in a rendered DOM: a src, an
// href or a CSS url() that is not a fragment or data:, and any script.
var external = regexp.MustCompile(`(?i)(?:src|href|xlink:href|action)\s*=\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|//)|<script|@import|@font-face`)

var (
	tagRe   = regexp.MustCompile(`<[a-zA-Z][^>]*>`)
	styleRe = regexp.MustCompile(`(?is)<style[^>]*>(.*?)</style>`)
)

// externalRefs are the references to something outside the file in the markup of dom:
// its tags and style sheets. Text is left out: a note that reads like a tag is escaped
// text, not a reference.
func externalRefs(dom string) []string {
	var out []string
	parts := tagRe.FindAllString(dom, -1)
	for _, m := range styleRe.FindAllStringSubmatch(dom, -1) {
		parts = append(parts, m[1])
	}
	for _, p := range parts {
		for _, m := range external.FindAllString(p, -1) {
			if !strings.Contains(strings.ToLower(m), "data:") {
				out = append(out, m)
			}
		}
	}
	return out
}

// check applies the rules every packet must pass.
func (r browserRun) check(t *testing.T, name string, minPages, maxPages int) {
	t.Helper()
	for _, l := range r.console {
		t.Errorf("%s: console message (an error or a blocked request): %s", name, l)
	}
	for _, m := range externalRefs(r.dom) {
		t.Errorf("%s: the rendered DOM refers to something outside the file: %q", name, m)
	}
	if r.pdfPages < minPages || r.pdfPages > maxPages {
		t.Errorf("%s: the PDF has %d pages, want %d to %d", name, r.pdfPages, minPages, maxPages)
	}
	if r.pngW != 1000 || r.pngH != 1400 {
		t.Errorf("%s: screenshot is %d×%d, want 1000×1400", name, r.pngW, r.pngH)
	}
}

// svgs counts the chart SVGs of class c in the rendered DOM, and the drawn elements in
// them (rect, line, path, circle) so that an empty chart does not count.
func svgs(dom, class string) (charts, marks int) {
	re := regexp.MustCompile(`(?s)<svg[^>]*class="` + class + `"[^>]*>(.*?)</svg>`)
	for _, m := range re.FindAllStringSubmatch(dom, -1) {
		charts++
		marks += len(regexp.MustCompile(`<(?:rect|line|path|circle)\b`).FindAllString(m[1], -1))
	}
	return charts, marks
}

func TestPacketInBrowserDemo(t *testing.T) {
	bin := chromium(t)
	db := demoDB(t)
	out, e, code := run(t, db, "report", "--org", "demo-general-hospital", "--format", "html")
	if code != 0 {
		t.Fatalf("report --format html: %d %s", code, e)
	}
	page := filepath.Join(packetDir(t), "demo.html")
	if err := os.WriteFile(page, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	r := render(t, bin, page)
	r.check(t, "demo packet", 3, 14)
	t.Logf("demo packet: %d bytes of HTML, %d PDF pages (%s)", len(out), r.pdfPages, page)

	// 2 kinds and 8 domains, each a share bar with at least one segment.
	if n, marks := svgs(r.dom, "sharebar"); n != 10 || marks < 10 {
		t.Errorf("share bars in the DOM: %d charts, %d segments; want 10 charts with segments", n, marks)
	}
	// 6 peers: balance, engineering, CE share and BMETs per CE.
	if n, marks := svgs(r.dom, "boxplot"); n != 4 || marks < 4*6 {
		t.Errorf("peer box plots in the DOM: %d charts, %d marks; want 4 with axis, box and own mark", n, marks)
	}
	// Three completed assessments: a line through three points.
	if n, _ := svgs(r.dom, "trendchart"); n != 1 || strings.Count(r.dom, `class="point"`) != 3 || !strings.Contains(r.dom, `class="trendline"`) {
		t.Errorf("trend chart in the DOM: %d charts, %d points; want 1 chart, 3 points and a line", n, strings.Count(r.dom, `class="point"`))
	}
	for _, want := range []string{
		`<html lang="en">`, "Balance index 98.0 / 100 — Balanced", "Appendix: every function",
		"Since assessment 2 (2024-10-17)", "Balanced (80–100)", `aria-label="Balance index over time: assessment 1 (2023-10-16) 54.9`,
	} {
		if !strings.Contains(r.dom, want) {
			t.Errorf("the rendered DOM lacks %q", want)
		}
	}
}

// TestPacketInBrowserFresh is a first assessment of a new organization with a hostile
// name and notes (markup, a link to an outside image): nothing of it may become markup
// or a request; it has no history to compare, too few peers and gaps with notes.
func TestPacketInBrowserFresh(t *testing.T) {
	bin := chromium(t)
	db := filepath.Join(t.TempDir(), "fresh.db")
	st, err := store.Open(db, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	org, err := st.CreateOrganization(`St. Mary's <img src="http://192.0.2.1/o.png"> & 病院`)
	if err != nil {
		t.Fatal(err)
	}
	bank := questions.Default()
	a, err := st.StartAssessment(org.ID, bank)
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveProfile(org.ID, a.Number, assessment.Profile{Beds: 180, CEFTE: 1, BMETFTE: 5, ManagerFTE: 1, ITFTE: 0.5, Devices: 5200}); err != nil {
		t.Fatal(err)
	}
	cycle := []questions.Performer{questions.CE, questions.BMET, questions.Manager, questions.IT, questions.Vendor, questions.Nobody, questions.Unsure}
	for i, f := range bank.Functions {
		ans := assessment.Answer{Performer: cycle[i%len(cycle)]}
		if i%5 == 0 {
			ans.Note = fmt.Sprintf(`note %d <script>console.error("x")</script><img src="https://192.0.2.1/n.png"> url(http://192.0.2.1/c.css)`, i)
		}
		if err := st.SaveAnswer(org.ID, a.Number, f.ID, ans); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Complete(org.ID, a.Number); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}
	out, e, code := run(t, db, "report", "--format", "html")
	if code != 0 {
		t.Fatalf("report --format html: %d %s", code, e)
	}
	if strings.Contains(out, `<img src="http`) || strings.Contains(out, "<script>console") {
		t.Fatalf("a name or note became markup in the packet")
	}
	page := filepath.Join(packetDir(t), "fresh.html")
	if err := os.WriteFile(page, []byte(out), 0o600); err != nil {
		t.Fatal(err)
	}
	r := render(t, bin, page)
	r.check(t, "fresh packet", 3, 14)
	t.Logf("fresh packet: %d bytes of HTML, %d PDF pages (%s)", len(out), r.pdfPages, page)

	if n, _ := svgs(r.dom, "sharebar"); n != 10 {
		t.Errorf("share bars in the DOM: %d, want 10", n)
	}
	if n, _ := svgs(r.dom, "boxplot"); n != 0 {
		t.Errorf("box plots without peers: %d, want 0", n)
	}
	if n, _ := svgs(r.dom, "trendchart"); n != 1 || strings.Count(r.dom, `class="point"`) != 1 {
		t.Errorf("trend chart: %d charts, %d points; want 1 chart with 1 point", n, strings.Count(r.dom, `class="point"`))
	}
	for _, want := range []string{"Fewer than 5 peers in this band", "Your note: note 5 &lt;script&gt;", "St. Mary's &lt;img"} {
		if !strings.Contains(r.dom, want) {
			t.Errorf("the rendered DOM lacks %q", want)
		}
	}
}

// TestBrowserCheckCatchesFaults shows the checks can fail: a page that asks for an
// outside image (blocked by the same Content-Security-Policy, and logged) and has an
// empty chart.
func TestBrowserCheckCatchesFaults(t *testing.T) {
	bin := chromium(t)
	page := filepath.Join(t.TempDir(), "bad.html")
	html := `<!DOCTYPE html><html lang="en"><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"></head>` +
		`<body><img src="http://192.0.2.1/x.png" alt=""><svg class="sharebar"></svg></body></html>`
	if err := os.WriteFile(page, []byte(html), 0o600); err != nil {
		t.Fatal(err)
	}
	r := render(t, bin, page)
	if len(r.console) == 0 {
		t.Error("a blocked outside image left no console message: the check cannot see requests")
	}
	if len(externalRefs(r.dom)) == 0 {
		t.Error("the DOM check does not see an outside src")
	}
	if n, marks := svgs(r.dom, "sharebar"); n != 1 || marks != 0 {
		t.Errorf("empty chart: %d charts, %d marks; want 1 and 0", n, marks)
	}
	if r.pdfPages != 1 {
		t.Errorf("a one-line page prints on %d pages, want 1", r.pdfPages)
	}
}
