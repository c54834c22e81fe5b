package server

import (
	"container/list"
	"encoding/binary"
	"net"
	"sync"
	"sync/atomic"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/ssh"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/tui"
)

// Defaults of the connection limits (see Config and the package documentation). They
// suit a server shared by a few hundred directors, some of them behind one hospital's
// NAT address.
const (
	DefaultMaxConns         = 1024
	DefaultMaxConnsPerIP    = 64
	DefaultMaxPreAuth       = 256
	DefaultHandshakeTimeout = 30 * time.Second
	DefaultPreAuthIdle      = 20 * time.Second
)

// connLimits counts the open connections, in total, per client IP and before
// authentication, and decides at accept time whether a new one may start.
//
// A connection that would go over a cap takes the place of the oldest connection that
// has not authenticated yet and would free that cap (that one is closed); when there is
// none, the new connection is closed at once. So a flood of idle connections that never
// authenticate cannot lock a real client out: the real client's connection is the
// newest, and it needs only milliseconds to authenticate. Connections that have
// authenticated are never displaced.
type connLimits struct {
	maxConns, maxPerIP, maxPreAuth int
	handshake, idle                time.Duration
	log                            *log.Logger

	mu       sync.Mutex
	total    int
	perIP    map[string]*ipConns
	preAuth  *list.List // of *limitedConn, oldest first
	lastWarn time.Time  // refusals are logged at most once a second
	refused  int        // refusals since the last warning
}

type ipConns struct {
	total   int
	preAuth *list.List // of *limitedConn, oldest first
}

func newConnLimits(cfg Config, logger *log.Logger) *connLimits {
	return &connLimits{
		maxConns: cfg.MaxConns, maxPerIP: cfg.MaxConnsPerIP, maxPreAuth: cfg.MaxPreAuth,
		handshake: cfg.HandshakeTimeout, idle: cfg.PreAuthIdle, log: logger,
		perIP: map[string]*ipConns{}, preAuth: list.New(),
	}
}

// admit counts c in and returns it wrapped, or returns nil when c must be closed.
func (l *connLimits) admit(c net.Conn) *limitedConn {
	ip := hostOf(c.RemoteAddr())
	var evicted []*limitedConn
	l.mu.Lock()
	ipc := l.perIP[ip]
	if ipc == nil {
		ipc = &ipConns{preAuth: list.New()}
		l.perIP[ip] = ipc
	}
	ok := true
	// Loopback is not capped per address: every client of a local tunnel or proxy
	// comes from it, and so do the load tests' hundreds of sessions.
	if ipc.total >= l.maxPerIP && !isLoopback(c.RemoteAddr()) {
		ok = l.evictOldest(ipc.preAuth, &evicted)
	}
	if ok && l.total >= l.maxConns {
		ok = l.evictOldest(l.preAuth, &evicted)
	}
	if ok && l.preAuth.Len() >= l.maxPreAuth {
		ok = l.evictOldest(l.preAuth, &evicted)
	}
	var lc *limitedConn
	if ok {
		lc = &limitedConn{Conn: c, lim: l, ip: ipc, ipKey: ip}
		lc.deadline = time.Now().Add(l.handshake)
		lc.global = l.preAuth.PushBack(lc)
		lc.local = ipc.preAuth.PushBack(lc)
		l.total++
		ipc.total++
		lc.timer = time.AfterFunc(l.handshake, lc.expire)
	} else {
		if ipc.total == 0 {
			delete(l.perIP, ip)
		}
		l.refused++
		if now := time.Now(); now.Sub(l.lastWarn) >= time.Second {
			l.log.Warn("connection refused: over the connection caps", "addr", c.RemoteAddr().String(),
				"refused_since_last_warning", l.refused, "open", l.total, "unauthenticated", l.preAuth.Len())
			l.lastWarn, l.refused = now, 0
		}
	}
	l.mu.Unlock()
	for _, e := range evicted {
		e.Conn.Close()
	}
	return lc
}

// evictOldest releases the oldest connection of q, to be closed by the caller after
// the lock is released; it reports false when q is empty. l.mu is held.
func (l *connLimits) evictOldest(q *list.List, evicted *[]*limitedConn) bool {
	front := q.Front()
	if front == nil {
		return false
	}
	lc := front.Value.(*limitedConn)
	l.releaseLocked(lc)
	*evicted = append(*evicted, lc)
	return true
}

// releaseLocked counts lc out, once. l.mu is held.
func (l *connLimits) releaseLocked(lc *limitedConn) {
	if lc.released {
		return
	}
	lc.released = true
	lc.timer.Stop()
	if !lc.authed.Load() {
		l.preAuth.Remove(lc.global)
		lc.ip.preAuth.Remove(lc.local)
	}
	l.total--
	lc.ip.total--
	if lc.ip.total == 0 {
		delete(l.perIP, lc.ipKey)
	}
}

func isLoopback(a net.Addr) bool {
	t, ok := a.(*net.TCPAddr)
	return ok && t.IP.IsLoopback()
}

func hostOf(a net.Addr) string {
	if t, ok := a.(*net.TCPAddr); ok {
		return t.IP.String()
	}
	host, _, err := net.SplitHostPort(a.String())
	if err != nil {
		return a.String()
	}
	return host
}

// limitedConn is an accepted connection counted by connLimits. Until it authenticates
// it must finish within the handshake deadline and may not stay silent for longer than
// the pre-authentication idle time.
type limitedConn struct {
	net.Conn
	lim      *connLimits
	ip       *ipConns
	ipKey    string
	global   *list.Element
	local    *list.Element
	timer    *time.Timer
	deadline time.Time // the handshake deadline

	authed   atomic.Bool // set under lim.mu; read without it on every Read
	released bool        // guarded by lim.mu
}

// Read implements net.Conn. Before authentication every read gets a deadline: the
// handshake deadline or the idle time, whichever comes first. (The SSH server sets its
// own deadline before each read; this one, set after it, wins until authentication.)
func (c *limitedConn) Read(b []byte) (int, error) {
	if !c.authed.Load() {
		d := time.Now().Add(c.lim.idle)
		if c.deadline.Before(d) {
			d = c.deadline
		}
		c.Conn.SetReadDeadline(d)
	}
	return c.Conn.Read(b)
}

// Close implements net.Conn.
func (c *limitedConn) Close() error {
	c.lim.mu.Lock()
	c.lim.releaseLocked(c)
	c.lim.mu.Unlock()
	return c.Conn.Close()
}

// authenticated moves the connection out of the pre-authentication caps and stops its
// handshake deadline.
func (c *limitedConn) authenticated() {
	c.lim.mu.Lock()
	defer c.lim.mu.Unlock()
	if c.authed.Load() || c.released {
		return
	}
	c.authed.Store(true)
	c.timer.Stop()
	c.lim.preAuth.Remove(c.global)
	c.ip.preAuth.Remove(c.local)
}

// expire closes a connection that has not authenticated by the handshake deadline.
func (c *limitedConn) expire() {
	if !c.authed.Load() {
		c.Conn.Close()
	}
}

// limitListener admits accepted connections through connLimits; a connection over the
// caps is closed before any byte of the SSH handshake is spent on it.
type limitListener struct {
	net.Listener
	lim *connLimits
}

// Accept implements net.Listener.
func (l *limitListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if lc := l.lim.admit(c); lc != nil {
			return lc, nil
		}
		c.Close()
	}
}

type limitedConnKey struct{}

// rememberConn is the SSH server's ConnCallback: it keeps the counted connection in
// the connection's context, where the authentication callback finds it.
func rememberConn(ctx ssh.Context, c net.Conn) net.Conn {
	if lc, ok := c.(*limitedConn); ok {
		ctx.SetValue(limitedConnKey{}, lc)
	}
	return c
}

// The largest window the server passes on. The TUI lays out at most tui.MaxWidth ×
// tui.MaxHeight cells; a larger dimension (4294967295 × 4294967295 from a broken or
// hostile client drove the server to 8.8 GB) is replaced by one more than that, which
// the TUI answers with its "resize the terminal" message instead of a layout.
const (
	maxPTYWidth  = tui.MaxWidth + 1
	maxPTYHeight = tui.MaxHeight + 1
)

// boundWindows wraps the SSH session channel handler so that the window size of every
// pty-req and window-change request is bounded before the SSH library, Bubble Tea or
// anything else reads it.
func boundWindows(next ssh.ChannelHandler) ssh.ChannelHandler {
	return func(srv *ssh.Server, conn *gossh.ServerConn, ch gossh.NewChannel, ctx ssh.Context) {
		next(srv, conn, boundedChannel{ch}, ctx)
	}
}

type boundedChannel struct{ gossh.NewChannel }

// Accept implements gossh.NewChannel: the channel's requests pass through
// boundWindow.
func (c boundedChannel) Accept() (gossh.Channel, <-chan *gossh.Request, error) {
	ch, reqs, err := c.NewChannel.Accept()
	if err != nil {
		return ch, reqs, err
	}
	out := make(chan *gossh.Request)
	go func() {
		defer close(out)
		for r := range reqs {
			boundWindow(r)
			out <- r
		}
	}()
	return ch, out, nil
}

// boundWindow caps the columns and rows of a pty-req or window-change request in place.
// A malformed request is left alone: the SSH library refuses it.
func boundWindow(r *gossh.Request) {
	p := r.Payload
	switch r.Type {
	case "pty-req": // string TERM, uint32 columns, uint32 rows, uint32 px, uint32 px, string modes
		if len(p) < 4 {
			return
		}
		n := binary.BigEndian.Uint32(p)
		if uint64(len(p)-4) < uint64(n)+8 {
			return
		}
		p = p[4+n:]
	case "window-change": // uint32 columns, uint32 rows, uint32 px, uint32 px
		if len(p) < 8 {
			return
		}
	default:
		return
	}
	capUint32(p[0:4], maxPTYWidth)
	capUint32(p[4:8], maxPTYHeight)
}

func capUint32(b []byte, limit uint32) {
	if binary.BigEndian.Uint32(b) > limit {
		binary.BigEndian.PutUint32(b, limit)
	}
}
