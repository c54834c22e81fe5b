package server

// The load harness of docs/performance.md: N directors complete an
// assessment each, at the same time, over real SSH sessions with a PTY.
//
//	CEBALANCE_LOAD=200 go test -run '^TestLoad$' -v -count 1 -timeout 20m ./server/
//
// TestLoad (this process) runs the server on 127.0.0.1 and measures its memory; the SSH
// clients run in a second process, this same test binary re-executed to run only
// TestLoadClient, so that the server's heap holds no client state. The two talk over the
// child's standard input and output: the child prints loadIdleLine when every session
// sits on the home screen, the parent measures and answers "go", the child drives the
// assessments and writes its measurements as JSON to a file the parent reads.
//
// Both tests are skipped unless their environment variable is set.

import (
	"bufio"
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/assessment"
	"cebalance/cli"
	"cebalance/questions"
	"cebalance/store"
)

const (
	// loadEnv is the number of sessions; TestLoad is skipped without it.
	loadEnv = "CEBALANCE_LOAD"
	// loadThinkEnv is an optional mean pause between an answer's frame and the next key
	// (a Go duration, e.g. "1s"; each pause is drawn from [½, 1½] of it). 0 by default:
	// every session types as fast as the server answers, the worst case.
	loadThinkEnv = "CEBALANCE_LOAD_THINK"
	// loadStrictEnv, when set, also fails the test when a latency or memory target is
	// missed (errors and lost answers always fail it).
	loadStrictEnv = "CEBALANCE_LOAD_STRICT"
	// loadClientEnv is set, to the server's address, only in the client process.
	loadClientEnv = "CEBALANCE_LOAD_CLIENT"
	// loadOutEnv is where the client process writes its measurements.
	loadOutEnv = "CEBALANCE_LOAD_OUT"

	loadIdleLine = "LOAD-IDLE"
	loadGoLine   = "go"

	// The performance targets of docs/performance.md.
	loadTargetP99      = 50 * time.Millisecond
	loadTargetPerSessB = 2 << 20
)

// loadKey is director i's key. It is derived from i so that the two processes agree on
// it without passing private keys around; the database it opens is a temporary one.
func loadKey(i int) gossh.Signer {
	seed := sha256.Sum256([]byte(fmt.Sprintf("cebalance load test director %d", i)))
	s, err := gossh.NewSignerFromKey(ed25519.NewKeyFromSeed(seed[:]))
	if err != nil {
		panic(err)
	}
	return s
}

func loadOrgName(i int) string { return fmt.Sprintf("Load Hospital %03d", i) }

// loadPerformer is what director i answers to function j.
func loadPerformer(i, j int) assessment.Performer {
	return questions.Performers[(i+j)%questions.NumPerformers]
}

// loadProfile is what every director types into the profile form, and what the store
// must hold afterwards.
var loadProfileKeys = []string{"250", enter, enter, "1", enter, "8", enter, "1", enter, "0", enter, "7000", enter, enter, enter} // the last enter leaves productive hours at the default

// loadServer is a server on 127.0.0.1 whose database holds the demo data (so that
// scorecards have peers) and n organizations, each with its own director.
type loadServer struct {
	st   *store.Store
	srv  *Server
	addr string
	orgs []string // organization ids, by director
}

func startLoadServer(tb testing.TB, n int, logs io.Writer) *loadServer {
	tb.Helper()
	dir := tb.TempDir()
	db := filepath.Join(dir, "load.db")
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Scope: cli.Scope{Admin: true}}
	if code := cli.Execute(env, []string{"--db", db, "demo"}); code != 0 {
		tb.Fatalf("demo: %s", errb.String())
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		tb.Fatal(err)
	}
	ls := &loadServer{st: st}
	for i := range n {
		org, err := st.CreateOrganization(loadOrgName(i))
		if err != nil {
			tb.Fatal(err)
		}
		key := loadKey(i)
		if err := st.AddAccess(store.Access{
			Fingerprint: gossh.FingerprintSHA256(key.PublicKey()),
			Name:        "Director " + org.ID, Role: store.Director, Orgs: []string{org.ID},
			Key: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key.PublicKey()))),
		}); err != nil {
			tb.Fatal(err)
		}
		ls.orgs = append(ls.orgs, org.ID)
	}
	hostKey, err := LoadHostKey(filepath.Join(dir, HostKeyName))
	if err != nil {
		tb.Fatal(err)
	}
	ls.srv, err = New(withCommands(Config{
		Store: st, HostKey: hostKey, Bank: questions.Default(), Idle: 30 * time.Minute,
		Logger: log.NewWithOptions(logs, log.Options{Level: log.WarnLevel}),
		// Every session comes from 127.0.0.1: the per-IP rate limit would refuse most of
		// them. All n connect at once, so the caps on connections, and on connections not
		// yet authenticated, are raised to fit n (the defaults, 1,024 and 256, suit a
		// shared server, where directors do not all dial in the same second).
		RatePerSecond: 1e6, RateBurst: 1e6,
		MaxConns: 2*n + 64, MaxPreAuth: n + 64,
	}))
	if err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	ls.addr = l.Addr().String()
	done := make(chan error, 1)
	go func() { done <- ls.srv.Serve(l) }()
	tb.Cleanup(func() {
		ls.srv.Close()
		<-done
		st.Close()
	})
	return ls
}

// lockedBuffer collects the server's log lines from many goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// memSample is the memory of this process after a full collection.
type memSample struct {
	live uint64 // heap in use plus goroutine stacks
	sys  uint64 // obtained from the OS and not returned
	rss  uint64 // resident set, from /proc (0 where there is none)
}

func sampleMem() memSample {
	runtime.GC()
	debug.FreeOSMemory() // another GC, and idle memory back to the OS, so RSS means live
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return memSample{live: m.HeapInuse + m.StackInuse, sys: m.Sys - m.HeapReleased, rss: readRSS()}
}

// readRSS returns VmRSS from /proc/self/status, in bytes.
func readRSS() uint64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(l, "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// cpuTime returns the CPU time (user plus system) this process has used so far, from
// /proc/self/stat (0 where there is none).
func cpuTime() time.Duration {
	data, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0
	}
	// The command name, field 2, may hold spaces: count fields after its ")".
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+1:]))
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseUint(f[11], 10, 64)
	stime, _ := strconv.ParseUint(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ is 100 on Linux
}

// perSession divides the growth from a to b by n, in bytes (negative growth is 0).
func perSession(a, b uint64, n int) float64 {
	if b < a {
		return 0
	}
	return float64(b-a) / float64(n)
}

// loadResult is what the client process measured.
type loadResult struct {
	Sessions  int
	Connected int // reached the home screen
	Completed int // reached the scorecard
	Errors    []string
	// Typed and Acked are, per session, the answers typed and the answers the screen
	// showed as saved (the progress counter "K/N answered", or the review's "every
	// function is answered"). Only acknowledged answers must be in the store.
	Typed, Acked []int
	FrameNS      []int64 // keystroke to the next function's frame, every answer
	SaveNS       []int64 // keystroke to the frame showing that answer saved
	ConnectNS    []int64 // dial to home screen, every session, all dialing at once
	FinishNS     []int64 // "y" to the scorecard's frame
	AnswerWallNS int64   // "go" to the last session's last answer frame
	// ClientLive and ClientRSS are the client process's growth per idle connection.
	ClientLive, ClientRSS float64
}

func loadThink() (time.Duration, error) {
	v := os.Getenv(loadThinkEnv)
	if v == "" {
		return 0, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d < 0 || d > 10*time.Second {
		return 0, fmt.Errorf("%s=%q: want a duration from 0 to 10s", loadThinkEnv, v)
	}
	return d, nil
}

func loadDeadline(n int, think time.Duration) time.Duration {
	return 2*time.Minute + time.Duration(n)*2*time.Second + time.Duration(nFns)*3*think/2
}

// TestLoad drives CEBALANCE_LOAD concurrent SSH sessions through a full assessment each
// and reports keystroke-to-frame latency, answers per second, errors, lost answers and
// the server's memory per session. See the top of this file.
func TestLoad(t *testing.T) {
	v := os.Getenv(loadEnv)
	if v == "" || os.Getenv(loadClientEnv) != "" {
		t.Skip("set " + loadEnv + "=N (e.g. 50 or 200) to run N concurrent sessions")
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 2000 {
		t.Fatalf("%s=%q: want a session count from 1 to 2000", loadEnv, v)
	}
	think, err := loadThink()
	if err != nil {
		t.Fatal(err)
	}
	raiseOpenFiles(t, n)
	logs := &lockedBuffer{}
	setup := time.Now()
	// The server: cebalance, or one of the anchors (anchor_test.go) driven by the same
	// client, for the figures beside which cebalance's are read.
	server, addr := "cebalance", ""
	var check func(loadResult) (lost int, wrong []string)
	if kind := os.Getenv(loadAnchorEnv); kind != "" {
		as := startAnchor(t, kind, n)
		server, addr, check = "anchor-"+kind, as.addr, as.check
	} else {
		ls := startLoadServer(t, n, logs)
		addr = ls.addr
		check = func(res loadResult) (int, []string) { return checkLoadStore(t, ls, res) }
	}
	t.Logf("%s on %s with %d directors, set up in %v", server, addr, n, time.Since(setup).Round(time.Millisecond))

	deadline := loadDeadline(n, think)
	ctx, cancel := context.WithTimeout(context.Background(), deadline+time.Minute)
	defer cancel()
	outPath := filepath.Join(t.TempDir(), "client.json")
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestLoadClient$", "-test.count=1", "-test.v",
		"-test.timeout="+(deadline+30*time.Second).String())
	cmd.Env = append(os.Environ(), loadClientEnv+"="+addr, loadOutEnv+"="+outPath)
	cmd.WaitDelay = 5 * time.Second
	var childErr lockedBuffer
	cmd.Stderr = &childErr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}

	before := sampleMem()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	idle := make(chan struct{})
	var childOut lockedBuffer
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if sc.Text() == loadIdleLine {
				close(idle)
				continue
			}
			fmt.Fprintln(&childOut, sc.Text())
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var idleMem memSample
	var cpuStart, idleCPU time.Duration
	var peakRSS atomic.Uint64
	select {
	case <-idle:
		time.Sleep(500 * time.Millisecond) // let the last frames go out
		idleMem = sampleMem()
		// What sessions on the home screen cost when nobody types: the renderer's
		// frame ticks, mostly.
		c0 := cpuTime()
		time.Sleep(2 * time.Second)
		idleCPU = (cpuTime() - c0) / 2
		stopPeak := watchPeakRSS(&peakRSS)
		defer stopPeak()
		cpuStart = cpuTime()
		fmt.Fprintln(stdin, loadGoLine)
	case err := <-exited:
		t.Fatalf("the client process ended before its sessions were idle: %v\n%s%s", err, childOut.String(), childErr.String())
	case <-ctx.Done():
		t.Fatalf("the client process did not get its sessions idle in %v\n%s%s", deadline, childOut.String(), childErr.String())
	}
	if err := <-exited; err != nil {
		t.Errorf("client process: %v\n%s%s", err, childOut.String(), childErr.String())
	}
	serverCPU := cpuTime() - cpuStart
	clientCPU := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	data, err := os.ReadFile(outPath)
	if err != nil {
		t.Fatalf("no measurements from the client process: %v", err)
	}
	var res loadResult
	if err := json.Unmarshal(data, &res); err != nil {
		t.Fatal(err)
	}

	lost, wrong := check(res)
	errs := res.Errors
	for _, l := range strings.Split(strings.TrimSpace(logs.String()), "\n") {
		if l != "" {
			errs = append(errs, "server log: "+l)
		}
	}
	errs = append(errs, wrong...)
	for _, e := range errs[:min(len(errs), 20)] {
		t.Log("error: " + e)
	}

	typed, acked := 0, 0
	for i := range res.Typed {
		typed += res.Typed[i]
		acked += res.Acked[i]
	}
	frame, save := durations(res.FrameNS), durations(res.SaveNS)
	connect, finish := durations(res.ConnectNS), durations(res.FinishNS)
	wall := time.Duration(res.AnswerWallNS)
	rate := float64(typed) / wall.Seconds()
	live := perSession(before.live, idleMem.live, n)
	sys := perSession(before.sys, idleMem.sys, n)
	rss := perSession(before.rss, idleMem.rss, n)
	peak := perSession(before.rss, peakRSS.Load(), n)
	t.Logf("sessions: %d, connected %d, completed %d; answers typed %d, shown saved %d", n, res.Connected, res.Completed, typed, acked)
	t.Logf("connect to home screen (all at once): p50 %v  p99 %v  max %v", pct(connect, 50), pct(connect, 99), pct(connect, 100))
	t.Logf("keystroke to next frame: p50 %v  p90 %v  p99 %v  max %v  (%d answers)", pct(frame, 50), pct(frame, 90), pct(frame, 99), pct(frame, 100), len(frame))
	t.Logf("keystroke to saved:      p50 %v  p90 %v  p99 %v  max %v", pct(save, 50), pct(save, 90), pct(save, 99), pct(save, 100))
	t.Logf("finish to scorecard:     p50 %v  p99 %v", pct(finish, 50), pct(finish, 99))
	t.Logf("answers/s: %.0f (%d answers in %v)", rate, typed, wall.Round(time.Millisecond))
	t.Logf("server memory per idle session: %.2f MB live heap+stacks, %.2f MB from the OS, %.2f MB RSS; peak RSS during the run %.2f MB/session",
		mb(live), mb(sys), mb(rss), mb(peak))
	t.Logf("CPU of %d idle sessions: %v per second (%.2f%% of a core each)", n, idleCPU.Round(time.Millisecond), 100*idleCPU.Seconds()/float64(n))
	t.Logf("CPU: server %v from go to the end (%.0f µs per answer), client process %v in all",
		serverCPU.Round(time.Millisecond), float64(serverCPU.Microseconds())/math.Max(1, float64(typed)), clientCPU.Round(time.Millisecond))
	t.Logf("client memory per idle connection (other process): %.2f MB live heap+stacks, %.2f MB RSS", mb(res.ClientLive), mb(res.ClientRSS))

	var missed []string
	if p := pct(frame, 99); p > loadTargetP99 {
		missed = append(missed, fmt.Sprintf("p99 %v > %v", p, loadTargetP99))
	}
	if worst := math.Max(live, rss); worst > loadTargetPerSessB {
		missed = append(missed, fmt.Sprintf("%.2f MB/session > 2 MB", mb(worst)))
	}
	verdict := "targets met"
	if len(missed) > 0 {
		verdict = "MISSED: " + strings.Join(missed, ", ")
	}
	t.Logf("load summary: %s N=%d think=%v completed=%d errors=%d lost=%d p50=%v p99=%v saved-p99=%v answers/s=%.0f cpu/answer=%.0fµs server=%.2fMB/session (rss %.2f, peak %.2f) client=%.2fMB/conn — %s",
		server, n, think, res.Completed, len(errs), lost, pct(frame, 50).Round(10*time.Microsecond), pct(frame, 99).Round(10*time.Microsecond),
		pct(save, 99).Round(time.Millisecond), rate, float64(serverCPU.Microseconds())/math.Max(1, float64(typed)),
		mb(live), mb(rss), mb(peak), mb(res.ClientLive), verdict)

	if len(errs) > 0 || lost > 0 || res.Completed != n {
		t.Errorf("%d errors, %d lost answers, %d of %d sessions completed", len(errs), lost, res.Completed, n)
	}
	if len(missed) > 0 && os.Getenv(loadStrictEnv) != "" {
		t.Errorf("targets missed: %s", strings.Join(missed, ", "))
	}
}

// raiseOpenFiles raises this process's limit on open files to fit n sessions (each
// is a socket in the server and another in the client process, which inherits it),
// as far as the hard limit allows.
func raiseOpenFiles(t *testing.T, n int) {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		t.Logf("open files limit: %v", err)
		return
	}
	want := uint64(4*n + 256)
	if lim.Cur >= want {
		return
	}
	lim.Cur = min(want, lim.Max)
	if err := syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil || lim.Cur < want {
		t.Logf("open files limit %d (hard %d) is below the %d that %d sessions need: %v", lim.Cur, lim.Max, want, n, err)
	}
}

// checkLoadStore compares the database with what each session was shown as saved.
// lost counts acknowledged answers that are missing or differ; wrong lists other
// disagreements (an assessment left a draft after its scorecard showed, a profile that
// differs from what was typed).
func checkLoadStore(t *testing.T, ls *loadServer, res loadResult) (lost int, wrong []string) {
	t.Helper()
	bank := questions.Default()
	for i, org := range ls.orgs {
		acked, typed := 0, 0
		if i < len(res.Acked) {
			acked, typed = res.Acked[i], res.Typed[i]
		}
		all, err := ls.st.Assessments(org)
		if err != nil {
			wrong = append(wrong, fmt.Sprintf("%s: %v", org, err))
			lost += acked
			continue
		}
		if len(all) == 0 {
			if typed > 0 {
				wrong = append(wrong, fmt.Sprintf("%s: no assessment", org))
			}
			lost += acked
			continue
		}
		a := all[len(all)-1]
		for j := range acked {
			fn := bank.Functions[j]
			if got := a.Answers[fn.ID].Performer; got != loadPerformer(i, j) {
				lost++
				wrong = append(wrong, fmt.Sprintf("%s %s = %q, shown saved as %q", org, fn.ID, got, loadPerformer(i, j)))
			}
		}
		if acked == len(bank.Functions) && a.Status != assessment.Completed {
			wrong = append(wrong, fmt.Sprintf("%s: assessment #%d is %s after its scorecard showed", org, a.Number, a.Status))
		}
		if p := a.Profile; typed > 0 && (p.Beds != 250 || p.BMETFTE != 8 || p.Devices != 7000) {
			wrong = append(wrong, fmt.Sprintf("%s: profile %+v, not what was typed", org, p))
		}
	}
	return lost, wrong
}

// watchPeakRSS samples the resident set every 200 ms until stopped.
func watchPeakRSS(peak *atomic.Uint64) (stop func()) {
	done := make(chan struct{})
	go func() {
		tk := time.NewTicker(200 * time.Millisecond)
		defer tk.Stop()
		for {
			if r := readRSS(); r > peak.Load() {
				peak.Store(r)
			}
			select {
			case <-done:
				return
			case <-tk.C:
			}
		}
	}()
	return func() { close(done) }
}

func durations(ns []int64) []time.Duration {
	d := make([]time.Duration, len(ns))
	for i, v := range ns {
		d[i] = time.Duration(v)
	}
	slices.Sort(d)
	return d
}

// pct is the p-th percentile of sorted d, by nearest rank.
func pct(d []time.Duration, p float64) time.Duration {
	if len(d) == 0 {
		return 0
	}
	i := int(math.Ceil(p/100*float64(len(d)))) - 1
	return d[max(0, min(i, len(d)-1))]
}

func mb(b float64) float64 { return b / (1 << 20) }

// TestLoadClient is the client side of TestLoad, run in a process of its own.
func TestLoadClient(t *testing.T) {
	addr := os.Getenv(loadClientEnv)
	if addr == "" {
		t.Skip("the client process of TestLoad")
	}
	n, err := strconv.Atoi(os.Getenv(loadEnv))
	if err != nil || n < 1 {
		t.Fatalf("%s=%q", loadEnv, os.Getenv(loadEnv))
	}
	think, err := loadThink()
	if err != nil {
		t.Fatal(err)
	}
	res := runLoadClient(addr, n, think, loadDeadline(n, think), os.Stdin, os.Stdout)
	data, err := json.Marshal(res)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(os.Getenv(loadOutEnv), data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// runLoadClient connects n directors at once, reports them idle on ctl, waits for the
// go line on cmds, and has every one complete an assessment.
func runLoadClient(addr string, n int, think, deadline time.Duration, cmds io.Reader, ctl io.Writer) loadResult {
	ctx, cancel := context.WithTimeout(context.Background(), deadline)
	defer cancel()
	res := loadResult{Sessions: n, Typed: make([]int, n), Acked: make([]int, n)}
	var mu sync.Mutex
	fail := func(i int, err error) {
		mu.Lock()
		defer mu.Unlock()
		res.Errors = append(res.Errors, fmt.Sprintf("session %d: %v", i, err))
	}

	before := sampleMem()
	sessions := make([]*loadSession, n)
	var connected sync.WaitGroup
	for i := range n {
		connected.Add(1)
		go func() {
			defer connected.Done()
			start := time.Now()
			s, hit, err := dialLoadSession(ctx, addr, loadKey(i), loadOrgName(i))
			if err == nil {
				_, err = s.waitText(hit)
			}
			if err != nil {
				if s != nil {
					s.close()
				}
				fail(i, fmt.Errorf("connect: %w", err))
				return
			}
			sessions[i] = s
			mu.Lock()
			res.ConnectNS = append(res.ConnectNS, int64(time.Since(start)))
			res.Connected++
			mu.Unlock()
		}()
	}
	connected.Wait()
	time.Sleep(500 * time.Millisecond)
	after := sampleMem()
	res.ClientLive = perSession(before.live, after.live, max(1, res.Connected))
	res.ClientRSS = perSession(before.rss, after.rss, max(1, res.Connected))

	fmt.Fprintln(ctl, loadIdleLine)
	ready := make(chan error, 1)
	go func() {
		line, err := bufio.NewReader(cmds).ReadString('\n')
		if err == nil && strings.TrimSpace(line) != loadGoLine {
			err = fmt.Errorf("unexpected %q from the server process", line)
		}
		ready <- err
	}()
	select {
	case err := <-ready:
		if err != nil {
			res.Errors = append(res.Errors, "control: "+err.Error())
			return res
		}
	case <-ctx.Done():
		res.Errors = append(res.Errors, "control: no go from the server process")
		return res
	}

	start := time.Now()
	var lastFrame atomic.Int64
	var run sync.WaitGroup
	for i, s := range sessions {
		if s == nil {
			continue
		}
		run.Add(1)
		go func() {
			defer run.Done()
			defer s.close()
			r, err := s.assess(ctx, i, think)
			mu.Lock()
			res.Typed[i], res.Acked[i] = r.typed, r.acked
			res.FrameNS = append(res.FrameNS, r.frame...)
			res.SaveNS = append(res.SaveNS, r.save...)
			if r.finish > 0 {
				res.FinishNS = append(res.FinishNS, int64(r.finish))
			}
			if err == nil {
				res.Completed++
			}
			mu.Unlock()
			for {
				last := lastFrame.Load()
				if r.lastAnswer.UnixNano() <= last || lastFrame.CompareAndSwap(last, r.lastAnswer.UnixNano()) {
					break
				}
			}
			if err != nil {
				fail(i, err)
			}
		}()
	}
	run.Wait()
	if last := lastFrame.Load(); last > 0 {
		res.AnswerWallNS = last - start.UnixNano()
	}
	return res
}

// loadSession is one director's terminal. A goroutine reads everything the server
// sends and timestamps, as each chunk arrives, the first sight of an expected text and
// every rise of the saved-answers counter.
type loadSession struct {
	client *gossh.Client
	stdin  io.Writer

	mu       sync.Mutex
	raw      []byte // output since the last compact
	want     string // the text expected, "" for none
	from     int    // where in raw to look for it
	hit      chan time.Time
	scanned  int         // raw up to here has been scanned for the saved counter
	saved    int         // the highest saved count shown
	savedAt  []time.Time // savedAt[k-1]: when the count first reached k
	closed   chan struct{}
	readDone error
}

var savedCount = regexp.MustCompile(`(\d+)/\d+ answered`)

const allSaved = "Every function is answered"

// dialLoadSession opens a terminal session and starts looking for first in its output.
func dialLoadSession(ctx context.Context, addr string, key gossh.Signer, first string) (*loadSession, chan time.Time, error) {
	d := net.Dialer{Timeout: 30 * time.Second}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, nil, err
	}
	cfg := &gossh.ClientConfig{User: "director", Auth: []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(), Timeout: 30 * time.Second}
	if dl, ok := ctx.Deadline(); ok {
		conn.SetDeadline(dl) // for the handshake only
	}
	c, chans, reqs, err := gossh.NewClientConn(conn, addr, cfg)
	if err != nil {
		conn.Close()
		return nil, nil, err
	}
	conn.SetDeadline(time.Time{})
	s := &loadSession{client: gossh.NewClient(c, chans, reqs), closed: make(chan struct{})}
	go func() {
		select {
		case <-ctx.Done():
			s.client.Close()
		case <-s.closed:
		}
	}()
	sess, err := s.client.NewSession()
	if err != nil {
		s.client.Close()
		return nil, nil, err
	}
	if err := sess.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		s.client.Close()
		return nil, nil, err
	}
	if s.stdin, err = sess.StdinPipe(); err != nil {
		s.client.Close()
		return nil, nil, err
	}
	out, err := sess.StdoutPipe()
	if err != nil {
		s.client.Close()
		return nil, nil, err
	}
	hit := s.expect(first)
	go s.read(out)
	if err := sess.Shell(); err != nil {
		s.client.Close()
		return nil, nil, err
	}
	return s, hit, nil
}

func (s *loadSession) read(out io.Reader) {
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		now := time.Now()
		s.mu.Lock()
		s.raw = append(s.raw, buf[:n]...)
		if s.savedAt != nil {
			s.scanSaved(now)
		}
		if s.want != "" && strings.Contains(ansi.Strip(string(s.raw[s.from:])), s.want) {
			s.hit <- now
			s.want = ""
		}
		if err != nil {
			s.readDone = err
			s.mu.Unlock()
			close(s.closed)
			return
		}
		s.mu.Unlock()
	}
}

// scanSaved reads the saved counter in what arrived since the last scan (with some
// overlap, so that a counter split between two reads is seen; a counter read twice is
// harmless, as only rises count).
func (s *loadSession) scanSaved(now time.Time) {
	text := ansi.Strip(string(s.raw[max(0, s.scanned-64):]))
	s.scanned = len(s.raw)
	top := s.saved
	for _, m := range savedCount.FindAllStringSubmatch(text, -1) {
		if k, err := strconv.Atoi(m[1]); err == nil && k > top {
			top = k
		}
	}
	if strings.Contains(text, allSaved) {
		top = nFns
	}
	for s.saved < top {
		s.savedAt = append(s.savedAt, now)
		s.saved++
	}
}

// expect starts looking for text in what arrives from now on.
func (s *loadSession) expect(text string) chan time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	// Forget what was read: the next text can only come in reply to the next key.
	cut := min(len(s.raw), max(0, s.scanned-64))
	s.raw = s.raw[cut:]
	s.scanned -= cut
	s.from = len(s.raw)
	s.want = text
	s.hit = make(chan time.Time, 1)
	return s.hit
}

// waitText waits for an expected text and returns when it arrived.
func (s *loadSession) waitText(hit chan time.Time) (time.Time, error) {
	tm := time.NewTimer(60 * time.Second)
	defer tm.Stop()
	select {
	case at := <-hit:
		return at, nil
	case <-s.closed:
		select {
		case at := <-hit:
			return at, nil
		default:
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return time.Time{}, fmt.Errorf("connection closed (%v) while waiting for %q; last output: %q", s.readDone, s.want, s.tail())
	case <-tm.C:
		s.mu.Lock()
		defer s.mu.Unlock()
		return time.Time{}, fmt.Errorf("no %q within 60s; last output: %q", s.want, s.tail())
	}
}

// tail is the end of the screen text; s.mu is held.
func (s *loadSession) tail() string {
	t := ansi.Strip(string(s.raw))
	return t[max(0, len(t)-300):]
}

// step types key and waits for text.
func (s *loadSession) step(key, text string) (time.Duration, error) {
	hit := s.expect(text)
	t0 := time.Now()
	if _, err := s.stdin.Write([]byte(key)); err != nil {
		return 0, fmt.Errorf("type %q: %w", key, err)
	}
	at, err := s.waitText(hit)
	return at.Sub(t0), err
}

type assessResult struct {
	typed, acked int
	frame, save  []int64
	finish       time.Duration
	lastAnswer   time.Time
}

// assess takes director i from the home screen through a first assessment to its
// scorecard, with the keys of TestConcurrentSessions, measuring every answer.
func (s *loadSession) assess(ctx context.Context, i int, think time.Duration) (r assessResult, err error) {
	fns := questions.Default().Functions
	defer func() {
		s.mu.Lock()
		r.acked = s.saved
		s.mu.Unlock()
		if ctx.Err() != nil && err != nil {
			err = fmt.Errorf("%w (deadline passed)", err)
		}
	}()
	if _, err := s.step(enter, "Start the first assessment"); err != nil {
		return r, err
	}
	if _, err := s.step(enter, "Continue to the questions"); err != nil {
		return r, err
	}
	hit := s.expect(fmt.Sprintf("function 1 of %d", nFns))
	for _, k := range loadProfileKeys {
		if _, err := s.stdin.Write([]byte(k)); err != nil {
			return r, err
		}
		// Keys apart, as typed: printable keys sent together would arrive as one paste.
		time.Sleep(15 * time.Millisecond)
	}
	if _, err := s.waitText(hit); err != nil {
		return r, err
	}

	// From here on, the reader watches the saved counter.
	s.mu.Lock()
	s.savedAt = make([]time.Time, 0, len(fns))
	s.saved, s.scanned = 0, len(s.raw)
	s.mu.Unlock()
	sent := make([]time.Time, len(fns))
	if think > 0 {
		// Paced, the first answer too comes after reading the question: directors who
		// open their questionnaires in the same instant do not all answer in it.
		time.Sleep(think/2 + rand.N(think))
	}
	for j := range fns {
		next := fmt.Sprintf("function %d of %d", j+2, nFns)
		if j == len(fns)-1 {
			next = "Review your answers"
		}
		hit := s.expect(next)
		sent[j] = time.Now()
		if _, err := s.stdin.Write([]byte(strconv.Itoa(loadPerformer(i, j).Index() + 1))); err != nil {
			return r, fmt.Errorf("answer %d: %w", j+1, err)
		}
		r.typed++
		at, err := s.waitText(hit)
		if err != nil {
			return r, fmt.Errorf("answer %d: %w", j+1, err)
		}
		r.frame = append(r.frame, int64(at.Sub(sent[j])))
		r.lastAnswer = at
		if think > 0 {
			// Uniform in [think/2, 3·think/2): directors do not type in step.
			time.Sleep(think/2 + rand.N(think))
		}
	}
	// Every answer shown saved.
	for wait := time.Now(); ; {
		s.mu.Lock()
		saved := s.saved
		s.mu.Unlock()
		if saved == len(fns) {
			break
		}
		if time.Since(wait) > 60*time.Second || ctx.Err() != nil {
			return r, fmt.Errorf("only %d of %d answers shown saved", saved, len(fns))
		}
		time.Sleep(5 * time.Millisecond)
	}
	s.mu.Lock()
	for j, at := range s.savedAt {
		r.save = append(r.save, int64(at.Sub(sent[j])))
	}
	s.mu.Unlock()
	if _, err := s.step("f", "Finish assessment #1 now?"); err != nil {
		return r, err
	}
	if r.finish, err = s.step("y", "BALANCE INDEX"); err != nil {
		return r, err
	}
	return r, nil
}

func (s *loadSession) close() {
	s.client.Close()
}
