package server

import (
	"bufio"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/store"
)

// heapPeak samples the heap in use until stop is called and returns the largest
// growth over the heap in use at the start (after a collection), in bytes.
func heapPeak() (stop func() uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	base := ms.HeapInuse
	var (
		mu   sync.Mutex
		peak = base
		done = make(chan struct{})
		over = make(chan struct{})
	)
	go func() {
		defer close(over)
		var ms runtime.MemStats
		for {
			runtime.ReadMemStats(&ms)
			mu.Lock()
			peak = max(peak, ms.HeapInuse)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(20 * time.Millisecond):
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-over
		mu.Lock()
		defer mu.Unlock()
		return peak - base
	}
}

// memoryBound is the heap growth allowed under an attack: generous, and still three
// orders of magnitude below what the attacks took before the limits.
const memoryBound = 200 << 20

const absurd = 1<<32 - 1 // the largest size SSH can carry

func TestAbsurdWindowIsBounded(t *testing.T) {
	f := startServer(t, time.Minute)
	stop := heapPeak()

	// An absurd size in the PTY request.
	term := f.terminalSized(f.director, absurd, absurd)
	term.waitFor("larger than 1000×500")

	// An absurd size in a window change of a session that was fine.
	other := f.terminal(f.director)
	other.waitFor("Demo General Hospital")
	if err := other.sess.WindowChange(absurd, absurd); err != nil {
		t.Fatal(err)
	}
	other.waitFor("larger than 1000×500")
	// Rows alone (20,000,000 rows held 1.2 GB before).
	rows := f.terminalSized(f.director, 120, 20_000_000)
	rows.waitFor("larger than 1000×500")
	// Back to a sane size, the session goes on. The window change and the key travel
	// on different channels: wait for the home screen to be drawn again before the key.
	mark := len(other.screen())
	if err := other.sess.WindowChange(30, 100); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(other.screen()[mark:], "Demo General Hospital") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	other.keys(enter)
	other.waitFor("Start a re-assessment")

	growth := stop()
	t.Logf("heap growth under absurd window sizes: %.1f MB", float64(growth)/(1<<20))
	if growth > memoryBound {
		t.Errorf("heap grew by %d MB under absurd window sizes", growth>>20)
	}
}

// TestBoundWindow checks the server's own cap, which the TUI's cap would otherwise hide
// in TestAbsurdWindowIsBounded.
func TestBoundWindow(t *testing.T) {
	type win struct{ W, H, PW, PH uint32 }
	ptyReq := func(w win) []byte {
		return gossh.Marshal(struct {
			Term string
			win
			Modes string
		}{"xterm", w, ""})
	}
	for _, tc := range []struct{ in, want win }{
		{win{120, 40, 0, 0}, win{120, 40, 0, 0}},
		{win{0, 0, 0, 0}, win{0, 0, 0, 0}},
		{win{absurd, absurd, 9, 9}, win{maxPTYWidth, maxPTYHeight, 9, 9}},
		{win{120, 20_000_000, 0, 0}, win{120, maxPTYHeight, 0, 0}},
	} {
		r := &gossh.Request{Type: "pty-req", Payload: ptyReq(tc.in)}
		boundWindow(r)
		if want := ptyReq(tc.want); string(r.Payload) != string(want) {
			t.Errorf("pty-req %v: got %x, want %x", tc.in, r.Payload, want)
		}
		r = &gossh.Request{Type: "window-change", Payload: gossh.Marshal(tc.in)}
		boundWindow(r)
		if want := gossh.Marshal(tc.want); string(r.Payload) != string(want) {
			t.Errorf("window-change %v: got %x, want %x", tc.in, r.Payload, want)
		}
	}
	// Malformed requests are left for the SSH library to refuse.
	for _, p := range [][]byte{nil, {0, 0, 0, 9, 'x'}, {0xff, 0xff, 0xff, 0xff, 1, 2, 3, 4, 5, 6, 7, 8}} {
		r := &gossh.Request{Type: "pty-req", Payload: append([]byte(nil), p...)}
		boundWindow(r)
		if string(r.Payload) != string(p) {
			t.Errorf("malformed %x changed to %x", p, r.Payload)
		}
	}
}

func TestZeroWindowIsExplained(t *testing.T) {
	f := startServer(t, time.Minute)
	term := f.terminalSized(f.director, 0, 0)
	term.waitFor("sent no window size")
	term.waitFor("ssh -t")
	term.keys("q")
	select {
	case <-term.closed:
	case <-time.After(10 * time.Second):
		t.Fatal("q did not quit the 0×0 session")
	}
}

func TestHugePasteIsRefused(t *testing.T) {
	f := startServer(t, time.Minute)
	term := f.terminal(f.director)
	startReassessment(term)
	term.keys("n", "kept")
	paste := []byte("\x1b[200~" + strings.Repeat("pasted ", 10<<20/7) + "\x1b[201~")
	stop := heapPeak() // after building the paste: the growth is the server's
	if _, err := term.stdin.Write(paste); err != nil {
		t.Fatal(err)
	}
	term.waitFor("Paste refused")
	growth := stop()
	t.Logf("heap growth under a 10 MB paste: %.1f MB", float64(growth)/(1<<20))
	if growth > memoryBound {
		t.Errorf("heap grew by %d MB under a 10 MB paste", growth>>20)
	}
	// The field still works and holds only what was typed.
	term.keys("!", enter)
	d := waitAnswers(t, f.st, "demo-general-hospital", 1)
	for id, a := range d.Answers {
		if a.Note != "kept!" {
			t.Errorf("%s note %q, want %q", id, a.Note[:min(len(a.Note), 40)], "kept!")
		}
	}
}

func TestPasteLimiter(t *testing.T) {
	long := strings.Repeat("x", maxPaste+500)
	for _, tc := range []struct{ in, want string }{
		{"plain keys", "plain keys"},
		{"a\x1b[200~short\x1b[201~b", "a\x1b[200~short\x1b[201~b"},
		{"\x1b[200~" + long + "\x1b[201~q", "\x1b[200~" + long[:maxPaste] + "\x1b[201~q"},
		{"\x1b[200~has \x1b[20 inside\x1b[201~", "\x1b[200~has \x1b[20 inside\x1b[201~"},
		{"\x1b[A\x1b\x1b[200~x\x1b\x1b[201~", "\x1b[A\x1b\x1b[200~x\x1b\x1b[201~"},
	} {
		// One byte per read: markers split across reads.
		got, err := io.ReadAll(newPasteLimiter(&oneByte{s: tc.in}))
		if err != nil || string(got) != tc.want {
			t.Errorf("%.40q: got %.60q (%v)", tc.in, got, err)
		}
		got, _ = io.ReadAll(newPasteLimiter(strings.NewReader(tc.in)))
		if string(got) != tc.want {
			t.Errorf("%.40q whole: got %.60q", tc.in, got)
		}
	}
}

type oneByte struct{ s string }

func (o *oneByte) Read(b []byte) (int, error) {
	if o.s == "" {
		return 0, io.EOF
	}
	b[0], o.s = o.s[0], o.s[1:]
	return 1, nil
}

func TestHandshakeDeadline(t *testing.T) {
	t.Run("silent", func(t *testing.T) {
		f := startServerWith(t, time.Minute, func(c *Config) { c.PreAuthIdle = 300 * time.Millisecond })
		c, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		waitClosed(t, c)
	})
	t.Run("trickling", func(t *testing.T) {
		f := startServerWith(t, time.Minute, func(c *Config) { c.HandshakeTimeout = 700 * time.Millisecond })
		c, err := net.Dial("tcp", f.addr)
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		// A byte every 50 ms keeps the connection from being idle; the deadline still ends it.
		go func() {
			for _, b := range []byte("SSH-2.0-slowly-slowly-slowly-slowly-slowly") {
				if _, err := c.Write([]byte{b}); err != nil {
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		}()
		waitClosed(t, c)
		// An authenticated connection outlives the handshake deadline.
		client, err := f.dial(f.director)
		if err != nil {
			t.Fatal(err)
		}
		defer client.Close()
		time.Sleep(1500 * time.Millisecond)
		s, err := client.NewSession()
		if err != nil {
			t.Fatalf("authenticated connection closed by the handshake deadline: %v", err)
		}
		if out, err := s.Output("history"); err != nil || !strings.Contains(string(out), "Demo General Hospital") {
			t.Errorf("history after the deadline: %v %s", err, out)
		}
	})
}

// waitClosed reads from c until the server closes it; it fails after 20 s.
func waitClosed(t *testing.T, c net.Conn) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(20 * time.Second))
	_, err := io.Copy(io.Discard, c)
	if ne, ok := err.(net.Error); ok && ne.Timeout() {
		t.Fatal("the server kept a connection open that never authenticated")
	}
}

func TestWeakKeysRefused(t *testing.T) {
	f := startServer(t, time.Minute)
	add := func(name string, key *rsa.PrivateKey) gossh.Signer {
		t.Helper()
		s, err := gossh.NewSignerFromKey(key)
		if err != nil {
			t.Fatal(err)
		}
		// Straight into the store: `access add` refuses weak keys, an old database may
		// still hold one.
		if err := f.st.AddAccess(store.Access{Fingerprint: gossh.FingerprintSHA256(s.PublicKey()), Name: name,
			Role: store.Director, Orgs: []string{"demo-general-hospital"},
			Key: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))}); err != nil {
			t.Fatal(err)
		}
		return s
	}
	weak, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	if c, err := f.dial(add("Weak", weak)); err == nil {
		c.Close()
		t.Error("a 1024-bit RSA key got in")
	}
	if !strings.Contains(f.logs.String(), "1024 bits") {
		t.Errorf("the refusal of the weak key does not say why:\n%s", f.logs)
	}

	strong, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	signer := add("Strong", strong).(gossh.AlgorithmSigner)
	for _, tc := range []struct {
		algo string
		ok   bool
	}{{gossh.KeyAlgoRSA, false}, {gossh.KeyAlgoRSASHA256, true}, {gossh.KeyAlgoRSASHA512, true}} {
		s, err := gossh.NewSignerWithAlgorithms(signer, []string{tc.algo})
		if err != nil {
			t.Fatal(err)
		}
		c, err := f.dial(s)
		if err == nil {
			c.Close()
		}
		if (err == nil) != tc.ok {
			t.Errorf("RSA 2048 signing with %s: err %v, want accepted=%v", tc.algo, err, tc.ok)
		}
	}
}

// floodConns is the number of idle connections in the flood.
const floodConns = 20_000

// TestFloodLeavesRoomForDirectors opens 20,000 TCP connections to the server from two
// helper processes (so that neither the flood nor the server runs out of file
// descriptors first) that never send a byte, and then logs a director in.
func TestFloodLeavesRoomForDirectors(t *testing.T) {
	if testing.Short() {
		t.Skip("opens 20,000 connections")
	}
	raiseNofile()
	f := startServer(t, time.Minute)
	stop := heapPeak()
	procs := 2
	per := floodConns / procs
	if hard := nofileHard(); hard < uint64(per)+100 {
		per = int(hard) - 100
		t.Logf("RLIMIT_NOFILE hard limit %d: the flood is scaled down to %d connections", hard, per*procs)
	}
	var flood []*exec.Cmd
	var stdins []io.Closer
	opened := 0
	for range procs {
		cmd := exec.Command(os.Args[0], "-test.run=^TestFloodHelper$", "-test.v")
		cmd.Env = append(os.Environ(), "CEBALANCE_FLOOD_ADDR="+f.addr, "CEBALANCE_FLOOD_N="+strconv.Itoa(per))
		in, err := cmd.StdinPipe()
		if err != nil {
			t.Fatal(err)
		}
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		cmd.Stderr = os.Stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		flood, stdins = append(flood, cmd), append(stdins, in)
		t.Cleanup(func() { in.Close(); cmd.Wait() })
		sc := bufio.NewScanner(out)
		got := false
		for sc.Scan() {
			var n int
			if _, err := fmt.Sscanf(sc.Text(), "flood opened %d", &n); err == nil {
				opened += n
				got = true
				break
			}
		}
		if !got {
			t.Fatal("a flood helper did not report")
		}
		go io.Copy(io.Discard, out)
	}
	t.Logf("flood: %d connections opened", opened)
	if opened < procs*per*9/10 {
		t.Fatalf("only %d of %d flood connections opened", opened, procs*per)
	}

	start := time.Now()
	out, e, code := f.run(f.director, "report")
	took := time.Since(start)
	t.Logf("director login and report during the flood: %v", took)
	if code != 0 || !strings.Contains(out, "Demo General Hospital") {
		t.Fatalf("report during the flood: %d %s", code, e)
	}
	if took > 2*time.Second {
		t.Errorf("login and report took %v during the flood, want < 2 s", took)
	}
	fds, _ := os.ReadDir("/proc/self/fd")
	growth := stop()
	t.Logf("during the flood: heap growth %.1f MB, %d open file descriptors in the server process",
		float64(growth)/(1<<20), len(fds))
	if growth > memoryBound {
		t.Errorf("heap grew by %d MB under the flood", growth>>20)
	}
	if len(fds) > DefaultMaxConns+100 {
		t.Errorf("%d file descriptors open under the flood", len(fds))
	}
	for i, cmd := range flood {
		stdins[i].Close()
		if err := cmd.Wait(); err != nil {
			t.Errorf("flood helper: %v", err)
		}
	}
}

// TestFloodHelper is the flood of TestFloodLeavesRoomForDirectors when run as its
// helper process; otherwise it does nothing.
func TestFloodHelper(t *testing.T) {
	addr := os.Getenv("CEBALANCE_FLOOD_ADDR")
	if addr == "" {
		t.Skip("helper process of TestFloodLeavesRoomForDirectors")
	}
	n, _ := strconv.Atoi(os.Getenv("CEBALANCE_FLOOD_N"))
	raiseNofile()
	conns := make([]net.Conn, 0, n)
	defer func() {
		for _, c := range conns {
			c.Close()
		}
	}()
	d := net.Dialer{Timeout: 5 * time.Second}
	for range n {
		c, err := d.Dial("tcp", addr)
		if err != nil {
			continue
		}
		conns = append(conns, c)
	}
	fmt.Printf("flood opened %d\n", len(conns))
	// Hold the connections until the test closes stdin, or a minute at most.
	done := make(chan struct{})
	go func() { io.Copy(io.Discard, os.Stdin); close(done) }()
	select {
	case <-done:
	case <-time.After(time.Minute):
	}
}

func nofileHard() uint64 {
	var rl syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl); err != nil {
		return 1024
	}
	return rl.Max
}

func raiseNofile() {
	var rl syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &rl) == nil && rl.Cur < rl.Max {
		rl.Cur = rl.Max
		syscall.Setrlimit(syscall.RLIMIT_NOFILE, &rl)
	}
}

// fakeConn is a connection from addr that records being closed.
type fakeConn struct {
	net.Conn
	addr   *net.TCPAddr
	closed bool
}

func (c *fakeConn) RemoteAddr() net.Addr { return c.addr }
func (c *fakeConn) Close() error         { c.closed = true; return nil }

func TestConnLimits(t *testing.T) {
	l := newConnLimits(Config{MaxConns: 6, MaxConnsPerIP: 2, MaxPreAuth: 4,
		HandshakeTimeout: time.Hour, PreAuthIdle: time.Hour}, log.New(io.Discard))
	conn := func(ip string) (*fakeConn, *limitedConn) {
		c := &fakeConn{addr: &net.TCPAddr{IP: net.ParseIP(ip), Port: 1}}
		return c, l.admit(c)
	}
	a1, la1 := conn("10.0.0.1")
	_, la2 := conn("10.0.0.1")
	la2.authenticated()
	// Third from 10.0.0.1: displaces its oldest unauthenticated connection.
	_, la3 := conn("10.0.0.1")
	if la3 == nil || !a1.closed {
		t.Fatalf("the third connection from one address did not displace the first (%v, %v)", la3, a1.closed)
	}
	la3.authenticated()
	// Both of 10.0.0.1's connections are authenticated: a fourth is refused.
	if _, lc := conn("10.0.0.1"); lc != nil {
		t.Fatal("a connection over the per-address cap got in")
	}
	la1.Close() // already released: no double count
	// Loopback is not capped per address; the unauthenticated cap (4) displaces.
	var lo []*fakeConn
	for range 5 {
		c, lc := conn("127.0.0.1")
		if lc == nil {
			t.Fatal("loopback connection refused")
		}
		lo = append(lo, c)
	}
	if !lo[0].closed || lo[1].closed {
		t.Errorf("the unauthenticated cap did not displace exactly the oldest")
	}
	if l.total != 6 || l.preAuth.Len() != 4 {
		t.Errorf("total %d, unauthenticated %d; want 6, 4", l.total, l.preAuth.Len())
	}
}
