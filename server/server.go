// Package server serves cebalance over SSH: one process owns the database and
// runs the questionnaire for every interactive session, and the report, history, export
// and (for admins) access commands for non-interactive ones.
//
// # Access
//
// Only public-key authentication is offered. A key gets in when its SHA256 fingerprint
// has an access record in the database; the record's role and organizations decide what
// the session may see. Identity always comes from the key that authenticated, never from
// the user name, and it is looked up again for every session, so a revoked key is refused
// at once. Open sessions read it again every second and after every access command
// (live.go): a revoked key's session ends, saying why, and a narrowed one loses what it
// may no longer see.
//
// # Robustness
//
// Every answer is saved by the questionnaire when it is confirmed, so nothing depends on
// a session ending well. A panic in one session is logged and ends only that session.
// The questionnaire ends itself after the idle time without a key press (output such as
// a blinking cursor would reset an SSH-level idle timer), and a hard cap ends any
// connection after MaxSession. Shutdown tells every session that the server is
// restarting and that its answers are saved.
//
// # Hostile clients
//
// Logins follow the key policy of package sshkey: DSA keys and RSA keys under 2048
// bits are refused (and the refusal logged with its reason), and clients may sign only
// with sshkey.SignatureAlgorithms — not with SHA-1 "ssh-rsa" or "ssh-dss".
//
// Connections are counted from accept: at most MaxConns in all (default 1024), at most
// MaxConnsPerIP from one address (64, for hospitals behind one NAT address; loopback,
// where a local tunnel's clients all come from, is not capped per address) and at most
// MaxPreAuth that have not authenticated yet (256). A connection over a cap takes the
// place of the oldest unauthenticated connection that holds that cap, which is closed;
// when there is none (every connection is authenticated) the new one is closed at once,
// before any handshake. A flood of idle connections therefore costs the server at most
// MaxPreAuth sockets and never locks out a director, whose connection is the newest and
// authenticates in milliseconds. A connection must authenticate within
// HandshakeTimeout of accept (30 s: time to type a key passphrase) and may not stay
// silent for PreAuthIdle (20 s) before it has.
//
// Window sizes are capped on every pty-req and window-change before anything reads
// them: any width over tui.MaxWidth (1000 columns) or height over tui.MaxHeight (500
// rows) becomes one more than that, which the TUI answers with a request to resize. A
// bracketed paste reaches Bubble Tea cut to 16 KiB, which is still more than any text
// field takes, so the TUI refuses it with a message.
package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/charmbracelet/wish/ratelimiter"
	"github.com/charmbracelet/x/ansi"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"cebalance/plain"
	"cebalance/questions"
	"cebalance/sshkey"
	"cebalance/store"
	"cebalance/tui"
)

// RestartMessage is what every open session is told when the server shuts down.
const RestartMessage = "server is restarting — your answers are saved"

// Config configures a server.
type Config struct {
	Store   *store.Store
	HostKey []byte // PEM; see LoadHostKey
	Bank    *questions.Bank
	Logger  *log.Logger

	// Idle ends an interactive session after this long without a key press.
	Idle time.Duration
	// MaxSession is the hard cap on any connection; 0 means 12 hours.
	MaxSession time.Duration
	// RatePerSecond and RateBurst limit new sessions per client IP; 0 means 2/s, burst 20.
	RatePerSecond float64
	RateBurst     int

	// MaxConns caps the open connections; 0 means DefaultMaxConns.
	MaxConns int
	// MaxConnsPerIP caps the open connections from one client IP; 0 means
	// DefaultMaxConnsPerIP.
	MaxConnsPerIP int
	// MaxPreAuth caps the connections that have not authenticated yet; 0 means
	// DefaultMaxPreAuth.
	MaxPreAuth int
	// HandshakeTimeout is the time from accept to authenticated; 0 means
	// DefaultHandshakeTimeout.
	HandshakeTimeout time.Duration
	// PreAuthIdle closes a connection that sends nothing for this long before it has
	// authenticated; 0 means DefaultPreAuthIdle.
	PreAuthIdle time.Duration

	// Command runs a non-interactive SSH command (args without the program name) for
	// the caller of c and returns its exit status; main wires the command line here, so
	// that this package depends on no command type. Nil refuses every command.
	Command func(c Call, args []string) int
	// Plain runs the accessible plain questionnaire for the caller of c, saving every
	// answer through ps (the session's store: access re-checked, other sessions on the
	// draft told); main wires it. Nil refuses plain sessions.
	Plain func(c Call, ps plain.Store) error
}

// Call is what the server hands to Config.Command and Config.Plain: the session's
// streams, the access record of the key that authenticated (read for this session) and
// the server's open store and question bank, which the runner uses and never closes.
type Call struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Access         store.Access
	Store          *store.Store
	Bank           *questions.Bank
}

// exitFailure is the exit status of a session whose runner failed or is missing.
const exitFailure = 1

// Server is a running SSH service.
type Server struct {
	cfg     Config
	ssh     *ssh.Server
	log     *log.Logger
	limits  *connLimits
	closing atomic.Bool

	mu        sync.Mutex
	programs  map[*tea.Program]struct{}
	listeners []net.Listener
	active    int           // running session handlers
	drained   chan struct{} // closed when active drops to 0 during shutdown

	// Shared use: the access records of live sessions are watched, and the sessions
	// on one draft see each other (live.go). Started with the first session.
	shareOnce sync.Once
	live      *live
	hub       *hub
}

// shared returns the access watcher and the draft hub, starting them once.
func (s *Server) shared() (*live, *hub) {
	s.shareOnce.Do(func() {
		s.live, s.hub = newLive(s.cfg.Store), newHub()
		if s.closing.Load() {
			s.live.close()
		}
	})
	return s.live, s.hub
}

// stopShared stops the access watcher, if it was started.
func (s *Server) stopShared() {
	s.shareOnce.Do(func() {}) // none started after this
	if s.live != nil {
		s.live.close()
	}
}

type ctxKey struct{}

// New builds a server; Serve starts it.
func New(cfg Config) (*Server, error) {
	if cfg.Store == nil {
		return nil, errors.New("server: no store")
	}
	if cfg.Bank == nil {
		cfg.Bank = questions.Default()
	}
	if cfg.Logger == nil {
		cfg.Logger = log.Default()
	}
	if cfg.MaxSession <= 0 {
		cfg.MaxSession = 12 * time.Hour
	}
	if cfg.RatePerSecond <= 0 {
		cfg.RatePerSecond = 2
	}
	if cfg.RateBurst <= 0 {
		cfg.RateBurst = 20
	}
	cfg.MaxConns = orDefault(cfg.MaxConns, DefaultMaxConns)
	cfg.MaxConnsPerIP = orDefault(cfg.MaxConnsPerIP, DefaultMaxConnsPerIP)
	cfg.MaxPreAuth = orDefault(cfg.MaxPreAuth, DefaultMaxPreAuth)
	cfg.HandshakeTimeout = orDefault(cfg.HandshakeTimeout, DefaultHandshakeTimeout)
	cfg.PreAuthIdle = orDefault(cfg.PreAuthIdle, DefaultPreAuthIdle)
	s := &Server{cfg: cfg, log: cfg.Logger, programs: map[*tea.Program]struct{}{}}
	s.limits = newConnLimits(cfg, cfg.Logger)
	limiter := ratelimiter.NewRateLimiter(rate.Limit(cfg.RatePerSecond), cfg.RateBurst, 4096)
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(cfg.HostKey),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMaxTimeout(cfg.MaxSession),
		wish.WithVersion("cebalance"),
		ssh.WrapConn(rememberConn),
		func(srv *ssh.Server) error {
			srv.ServerConfigCallback = serverConfig
			srv.ChannelHandlers = map[string]ssh.ChannelHandler{"session": boundWindows(ssh.DefaultSessionHandler)}
			return nil
		},
		wish.WithMiddleware(
			// Listed innermost last: wish runs the last middleware first.
			s.sessionHandler(),
			ratelimiter.Middleware(limiter),
			s.identify,
			s.recoverPanics,
		),
	)
	if err != nil {
		return nil, fmt.Errorf("server: %w", err)
	}
	s.ssh = srv
	return s, nil
}

// Serve accepts connections on l until Shutdown or Close.
func (s *Server) Serve(l net.Listener) error {
	s.mu.Lock()
	if s.closing.Load() {
		s.mu.Unlock()
		l.Close()
		return nil
	}
	l = &limitListener{Listener: l, lim: s.limits}
	s.listeners = append(s.listeners, l)
	s.mu.Unlock()
	err := s.ssh.Serve(l)
	if errors.Is(err, ssh.ErrServerClosed) {
		return nil
	}
	return err
}

// Shutdown stops accepting connections, tells every interactive session that the
// server is restarting (their answers are already saved), waits until ctx is done for
// the sessions to end, and then closes every connection.
func (s *Server) Shutdown(ctx context.Context) error {
	s.stopShared()
	s.mu.Lock()
	s.closing.Store(true)
	s.closeListeners()
	for p := range s.programs {
		p.Send(tui.ShutdownMsg{Reason: RestartMessage})
	}
	ended := make(chan struct{})
	if s.active == 0 {
		close(ended)
	} else {
		s.drained = ended
	}
	s.mu.Unlock()
	var err error
	select {
	case <-ended:
	case <-ctx.Done():
		err = fmt.Errorf("sessions still running at shutdown: %w", ctx.Err())
	}
	// Clients keep a connection open after its last session; nothing is left to wait for.
	s.ssh.Close()
	return err
}

// Close stops the server at once.
func (s *Server) Close() error {
	s.stopShared()
	s.mu.Lock()
	s.closing.Store(true)
	s.closeListeners()
	s.mu.Unlock()
	return s.ssh.Close()
}

// closeListeners stops accepting connections; s.mu is held. (The SSH server closes
// them too, but only those it has started to serve.)
func (s *Server) closeListeners() {
	for _, l := range s.listeners {
		l.Close()
	}
	s.listeners = nil
}

// serverConfig is the SSH configuration of one connection: signatures only with the
// algorithms of the key policy (no SHA-1 "ssh-rsa", no "ssh-dss"), and the connection
// counted as authenticated once the client has proved it holds an admitted key.
func serverConfig(ctx ssh.Context) *gossh.ServerConfig {
	lc, _ := ctx.Value(limitedConnKey{}).(*limitedConn)
	return &gossh.ServerConfig{
		PublicKeyAuthAlgorithms: sshkey.SignatureAlgorithms,
		VerifiedPublicKeyCallback: func(_ gossh.ConnMetadata, _ gossh.PublicKey, p *gossh.Permissions, _ string) (*gossh.Permissions, error) {
			if lc != nil {
				lc.authenticated()
			}
			return p, nil
		},
	}
}

// authorize admits a key that passes the key policy and has an access record. It runs
// for every key a client offers.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
	if err := sshkey.Check(key); err != nil {
		s.log.Warn("denied", "fingerprint", fp, "user", ctx.User(), "addr", ctx.RemoteAddr().String(), "reason", err.Error())
		return false
	}
	acc, err := s.cfg.Store.AccessFor(fp)
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			s.log.Error("access lookup failed", "fingerprint", fp, "err", err)
		} else {
			s.log.Warn("denied", "fingerprint", fp, "user", ctx.User(), "addr", ctx.RemoteAddr().String())
		}
		return false
	}
	_ = acc
	return true
}

// identify looks up the access record of the key that authenticated this session and
// stores it in the session context; sessions without one end here.
func (s *Server) identify(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		key := sess.PublicKey()
		if key == nil {
			wish.Fatalln(sess, "cebalance: public-key authentication is required")
			return
		}
		fp := gossh.FingerprintSHA256(key)
		acc, err := s.cfg.Store.AccessFor(fp)
		if err != nil {
			s.log.Warn("denied", "fingerprint", fp, "addr", sess.RemoteAddr().String(), "reason", "no access record")
			wish.Fatalln(sess, "cebalance: this key has no access (any more): ask your cebalance admin")
			return
		}
		sess.Context().SetValue(ctxKey{}, acc)
		start := time.Now()
		_, _, pty := sess.Pty()
		s.log.Info("connect", "name", acc.Name, "role", acc.Role, "fingerprint", fp,
			"addr", sess.RemoteAddr().String(), "interactive", pty)
		next(sess)
		s.log.Info("disconnect", "name", acc.Name, "fingerprint", fp, "duration", time.Since(start).Round(time.Second))
	}
}

// recoverPanics keeps a panic in one session from taking the server down.
func (s *Server) recoverPanics(next ssh.Handler) ssh.Handler {
	return func(sess ssh.Session) {
		if !s.enter() {
			fmt.Fprintf(sess.Stderr(), "cebalance: %s; try again in a moment\r\n", RestartMessage)
			_ = sess.Exit(1)
			return
		}
		defer s.leave()
		defer func() {
			if r := recover(); r != nil {
				s.log.Error("panic in session", "panic", fmt.Sprint(r), "stack", string(debug.Stack()))
				fmt.Fprint(sess.Stderr(), "\r\ncebalance: internal error; your saved answers are safe. Please reconnect.\r\n")
				_ = sess.Exit(1)
			}
		}()
		next(sess)
	}
}

// enter counts a session in, unless the server is shutting down.
func (s *Server) enter() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closing.Load() {
		return false
	}
	s.active++
	return true
}

// leave counts a session out and tells a waiting Shutdown when it was the last.
func (s *Server) leave() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active--
	if s.active == 0 && s.drained != nil {
		close(s.drained)
		s.drained = nil
	}
}

func orDefault[T int | time.Duration](v, def T) T {
	if v <= 0 {
		return def
	}
	return v
}

func accessOf(sess ssh.Session) store.Access {
	acc, _ := sess.Context().Value(ctxKey{}).(store.Access)
	return acc
}

// sessionHandler runs the questionnaire for a PTY session and a command otherwise.
func (s *Server) sessionHandler() wish.Middleware {
	tuiMW := bubbletea.MiddlewareWithProgramHandler(s.program, termenv.Ascii)
	return func(next ssh.Handler) ssh.Handler {
		interactive := tuiMW(func(sess ssh.Session) {
			s.farewell(sess)
			next(sess)
		})
		return func(sess ssh.Session) {
			pty, _, ok := sess.Pty()
			switch {
			case len(sess.Command()) > 0:
				s.command(sess)
			case ok && pty.Term != "dumb":
				interactive(sess)
			default:
				// `ssh -T host`, or a terminal that cannot move the cursor: the accessible
				// plain mode, one numbered prompt per line.
				s.plain(sess)
			}
		}
	}
}

// sshCommand is how the client reached this server: "ssh -p PORT HOST" with the address
// it connected to (the port left out when it is 22), for commands shown in the TUI.
func sshCommand(sess ssh.Session) string {
	host, port, err := net.SplitHostPort(sess.LocalAddr().String())
	if err != nil {
		return "ssh " + sess.LocalAddr().String()
	}
	if port == "22" {
		return "ssh " + host
	}
	return "ssh -p " + port + " " + host
}

// program builds the questionnaire for one interactive session.
func (s *Server) program(sess ssh.Session) *tea.Program {
	acc := accessOf(sess)
	lv, hb := s.shared()
	// Every permission is read from the access record as it is now, not as it was at
	// login: an administrator's change reaches open sessions (live.go).
	fp := acc.Fingerprint
	ss := &sessionStore{Store: s.cfg.Store, fp: fp, name: acc.Name, hub: hb}
	var own []string // a director's organizations, left out of every benchmark they see
	if acc.Role != store.Admin {
		own = acc.Orgs
	}
	model := tui.New(ss, tui.Options{
		Own:       own,
		Renderer:  sessionRenderer(sess),
		Bank:      s.cfg.Bank,
		CanSee:    canSee(s.cfg.Store, fp),
		CanCreate: acc.Role == store.Admin,
		Idle:      s.cfg.Idle,
		OnDraft:   ss.onDraft,
		Remote:    true, PacketCommand: sshCommand(sess),
		AckHold: ackHold,
	})
	pty, _, _ := sess.Pty()
	view := tui.Prepare(model, pty.Window.Width, pty.Window.Height)
	// The program's output, as bubbletea.MakeOptions chooses it.
	var out io.Writer = sess
	if !sess.EmulatedPty() && pty.Slave != nil {
		out = pty.Slave
	}
	opts := append(bubbletea.MakeOptions(sess), tea.WithInput(newPasteLimiter(sess)),
		tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithFPS(frameRate), tea.WithMouseCellMotion())
	t := &tracked{Model: model, out: out, first: firstFrame(view, pty.Window.Width, pty.Window.Height)}
	sess.Context().SetValue(trackedKey{}, t)
	p := tea.NewProgram(t, opts...)
	ss.p = p
	lv.add(p, fp, acc)
	s.mu.Lock()
	s.programs[p] = struct{}{}
	s.mu.Unlock()
	go func() {
		<-sess.Context().Done()
		s.mu.Lock()
		delete(s.programs, p)
		s.mu.Unlock()
		lv.remove(p)
		hb.join(p, "", draftKey{})
	}()
	return p
}

// frameRate is how often a session's renderer writes a changed frame. Bubble Tea only
// writes frames on its ticker, so a key press waits for the next tick before its frame
// leaves: at the default 60 per second, up to 16.7 ms of every keystroke-to-frame time
// and a full tick before the first frame of every connection. At 120 (Bubble Tea's
// maximum), the load test (docs/performance.md) measured keystroke-to-frame times with
// 200 sessions about 45% lower at the median and 35% lower at p99, and no worse with
// the machine saturated; the price is the ticks of idle sessions, about 0.08% of a core
// each instead of 0.055%. A tick with nothing new writes nothing.
const frameRate = 120

// ackHold is how long a session's "saved ✓" may wait for the next frame (see
// tui.Options.AckHold): a director typing answers gets one frame per answer, not two,
// and a director who stops sees it well inside the blink of a pause.
var ackHold = 150 * time.Millisecond

// sessionRenderer is bubbletea.MakeRenderer without its terminal query. On an SSH
// session without an allocated PTY, MakeRenderer asks the client terminal for its
// background color and reads the answer from the session with no way to time out: a
// client that does not answer (a script, an old terminal) would hang before the first
// frame, and the first key pressed would be swallowed. So the color profile comes from
// the session's TERM and environment (NO_COLOR, COLORTERM, COLORFGBG) exactly as
// MakeRenderer computes it, and the background is taken as dark unless COLORFGBG says
// otherwise.
func sessionRenderer(sess ssh.Session) *lipgloss.Renderer {
	pty, _, ok := sess.Pty()
	if !ok || pty.Term == "" || pty.Term == "dumb" {
		return lipgloss.NewRenderer(sess, termenv.WithProfile(termenv.Ascii))
	}
	env := environ(append(sess.Environ(), "TERM="+pty.Term))
	r := lipgloss.NewRenderer(sess, termenv.WithEnvironment(env), termenv.WithUnsafe(), termenv.WithColorCache(true))
	r.SetHasDarkBackground(!lightBackground(env.Getenv("COLORFGBG")))
	return r
}

// lightBackground reads COLORFGBG ("15;0" = white on black): a background color of
// 7 (light gray) or 9–15 is light.
func lightBackground(colorfgbg string) bool {
	i := strings.LastIndexByte(colorfgbg, ';')
	if i < 0 {
		return false
	}
	n, err := strconv.Atoi(colorfgbg[i+1:])
	return err == nil && (n == 7 || (n >= 9 && n <= 15))
}

// environ is a session's environment for termenv.
type environ []string

// Environ implements termenv.Environ.
func (e environ) Environ() []string { return e }

// Getenv implements termenv.Environ; the last assignment wins, as in a shell.
func (e environ) Getenv(key string) string {
	for i := len(e) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(e[i], key+"="); ok {
			return v
		}
	}
	return ""
}

// tracked keeps the latest root model, so that after the program ends the server can
// ask it why it quit; and it writes the first frame as soon as the program starts.
type tracked struct {
	tea.Model
	out   io.Writer // the program's output
	first []byte    // the first frame, written by Init; nil afterwards
}

type trackedKey struct{}

// Init implements tea.Model. It writes the first frame at once: Bubble Tea writes
// frames only on its ticker, so the first would wait a frame period after Run, however
// fast the model was ready (tui.Prepare readied it, with the home screen's data, before
// Run). Run calls Init after it has entered the alternate screen (which clears it and
// homes the cursor) and started the renderer, and before it hands the renderer its
// first view, so nothing else writes meanwhile and the renderer has nothing to flush
// yet. Its first flush then repaints the same cells from the same view (firstFrame
// lays it out exactly as that flush does), so the director sees one frame, sooner.
func (t *tracked) Init() tea.Cmd {
	cmd := t.Model.Init()
	if t.first != nil {
		_, _ = t.out.Write(t.first)
		t.first = nil
	}
	return cmd
}

// firstFrame lays out view as Bubble Tea v1's standard renderer paints its first frame
// on the alternate screen (standardRenderer.flush with nothing rendered before): the
// cursor home, each line cut to the width and its rest erased, lines joined by CR LF,
// at most height lines (the last ones), the cursor left at the start of the last line.
func firstFrame(view string, width, height int) []byte {
	lines := strings.Split(view, "\n")
	if height > 0 && len(lines) > height {
		lines = lines[len(lines)-height:]
	}
	var b bytes.Buffer
	b.WriteString(ansi.CursorHomePosition)
	b.WriteByte('\r')
	for i, l := range lines {
		if width > 0 {
			l = ansi.Truncate(l, width, "")
		}
		b.WriteString(l)
		if ansi.StringWidth(l) < width {
			b.WriteString(ansi.EraseLineRight)
		}
		if i < len(lines)-1 {
			b.WriteString("\r\n")
		}
	}
	b.WriteString(ansi.CursorPosition(0, len(lines)))
	return b.Bytes()
}

// Update implements tea.Model.
func (t *tracked) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	m, cmd := t.Model.Update(msg)
	t.Model = m
	return t, cmd
}

// farewell runs after the questionnaire has ended and the terminal is restored: it
// tells the director why the session ended, when it was not their choice.
func (s *Server) farewell(sess ssh.Session) {
	reason := ""
	if t, ok := sess.Context().Value(trackedKey{}).(*tracked); ok {
		reason = tui.QuitReason(t.Model)
	}
	if reason == "" && s.closing.Load() {
		reason = RestartMessage
	}
	if reason != "" {
		fmt.Fprintf(sess, "cebalance: %s\r\n", reason)
	}
}

// plain runs the accessible plain mode for a session without a terminal (or with
// TERM=dumb): numbered prompts, every answer saved through the session store (access
// re-checked, other sessions on the draft told) and acknowledged in words.
func (s *Server) plain(sess ssh.Session) {
	acc := accessOf(sess)
	_, hb := s.shared()
	ss := &sessionStore{Store: s.cfg.Store, fp: acc.Fingerprint, name: acc.Name, hub: hb}
	c := s.call(sess, crlf{sess}, acc)
	code := 0
	if s.cfg.Plain == nil {
		fmt.Fprintln(sess.Stderr(), "cebalance: this server offers no plain mode: connect with a terminal (ssh -t)")
		code = exitFailure
	} else if err := s.cfg.Plain(c, ss); err != nil {
		fmt.Fprintf(sess.Stderr(), "cebalance: %v\n", err)
		code = exitFailure
	}
	s.log.Info("plain session", "name", acc.Name, "status", code)
	_ = sess.Exit(code)
}

// call is the Call for session sess of the key with access record acc, writing its
// standard output to out.
func (s *Server) call(sess ssh.Session, out io.Writer, acc store.Access) Call {
	return Call{Stdin: sess, Stdout: out, Stderr: sess.Stderr(), Access: acc, Store: s.cfg.Store, Bank: s.cfg.Bank}
}

// crlf writes "\r\n" for every "\n", for a PTY with TERM=dumb, whose output
// post-processing wish does not do; on a session without a PTY it is harmless.
type crlf struct{ w io.Writer }

func (c crlf) Write(p []byte) (int, error) {
	if _, err := c.w.Write(bytes.ReplaceAll(p, []byte("\n"), []byte("\r\n"))); err != nil {
		return 0, err
	}
	return len(p), nil
}

// command runs a non-interactive command with the caller's permissions.
func (s *Server) command(sess ssh.Session) {
	acc := accessOf(sess)
	args := sess.Command()
	code := exitFailure
	if s.cfg.Command == nil {
		fmt.Fprintln(sess.Stderr(), "cebalance: this server runs no commands: connect with a terminal for the questionnaire")
	} else {
		code = s.cfg.Command(s.call(sess, sess, acc), args)
	}
	if args[0] == "access" {
		// An access change reaches the open sessions now, not at the next tick.
		lv, _ := s.shared()
		lv.check()
	}
	s.log.Info("command", "name", acc.Name, "command", args[0], "status", code)
	_ = sess.Exit(code)
}
