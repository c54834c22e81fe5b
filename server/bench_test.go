package server

import (
	"bytes"
	"fmt"
	"io"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/x/ansi"
	gossh "golang.org/x/crypto/ssh"
)

// The connection baseline of docs/performance.md: what a director waits for between
// `ssh -t` and the home screen, against a bare wish server that writes one line, with
// the same client steps (dial, key exchange, public-key auth, PTY, shell, read until
// the text shows). Client and server share this process in both, so the ratio compares
// like with like.
//
//	go test -run x -bench 'Connect' -count 5 ./server/
//
// BenchmarkConnectVsBare5000 is the same comparison with 5,000 organizations in the
// database besides the director's own.

const bareLine = "hello from a bare wish server"

// startBareWish serves a wish server on 127.0.0.1 that admits any key and writes
// bareLine to every session.
func startBareWish(tb testing.TB) string {
	tb.Helper()
	key, err := LoadHostKey(filepath.Join(tb.TempDir(), HostKeyName))
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(key),
		wish.WithPublicKeyAuth(func(ssh.Context, ssh.PublicKey) bool { return true }),
		wish.WithMiddleware(func(next ssh.Handler) ssh.Handler {
			return func(s ssh.Session) {
				wish.Println(s, bareLine)
				next(s)
			}
		}),
	)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	tb.Cleanup(func() {
		srv.Close()
		<-done
	})
	return l.Addr().String()
}

// connectUntil opens an interactive session as `ssh -t` does and reads until text
// shows, then hangs up.
func connectUntil(tb testing.TB, addr string, key gossh.Signer, text string) {
	c, err := gossh.Dial("tcp", addr, &gossh.ClientConfig{
		User:            "director",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         10 * time.Second,
	})
	if err != nil {
		tb.Fatal(err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.RequestPty("xterm-256color", 40, 120, gossh.TerminalModes{}); err != nil {
		tb.Fatal(err)
	}
	out, err := s.StdoutPipe()
	if err != nil {
		tb.Fatal(err)
	}
	if err := s.Shell(); err != nil {
		tb.Fatal(err)
	}
	// The client's deadline: a server that never shows text fails the benchmark.
	timer := time.AfterFunc(10*time.Second, func() { c.Close() })
	defer timer.Stop()
	var got bytes.Buffer
	buf := make([]byte, 32<<10)
	for {
		n, err := out.Read(buf)
		got.Write(buf[:n])
		if strings.Contains(ansi.Strip(got.String()), text) {
			return
		}
		if err != nil {
			if err == io.EOF {
				tb.Fatalf("session ended before %q showed: %q", text, ansi.Strip(got.String()))
			}
			tb.Fatalf("waiting for %q: %v", text, err)
		}
	}
}

// BenchmarkConnectToFirstFrame is dial + auth + PTY + shell until the home screen
// shows the director's organization.
func BenchmarkConnectToFirstFrame(b *testing.B) {
	ls := startLoadServer(b, 1, io.Discard)
	key := loadKey(0)
	connectUntil(b, ls.addr, key, loadOrgName(0)) // warm: the first session reads the bank
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		connectUntil(b, ls.addr, key, loadOrgName(0))
	}
}

// BenchmarkConnectBareWish is the same client steps against a bare wish server whose
// handler writes one line.
func BenchmarkConnectBareWish(b *testing.B) {
	addr := startBareWish(b)
	key := loadKey(0)
	connectUntil(b, addr, key, bareLine)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		connectUntil(b, addr, key, bareLine)
	}
}

// BenchmarkConnectVsBare interleaves the two above, one of each per iteration, and
// reports each one's mean and their ratio: interleaving cancels drift between two
// separate runs, as in store's BenchmarkSaveVsBare.
func BenchmarkConnectVsBare(b *testing.B) { connectVsBare(b, 0) }

// BenchmarkConnectVsBare5000 is BenchmarkConnectVsBare with 5,000 other organizations
// in the database: what a director's connect costs does not depend on them.
func BenchmarkConnectVsBare5000(b *testing.B) { connectVsBare(b, 5000) }

func connectVsBare(b *testing.B, others int) {
	ls := startLoadServer(b, 1, io.Discard)
	for i := range others {
		if _, err := ls.st.CreateOrganization(fmt.Sprintf("Other Hospital %04d", i)); err != nil {
			b.Fatal(err)
		}
	}
	bare := startBareWish(b)
	key := loadKey(0)
	connectUntil(b, ls.addr, key, loadOrgName(0))
	connectUntil(b, bare, key, bareLine)
	var ours, base time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		t0 := time.Now()
		connectUntil(b, ls.addr, key, loadOrgName(0))
		t1 := time.Now()
		connectUntil(b, bare, key, bareLine)
		ours, base = ours+t1.Sub(t0), base+time.Since(t1)
	}
	b.ReportMetric(float64(ours.Nanoseconds())/float64(b.N), "cebalance-ns/op")
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "bare-ns/op")
	b.ReportMetric(float64(ours)/float64(base), "cebalance/bare")
}
