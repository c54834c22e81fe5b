package tui

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
	"github.com/charmbracelet/bubbles/textinput"
	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// Store is what the TUI needs from storage. *store.Store satisfies it.
type Store interface {
	Organizations() ([]store.Organization, error)
	CreateOrganization(name string) (store.Organization, error)
	Assessments(orgID string) ([]assessment.Assessment, error)
	// The draft's writes are compare-and-set: each says what the editor last saw, so
	// that two editors of one draft never overwrite each other silently.
	DraftRev(orgID string) (assessment.Assessment, int, error)
	StartAssessment(orgID string, bank *questions.Bank) (assessment.Assessment, error)
	SaveAnswerIf(orgID string, number int, functionID string, ans assessment.Answer, base *assessment.Answer) (int, error)
	ClearAnswerIf(orgID string, number int, functionID string, base *assessment.Answer) (int, error)
	SaveProfileIf(orgID string, number int, p, base assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error)
	CompleteIf(orgID string, number, rev int) (assessment.Assessment, error)
	Bank(ref questions.Ref) (*questions.Bank, error)
	ReportData(orgID string, number int, exclude []string) (store.ReportData, error)
	Benchmark(exclude []string) (assessment.Benchmark, error)
}

// Options configures the TUI of one session.
type Options struct {
	// Renderer is the session's renderer (over SSH) or lipgloss.DefaultRenderer(); nil
	// means the default one. Every style is built from it.
	Renderer *lipgloss.Renderer
	// Bank is the question bank for new assessments; nil means questions.Default().
	Bank *questions.Bank
	// CanSee reports whether the user may see an organization; nil means all.
	CanSee func(orgID string) bool
	// Own are a director's organizations: every benchmark they see leaves all of them
	// out. Nil for admins and the local user (a report leaves out its organization).
	Own []string
	// CanCreate allows creating organizations (admins and the local user).
	CanCreate bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Idle, when not 0, quits after this long without a key press, saying why.
	Idle time.Duration
	// OnDraft, when set, is told (in a command, never in Update) which draft the user
	// has open, and number 0 when none: the server uses it to tell the other sessions
	// on the draft who is there and to forward its saves to them.
	OnDraft func(orgID string, number int)
	// WritePacket writes the committee packet (HTML) of assessment number of an
	// organization to a new file and returns its path. Nil, or Remote, and the
	// scorecard's packet key shows a command instead.
	WritePacket func(orgID string, number int) (string, error)
	// Remote is true in an SSH session: a file written on the server is no use to
	// the director, so the packet key shows PacketCommand.
	Remote bool
	// PacketCommand is how to reach this server with ssh, e.g. "ssh -p 23234
	// host"; the packet key shows it followed by the report command.
	PacketCommand string
}

// ShutdownMsg tells a running TUI to quit, showing Reason (e.g. "the server is
// restarting — your answers are saved") for a moment first. Send it with
// tea.Program.Send.
type ShutdownMsg struct{ Reason string }

// quitDelay is how long a reason for quitting stays on screen.
const quitDelay = 1500 * time.Millisecond

// Minimum terminal size; below it the TUI asks to enlarge the terminal.
const (
	minWidth  = 60
	minHeight = 20
)

// MaxWidth and MaxHeight are the largest terminal the TUI lays out. A client that
// reports more (4294967295 × 4294967295 from a broken or hostile one) is asked to
// resize instead: a layout that size took gigabytes. The SSH server passes on at most
// one more than these.
const (
	MaxWidth  = 1000
	MaxHeight = 500
)

// screen names the screens; the root keeps them as a stack.
type screen int

const (
	screenHome screen = iota
	screenOrg
	screenProfile
	screenQuestionnaire
	screenReview
	screenScorecard
	screenHistory
	screenCompare
	screenError
)

var screenNames = [...]string{"home", "organization", "profile", "questionnaire", "review", "scorecard", "history", "compare", "error"}

// String implements fmt.Stringer.
func (s screen) String() string {
	if int(s) < len(screenNames) {
		return screenNames[s]
	}
	return fmt.Sprintf("screen(%d)", int(s))
}

// model is the root model: it owns the screens and routes between them.
type model struct {
	st     Store
	opts   Options
	styles *styles
	keys   globalKeys
	help   help.Model

	width, height int  // bounded to MaxWidth+1 × MaxHeight+1
	sized         bool // a window size has arrived
	bodyH         int  // the height screens get: the window less the footer
	stack         []screen

	home    homeModel
	org     orgModel
	profile profileModel
	quest   questionnaireModel
	review  reviewModel
	card    scorecardModel
	hist    historyModel
	cmp     compareModel
	errv    errorModel

	// sess is the draft being answered: what the profile form and the questionnaire are
	// built from when they open.
	sess sessionMsg

	footer string // the help footer, rendered in Update so that View stays cheap
	flash  string // a one-line notice above the footer until the next key press

	// quitWhenSaved is set when the user quits while writes are in flight: the TUI
	// quits as soon as they have returned, so that quitting loses nothing.
	quitWhenSaved bool

	// rev is the draft revision this session has seen, counting every change it made
	// or was told about; ahead holds revisions it was told about out of order. The
	// store finishes the draft only at this revision.
	rev   int
	ahead map[int]bool
	// others are the other sessions on the draft (their names); present is the draft
	// last reported to Options.OnDraft.
	others  []string
	present draftKey

	lastKey   time.Time
	quitting  string        // why the TUI is closing; shown instead of the screens
	quitDelay time.Duration // how long the reason stays on screen
}

// New returns the root model of the TUI on st.
func New(st Store, opts Options) tea.Model {
	if opts.Renderer == nil {
		opts.Renderer = lipgloss.DefaultRenderer()
	}
	if opts.Bank == nil {
		opts.Bank = questions.Default()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	s := newStyles(opts.Renderer)
	m := model{
		st:        st,
		opts:      opts,
		styles:    s,
		keys:      newGlobalKeys(),
		help:      s.helpModel(),
		stack:     []screen{screenHome},
		home:      newHome(s, opts.CanCreate),
		card:      scorecardModel{packet: packetOptions{write: opts.WritePacket, remote: opts.Remote, command: opts.PacketCommand}},
		lastKey:   opts.Now(),
		quitDelay: quitDelay,
	}
	return m
}

// Run runs the TUI full screen on the terminal until the user quits.
func Run(st Store, opts Options) error {
	final, err := tea.NewProgram(New(st, opts), tea.WithAltScreen()).Run()
	if r := QuitReason(final); r != "" {
		fmt.Fprintln(os.Stderr, "cebalance: "+r)
	}
	return err
}

// QuitReason returns why the TUI closed by itself (idle timeout, shutdown), or "" when
// the user quit. m is the final model returned by tea.Program.Run.
func QuitReason(m tea.Model) string {
	if r, ok := m.(model); ok {
		return r.quitting
	}
	return ""
}

// Init implements tea.Model.
func (m model) Init() tea.Cmd {
	return tea.Batch(loadOrgs(m.st, m.opts.CanSee), m.idleTick())
}

// idleMsg checks for idleness.
type idleMsg struct{}

func (m model) idleTick() tea.Cmd {
	if m.opts.Idle <= 0 {
		return nil
	}
	wait := m.opts.Idle - m.opts.Now().Sub(m.lastKey)
	if wait < time.Second {
		wait = time.Second
	}
	return tea.Tick(wait, func(time.Time) tea.Msg { return idleMsg{} })
}

func (m model) top() screen { return m.stack[len(m.stack)-1] }

// show makes s the current screen: back to it when it is on the stack, else on top.
func (m *model) show(s screen) {
	for i, x := range m.stack {
		if x == s {
			m.stack = m.stack[:i+1]
			return
		}
	}
	m.stack = append(m.stack, s)
}

// replace swaps the current screen for s.
func (m *model) replace(s screen) {
	m.stack[len(m.stack)-1] = s
}

// back leaves the current screen and refreshes the one below when it shows a summary.
func (m *model) back() tea.Cmd {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	if m.top() == screenQuestionnaire {
		m.quest.leaving = false
	}
	return m.refresh()
}

func (m *model) refresh() tea.Cmd {
	switch m.top() {
	case screenHome:
		return loadOrgs(m.st, m.opts.CanSee)
	case screenOrg:
		return loadOrg(m.st, m.org.org)
	}
	return nil
}

// capturing reports whether a text field has the focus, so that q types a "q".
func (m model) capturing() bool {
	switch m.top() {
	case screenHome:
		return m.home.capturing()
	case screenProfile:
		return m.profile.capturing()
	case screenQuestionnaire:
		return m.quest.capturing()
	}
	return false
}

func (m *model) quit(reason string) tea.Cmd {
	m.quitting = reason
	return tea.Tick(m.quitDelay, func(time.Time) tea.Msg { return tea.QuitMsg{} })
}

// Update implements tea.Model.
func (m model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	m.layout()
	if p := m.presence(); p != nil {
		cmd = tea.Batch(cmd, p)
	}
	return m, cmd
}

// draftKey names a draft: organization and number.
type draftKey struct {
	org    string
	number int
}

// editing returns the draft the user has open (a profile, questionnaire or review
// screen on the stack), or the zero key.
func (m *model) editing() draftKey {
	if m.sess.bank == nil || m.quitting != "" {
		return draftKey{}
	}
	for _, s := range m.stack {
		if s == screenProfile || s == screenQuestionnaire || s == screenReview {
			return draftKey{m.sess.org.ID, m.sess.draft.Number}
		}
	}
	return draftKey{}
}

// presence tells Options.OnDraft when the draft the user has open changed.
func (m *model) presence() tea.Cmd {
	k := m.editing()
	if k == m.present || m.opts.OnDraft == nil {
		return nil
	}
	m.present, m.others = k, nil // the server says who is on the new one
	f := m.opts.OnDraft
	return func() tea.Msg {
		f(k.org, k.number)
		return nil
	}
}

// saw counts revision r of the open draft as seen.
func (m *model) saw(r int) {
	if r <= m.rev {
		return
	}
	if m.ahead == nil {
		m.ahead = map[int]bool{}
	}
	m.ahead[r] = true
	for m.ahead[m.rev+1] {
		delete(m.ahead, m.rev+1)
		m.rev++
	}
}

// onDraft reports whether a message about draft number of orgID is about the open one.
func (m *model) onDraft(orgID string, number int) bool {
	return m.sess.bank != nil && m.sess.org.ID == orgID && m.sess.draft.Number == number
}

// questOnDraft reports whether the questionnaire model was built for the open draft.
func (m *model) questOnDraft() bool {
	return m.quest.bank != nil && m.quest.orgID == m.sess.org.ID && m.quest.number == m.sess.draft.Number
}

// live handles the messages about other sessions and access changes.
func (m *model) live(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case AccessChangedMsg:
		m.opts.CanSee, m.opts.CanCreate = msg.CanSee, msg.CanCreate
		m.home.setCanCreate(msg.CanCreate)
		org := m.org.org
		if m.sess.bank != nil {
			org = m.sess.org
		}
		if len(m.stack) > 1 && org.ID != "" && msg.CanSee != nil && !msg.CanSee(org.ID) {
			// Its screens close; writes in flight still return to the questionnaire
			// model, which keeps them, and a refused one says so in the error view.
			m.stack = []screen{screenHome}
			m.sess = sessionMsg{}
			m.org = orgModel{}
			m.home.notice = "You no longer have access to " + org.Name + " (changed by an administrator). Everything you saved is kept."
		}
		return loadOrgs(m.st, m.opts.CanSee), true
	case PresenceMsg:
		if m.onDraft(msg.OrgID, msg.Number) {
			m.others = msg.Others
		}
		return nil, true
	case DraftChangedMsg:
		if !m.onDraft(msg.OrgID, msg.Number) {
			return nil, true
		}
		m.saw(msg.Rev)
		if msg.Profile != nil {
			m.sess.draft.Profile = *msg.Profile
			if m.profile.orgID == msg.OrgID && m.profile.number == msg.Number {
				m.profile.remote(*msg.Profile, msg.By)
			}
			return nil, true
		}
		if m.questOnDraft() {
			m.quest.remote(msg.Function, msg.By, msg.Answer)
			m.sess.draft.Answers = m.quest.answers
		} else {
			answers := make(map[string]assessment.Answer, len(m.sess.draft.Answers)+1)
			for k, v := range m.sess.draft.Answers {
				answers[k] = v
			}
			if msg.Answer == nil {
				delete(answers, msg.Function)
			} else {
				answers[msg.Function] = *msg.Answer
			}
			m.sess.draft.Answers = answers
		}
		m.review.remote(m.snapshotDraft(), msg.By, msg.Function)
		return nil, true
	case draftReloadedMsg:
		if !m.onDraft(msg.org.ID, msg.draft.Number) {
			return nil, true
		}
		old := m.sess.draft.Answers
		m.sess.draft = msg.draft
		if m.sess.draft.Answers == nil {
			m.sess.draft.Answers = map[string]assessment.Answer{}
		}
		m.rev, m.ahead = msg.rev, nil
		if m.questOnDraft() {
			m.quest.setAnswers(m.sess.draft.Answers)
		}
		m.review.changed(old, m.snapshotDraft())
		return nil, true
	}
	return nil, false
}

// snapshotDraft copies the open draft's answers for a screen.
func (m *model) snapshotDraft() map[string]assessment.Answer {
	c := make(map[string]assessment.Answer, len(m.sess.draft.Answers))
	for k, v := range m.sess.draft.Answers {
		c[k] = v
	}
	return c
}

func (m *model) update(msg tea.Msg) tea.Cmd {
	if m.quitting != "" {
		if k, ok := msg.(tea.KeyMsg); ok {
			if key.Matches(k, m.keys.ForceQuit) {
				return tea.Quit
			}
			return nil // closing; a late key press changes nothing
		}
	}
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.sized = true
		m.width = min(max(msg.Width, 0), MaxWidth+1)
		m.height = min(max(msg.Height, 0), MaxHeight+1)
		return nil
	case tea.KeyMsg:
		m.lastKey = m.opts.Now()
		return m.key(msg)
	case idleMsg:
		if m.quitting != "" {
			return nil
		}
		if m.opts.Now().Sub(m.lastKey) >= m.opts.Idle {
			return m.quit(fmt.Sprintf("closed after %s without a key press — your answers are saved", m.opts.Idle))
		}
		return m.idleTick()
	case ShutdownMsg:
		reason := msg.Reason
		if reason == "" {
			reason = "closing — your answers are saved"
		}
		return m.quit(reason)
	case errMsg:
		m.errv.set(m.styles, msg)
		m.show(screenError)
		return nil
	}
	if cmd, ok := m.live(msg); ok {
		return cmd
	}
	if cmd, ok := m.route(msg); ok {
		return cmd
	}
	return m.delegate(msg)
}

// writing reports whether store writes are queued or in flight.
func (m *model) writing() bool {
	return len(m.quest.queue) > 0 || m.profile.inflight || len(m.profile.pending) > 0
}

// userQuit quits at once, or once the writes in flight have returned. A value typed
// in the profile form but not yet saved is saved first. A second ctrl+c quits at once.
func (m *model) userQuit(force bool) tea.Cmd {
	if force && m.quitWhenSaved {
		return tea.Quit
	}
	var cmd tea.Cmd
	if m.top() == screenProfile {
		cmd = m.profile.commit(m.profile.focus)
	}
	if !m.writing() {
		return tea.Batch(cmd, tea.Quit)
	}
	m.quitWhenSaved = true
	return cmd
}

// savedAll quits when the user asked to and the last write has returned.
func (m *model) savedAll(cmd tea.Cmd) tea.Cmd {
	if m.quitWhenSaved && !m.writing() {
		return tea.Batch(cmd, tea.Quit)
	}
	return cmd
}

// key handles the global keys, then gives the key to the current screen.
func (m *model) key(msg tea.KeyMsg) tea.Cmd {
	if key.Matches(msg, m.keys.ForceQuit) {
		return m.userQuit(true)
	}
	if m.quitWhenSaved {
		return nil // quitting as soon as the saves are done
	}
	if m.badSize() {
		if key.Matches(msg, m.keys.Quit) {
			return m.userQuit(false)
		}
		return nil
	}
	m.flash = ""
	if m.capturing() && msg.Type == tea.KeyRunes {
		// A paste longer than the field is refused whole rather than cut silently;
		// the message is dropped after this Update.
		if room, limit := m.inputRoom(); limit > 0 && len(msg.Runes) > room {
			if msg.Paste {
				m.flash = fmt.Sprintf("Paste refused: %d characters; this field has room for %d more (max %d).", len(msg.Runes), room, limit)
			} else {
				m.flash = fmt.Sprintf("This field takes at most %d characters.", limit)
			}
			return nil
		}
	}
	// Keys typed faster than the terminal is read arrive together as one message;
	// outside a text field each is a command of its own.
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !m.capturing() {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	if !m.capturing() {
		switch {
		case key.Matches(msg, m.keys.Quit):
			return m.userQuit(false)
		case key.Matches(msg, m.keys.Help):
			m.help.ShowAll = !m.help.ShowAll
			return nil
		}
	}
	return m.delegate(msg)
}

// delegate gives a message to the current screen.
func (m *model) delegate(msg tea.Msg) tea.Cmd {
	switch m.top() {
	case screenHome:
		return m.home.update(msg)
	case screenOrg:
		return m.org.update(msg)
	case screenProfile:
		return m.profile.update(msg)
	case screenQuestionnaire:
		return m.quest.update(msg)
	case screenReview:
		return m.review.update(msg)
	case screenScorecard:
		return m.card.update(msg)
	case screenHistory:
		return m.hist.update(msg)
	case screenCompare:
		return m.cmp.update(msg)
	case screenError:
		return m.errv.update(msg)
	}
	return nil
}

// route handles the messages that switch screens or carry data; ok is false for the
// others, which go to the current screen.
func (m *model) route(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case backMsg:
		return m.back(), true

	case orgsLoadedMsg:
		m.home.setOrgs(msg.orgs)
		return nil, true
	case orgCreatedMsg:
		if msg.err != nil {
			if errors.Is(msg.err, store.ErrExists) || errors.Is(msg.err, assessment.ErrInvalid) {
				m.home.createFailed(msg.err)
				return nil, true
			}
			m.home.createFailed(msg.err)
			return m.fail("create the organization", msg.err), true
		}
		m.home.created(msg.org)
		return tea.Batch(loadOrgs(m.st, m.opts.CanSee), loadOrg(m.st, msg.org)), true
	case createRequest:
		return createOrg(m.st, msg.name), true
	case openOrgMsg:
		return loadOrg(m.st, msg.org), true
	case orgLoadedMsg:
		if m.org.org.ID != msg.org.ID {
			m.org = newOrg(m.styles, msg.org)
		}
		m.org.setRows(msg.rows)
		if m.top() == screenHome {
			m.show(screenOrg)
		}
		return nil, true

	case startMsg:
		return startSession(m.st, msg.org, m.opts.Bank), true
	case resumeMsg:
		return resumeSession(m.st, msg.org), true
	case sessionMsg:
		m.rev, m.ahead, m.others = msg.rev, nil, nil
		return m.open(msg), true
	case answerSavedMsg:
		// The questionnaire gets every result, failed or not, so its queue of saves
		// moves on; a failure also opens the error view. The review, when open, shows
		// what is saved.
		cmd := m.quest.update(msg)
		m.sess.draft.Answers = m.quest.answers
		m.review.setAnswers(m.quest.snapshot())
		if msg.err == nil {
			m.saw(msg.rev)
		}
		if errors.Is(msg.err, store.ErrConflict) {
			// The questionnaire shows both answers and asks; nothing to fail.
			m.quitWhenSaved = false
			if m.top() != screenQuestionnaire {
				m.show(screenQuestionnaire)
			}
			return cmd, true
		}
		if msg.err != nil {
			m.quitWhenSaved = false // stay, so the user sees what is not saved
			cmd = tea.Batch(cmd, m.fail(fmt.Sprintf("save your answer to “%s” (it is NOT saved)", m.quest.title(msg.fid)), msg.err))
		}
		return m.savedAll(cmd), true
	case profileSavedMsg:
		cmd := m.profile.update(msg)
		if msg.err == nil {
			m.sess.draft.Profile = msg.profile
			m.saw(msg.rev)
		} else {
			m.quitWhenSaved = false // stay, so the user sees what is not saved
			if !errors.Is(msg.err, assessment.ErrInvalid) && !errors.Is(msg.err, store.ErrConflict) {
				cmd = tea.Batch(cmd, m.fail("save the profile", msg.err))
			}
		}
		return m.savedAll(cmd), true
	case profileDoneMsg:
		m.sess.draft.Profile = msg.profile
		if len(m.stack) > 1 && m.stack[len(m.stack)-2] == screenQuestionnaire {
			m.stack = m.stack[:len(m.stack)-1]
			return nil, true
		}
		m.quest = newQuestionnaire(m.styles, m.st, m.sess, m.opts.Now)
		m.replace(screenQuestionnaire)
		return nil, true
	case editProfileMsg:
		m.profile = newProfile(m.styles, m.st, m.sess)
		m.show(screenProfile)
		return m.profile.focusCmd(), true
	case openReviewMsg:
		m.review = newReview(m.styles, m.sess, m.quest.snapshot(), msg.at)
		m.show(screenReview)
		return nil, true
	case editAnswerMsg:
		m.show(screenQuestionnaire)
		return m.quest.goTo(msg.index, true), true
	case finishMsg:
		return completeAssessment(m.st, m.sess.org, m.sess.draft.Number, m.rev), true
	case completedMsg:
		if errors.Is(msg.err, store.ErrConflict) {
			// Changed since this review was shown: read it again, show what changed,
			// and ask again.
			return reloadDraft(m.st, msg.org), true
		}
		if msg.err != nil {
			if errors.Is(msg.err, store.ErrIncomplete) || errors.Is(msg.err, assessment.ErrInvalid) {
				m.review.refused(msg.err)
				return nil, true
			}
			return m.fail("finish the assessment", msg.err), true
		}
		m.sess = sessionMsg{}
		m.show(screenOrg)
		return tea.Batch(loadOrg(m.st, msg.org), loadReport(m.st, msg.org, msg.a.Number, m.opts.Own)), true

	case openScorecardMsg:
		return loadReport(m.st, msg.org, msg.number, m.opts.Own), true
	case reportMsg:
		m.card.set(m.styles, msg.org, msg.report)
		m.show(screenScorecard)
		return nil, true
	case openHistoryMsg:
		m.hist.pickHint = msg.compare
		return loadHistory(m.st, msg.org), true
	case historyMsg:
		m.hist.set(m.styles, msg)
		m.show(screenHistory)
		return nil, true
	case compareMsg:
		return compareAssessments(msg.org, msg.from, msg.to), true
	case comparisonMsg:
		m.cmp.set(m.styles, msg.org, msg.cmp)
		m.show(screenCompare)
		return nil, true
	}
	return nil, false
}

// open starts answering a draft: the profile first when it is new or its profile is
// not filled in, else the questionnaire where the user stopped.
func (m *model) open(s sessionMsg) tea.Cmd {
	m.sess = s
	m.show(screenOrg)
	// The profile comes first for a new draft, and for one left before any answer
	// (the form may have been left half done: zeros are valid values).
	if s.started || len(s.draft.Answers) == 0 || s.draft.Profile.Validate() != nil {
		m.profile = newProfile(m.styles, m.st, s)
		m.stack = append(m.stack, screenProfile)
		return m.profile.focusCmd()
	}
	m.quest = newQuestionnaire(m.styles, m.st, s, m.opts.Now)
	m.stack = append(m.stack, screenQuestionnaire)
	if len(assessment.Unanswered(s.bank, s.draft.Answers)) == 0 {
		m.review = newReview(m.styles, s, s.draft.Answers, len(s.bank.Functions)-1)
		m.stack = append(m.stack, screenReview)
	}
	return nil
}

func (m *model) fail(what string, err error) tea.Cmd {
	return emit(errMsg{what, err})
}

// badSize reports whether the window is too small, too large or absent to lay out.
func (m model) badSize() bool {
	return m.width < minWidth || m.height < minHeight || m.width > MaxWidth || m.height > MaxHeight
}

// sizeMessage says what is wrong with the window size and what to do.
func (m model) sizeMessage() string {
	switch {
	case m.width == 0 || m.height == 0:
		return fmt.Sprintf("The SSH client sent no window size (%d×%d), so there is nothing to draw on: connect with `ssh -t` from a real terminal window.", m.width, m.height)
	case m.width > MaxWidth || m.height > MaxHeight:
		return fmt.Sprintf("The terminal reports a window larger than %d×%d, more than cebalance can draw: make the window smaller (needs at least %d×%d).", MaxWidth, MaxHeight, minWidth, minHeight)
	}
	return fmt.Sprintf("Please enlarge the terminal (needs %d×%d; now %d×%d).", minWidth, minHeight, m.width, m.height)
}

// inputRoom is how many more characters the text field with the keyboard takes, and
// its limit; limit is 0 when no text field has the keyboard.
func (m model) inputRoom() (room, limit int) {
	switch m.top() {
	case screenHome:
		return m.home.inputRoom()
	case screenProfile:
		return m.profile.inputRoom()
	case screenQuestionnaire:
		return m.quest.inputRoom()
	}
	return 0, 0
}

// roomIn is inputRoom for one text input.
func roomIn(ti *textinput.Model) (room, limit int) {
	return max(0, ti.CharLimit-utf8.RuneCountInString(ti.Value())), ti.CharLimit
}

// keyMap is the footer's help for the current screen, with the global keys.
func (m model) keyMap() help.KeyMap {
	var k keyHelp
	switch m.top() {
	case screenHome:
		k = m.home.help()
	case screenOrg:
		k = m.org.help()
	case screenProfile:
		k = m.profile.help()
	case screenQuestionnaire:
		k = m.quest.help()
	case screenReview:
		k = m.review.help()
	case screenScorecard:
		k = m.card.help()
	case screenHistory:
		k = m.hist.help()
	case screenCompare:
		k = m.cmp.help()
	case screenError:
		k = m.errv.help()
	}
	global := []key.Binding{m.keys.Help}
	full := []key.Binding{m.keys.Help}
	if m.capturing() {
		global = append(global, m.keys.ForceQuit)
		full = append(full, m.keys.ForceQuit)
	} else {
		if m.top() != screenHome && m.top() != screenError {
			full = append([]key.Binding{m.keys.Back}, full...)
			if !k.noBack {
				global = append([]key.Binding{m.keys.Back}, global...)
			}
		}
		global = append(global, m.keys.Quit)
		full = append(full, m.keys.Quit, m.keys.ForceQuit)
	}
	short := make([]key.Binding, 0, len(k.short)+len(global))
	short = append(short, k.short...)
	short = append(short, global...)
	return keyHelp{short: short, full: append(append([][]key.Binding{}, k.full...), full)}
}

// layout renders the footer and gives every screen its size. Screens ignore a size
// they already have, so this is cheap; a screen built a moment ago gets its size here.
func (m *model) layout() {
	if m.badSize() {
		return
	}
	m.help.Width = m.width
	// help.Model adds an item that does not fit when even its ellipsis does not fit;
	// cut every line to the width.
	lines := strings.Split(m.help.View(m.keyMap()), "\n")
	for i := range lines {
		lines[i] = truncate(lines[i], m.width)
	}
	m.footer = strings.Join(lines, "\n")
	body := max(1, m.height-len(lines)-1) // one blank line above the footer
	m.bodyH = body
	m.home.setSize(m.width, body)
	m.org.setSize(m.width, body)
	m.profile.setSize(m.width, body)
	m.quest.setSize(m.width, body)
	m.review.setSize(m.width, body)
	m.card.setSize(m.width, body)
	m.hist.setSize(m.width, body)
	m.cmp.setSize(m.width, body)
	m.errv.setSize(m.width, body)
}

// View implements tea.Model.
func (m model) View() string {
	if m.quitting != "" {
		return m.styles.bold.Render("cebalance: " + m.quitting)
	}
	if m.quitWhenSaved {
		return m.styles.bold.Render("cebalance: saving your last answers, then quitting…")
	}
	if !m.sized {
		return ""
	}
	if m.badSize() {
		w := m.width
		if w == 0 || w > MaxWidth {
			w = 80
		}
		return strings.Join(wrap(m.sizeMessage(), max(10, w-1)), "\n") + "\n\nPress q to quit."
	}
	var body string
	switch m.top() {
	case screenHome:
		body = m.home.view()
	case screenOrg:
		body = m.org.view()
	case screenProfile:
		body = m.profile.view()
	case screenQuestionnaire:
		body = m.quest.view()
	case screenReview:
		body = m.review.view()
	case screenScorecard:
		body = m.card.view()
	case screenHistory:
		body = m.hist.view()
	case screenCompare:
		body = m.cmp.view()
	case screenError:
		body = m.errv.view()
	}
	var b strings.Builder
	b.WriteString(clampLines(body, m.bodyH))
	b.WriteString("\n")
	if m.flash != "" {
		b.WriteString(m.styles.warn.Render(truncate(m.flash, m.width)))
	} else if len(m.others) > 0 && m.editing() != (draftKey{}) {
		// On the line above the footer, so that no screen's layout changes.
		b.WriteString(m.styles.warn.Render(truncate(" also here: "+strings.Join(m.others, ", "), m.width-1)))
	}
	b.WriteString("\n")
	b.WriteString(m.footer)
	return b.String()
}
