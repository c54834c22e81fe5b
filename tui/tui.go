package tui

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/charmbracelet/bubbles/help"
	"github.com/charmbracelet/bubbles/key"
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
	Draft(orgID string) (assessment.Assessment, error)
	StartAssessment(orgID string, bank *questions.Bank) (assessment.Assessment, error)
	SaveAnswer(orgID string, number int, functionID string, ans assessment.Answer) error
	ClearAnswer(orgID string, number int, functionID string) error
	SaveProfile(orgID string, number int, p assessment.Profile) error
	Complete(orgID string, number int) (assessment.Assessment, error)
	Bank(ref questions.Ref) (*questions.Bank, error)
	LatestCompleted() ([]assessment.PeerInput, error)
	ReportData(orgID string, number int) (store.ReportData, error)
}

// Options configures the TUI of one session.
type Options struct {
	// Renderer is the session's renderer (over SSH) or lipgloss.DefaultRenderer(); nil
	// means the default one. Every style is built from it.
	Renderer *lipgloss.Renderer
	// Bank is the question bank for new assessments; nil means questions.Default().
	Bank *questions.Bank
	// CanSee reports whether the user may see an organization; nil means all. Peer
	// benchmarks always use every organization, as anonymous aggregates.
	CanSee func(orgID string) bool
	// CanCreate allows creating organizations (admins and the local user).
	CanCreate bool
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Idle, when not 0, quits after this long without a key press, saying why.
	Idle time.Duration
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

	width, height int
	bodyH         int // the height screens get: the window less the footer
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

	// quitWhenSaved is set when the user quits while writes are in flight: the TUI
	// quits as soon as they have returned, so that quitting loses nothing.
	quitWhenSaved bool

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
	return m, cmd
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
		m.width, m.height = msg.Width, msg.Height
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
	if m.tooSmall() {
		if key.Matches(msg, m.keys.Quit) {
			return m.userQuit(false)
		}
		return nil
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
		return m.open(msg), true
	case answerSavedMsg:
		// The questionnaire gets every result, failed or not, so its queue of saves
		// moves on; a failure also opens the error view. The review, when open, shows
		// what is saved.
		cmd := m.quest.update(msg)
		m.sess.draft.Answers = m.quest.answers
		m.review.setAnswers(m.quest.snapshot())
		if msg.err != nil {
			m.quitWhenSaved = false // stay, so the user sees what is not saved
			cmd = tea.Batch(cmd, m.fail(fmt.Sprintf("save your answer to “%s” (it is NOT saved)", m.quest.title(msg.fid)), msg.err))
		}
		return m.savedAll(cmd), true
	case profileSavedMsg:
		cmd := m.profile.update(msg)
		if msg.err == nil {
			m.sess.draft.Profile = msg.profile
		} else {
			m.quitWhenSaved = false // stay, so the user sees what is not saved
			if !errors.Is(msg.err, assessment.ErrInvalid) {
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
		return completeAssessment(m.st, m.sess.org, m.sess.draft.Number), true
	case completedMsg:
		if msg.err != nil {
			if errors.Is(msg.err, store.ErrIncomplete) || errors.Is(msg.err, assessment.ErrInvalid) {
				m.review.refused(msg.err)
				return nil, true
			}
			return m.fail("finish the assessment", msg.err), true
		}
		m.sess = sessionMsg{}
		m.show(screenOrg)
		return tea.Batch(loadOrg(m.st, msg.org), loadReport(m.st, msg.org, msg.a.Number)), true

	case openScorecardMsg:
		return loadReport(m.st, msg.org, msg.number), true
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

func (m model) tooSmall() bool {
	return m.width < minWidth || m.height < minHeight
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
	if m.width == 0 || m.height == 0 {
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
	if m.width == 0 || m.height == 0 {
		return ""
	}
	if m.tooSmall() {
		msg := fmt.Sprintf("Please enlarge the terminal (needs %d×%d; now %d×%d).", minWidth, minHeight, m.width, m.height)
		return strings.Join(wrap(msg, max(10, m.width-1)), "\n") + "\n\nPress q to quit."
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
	b.WriteString("\n\n")
	b.WriteString(m.footer)
	return b.String()
}
