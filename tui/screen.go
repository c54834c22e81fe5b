package tui

import (
	"fmt"

	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
)

// screen is the contract every screen meets, and all the root knows of one: the root
// holds screens by it in its stack and never switches on which screen it has. Adding a
// screen is one file with a type that meets it, plus one screenID with its name below.
type screen interface {
	// id names the screen (for the stack, tests and messages that say where to go).
	id() screenID
	// update takes a message: a key when the screen is on top, or a message the root
	// routes to it (its data, the result of a write it asked for, a change another
	// session made). It returns a command; screens ask for anything beyond themselves
	// with commands that yield messages (…Msg), never by touching another screen.
	update(msg tea.Msg) tea.Cmd
	// view renders the screen's body at its size; it must be cheap: what changes only
	// with data or size is rendered when they change.
	view() string
	// setSize gives the screen the room below the title and above the footer; a screen
	// ignores a size it already has.
	setSize(w, h int)
	// help is the screen's own keys for the footer; the root adds the global ones.
	help() keyHelp
	// capturing reports whether a text field has the keyboard, so that q types a "q".
	capturing() bool
	// inputRoom is how many more characters the focused text field takes, and its
	// limit; limit 0 when no text field has the keyboard.
	inputRoom() (room, limit int)
}

// screenID names a screen.
type screenID int

const (
	screenHome screenID = iota
	screenOrg
	screenProfile
	screenQuestionnaire
	screenReview
	screenScorecard
	screenHistory
	screenCompare
	screenError
	screenBenchmark
	screenWorkload
	numScreens
)

var screenNames = [numScreens]string{"home", "organization", "profile", "questionnaire", "review", "scorecard", "history", "compare", "error", "benchmark", "workload"}

// String implements fmt.Stringer.
func (s screenID) String() string {
	if s >= 0 && s < numScreens {
		return screenNames[s]
	}
	return fmt.Sprintf("screen(%d)", int(s))
}

// noInput is embedded by the screens without a text field.
type noInput struct{}

func (noInput) capturing() bool              { return false }
func (noInput) inputRoom() (room, limit int) { return 0, 0 }

// Messages the root sends to a screen.
type (
	// shownMsg tells a screen it is on top again, after the one above it closed.
	shownMsg struct{}
	// openedMsg tells a new screen it is on top for the first time.
	openedMsg struct{}
	// quittingMsg tells the screen on top that the user quits: it queues the save of
	// anything typed but not yet saved.
	quittingMsg struct{}
	// accessLostMsg tells the home screen that the organization the user had open is
	// no longer theirs to see.
	accessLostMsg struct{ name string }
	// answersMsg gives the review the open draft's saved answers (a copy) after they
	// changed; by and fid name a change another session made (empty for the user's
	// own); old is set when the draft was read again after finishing was refused.
	answersMsg struct {
		answers map[string]assessment.Answer
		by, fid string
		old     map[string]assessment.Answer
	}
)

var (
	_ screen = (*homeModel)(nil)
	_ screen = (*orgModel)(nil)
	_ screen = (*profileModel)(nil)
	_ screen = (*questionnaireModel)(nil)
	_ screen = (*reviewModel)(nil)
	_ screen = (*scorecardModel)(nil)
	_ screen = (*historyModel)(nil)
	_ screen = (*compareModel)(nil)
	_ screen = (*errorModel)(nil)
	_ screen = (*benchmarkModel)(nil)
	_ screen = (*workloadModel)(nil)
)
