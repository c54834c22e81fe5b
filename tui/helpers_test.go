package tui

import (
	"io"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

var _ Store = (*store.Store)(nil)

func TestMain(m *testing.M) {
	// Dates are shown in local time; golden files need one zone.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// clock is a test clock: every reading is one second later than the one before, so
// answers get distinct, ordered times, and the test can jump it to a date.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *clock { return &clock{t: time.Date(2025, 3, 3, 9, 0, 0, 0, time.UTC)} }

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(time.Second)
	return c.t
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// asciiRenderer renders without color, like NO_COLOR, for stable golden files.
func asciiRenderer() *lipgloss.Renderer {
	r := lipgloss.NewRenderer(io.Discard)
	r.SetColorProfile(termenv.Ascii)
	r.SetHasDarkBackground(true)
	return r
}

// openStore opens a real store in dir with the clock.
func openStore(t testing.TB, dir string, clk *clock) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(dir, "cebalance.db"), store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = st.Close() })
	return st
}

func testOptions(clk *clock) Options {
	return Options{Renderer: asciiRenderer(), CanCreate: true, Now: clk.now}
}

// driver drives the root model like Bubble Tea does, but synchronously: it feeds a
// message to Update and runs the returned commands, feeding back the messages of this
// package (and batches) and dropping the others (timers, cursor blinks).
type driver struct {
	t    testing.TB
	m    tea.Model
	quit bool
	wait time.Duration // how long a command may take before it counts as a timer
}

func newDriver(t testing.TB, st Store, opts Options, w, h int) *driver {
	t.Helper()
	d := &driver{t: t, m: New(st, opts), wait: 3 * time.Second}
	if opts.Idle > 0 {
		d.wait = 200 * time.Millisecond // the idle timer is not awaited
	}
	d.m.(*model).quitDelay = 0
	d.run(d.m.Init())
	d.send(tea.WindowSizeMsg{Width: w, Height: h})
	return d
}

var tuiPkg = reflect.TypeOf(model{}).PkgPath()

func (d *driver) send(msg tea.Msg) {
	d.t.Helper()
	m, cmd := d.m.Update(msg)
	d.m = m
	d.run(cmd)
}

func (d *driver) run(cmd tea.Cmd) {
	d.t.Helper()
	if cmd == nil {
		return
	}
	done := make(chan tea.Msg, 1)
	go func() { done <- cmd() }()
	var msg tea.Msg
	select {
	case msg = <-done:
	case <-time.After(d.wait):
		return // a timer: not ours to wait for
	}
	switch msg := msg.(type) {
	case nil:
	case tea.BatchMsg:
		for _, c := range msg {
			d.run(c)
		}
	case tea.QuitMsg:
		d.quit = true
	default:
		if reflect.TypeOf(msg).PkgPath() == tuiPkg {
			d.send(msg)
		}
	}
}

// keyMsg turns a key name into the message a terminal would send.
func keyMsg(k string) tea.KeyMsg {
	switch k {
	case "enter":
		return tea.KeyMsg{Type: tea.KeyEnter}
	case "esc":
		return tea.KeyMsg{Type: tea.KeyEscape}
	case "up":
		return tea.KeyMsg{Type: tea.KeyUp}
	case "down":
		return tea.KeyMsg{Type: tea.KeyDown}
	case "left":
		return tea.KeyMsg{Type: tea.KeyLeft}
	case "right":
		return tea.KeyMsg{Type: tea.KeyRight}
	case "tab":
		return tea.KeyMsg{Type: tea.KeyTab}
	case "shift+tab":
		return tea.KeyMsg{Type: tea.KeyShiftTab}
	case "ctrl+c":
		return tea.KeyMsg{Type: tea.KeyCtrlC}
	case "backspace":
		return tea.KeyMsg{Type: tea.KeyBackspace}
	case "pgdown":
		return tea.KeyMsg{Type: tea.KeyPgDown}
	case "end":
		return tea.KeyMsg{Type: tea.KeyEnd}
	case " ", "space":
		return tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}}
	}
	return tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune(k)}
}

// press sends key presses by name.
func (d *driver) press(keys ...string) {
	d.t.Helper()
	for _, k := range keys {
		d.send(keyMsg(k))
	}
}

// typeText types text one rune at a time.
func (d *driver) typeText(s string) {
	d.t.Helper()
	for _, r := range s {
		if r == ' ' {
			d.send(keyMsg(" "))
			continue
		}
		d.send(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
	}
}

func (d *driver) root() *model { return d.m.(*model) }

// quest is the questionnaire last opened; a zero one when none was.
func (d *driver) quest() *questionnaireModel {
	if q, ok := d.root().screens[screenQuestionnaire].(*questionnaireModel); ok {
		return q
	}
	return &questionnaireModel{}
}

// on is the id of the screen on top.
func (d *driver) on() screenID { return d.root().top().id() }

// view is the screen without escape sequences, trailing spaces trimmed.
func (d *driver) view() string {
	lines := strings.Split(ansi.Strip(d.m.View()), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	return strings.Join(lines, "\n")
}

// pageText is the whole scrollable page of the current screen (scorecard or
// comparison), not only what is visible.
func (d *driver) pageText() string {
	switch s := d.root().top().(type) {
	case *scorecardModel:
		return ansi.Strip(s.page.content)
	case *compareModel:
		return ansi.Strip(s.page.content)
	}
	d.t.Fatalf("screen %s has no page", d.on())
	return ""
}

func (d *driver) mustHaveOnPage(parts ...string) {
	d.t.Helper()
	text := d.pageText()
	for _, p := range parts {
		if !strings.Contains(text, p) {
			d.t.Fatalf("page of %s lacks %q:\n%s", d.root().top(), p, text)
		}
	}
}

func (d *driver) mustSee(parts ...string) {
	d.t.Helper()
	v := d.view()
	for _, p := range parts {
		if !strings.Contains(v, p) {
			d.t.Fatalf("screen %s lacks %q:\n%s", d.root().top(), p, v)
		}
	}
}

func (d *driver) mustNotSee(parts ...string) {
	d.t.Helper()
	v := d.view()
	for _, p := range parts {
		if strings.Contains(v, p) {
			d.t.Fatalf("screen %s shows %q:\n%s", d.root().top(), p, v)
		}
	}
}

func (d *driver) mustBeOn(s screenID) {
	d.t.Helper()
	if got := d.on(); got != s {
		d.t.Fatalf("on screen %s, want %s:\n%s", got, s, d.view())
	}
}

// performerFor is the answer pattern of the seeded organizations: engineering work
// mostly by the manager and BMETs with a clinical engineer on some, operations by BMETs
// and vendors, and a gap in recall management (critical) and alarm management.
func performerFor(i int, f *questions.Function) questions.Performer {
	switch f.ID {
	case "recall_management":
		return assessment.Nobody
	case "alarm_management":
		return assessment.Unsure
	}
	if f.Kind == questions.Operations {
		if i%3 == 0 {
			return assessment.Vendor
		}
		return assessment.BMET
	}
	switch i % 4 {
	case 0:
		return assessment.CE
	case 1:
		return assessment.Manager
	case 2:
		return assessment.BMET
	}
	return assessment.IT
}

var demoProfile = assessment.Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, ITFTE: 0.5, Devices: 7000}

// seedCompleted stores a completed assessment for org with the answer pattern, changed
// by override.
func seedCompleted(t testing.TB, st *store.Store, clk *clock, orgID string, when time.Time, p assessment.Profile, override map[string]questions.Performer) {
	t.Helper()
	clk.set(when)
	a, err := st.StartAssessment(orgID, questions.Default())
	if err != nil {
		t.Fatal(err)
	}
	if err := st.SaveProfile(orgID, a.Number, p); err != nil {
		t.Fatal(err)
	}
	for i := range questions.Default().Functions {
		f := &questions.Default().Functions[i]
		perf := performerFor(i, f)
		if o, ok := override[f.ID]; ok {
			perf = o
		}
		if err := st.SaveAnswer(orgID, a.Number, f.ID, assessment.Answer{Performer: perf}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := st.Complete(orgID, a.Number); err != nil {
		t.Fatal(err)
	}
}

func mustCreate(t testing.TB, st *store.Store, name string) store.Organization {
	t.Helper()
	o, err := st.CreateOrganization(name)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

// seedExample makes "St Example Hospital" with three completed assessments (a year
// apart, improving) and a draft with 12 answers.
func seedExample(t testing.TB, st *store.Store, clk *clock, draft bool) store.Organization {
	t.Helper()
	org := mustCreate(t, st, "St Example Hospital")
	p1 := demoProfile
	p1.CEFTE = 0
	seedCompleted(t, st, clk, org.ID, time.Date(2023, 3, 1, 9, 0, 0, 0, time.UTC), p1, map[string]questions.Performer{
		"capital_planning": assessment.BMET, "incident_investigation": assessment.Nobody, "technology_assessment": assessment.Nobody,
	})
	seedCompleted(t, st, clk, org.ID, time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), demoProfile, map[string]questions.Performer{
		"capital_planning": assessment.Manager,
	})
	p3 := demoProfile
	p3.CEFTE = 2
	seedCompleted(t, st, clk, org.ID, time.Date(2025, 3, 1, 9, 0, 0, 0, time.UTC), p3, map[string]questions.Performer{
		"recall_management": assessment.CE, "capital_planning": assessment.CE,
	})
	if draft {
		clk.set(time.Date(2025, 9, 1, 9, 0, 0, 0, time.UTC))
		a, err := st.StartAssessment(org.ID, questions.Default())
		if err != nil {
			t.Fatal(err)
		}
		for i := 0; i < 12; i++ {
			f := &questions.Default().Functions[i]
			if err := st.SaveAnswer(org.ID, a.Number, f.ID, assessment.Answer{Performer: performerFor(i, f)}); err != nil {
				t.Fatal(err)
			}
		}
	}
	clk.set(time.Date(2025, 9, 2, 9, 0, 0, 0, time.UTC))
	return org
}

// seedPeers adds n other organizations of the same size band with one completed
// assessment each.
func seedPeers(t testing.TB, st *store.Store, clk *clock, n int) {
	t.Helper()
	for i := 0; i < n; i++ {
		org := mustCreate(t, st, "Peer Hospital "+string(rune('A'+i)))
		p := demoProfile
		p.Beds = 150 + 20*i
		p.CEFTE = float64(i % 3)
		over := map[string]questions.Performer{}
		if i%2 == 0 {
			over["recall_management"] = assessment.Manager
		}
		seedCompleted(t, st, clk, org.ID, time.Date(2024, 6, 1+i, 9, 0, 0, 0, time.UTC), p, over)
	}
	// Peers come from the benchmark snapshot: take one with all of them.
	if err := st.RefreshBenchmark(); err != nil {
		t.Fatal(err)
	}
}

// fns fills in the size of the default bank in a screen text: {n} is the number of
// functions, {n-1} and {n-5} that many fewer.
func fns(s string) string {
	n := len(questions.Default().Functions)
	return strings.NewReplacer("{n}", strconv.Itoa(n), "{n-1}", strconv.Itoa(n-1), "{n-5}", strconv.Itoa(n-5)).Replace(s)
}
