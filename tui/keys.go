package tui

import (
	"strings"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	tea "github.com/charmbracelet/bubbletea"
)

// Every key the TUI honours is a key.Binding here, with the help text the footer shows.
// Screens match keys with key.Matches, never with string literals.

func bind(keys []string, k, desc string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(k, desc))
}

// globalKeys work on every screen. Quit (q) is ignored while a text field has the
// focus; ctrl+c always quits.
type globalKeys struct {
	Quit      key.Binding
	ForceQuit key.Binding
	Help      key.Binding
	Back      key.Binding
}

func newGlobalKeys() globalKeys {
	return globalKeys{
		Quit:      bind([]string{"q"}, "q", "quit"),
		ForceQuit: bind([]string{"ctrl+c"}, "ctrl+c", "quit"),
		Help:      bind([]string{"?"}, "?", "help"),
		Back:      bind([]string{"esc"}, "esc", "back"),
	}
}

// listKeys move a cursor through a list.
type listKeys struct {
	Move   key.Binding // only for the short help: ↑/↓ together
	Up     key.Binding
	Down   key.Binding
	Top    key.Binding
	Bottom key.Binding
	Enter  key.Binding
}

// move returns where the cursor of an n-row list goes for key k (see isMove).
func (l listKeys) move(k tea.KeyMsg, cursor, n int) int {
	last := max(0, n-1)
	switch {
	case key.Matches(k, l.Up):
		return max(0, cursor-1)
	case key.Matches(k, l.Down):
		return min(last, cursor+1)
	case key.Matches(k, l.Top):
		return 0
	case key.Matches(k, l.Bottom):
		return last
	}
	return cursor
}

// isMove reports whether k moves the cursor of a list.
func (l listKeys) isMove(k tea.KeyMsg) bool {
	return key.Matches(k, l.Up, l.Down, l.Top, l.Bottom)
}

func newListKeys(enterDesc string) listKeys {
	return listKeys{
		Move:   bind([]string{"up", "down"}, "↑/↓", "move"),
		Up:     bind([]string{"up", "k"}, "↑/k", "up"),
		Down:   bind([]string{"down", "j"}, "↓/j", "down"),
		Top:    bind([]string{"home", "g"}, "home/g", "first"),
		Bottom: bind([]string{"end", "G"}, "end/G", "last"),
		Enter:  bind([]string{"enter"}, "enter", enterDesc),
	}
}

// scrollKeys scroll a long page (scorecard, comparison).
type scrollKeys struct {
	Scroll   key.Binding // only for the short help: ↑/↓ together
	Up       key.Binding
	Down     key.Binding
	PageUp   key.Binding
	PageDown key.Binding
	Top      key.Binding
	Bottom   key.Binding
}

func newScrollKeys() scrollKeys {
	return scrollKeys{
		Scroll:   bind([]string{"up", "down"}, "↑/↓", "scroll"),
		Up:       bind([]string{"up", "k"}, "↑/k", "scroll up"),
		Down:     bind([]string{"down", "j"}, "↓/j", "scroll down"),
		PageUp:   bind([]string{"pgup", "b", "shift+space"}, "pgup/b", "page up"),
		PageDown: bind([]string{"pgdown", " ", "f"}, "space/pgdn", "page down"),
		Top:      bind([]string{"home", "g"}, "home/g", "top"),
		Bottom:   bind([]string{"end", "G"}, "end/G", "bottom"),
	}
}

// keyHelp is a help.KeyMap built from a short list and full-help columns.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
	// noBack leaves esc out of the short help, to make room on 80 columns.
	noBack bool
	// noEsc leaves the global esc out altogether: the first screen has nothing to go
	// back to, and the error view says its own esc.
	noEsc bool
}

// hash identifies the help the key map shows (every binding's keys, help text and
// whether it is on), so that the footer is rendered once per key map and width.
func (k keyHelp) hash() uint64 {
	h := uint64(14695981039346656037) // FNV-1a
	add := func(s string) {
		for i := 0; i < len(s); i++ {
			h ^= uint64(s[i])
			h *= 1099511628211
		}
		h ^= 0xff
		h *= 1099511628211
	}
	binding := func(b key.Binding) {
		if b.Enabled() {
			add(b.Help().Key)
			add(b.Help().Desc)
		} else {
			add("")
		}
	}
	for _, b := range k.short {
		binding(b)
	}
	add("|")
	for _, col := range k.full {
		for _, b := range col {
			binding(b)
		}
		add("/")
	}
	return h
}

// ShortHelp implements help.KeyMap.
func (k keyHelp) ShortHelp() []key.Binding { return k.short }

// FullHelp implements help.KeyMap.
func (k keyHelp) FullHelp() [][]key.Binding { return k.full }

var _ help.KeyMap = keyHelp{}

// homeKeys are the keys of the home screen.
type homeKeys struct {
	list      listKeys
	Create    key.Binding
	Benchmark key.Binding
	Submit    key.Binding // while typing a name
	Cancel    key.Binding // while typing a name
}

func newHomeKeys() homeKeys {
	return homeKeys{
		list:      newListKeys("open"),
		Create:    bind([]string{"n"}, "n", "new organization"),
		Benchmark: bind([]string{"b"}, "b", "benchmark"),
		Submit:    bind([]string{"enter"}, "enter", "create"),
		Cancel:    bind([]string{"esc"}, "esc", "cancel"),
	}
}

// orgKeys are the keys of the organization screen.
type orgKeys struct {
	list     listKeys
	History  key.Binding
	Compare  key.Binding
	Back     key.Binding
	Discard  key.Binding
	Workload key.Binding
	Confirm  key.Binding // asked whether to discard the draft
	Keep     key.Binding
}

func newOrgKeys() orgKeys {
	return orgKeys{
		list:     newListKeys("choose"),
		Back:     newGlobalKeys().Back,
		History:  bind([]string{"h"}, "h", "history"),
		Compare:  bind([]string{"c"}, "c", "compare"),
		Discard:  bind([]string{"x"}, "x", "discard draft"),
		Workload: bind([]string{"w"}, "w", "estimate hours"),
		Confirm:  bind([]string{"y"}, "y", "discard it"),
		Keep:     bind([]string{"n", "esc"}, "n/esc", "keep it"),
	}
}

// profileKeys are the keys of the profile form.
type profileKeys struct {
	Next   key.Binding
	Prev   key.Binding
	Enter  key.Binding
	Toggle key.Binding // on the yes/no field
	Yes    key.Binding
	No     key.Binding
	Back   key.Binding
}

func newProfileKeys() profileKeys {
	return profileKeys{
		Next:   bind([]string{"down", "tab"}, "↓/tab", "next"),
		Prev:   bind([]string{"up", "shift+tab"}, "↑", "previous"),
		Enter:  bind([]string{"enter"}, "enter", "save & next"),
		Toggle: bind([]string{" ", "left", "right"}, "space", "switch yes/no"),
		Yes:    bind([]string{"y"}, "y", "yes"),
		No:     bind([]string{"n"}, "n", "no"),
		Back:   bind([]string{"esc"}, "esc", "back"),
	}
}

// questKeys are the keys of the questionnaire.
type questKeys struct {
	Choose      key.Binding // only for the short help: ↑/↓ together
	Move        key.Binding // only for the short help: ←/→ together
	Up          key.Binding
	Down        key.Binding
	Answer      key.Binding
	Number      key.Binding
	NumberNoNA  key.Binding // Number as the help shows it where "not applicable" (0) is not offered
	Next        key.Binding
	Prev        key.Binding
	Unanswered  key.Binding
	Gap         key.Binding
	Domain      key.Binding
	Find        key.Binding
	Explain     key.Binding
	Note        key.Binding
	Hours       key.Binding
	Workload    key.Binding
	Clear       key.Binding
	Review      key.Binding
	Finish      key.Binding
	Profile     key.Binding
	Back        key.Binding
	Mouse       key.Binding // only for the help: the mouse is not a key
	NoteFor     key.Binding // while typing a note: the answer it is for
	SaveNote    key.Binding // while typing a note
	CancelNote  key.Binding // while typing a note
	SaveHours   key.Binding // while typing hours
	CancelHours key.Binding // while typing hours
	Discard     key.Binding // asked whether to throw a typed note away
	KeepNote    key.Binding
	Overwrite   key.Binding // when someone else changed the answer first
	KeepTheirs  key.Binding
	PickMove    key.Binding // in the search and the domain list
	Pick        key.Binding
	PickCancel  key.Binding
	PickDomain  key.Binding
}

func newQuestKeys() questKeys {
	return questKeys{
		Choose:      bind([]string{"up", "down"}, "↑/↓", "choose"),
		Move:        bind([]string{"left", "right"}, "←/→", "prev/next"),
		Up:          bind([]string{"up", "k"}, "↑/k", "up"),
		Down:        bind([]string{"down", "j"}, "↓/j", "down"),
		Answer:      bind([]string{"enter"}, "enter", "confirm answer"),
		Number:      bind([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "0"}, "1–9 0", "answer"),
		NumberNoNA:  bind([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1–9", "answer"),
		Next:        bind([]string{"right", "tab"}, "→/tab", "next"),
		Prev:        bind([]string{"left", "shift+tab"}, "←/shift+tab", "previous"),
		Unanswered:  bind([]string{"u"}, "u", "next unanswered"),
		Gap:         bind([]string{"]"}, "]", "next gap"),
		Domain:      bind([]string{"d"}, "d", "jump to domain"),
		Find:        bind([]string{"/"}, "/", "find"),
		Explain:     bind([]string{"e"}, "e", "explain"),
		Note:        bind([]string{"n"}, "n", "note"),
		Hours:       bind([]string{"t"}, "t", "time: hours a month"),
		Workload:    bind([]string{"w"}, "w", "workload pass"),
		Clear:       bind([]string{"x"}, "x", "clear answer"),
		Review:      bind([]string{"r"}, "r", "review"),
		Finish:      bind([]string{"f"}, "f", "finish"),
		Profile:     bind([]string{"p"}, "p", "profile"),
		Back:        newGlobalKeys().Back,
		Mouse:       mouseHelp("click answers"),
		NoteFor:     bind([]string{"up", "down"}, "↑/↓", "answer it is for"),
		SaveNote:    bind([]string{"enter"}, "enter", "save answer with note"),
		CancelNote:  bind([]string{"esc"}, "esc", "stop editing"),
		SaveHours:   bind([]string{"enter"}, "enter", "save answer with hours"),
		CancelHours: bind([]string{"esc"}, "esc", "stop, keep the estimate"),
		Discard:     bind([]string{"y", "esc"}, "y/esc", "discard the note"),
		KeepNote:    bind([]string{"n"}, "n", "keep editing"),
		PickMove:    bind([]string{"up", "down"}, "↑/↓", "choose"),
		Pick:        bind([]string{"enter"}, "enter", "go there"),
		PickCancel:  bind([]string{"esc"}, "esc", "cancel"),
		PickDomain:  bind(domainKeys, "1–9 a–z", "domain"),
		Overwrite:   bind([]string{"o"}, "o", "overwrite with yours"),
		KeepTheirs:  bind([]string{"t", "esc"}, "t/esc", "keep theirs"),
	}
}

// domainKeys name the domains in the domain list: 1–9, then a–z.
var domainKeys = strings.Split("1 2 3 4 5 6 7 8 9 a b c d e f g h i j k l m n o p q r s t u v w x y z", " ")

// domainKey returns the key of the i-th domain, or "" past the last key.
func domainKey(i int) string {
	if i < len(domainKeys) {
		return domainKeys[i]
	}
	return ""
}

// mouseHelp is a help entry for what the mouse does. The mouse sends no key: the
// binding's key is a name no key press has, so it only shows in the help.
func mouseHelp(desc string) key.Binding {
	return bind([]string{"mouse (no key)"}, "mouse", desc)
}

// workloadKeys are the keys of the workload pass.
type workloadKeys struct {
	list       listKeys
	Type       key.Binding // only for the help: digits type the hours
	Erase      key.Binding // only for the help: backspace
	Back       key.Binding
	Overwrite  key.Binding // when someone else changed the answer first
	KeepTheirs key.Binding
}

func newWorkloadKeys() workloadKeys {
	return workloadKeys{
		list:       newListKeys("save, next"),
		Type:       bind([]string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "."}, "0–9 .", "type hours"),
		Erase:      bind([]string{"backspace"}, "⌫", "erase"),
		Back:       bind([]string{"esc"}, "esc", "leave"),
		Overwrite:  bind([]string{"o"}, "o", "your hours on their answer"),
		KeepTheirs: bind([]string{"t", "esc"}, "t/esc", "keep theirs"),
	}
}

// reviewKeys are the keys of the review screen.
type reviewKeys struct {
	list       listKeys
	Finish     key.Binding
	Unanswered key.Binding
	Workload   key.Binding
	Confirm    key.Binding // while asked to confirm finishing
	Cancel     key.Binding
	Back       key.Binding
}

func newReviewKeys() reviewKeys {
	return reviewKeys{
		list:       newListKeys("change"),
		Finish:     bind([]string{"f"}, "f", "finish"),
		Unanswered: bind([]string{"u"}, "u", "unanswered"),
		Workload:   bind([]string{"w"}, "w", "estimate hours"),
		Confirm:    bind([]string{"y", "enter"}, "y/enter", "finish now"),
		Cancel:     bind([]string{"n", "esc"}, "n/esc", "keep reviewing"),
		Back:       newGlobalKeys().Back,
	}
}

// scorecardKeys are the keys of the scorecard.
type scorecardKeys struct {
	scroll   scrollKeys
	History  key.Binding
	Packet   key.Binding
	Back     key.Binding
	NextSect key.Binding
	PrevSect key.Binding
	Section  key.Binding
	Mouse    key.Binding
}

func newScorecardKeys() scorecardKeys {
	return scorecardKeys{
		scroll:   newScrollKeys(),
		Back:     newGlobalKeys().Back,
		History:  bind([]string{"h"}, "h", "history"),
		Packet:   bind([]string{"p"}, "p", "packet"),
		NextSect: bind([]string{"]", "tab"}, "]/tab", "next section"),
		PrevSect: bind([]string{"[", "shift+tab"}, "[", "previous section"),
		Section:  bind([]string{"1", "2", "3", "4", "5", "6", "7", "8", "9"}, "1–9", "section"),
		Mouse:    mouseHelp("wheel scrolls"),
	}
}

// benchmarkKeys are the keys of the community benchmark.
type benchmarkKeys struct {
	scroll scrollKeys
	Back   key.Binding
	Mouse  key.Binding
}

func newBenchmarkKeys() benchmarkKeys {
	return benchmarkKeys{scroll: newScrollKeys(), Back: newGlobalKeys().Back, Mouse: mouseHelp("wheel scrolls")}
}

// historyKeys are the keys of the history screen.
type historyKeys struct {
	list    listKeys
	Mark    key.Binding
	Compare key.Binding
	Back    key.Binding
}

func newHistoryKeys() historyKeys {
	return historyKeys{
		list:    newListKeys("open"),
		Back:    newGlobalKeys().Back,
		Mark:    bind([]string{" ", "m"}, "space", "mark"),
		Compare: bind([]string{"c"}, "c", "compare"),
	}
}

// errorKeys are the keys of the error view.
type errorKeys struct {
	Back key.Binding
}

func newErrorKeys() errorKeys {
	return errorKeys{Back: bind([]string{"esc", "enter"}, "esc", "go back")}
}
