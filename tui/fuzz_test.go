package tui

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/x/ansi"

	"cebalance/assessment"
	"cebalance/store"
)

// The TUI fuzzer: arbitrary bytes become a sequence of the messages a terminal sends
// the root model (key presses, typed-ahead keys, bracketed pastes, window sizes), played
// on a real database holding one organization with three completed assessments and a
// draft. After every message the view must render, within the window when the window
// is at least the minimum size; at the end the database must pass Check and hold only
// valid answers, and the questionnaire must show as saved exactly what is stored.
//
//	go test -run '^$' -fuzz '^FuzzRootModel$' -fuzztime 3m -parallel 1 ./tui/

// Byte codes of the input. Every byte means something, so that random bytes drive the
// TUI somewhere.
const (
	opSpecial   = 0x00 // 0x00–0x0f: specialKeys[b]
	opSize      = 0x10 // 0x10–0x17: a window size: the next two bytes, through fuzzSize
	opPaste     = 0x18 // 0x18–0x1b: a bracketed paste: a length byte, then that many bytes as UTF-8
	opTyped     = 0x1c // 0x1c–0x1d: keys typed faster than read: a count byte, then printable ASCII
	opAlt       = 0x1e // alt and the next byte as a printable ASCII rune
	opRune      = 0x1f // one rune: the next three bytes, big-endian, modulo the Unicode range
	opBackspace = 0x7f
	opUseful    = 0x80 // 0x80–0xff: usefulKeys[b%16], to get deep quickly
)

// specialKeys are the keys without a rune. ctrl+c quits, which ends the sequence.
var specialKeys = [16]tea.KeyType{
	tea.KeyEnter, tea.KeyEscape, tea.KeyTab, tea.KeyShiftTab,
	tea.KeyUp, tea.KeyDown, tea.KeyLeft, tea.KeyRight,
	tea.KeyBackspace, tea.KeyDelete, tea.KeyHome, tea.KeyEnd,
	tea.KeyPgUp, tea.KeyPgDown, tea.KeySpace, tea.KeyCtrlC,
}

// usefulKeys are the keys that move through the screens: answers, confirmations, notes.
var usefulKeys = [16]string{"1", "2", "3", "4", "5", "6", "7", "enter", "esc", "n", "r", "f", "y", "down", "tab", "u"}

// fuzzSizes are the window sizes worth trying; other bytes are sizes themselves.
var fuzzSizes = [16]int{0, 1, 2, 5, 19, 20, 21, 59, 60, 61, 80, 100, 120, 200, 1000, 4000}

func fuzzSize(b byte) int {
	if int(b) < len(fuzzSizes) {
		return fuzzSizes[b]
	}
	return int(b)
}

// maxFuzzMsgs bounds the messages of one input, so that every input runs quickly.
const maxFuzzMsgs = 400

// decodeMsgs turns fuzz input into terminal messages.
func decodeMsgs(data []byte) []tea.Msg {
	var msgs []tea.Msg
	next := func() (byte, bool) {
		if len(data) == 0 {
			return 0, false
		}
		b := data[0]
		data = data[1:]
		return b, true
	}
	for len(data) > 0 && len(msgs) < maxFuzzMsgs {
		b, _ := next()
		switch {
		case b < opSize:
			k := tea.KeyMsg{Type: specialKeys[b]}
			if k.Type == tea.KeySpace {
				k.Runes = []rune{' '}
			}
			msgs = append(msgs, k)
		case b < opPaste:
			w, ok1 := next()
			h, ok2 := next()
			if ok1 && ok2 {
				msgs = append(msgs, tea.WindowSizeMsg{Width: fuzzSize(w), Height: fuzzSize(h)})
			}
		case b < opTyped:
			n, ok := next()
			if !ok {
				break
			}
			text := data[:min(int(n%64), len(data))]
			data = data[len(text):]
			if r := []rune(string(text)); len(r) > 0 {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: r, Paste: true})
			}
		case b < opAlt:
			n, ok := next()
			if !ok {
				break
			}
			var r []rune
			for range int(n%8) + 2 {
				c, ok := next()
				if !ok {
					break
				}
				r = append(r, rune(' '+c%95))
			}
			if len(r) > 0 {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: r})
			}
		case b == opAlt:
			if c, ok := next(); ok {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rune(' ' + c%95)}, Alt: true})
			}
		case b == opRune:
			if len(data) < 3 {
				data = nil
				break
			}
			r := rune((int(data[0])<<16 | int(data[1])<<8 | int(data[2])) % (unicode.MaxRune + 1))
			data = data[3:]
			if utf8.ValidRune(r) && !unicode.IsControl(r) {
				msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}})
			}
		case b == ' ':
			msgs = append(msgs, tea.KeyMsg{Type: tea.KeySpace, Runes: []rune{' '}})
		case b < opBackspace:
			msgs = append(msgs, tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{rune(b)}})
		case b == opBackspace:
			msgs = append(msgs, tea.KeyMsg{Type: tea.KeyBackspace})
		default:
			msgs = append(msgs, keyMsg(usefulKeys[b%16]))
		}
	}
	return msgs
}

// fuzzScript encodes a readable script as fuzz input, for the seeds: key names
// ("enter", "esc", "ctrl+c", …), "size:W:H", "paste:TEXT", "typed:TEXT", "alt:C",
// "rune:U+XXXX", and any other word is typed as ASCII.
func fuzzScript(words ...string) []byte {
	var b []byte
	sizeByte := func(n int) byte {
		for i, s := range fuzzSizes {
			if s == n {
				return byte(i)
			}
		}
		if n < len(fuzzSizes) || n > 255 {
			panic(fmt.Sprintf("size %d cannot be encoded", n))
		}
		return byte(n)
	}
	names := map[string]tea.KeyType{}
	for i, k := range specialKeys {
		names[k.String()] = specialKeys[i]
	}
	for _, w := range words {
		kind, arg, _ := strings.Cut(w, ":")
		switch {
		case kind == "size":
			ws, hs, _ := strings.Cut(arg, ":")
			wn, _ := strconv.Atoi(ws)
			hn, _ := strconv.Atoi(hs)
			b = append(b, opSize, sizeByte(wn), sizeByte(hn))
		case kind == "paste" && arg != "":
			if len(arg) > 63 {
				panic(fmt.Sprintf("paste of %d bytes cannot be encoded", len(arg)))
			}
			b = append(b, opPaste, byte(len(arg)))
			b = append(b, arg...)
		case kind == "typed" && arg != "":
			b = append(b, opTyped, byte(len(arg)-2))
			for _, c := range []byte(arg) {
				b = append(b, c-' ')
			}
		case kind == "alt" && arg != "":
			b = append(b, opAlt, arg[0]-' ')
		case kind == "rune":
			n, err := strconv.ParseUint(strings.TrimPrefix(arg, "U+"), 16, 32)
			if err != nil {
				panic(err)
			}
			b = append(b, opRune, byte(n>>16), byte(n>>8), byte(n))
		default:
			if k, ok := names[w]; ok {
				for i, s := range specialKeys {
					if s == k {
						b = append(b, byte(opSpecial+i))
					}
				}
				continue
			}
			b = append(b, w...)
		}
	}
	return b
}

// fuzzSeeds are the committed seeds (testdata/fuzz/FuzzRootModel/seed-NAME): the paths
// through every screen, and the odd inputs worth starting from.
var fuzzSeeds = map[string][]string{
	// Resume the draft (function 13 of 37) and answer to the end, with a note; review,
	// finish, scorecard, history and a comparison.
	"answer_all_finish": append(append([]string{"enter", "enter"}, strings.Split(strings.Repeat("2", 25), "")...),
		"f", "y", "pgdown", "end", "esc", "h", " ", "down", " ", "c", "esc", "esc", "esc"),
	"note_paste": {"enter", "enter", "n", "paste:Vendor does it\x1b[31m red\ttab\nnewline", "typed:and more", "rune:U+4E2D", "rune:U+1F600", "rune:U+202E", "enter", "left", "n", "esc", "x", "r", "esc"},
	"long_note":  {"enter", "enter", "n", "paste:" + strings.Repeat("ab ", 21), "paste:" + strings.Repeat("中文", 10), "paste:" + strings.Repeat("x", 63), "enter", "left", "size:60:20", "n", "end", "enter"},
	"profile":    {"enter", "enter", "p", "tab", "9", "9", "9", "9", "9", "tab", "y", "tab", "-", "1", "enter", "paste:1e309", "enter", "paste:NaN", "shift+tab", "left", "esc"},
	"new_org":    {"n", "paste:Hôpital\x00 Saint\u200b-Jérôme 医院 " + strings.Repeat("é", 10), "enter", "enter", "enter", "1", "2", "esc", "esc"},
	"new_org_bad": {"n", "paste:!!!", "enter", "backspace", "backspace", "backspace", "paste:" + "St Example Hospital",
		"enter", "esc", "n", "enter", "esc", "G", "g", "j", "k", "q"},
	"resize": {"size:0:0", "enter", "size:1:1", "enter", "size:59:19", "size:60:20", "enter", "enter", "size:4000:1000", "size:61:21",
		"h", "?", "size:60:20", "r", "size:200:200", "esc", "size:20:60", "esc"},
	"help_everywhere": {"?", "enter", "?", "enter", "?", "h", "?", "r", "?", "f", "?", "esc", "esc", "h", "?", "esc", "c", "?", "esc", "esc", "?"},
	"typeahead":       {"enter", "enter", "typed:1234567", "typed:nxq?r", "esc", "alt:q", "alt:1", "u", "ctrl+c"},
	"profile_wide":    {"size:60:20", "enter", "enter", "p", "paste:中文中文中文中文中文中文中文中文", "enter", "paste:😀😀😀😀", "tab", "esc"},
	"small_finish": append(append([]string{"size:60:20", "enter", "enter"}, strings.Split(strings.Repeat("3", 25), "")...),
		"f", "y", " ", "end", "h", "m", "down", "m", "c", "end", "esc", "esc", "esc", "enter", "enter"),
	"review_edit": {"enter", "enter", "r", "end", "enter", "3", "r", "u", "4", "r", "f", "n", "f", "esc", "esc"},
}

// seedDir holds the seed corpus; the fuzzing engine adds the inputs it finds there.
const seedDir = "testdata/fuzz/FuzzRootModel"

// TestFuzzSeeds checks that the committed seed files hold fuzzSeeds;
// CEBALANCE_UPDATE_SEEDS=1 rewrites them.
func TestFuzzSeeds(t *testing.T) {
	for name, words := range fuzzSeeds {
		path := filepath.Join(seedDir, "seed-"+name)
		want := fmt.Sprintf("go test fuzz v1\n[]byte(%q)\n", fuzzScript(words...))
		if os.Getenv("CEBALANCE_UPDATE_SEEDS") == "1" {
			if err := os.MkdirAll(seedDir, 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			continue
		}
		got, err := os.ReadFile(path)
		if err != nil || string(got) != want {
			t.Errorf("%s is missing or stale (%v): run CEBALANCE_UPDATE_SEEDS=1 go test -run TestFuzzSeeds ./tui/", path, err)
		}
	}
}

// fuzzTemplate is the database every input starts from, built once.
var fuzzTemplate struct {
	once sync.Once
	data []byte
	org  string
}

// fuzzDir is where an input's database lives: a RAM disk when there is one (fsync
// there costs nothing, and the fuzzer saves a lot), else the test's temporary folder.
func fuzzDir(t *testing.T) string {
	if fi, err := os.Stat("/dev/shm"); err == nil && fi.IsDir() {
		if dir, err := os.MkdirTemp("/dev/shm", "cebalance-fuzz-"); err == nil {
			t.Cleanup(func() { _ = os.RemoveAll(dir) })
			return dir
		}
	}
	return t.TempDir()
}

func FuzzRootModel(f *testing.F) {
	buildFuzzTemplate(f)
	for _, words := range fuzzSeeds {
		f.Add(fuzzScript(words...))
	}
	f.Fuzz(playFuzz)
}

// buildFuzzTemplate builds fuzzTemplate once per process.
func buildFuzzTemplate(f testing.TB) {
	fuzzTemplate.once.Do(func() {
		clk := newClock()
		st, err := store.Open(filepath.Join(f.TempDir(), "template.db"), store.Options{Now: clk.now})
		if err != nil {
			f.Fatal(err)
		}
		fuzzTemplate.org = seedExample(f, st, clk, true).ID
		path := st.Path()
		if err := st.Close(); err != nil {
			f.Fatal(err)
		}
		if fuzzTemplate.data, err = os.ReadFile(path); err != nil {
			f.Fatal(err)
		}
	})
}

// playFuzz plays one input and checks the invariants.
func playFuzz(t *testing.T, data []byte) {
	path := filepath.Join(fuzzDir(t), "cebalance.db")
	if err := os.WriteFile(path, fuzzTemplate.data, 0o600); err != nil {
		t.Fatal(err)
	}
	clk := newClock()
	clk.set(time.Date(2025, 9, 2, 9, 0, 0, 0, time.UTC))
	st, err := store.Open(path, store.Options{Now: clk.now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	d := newDriver(t, st, testOptions(clk), 80, 24)
	// Store calls take milliseconds and there are no timers (no idle timeout, no
	// quit delay, static cursors): a command that takes this long hangs.
	d.wait = 2 * time.Second
	w, h := 80, 24
	for i, msg := range decodeMsgs(data) {
		if ws, ok := msg.(tea.WindowSizeMsg); ok {
			w, h = ws.Width, ws.Height
		}
		start := time.Now()
		d.send(msg)
		if took := time.Since(start); took >= d.wait {
			t.Fatalf("message %d (%#v) on %s took %v: a command hangs", i, msg, d.on(), took)
		}
		checkFrame(t, d, i, msg, w, h)
		checkSaved(t, d, st, i, msg)
		if d.quit {
			break
		}
	}
	checkStore(t, st)
}

// checkFrame renders the view: it must fit a window of at least the minimum size.
func checkFrame(t *testing.T, d *driver, i int, msg tea.Msg, w, h int) {
	t.Helper()
	v := d.m.View()
	if w < minWidth || h < minHeight {
		return
	}
	lines := strings.Split(v, "\n")
	if len(lines) > h {
		t.Fatalf("after message %d (%#v) on %s: %d lines in a %d×%d window:\n%s", i, msg, d.on(), len(lines), w, h, ansi.Strip(v))
	}
	for _, l := range lines {
		if n := ansi.StringWidth(l); n > w {
			t.Fatalf("after message %d (%#v) on %s: a line %d wide in a %d×%d window: %q", i, msg, d.on(), n, w, h, ansi.Strip(l))
		}
	}
}

// checkSaved: what the questionnaire shows as saved is what the database holds. The
// driver runs every command before the next message, so no save is in flight.
func checkSaved(t *testing.T, d *driver, st *store.Store, i int, msg tea.Msg) {
	t.Helper()
	q := d.quest()
	if q.bank == nil {
		return
	}
	draft, err := st.Draft(q.orgID)
	if err != nil || draft.Number != q.number {
		return // finished since: the questionnaire is not shown again
	}
	if len(q.pend) > 0 || d.root().saves.writing() {
		t.Fatalf("after message %d (%#v): %d saves still queued with nothing in flight", i, msg, len(q.pend))
	}
	if len(draft.Answers) != len(q.answers) {
		t.Fatalf("after message %d (%#v): the questionnaire has %d answers saved, the database %d", i, msg, len(q.answers), len(draft.Answers))
	}
	for id, a := range q.answers {
		s, ok := draft.Answers[id]
		if !ok || s.Performer != a.Performer || s.Note != a.Note || !s.AnsweredAt.Equal(a.AnsweredAt) {
			t.Fatalf("after message %d (%#v): %s shown as saved %+v, stored %+v", i, msg, id, a, s)
		}
	}
}

// checkStore: the database passes Check, and holds only valid names and answers:
// known performers, notes of at most MaxNoteRunes without control characters.
func checkStore(t *testing.T, st *store.Store) {
	t.Helper()
	if err := st.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	orgs, err := st.Organizations()
	if err != nil {
		t.Fatal(err)
	}
	clean := func(s string) bool {
		return utf8.ValidString(s) && !strings.ContainsFunc(s, unicode.IsControl)
	}
	for _, o := range orgs {
		if !clean(o.Name) || strings.TrimSpace(o.Name) == "" || utf8.RuneCountInString(o.Name) > store.MaxNameRunes {
			t.Fatalf("organization name %q", o.Name)
		}
		as, err := st.Assessments(o.ID)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range as {
			for id, ans := range a.Answers {
				if !ans.Performer.Valid() {
					t.Fatalf("%s #%d %s: performer %q", o.ID, a.Number, id, ans.Performer)
				}
				if !clean(ans.Note) || utf8.RuneCountInString(ans.Note) > assessment.MaxNoteRunes || ans.Note != assessment.SanitizeNote(ans.Note) {
					t.Fatalf("%s #%d %s: note %q", o.ID, a.Number, id, ans.Note)
				}
			}
			if a.Status == assessment.Completed {
				if err := a.Profile.Validate(); err != nil {
					t.Fatalf("%s #%d: completed with profile %+v: %v", o.ID, a.Number, a.Profile, err)
				}
			}
		}
	}
}
