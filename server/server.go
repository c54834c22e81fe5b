// Package server serves cebalance over SSH (SPEC §6): one process owns the database and
// runs the questionnaire for every interactive session, and the report, history, export
// and (for admins) access commands for non-interactive ones.
//
// # Access
//
// Only public-key authentication is offered. A key gets in when its SHA256 fingerprint
// has an access record in the database; the record's role and organizations decide what
// the session may see. Identity always comes from the key that authenticated, never from
// the user name, and it is looked up again for every session, so a revoked key is refused
// at once.
//
// # Robustness
//
// Every answer is saved by the questionnaire when it is confirmed, so nothing depends on
// a session ending well. A panic in one session is logged and ends only that session.
// The questionnaire ends itself after the idle time without a key press (output such as
// a blinking cursor would reset an SSH-level idle timer), and a hard cap ends any
// connection after MaxSession. Shutdown tells every session that the server is
// restarting and that its answers are saved.
package server

import (
	"context"
	"errors"
	"fmt"
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
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"
	"golang.org/x/time/rate"

	"cebalance/cli"
	"cebalance/questions"
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
}

// Server is a running SSH service.
type Server struct {
	cfg     Config
	ssh     *ssh.Server
	log     *log.Logger
	closing atomic.Bool

	mu        sync.Mutex
	programs  map[*tea.Program]struct{}
	listeners []net.Listener
	active    int           // running session handlers
	drained   chan struct{} // closed when active drops to 0 during shutdown
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
	s := &Server{cfg: cfg, log: cfg.Logger, programs: map[*tea.Program]struct{}{}}
	limiter := ratelimiter.NewRateLimiter(rate.Limit(cfg.RatePerSecond), cfg.RateBurst, 4096)
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(cfg.HostKey),
		wish.WithPublicKeyAuth(s.authorize),
		wish.WithMaxTimeout(cfg.MaxSession),
		wish.WithVersion("cebalance"),
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

// authorize admits a key with an access record. It runs for every key a client offers.
func (s *Server) authorize(ctx ssh.Context, key ssh.PublicKey) bool {
	fp := gossh.FingerprintSHA256(key)
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
			if _, _, ok := sess.Pty(); ok && len(sess.Command()) == 0 {
				interactive(sess)
				return
			}
			s.command(sess)
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
	model := tui.New(s.cfg.Store, tui.Options{
		Renderer:  sessionRenderer(sess),
		Bank:      s.cfg.Bank,
		CanSee:    acc.CanSee,
		CanCreate: acc.Role == store.Admin,
		Idle:      s.cfg.Idle,
		Remote:    true, PacketCommand: sshCommand(sess),
	})
	opts := append(bubbletea.MakeOptions(sess), tea.WithAltScreen(), tea.WithoutSignalHandler(),
		tea.WithFPS(frameRate))
	t := &tracked{Model: model}
	sess.Context().SetValue(trackedKey{}, t)
	p := tea.NewProgram(t, opts...)
	s.mu.Lock()
	s.programs[p] = struct{}{}
	s.mu.Unlock()
	go func() {
		<-sess.Context().Done()
		s.mu.Lock()
		delete(s.programs, p)
		s.mu.Unlock()
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
// ask it why it quit.
type tracked struct{ tea.Model }

type trackedKey struct{}

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

// command runs a non-interactive command with the caller's permissions.
func (s *Server) command(sess ssh.Session) {
	acc := accessOf(sess)
	args := sess.Command()
	if len(args) == 0 {
		fmt.Fprint(sess.Stderr(), "cebalance: no command given: connect with a terminal (ssh -t) for the questionnaire, or run report, history or export\n")
		_ = sess.Exit(cli.ExitUsage)
		return
	}
	env := &cli.Env{
		Stdin:  sess,
		Stdout: sess,
		Stderr: sess.Stderr(),
		Getenv: func(string) string { return "" },
		Scope:  cli.Scope{Admin: acc.Role == store.Admin, Name: acc.Name, Orgs: acc.Orgs},
		Store:  s.cfg.Store,
		Remote: true,
	}
	code := cli.Execute(env, args)
	s.log.Info("command", "name", acc.Name, "command", args[0], "status", code)
	_ = sess.Exit(code)
}
