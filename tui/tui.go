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
	// SaveAnswersIf writes answers (and clears them) in one call: the autosave
	// sends together what queued up while its last write was on the way.
	SaveAnswersIf(orgID string, number int, writes []store.AnswerWrite) ([]store.WriteResult, error)
	SaveProfileIf(orgID string, number int, p, base assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error)
	CompleteIf(orgID string, number, rev int) (assessment.Assessment, error)
	Bank(ref questions.Ref) (*questions.Bank, error)
	ReportData(orgID string, number int, exclude []string) (store.ReportData, error)
	Benchmark(exclude []string) (assessment.Benchmark, error)
	// DeleteDraft discards a draft; a completed assessment is never deleted.
	DeleteDraft(orgID string, number int) error
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
	// DueAfter is how many months after the last completed assessment the home
	// screen says a re-assessment is due; 0 means assessment.DefaultDueAfter (12).
	DueAfter int
	// AckHold, when not 0, lets the questionnaire's "saved ✓" for an answer wait up
	// to this long for the next frame instead of causing one of its own (see
	// ackhold.go): over SSH every frame is a write, encrypted, to a director who is
	// usually typing the next answer already.
	AckHold time.Duration
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

// model is the root model: it holds the screens, by the screen contract, in a stack
// (esc goes back to where the user came from), routes messages to them, owns the
// session's autosave and lays out the footer. It is used by pointer: one value per
// session, never copied per message.
type model struct {
	st     Store
	opts   Options
	styles *styles
	keys   globalKeys
	help   help.Model

	width, height int  // bounded to MaxWidth+1 × MaxHeight+1
	sized         bool // a window size has arrived
	bodyH         int  // the height screens get: the window less the footer

	// screens holds one screen per id, the one last opened: registered when built.
	screens [numScreens]screen
	stack   []screen

	// org is the organization open; sess the draft being answered: what the profile
	// form and the questionnaire are built from when they open. sess.draft.Answers
	// are the saved answers, kept by the root as writes return and other sessions'
	// changes arrive.
	org  store.Organization
	sess sessionMsg

	saves *autosave

	footer  string               // the help footer, rendered in Update so that View stays cheap
	footers map[footerKey]string // footers rendered, by key map and width
	flash   string               // a one-line notice above the footer until the next key press

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

	// prepared is set by Prepare, which read the home screen's data before the
	// program ran; pending is what its updates asked for, started by Init.
	prepared bool
	pending  tea.Cmd

	hold ackHold // a save's acknowledgement waiting for the next frame

	lastKey   time.Time
	keyGap    time.Duration // between the last two keys
	quitting  string        // why the TUI is closing; shown instead of the screens
	farewell  string        // said after the user quit with a draft open: how far, how to resume
	quitDelay time.Duration // how long the reason stays on screen
}

var _ tea.Model = (*model)(nil)

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
	m := &model{
		st:        st,
		opts:      opts,
		styles:    s,
		keys:      newGlobalKeys(),
		help:      s.helpModel(),
		saves:     newAutosave(st),
		lastKey:   opts.Now(),
		quitDelay: quitDelay,
	}
	packet := packetOptions{write: opts.WritePacket, remote: opts.Remote, command: opts.PacketCommand}
	// The screens that exist from the start; the others are built when opened.
	m.register(newHome(s, opts.CanCreate, opts.DueAfter, opts.Now))
	m.register(newScorecard(s, packet))
	m.register(newHistory(s))
	m.register(newCompare(s))
	m.register(newErrorView(s))
	m.stack = []screen{m.screens[screenHome]}
	return m
}

// Run runs the TUI full screen on the terminal until the user quits.
func Run(st Store, opts Options) error {
	final, err := tea.NewProgram(New(st, opts), tea.WithAltScreen(), tea.WithMouseCellMotion()).Run()
	if r := QuitReason(final); r != "" {
		fmt.Fprintln(os.Stderr, "cebalance: "+r)
	}
	return err
}

// QuitReason returns why the TUI closed by itself (idle timeout, shutdown), or, when
// the user quit with a draft open, how much of it is saved and how to resume ("24/37
// saved — resume with `cebalance`"); "" when the user quit with no draft open. m is
// the final model returned by tea.Program.Run.
func QuitReason(m tea.Model) string {
	if r, ok := m.(*model); ok {
		if r.quitting != "" {
			return r.quitting
		}
		return r.farewell
	}
	return ""
}

// sayFarewell notes, as the user quits, how much of the open draft is saved and how
// to come back to it.
func (m *model) sayFarewell() {
	if m.editing() == (draftKey{}) {
		return
	}
	answered := 0
	for _, a := range m.sess.draft.Answers {
		if a.Performer.Valid() {
			answered++
		}
	}
	how := "cebalance"
	if m.opts.Remote && m.opts.PacketCommand != "" {
		how = m.opts.PacketCommand
	}
	m.farewell = fmt.Sprintf("%d/%d saved for %s, draft #%d — resume with `%s`",
		answered, len(m.sess.bank.Functions), assessment.SanitizeNote(m.sess.org.Name), m.sess.draft.Number, how)
}

// Init implements tea.Model.
func (m *model) Init() tea.Cmd {
	if m.prepared {
		cmd := m.pending
		m.pending = nil
		return tea.Batch(cmd, m.idleTick())
	}
	return tea.Batch(loadOrgs(m.st, m.opts.CanSee), m.idleTick())
}

// Prepare readies root model m (from New) for its first frame before its program runs,
// and returns that frame (m.View()): it takes the window size the terminal reported
// and reads the home screen's data now, with the command Init would otherwise start.
// So the first frame a director sees is the home screen with their organizations, not
// an empty or "Loading…" one followed by the real one a frame later, and it can be
// written as soon as the program has entered the alternate screen (the SSH server does
// so). Prepare must be called before the program runs, never after: it calls Update,
// which only the program may do once it runs. Init then starts what those updates
// asked for.
func Prepare(m tea.Model, width, height int) string {
	r, ok := m.(*model)
	if !ok || r.prepared {
		return m.View()
	}
	r.prepared = true
	var cmds []tea.Cmd
	if width > 0 && height > 0 {
		_, cmd := r.Update(tea.WindowSizeMsg{Width: width, Height: height})
		cmds = append(cmds, cmd)
	}
	_, cmd := r.Update(loadOrgs(r.st, r.opts.CanSee)())
	r.pending = tea.Batch(append(cmds, cmd)...)
	return r.View()
}

// idleMsg checks for idleness.
type idleMsg struct{}

func (m *model) idleTick() tea.Cmd {
	if m.opts.Idle <= 0 {
		return nil
	}
	wait := m.opts.Idle - m.opts.Now().Sub(m.lastKey)
	if wait < time.Second {
		wait = time.Second
	}
	return tea.Tick(wait, func(time.Time) tea.Msg { return idleMsg{} })
}

// register makes s the screen of its id, sized to the window.
func (m *model) register(s screen) {
	m.screens[s.id()] = s
	if m.sized && !m.badSize() {
		s.setSize(m.width, m.bodyH)
	}
}

// deliver gives msg to the screen registered as id, if any.
func (m *model) deliver(id screenID, msg tea.Msg) tea.Cmd {
	if s := m.screens[id]; s != nil {
		return s.update(msg)
	}
	return nil
}

func (m *model) top() screen { return m.stack[len(m.stack)-1] }

// on reports whether the screen on top is id.
func (m *model) on(id screenID) bool { return m.top().id() == id }

// show makes the screen of id current: back to it when it is on the stack, else on top.
func (m *model) show(id screenID) {
	s := m.screens[id]
	for i, x := range m.stack {
		if x == s {
			m.stack = m.stack[:i+1]
			return
		}
	}
	m.stack = append(m.stack, s)
}

// open registers a new screen and puts it on top; it is told so.
func (m *model) open(s screen) tea.Cmd {
	m.register(s)
	m.stack = append(m.stack, s)
	return s.update(openedMsg{})
}

// back leaves the current screen; the one below is told it is on top again (a summary
// reloads, a questionnaire takes keys again).
func (m *model) back() tea.Cmd {
	if len(m.stack) > 1 {
		m.stack = m.stack[:len(m.stack)-1]
	}
	return m.top().update(shownMsg{})
}

func (m *model) quit(reason string) tea.Cmd {
	m.quitting = reason
	return tea.Tick(m.quitDelay, func(time.Time) tea.Msg { return tea.QuitMsg{} })
}

// Update implements tea.Model.
func (m *model) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	cmd := m.update(msg)
	if h := m.holdAck(msg); h != nil {
		cmd = tea.Batch(cmd, h)
	}
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

// draft is the open draft's key, or the zero key.
func (m *model) draft() draftKey {
	if m.sess.bank == nil {
		return draftKey{}
	}
	return draftKey{m.sess.org.ID, m.sess.draft.Number}
}

// editing returns the draft the user has open (a profile, questionnaire or review
// screen on the stack), or the zero key.
func (m *model) editing() draftKey {
	if m.sess.bank == nil || m.quitting != "" {
		return draftKey{}
	}
	for _, s := range m.stack {
		if id := s.id(); id == screenProfile || id == screenQuestionnaire || id == screenReview || id == screenWorkload {
			return m.draft()
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

// onDraft reports whether a message about draft k is about the open one.
func (m *model) onDraft(k draftKey) bool {
	return m.sess.bank != nil && m.draft() == k
}

// setAnswer records a saved answer to fid of the open draft (nil: cleared).
func (m *model) setAnswer(fid string, a *assessment.Answer) {
	if m.sess.draft.Answers == nil {
		m.sess.draft.Answers = map[string]assessment.Answer{}
	}
	if a == nil {
		delete(m.sess.draft.Answers, fid)
	} else {
		m.sess.draft.Answers[fid] = *a
	}
}

// snapshotDraft copies the open draft's answers for a screen.
func (m *model) snapshotDraft() map[string]assessment.Answer {
	c := make(map[string]assessment.Answer, len(m.sess.draft.Answers))
	for k, v := range m.sess.draft.Answers {
		c[k] = v
	}
	return c
}

// reviewAnswers tells the review and the workload pass, when they are open, that the
// saved answers changed.
func (m *model) reviewAnswers(by, fid string) tea.Cmd {
	var cmds []tea.Cmd
	for _, id := range []screenID{screenReview, screenWorkload} {
		if m.onStack(id) {
			cmds = append(cmds, m.screens[id].update(answersMsg{answers: m.snapshotDraft(), by: by, fid: fid}))
		}
	}
	return tea.Batch(cmds...)
}

// onStack reports whether the screen registered as id is on the stack.
func (m *model) onStack(id screenID) bool {
	r := m.screens[id]
	for _, s := range m.stack {
		if r != nil && s == r {
			return true
		}
	}
	return false
}

// live handles the messages about other sessions and access changes.
func (m *model) live(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case AccessChangedMsg:
		m.opts.CanSee, m.opts.CanCreate = msg.CanSee, msg.CanCreate
		cmd := m.deliver(screenHome, msg)
		org := m.org
		if m.sess.bank != nil {
			org = m.sess.org
		}
		if len(m.stack) > 1 && org.ID != "" && msg.CanSee != nil && !msg.CanSee(org.ID) {
			// Its screens close; writes in flight still return to the screens that
			// asked, which keep them, and a refused one says so in the error view.
			m.stack = m.stack[:1]
			m.sess = sessionMsg{}
			m.org = store.Organization{}
			cmd = tea.Batch(cmd, m.deliver(screenHome, accessLostMsg{org.Name}))
		}
		return tea.Batch(cmd, loadOrgs(m.st, m.opts.CanSee)), true
	case PresenceMsg:
		if m.onDraft(draftKey{msg.OrgID, msg.Number}) {
			m.others = msg.Others
		}
		return nil, true
	case DraftChangedMsg:
		if !m.onDraft(draftKey{msg.OrgID, msg.Number}) {
			return nil, true
		}
		if msg.Deleted {
			// Its screens close; the organization's screen shows what is left.
			org := m.sess.org
			m.sess = sessionMsg{}
			m.show(screenOrg)
			m.flash = fmt.Sprintf("%s discarded draft #%d: nothing more of it can be saved.", msg.By, msg.Number)
			return loadOrg(m.st, org), true
		}
		m.saw(msg.Rev)
		if msg.Profile != nil {
			m.sess.draft.Profile = *msg.Profile
			return m.deliver(screenProfile, msg), true
		}
		m.setAnswer(msg.Function, msg.Answer)
		return tea.Batch(m.deliver(screenQuestionnaire, msg), m.reviewAnswers(msg.By, msg.Function)), true
	case draftReloadedMsg:
		if !m.onDraft(draftKey{msg.org.ID, msg.draft.Number}) {
			return nil, true
		}
		old := m.sess.draft.Answers
		m.sess.draft = msg.draft
		if m.sess.draft.Answers == nil {
			m.sess.draft.Answers = map[string]assessment.Answer{}
		}
		m.rev, m.ahead = msg.rev, nil
		cmd := m.deliver(screenQuestionnaire, answersMsg{answers: m.snapshotDraft()})
		cmd = tea.Batch(cmd, m.deliver(screenWorkload, answersMsg{answers: m.snapshotDraft()}))
		return tea.Batch(cmd, m.deliver(screenReview, answersMsg{answers: m.snapshotDraft(), old: old})), true
	}
	return nil, false
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
		now := m.opts.Now()
		m.keyGap, m.lastKey = now.Sub(m.lastKey), now
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
		cmd := m.deliver(screenError, msg)
		m.show(screenError)
		return cmd
	}
	if cmd, ok := m.live(msg); ok {
		return cmd
	}
	if cmd, ok := m.saving(msg); ok {
		return cmd
	}
	if cmd, ok := m.route(msg); ok {
		return cmd
	}
	if cmd, ok := m.routeDraft(msg); ok {
		return cmd
	}
	return m.top().update(msg)
}

// userQuit quits at once, or once the writes in flight have returned. A value typed
// in the profile form but not yet saved is saved first. A second ctrl+c quits at once.
func (m *model) userQuit(force bool) tea.Cmd {
	if force && m.quitWhenSaved {
		return tea.Quit
	}
	m.sayFarewell()
	// The screen on top queues the save of what is typed and not yet saved.
	cmd := m.top().update(quittingMsg{})
	if !m.saves.writing() {
		return tea.Batch(cmd, tea.Quit)
	}
	m.quitWhenSaved = true
	return cmd
}

// savedAll quits when the user asked to and the last write has returned.
func (m *model) savedAll(cmd tea.Cmd) tea.Cmd {
	if m.quitWhenSaved && !m.saves.writing() {
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
	top := m.top()
	capturing := top.capturing()
	if capturing && msg.Type == tea.KeyRunes {
		// A paste longer than the field is refused whole rather than cut silently;
		// the message is dropped after this Update.
		if room, limit := top.inputRoom(); limit > 0 && len(msg.Runes) > room {
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
	if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 && !msg.Paste && !capturing {
		var cmds []tea.Cmd
		for _, r := range msg.Runes {
			cmds = append(cmds, m.key(tea.KeyMsg{Type: tea.KeyRunes, Runes: []rune{r}, Alt: msg.Alt}))
		}
		return tea.Batch(cmds...)
	}
	if !capturing {
		switch {
		case key.Matches(msg, m.keys.Quit):
			return m.userQuit(false)
		case key.Matches(msg, m.keys.Help):
			m.help.ShowAll = !m.help.ShowAll
			return nil
		}
	}
	return top.update(msg)
}

// answerSaved takes the result of one answer write: it goes to the autosave, the
// draft the root keeps and the screen that asked; report opens the error view when
// the write failed.
func (m *model) answerSaved(msg answerSavedMsg, report bool) tea.Cmd {
	next := m.saves.answered(&msg)
	var ce *store.ConflictError
	open := m.onDraft(msg.draft)
	switch {
	case !open:
	case msg.err == nil:
		m.saw(msg.rev)
		if msg.cleared {
			m.setAnswer(msg.fid, nil)
		} else {
			m.setAnswer(msg.fid, &msg.ans)
		}
	case errors.As(msg.err, &ce):
		m.setAnswer(msg.fid, ce.Current)
	}
	cmd := tea.Batch(next, m.deliver(msg.job.owner, msg))
	if open {
		cmd = tea.Batch(cmd, m.reviewAnswers("", ""))
		if msg.job.owner != screenQuestionnaire {
			// The questionnaire keeps its own copy: an estimate saved in the
			// workload pass is in it when the director goes back there.
			cmd = tea.Batch(cmd, m.deliver(screenQuestionnaire, answersMsg{answers: m.snapshotDraft()}))
		}
	}
	if errors.Is(msg.err, store.ErrConflict) {
		// The screen that asked shows both answers and asks; nothing to fail.
		m.quitWhenSaved = false
		if open && !m.on(msg.job.owner) && m.screens[msg.job.owner] != nil {
			m.show(msg.job.owner)
		}
		return cmd
	}
	if msg.err != nil {
		m.quitWhenSaved = false // stay, so the user sees what is not saved
		if report {
			what := fmt.Sprintf("save your answer to “%s” (it is NOT saved)", functionTitle(m.sess.bank, msg.fid))
			cmd = tea.Batch(cmd, m.fail(what, msg.err))
		}
	}
	return m.savedAll(cmd)
}

// saving handles the autosave: requests for writes and their results, which go back to
// the screen that asked.
func (m *model) saving(msg tea.Msg) (tea.Cmd, bool) {
	switch msg := msg.(type) {
	case answerSavedMsg:
		return m.answerSaved(msg, true), true
	case answersSavedMsg:
		// The results of one write of several answers, in the order they were asked
		// for; a failure they share opens the error view once.
		var cmds []tea.Cmd
		report := true
		for _, r := range msg {
			cmds = append(cmds, m.answerSaved(r, report))
			if r.err != nil && !errors.Is(r.err, store.ErrConflict) {
				report = false
			}
		}
		return tea.Batch(cmds...), true
	case profileSavedMsg:
		next := m.saves.profiled(&msg)
		cmd := tea.Batch(next, m.deliver(screenProfile, msg))
		if msg.err == nil {
			if m.onDraft(msg.draft) {
				m.sess.draft.Profile = msg.profile
				m.saw(msg.rev)
			}
		} else {
			m.quitWhenSaved = false // stay, so the user sees what is not saved
			if !errors.Is(msg.err, assessment.ErrInvalid) && !errors.Is(msg.err, store.ErrConflict) {
				cmd = tea.Batch(cmd, m.fail("save the profile", msg.err))
			}
		}
		return m.savedAll(cmd), true
	}
	return nil, false
}

// route handles the messages that switch screens or carry data outside a draft; ok is
// false for the others.
func (m *model) route(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case backMsg:
		return m.back(), true
	case listOrgsMsg:
		return loadOrgs(m.st, m.opts.CanSee), true
	case orgsLoadedMsg:
		return m.deliver(screenHome, msg), true
	case orgCreatedMsg:
		cmd := m.deliver(screenHome, msg)
		if msg.err != nil {
			if errors.Is(msg.err, store.ErrExists) || errors.Is(msg.err, assessment.ErrInvalid) {
				return cmd, true
			}
			return tea.Batch(cmd, m.fail("create the organization", msg.err)), true
		}
		return tea.Batch(cmd, loadOrgs(m.st, m.opts.CanSee), loadOrg(m.st, msg.org)), true
	case createRequest:
		return createOrg(m.st, msg.name), true
	case openOrgMsg:
		return loadOrg(m.st, msg.org), true
	case discardDraftMsg:
		return discardDraft(m.st, msg.org, msg.number), true
	case draftDiscardedMsg:
		if msg.err != nil {
			return m.fail(fmt.Sprintf("discard draft #%d", msg.number), msg.err), true
		}
		if m.onDraft(draftKey{msg.org.ID, msg.number}) {
			m.sess = sessionMsg{}
		}
		m.flash = fmt.Sprintf("Draft #%d discarded.", msg.number)
		return tea.Batch(loadOrg(m.st, msg.org), loadOrgs(m.st, m.opts.CanSee)), true
	case openBenchmarkMsg:
		return loadBenchmark(m.st, m.opts.Own), true
	case benchmarkMsg:
		if m.screens[screenBenchmark] == nil {
			m.register(newBenchmark(m.styles))
		}
		m.show(screenBenchmark)
		return m.deliver(screenBenchmark, msg), true
	case orgLoadedMsg:
		if m.screens[screenOrg] == nil || m.org.ID != msg.org.ID {
			m.register(newOrg(m.styles, msg.org))
		}
		m.org = msg.org
		cmd := m.deliver(screenOrg, msg)
		if m.on(screenHome) {
			m.show(screenOrg)
		}
		return cmd, true
	case openScorecardMsg:
		return loadReport(m.st, msg.org, msg.number, m.opts.Own), true
	case reportMsg:
		m.show(screenScorecard)
		return m.deliver(screenScorecard, msg), true
	case openHistoryMsg:
		return loadHistory(m.st, msg.org, msg.compare), true
	case historyMsg:
		m.show(screenHistory)
		return m.deliver(screenHistory, msg), true
	case compareMsg:
		return compareAssessments(msg.org, msg.from, msg.to), true
	case comparisonMsg:
		m.show(screenCompare)
		return m.deliver(screenCompare, msg), true
	}
	return nil, false
}

// routeDraft handles the messages of answering a draft: opening it, moving between the
// profile, the questions and the review, and finishing it.
func (m *model) routeDraft(msg tea.Msg) (cmd tea.Cmd, ok bool) {
	switch msg := msg.(type) {
	case startMsg:
		return startSession(m.st, msg.org, m.opts.Bank), true
	case resumeMsg:
		return resumeSession(m.st, msg.org), true
	case sessionMsg:
		m.rev, m.ahead, m.others = msg.rev, nil, nil
		return m.openDraft(msg), true
	case profileDoneMsg:
		m.sess.draft.Profile = msg.profile
		if len(m.stack) > 1 && m.stack[len(m.stack)-2].id() == screenQuestionnaire {
			m.stack = m.stack[:len(m.stack)-1]
			return nil, true
		}
		m.stack = m.stack[:len(m.stack)-1]
		return m.open(newQuestionnaire(m.styles, m.saves, m.sess, m.opts.Now)), true
	case editProfileMsg:
		return m.open(newProfile(m.styles, m.saves, m.sess)), true
	case openReviewMsg:
		if m.sess.bank == nil {
			return nil, true
		}
		m.register(newReview(m.styles, m.sess, m.snapshotDraft(), msg.at))
		m.show(screenReview)
		if msg.finish {
			return m.deliver(screenReview, askFinishMsg{}), true
		}
		return nil, true
	case editAnswerMsg:
		m.show(screenQuestionnaire)
		return m.deliver(screenQuestionnaire, msg), true
	case openWorkloadMsg:
		if m.sess.bank == nil {
			return nil, true
		}
		return m.open(newWorkload(m.styles, m.saves, m.sess, m.snapshotDraft(), msg.at, m.opts.Now)), true
	case orgWorkloadMsg:
		if m.sess.bank != nil && m.sess.org.ID == msg.org.ID {
			return m.open(newWorkload(m.styles, m.saves, m.sess, m.snapshotDraft(), 0, m.opts.Now)), true
		}
		return resumeWorkload(m.st, msg.org), true
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
				return m.deliver(screenReview, msg), true
			}
			return m.fail("finish the assessment", msg.err), true
		}
		m.sess = sessionMsg{}
		m.show(screenOrg)
		return tea.Batch(loadOrg(m.st, msg.org), loadReport(m.st, msg.org, msg.a.Number, m.opts.Own)), true
	}
	return nil, false
}

// openDraft starts answering a draft: the profile first when it is new or its profile
// is not filled in, else the questionnaire where the user stopped.
func (m *model) openDraft(s sessionMsg) tea.Cmd {
	m.sess = s
	m.show(screenOrg)
	if s.workload {
		return m.open(newWorkload(m.styles, m.saves, s, m.snapshotDraft(), 0, m.opts.Now))
	}
	// The profile comes first for a new draft, and for one left before any answer
	// (the form may have been left half done: zeros are valid values).
	if s.started || len(s.draft.Answers) == 0 || s.draft.Profile.Validate() != nil {
		return m.open(newProfile(m.styles, m.saves, s))
	}
	cmd := m.open(newQuestionnaire(m.styles, m.saves, s, m.opts.Now))
	if len(assessment.Unanswered(s.bank, s.draft.Answers)) == 0 {
		m.register(newReview(m.styles, s, m.snapshotDraft(), len(s.bank.Functions)-1))
		m.show(screenReview)
	}
	return cmd
}

func (m *model) fail(what string, err error) tea.Cmd {
	return emit(errMsg{what, err})
}

// badSize reports whether the window is too small, too large or absent to lay out.
func (m *model) badSize() bool {
	return m.width < minWidth || m.height < minHeight || m.width > MaxWidth || m.height > MaxHeight
}

// sizeMessage says what is wrong with the window size and what to do.
func (m *model) sizeMessage() string {
	switch {
	case m.width == 0 || m.height == 0:
		return fmt.Sprintf("The SSH client sent no window size (%d×%d), so there is nothing to draw on: connect with `ssh -t` from a real terminal window.", m.width, m.height)
	case m.width > MaxWidth || m.height > MaxHeight:
		return fmt.Sprintf("The terminal reports a window larger than %d×%d, more than cebalance can draw: make the window smaller (needs at least %d×%d).", MaxWidth, MaxHeight, minWidth, minHeight)
	}
	return fmt.Sprintf("Please enlarge the terminal (needs %d×%d; now %d×%d).", minWidth, minHeight, m.width, m.height)
}

// roomIn is inputRoom for one text input.
func roomIn(ti *textinput.Model) (room, limit int) {
	return max(0, ti.CharLimit-utf8.RuneCountInString(ti.Value())), ti.CharLimit
}

// keyMap is the footer's help for the current screen, with the global keys.
func (m *model) keyMap() keyHelp {
	top := m.top()
	k := top.help()
	global := []key.Binding{m.keys.Help}
	full := []key.Binding{m.keys.Help}
	if top.capturing() {
		// ? types a "?" in a text field: the help does not offer it there.
		global = []key.Binding{m.keys.ForceQuit}
		full = []key.Binding{m.keys.ForceQuit}
	} else {
		if !k.noEsc {
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

// footerKey names a rendered footer: the key map's help texts, the width, and whether
// the full help is shown.
type footerKey struct {
	keys          uint64 // the top screen's help
	noBack, noEsc bool
	capturing     bool
	width         int
	all           bool
}

// maxFooters bounds the footers kept per session: a few per screen state and width.
const maxFooters = 64

// layout renders the footer, once per key map and width, and gives every screen its
// size. Screens ignore a size they already have, so this is cheap.
func (m *model) layout() {
	if m.badSize() {
		return
	}
	// The footer is a function of the top screen's help (the global keys follow from
	// it): hashed as the screen gives it, the whole key map is put together only for
	// a footer not rendered yet.
	top := m.top()
	th := top.help()
	fk := footerKey{th.hash(), th.noBack, th.noEsc, top.capturing(), m.width, m.help.ShowAll}
	footer, ok := m.footers[fk]
	if !ok {
		k := m.keyMap()
		m.help.Width = m.width
		// help.Model adds an item that does not fit when even its ellipsis does not
		// fit; cut every line to the width.
		lines := strings.Split(m.help.View(k), "\n")
		for i := range lines {
			lines[i] = truncate(lines[i], m.width)
		}
		footer = strings.Join(lines, "\n")
		if m.footers == nil || len(m.footers) >= maxFooters {
			m.footers = make(map[footerKey]string, 8)
		}
		m.footers[fk] = footer
	}
	m.footer = footer
	body := max(1, m.height-strings.Count(footer, "\n")-2) // one blank line above the footer
	m.bodyH = body
	for _, s := range m.screens {
		if s != nil {
			s.setSize(m.width, body)
		}
	}
}

// View implements tea.Model.
func (m *model) View() string {
	if m.hold.held {
		return m.hold.view
	}
	v := m.view()
	m.hold.view = v
	return v
}

// view draws the screen.
func (m *model) view() string {
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
	var notice string
	if m.flash != "" {
		notice = m.styles.warn.Render(truncate(m.flash, m.width))
	} else if len(m.others) > 0 && m.editing() != (draftKey{}) {
		// On the line above the footer, so that no screen's layout changes.
		notice = m.styles.warn.Render(truncate(" also here: "+strings.Join(m.others, ", "), m.width-1))
	}
	// One buffer of the frame's size: the frame is copied once, not once per part.
	body := m.top().view()
	var b strings.Builder
	b.Grow(len(body) + m.bodyH + len(notice) + len(m.footer) + 2)
	writeClamped(&b, body, m.bodyH)
	b.WriteString("\n")
	b.WriteString(notice)
	b.WriteString("\n")
	b.WriteString(m.footer)
	return b.String()
}
