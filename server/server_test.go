package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"errors"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/cli"
	"cebalance/questions"
	"cebalance/store"
)

// fixture is a server on 127.0.0.1 with a demo database and three keys: an admin, a
// director of the demo hospital, and a stranger.
type fixture struct {
	t        *testing.T
	db       string
	st       *store.Store
	srv      *Server
	addr     string
	admin    gossh.Signer
	director gossh.Signer
	stranger gossh.Signer
	logs     *bytes.Buffer
	done     chan error
}

func newKey(t testing.TB) (gossh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	return s, strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
}

func startServer(t *testing.T, idle time.Duration) *fixture {
	t.Helper()
	return startServerWith(t, idle, nil)
}

// startServerWith is startServer with the configuration adjusted by tune.
func startServerWith(t *testing.T, idle time.Duration, tune func(*Config)) *fixture {
	t.Helper()
	f := &fixture{t: t, db: filepath.Join(t.TempDir(), "srv.db"), logs: &bytes.Buffer{}}
	// Seed with the real command line: demo data, a second organization, and access.
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Scope: cli.Scope{Admin: true}}
	mustRun := func(args ...string) {
		t.Helper()
		if code := cli.Execute(env, append([]string{"--db", f.db}, args...)); code != 0 {
			t.Fatalf("%v: %s", args, errb.String())
		}
	}
	mustRun("demo")
	var adminKey, dirKey string
	f.admin, adminKey = newKey(t)
	f.director, dirKey = newKey(t)
	f.stranger, _ = newKey(t)
	mustRun("access", "add", "--key", adminKey, "--name", "Ada Admin", "--role", "admin")
	mustRun("access", "add", "--key", dirKey, "--name", "Dana Director", "--role", "director", "--org", "demo-general-hospital")

	st, err := store.Open(f.db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	f.st = st
	if _, err := st.CreateOrganization("Other Hospital"); err != nil {
		t.Fatal(err)
	}
	hostKey, err := LoadHostKey(filepath.Join(filepath.Dir(f.db), HostKeyName))
	if err != nil {
		t.Fatal(err)
	}
	cfg := withCommands(Config{Store: st, HostKey: hostKey, Bank: questions.Default(), Idle: idle,
		Logger: log.New(f.logs), RatePerSecond: 1000, RateBurst: 1000})
	if tune != nil {
		tune(&cfg)
	}
	f.srv, err = New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f.addr = l.Addr().String()
	f.done = make(chan error, 1)
	go func() { f.done <- f.srv.Serve(l) }()
	t.Cleanup(func() {
		f.srv.Close()
		<-f.done
		st.Close()
	})
	return f
}

func (f *fixture) dial(key gossh.Signer) (*gossh.Client, error) {
	return gossh.Dial("tcp", f.addr, &gossh.ClientConfig{
		User:            "whoever",
		Auth:            []gossh.AuthMethod{gossh.PublicKeys(key)},
		HostKeyCallback: gossh.InsecureIgnoreHostKey(),
		Timeout:         5 * time.Second,
	})
}

// run runs a non-interactive command and returns stdout, stderr and the exit status.
func (f *fixture) run(key gossh.Signer, command string) (string, string, int) {
	f.t.Helper()
	c, err := f.dial(key)
	if err != nil {
		f.t.Fatalf("dial: %v", err)
	}
	defer c.Close()
	s, err := c.NewSession()
	if err != nil {
		f.t.Fatal(err)
	}
	defer s.Close()
	var out, errb bytes.Buffer
	s.Stdout, s.Stderr = &out, &errb
	err = s.Run(command)
	code := 0
	var exit *gossh.ExitError
	if errors.As(err, &exit) {
		code = exit.ExitStatus()
	} else if err != nil {
		f.t.Fatalf("%s: %v", command, err)
	}
	return out.String(), errb.String(), code
}

func TestUnknownKeyRefused(t *testing.T) {
	f := startServer(t, time.Minute)
	if c, err := f.dial(f.stranger); err == nil {
		c.Close()
		t.Fatal("a key without access got in")
	}
	// Password authentication is not offered at all.
	_, err := gossh.Dial("tcp", f.addr, &gossh.ClientConfig{User: "Ada Admin",
		Auth: []gossh.AuthMethod{gossh.Password("admin")}, HostKeyCallback: gossh.InsecureIgnoreHostKey()})
	if err == nil {
		t.Fatal("password authentication got in")
	}
	if !strings.Contains(f.logs.String(), "denied") {
		t.Errorf("denied attempt not logged:\n%s", f.logs)
	}
}

func TestDirectorSeesOnlyTheirOrganizations(t *testing.T) {
	f := startServer(t, time.Minute)
	// The director's only organization is found without --org.
	remote, e, code := f.run(f.director, "report --format json")
	if code != 0 {
		t.Fatalf("report: %d %s", code, e)
	}
	// The same report as the local command prints.
	var out, errb bytes.Buffer
	env := &cli.Env{Stdout: &out, Stderr: &errb, Store: f.st, Scope: cli.Scope{Admin: true}, Getenv: func(string) string { return "" }}
	if cli.Execute(env, []string{"report", "--org", "demo-general-hospital", "--format", "json"}) != 0 {
		t.Fatal(errb.String())
	}
	if remote != out.String() {
		t.Error("report over SSH differs from the local report")
	}
	for _, cmd := range []string{
		"report --org other-hospital", "report --org 'Other Hospital'", "history --org other-hospital",
		"export --org other-hospital", "report --org demo-peer-hospital-a", "access list",
		"import x.json", "backup /tmp/x.db", "demo", "frobnicate",
	} {
		o, e, code := f.run(f.director, cmd)
		if code != 1 || o != "" || !strings.HasPrefix(e, "cebalance: ") || strings.Contains(e, "Other Hospital\n") {
			t.Errorf("%q as director: status %d, out %q, err %q", cmd, code, o, e)
		}
	}
	exp, _, code := f.run(f.director, "export")
	if code != 0 || !strings.Contains(exp, "demo-general-hospital") || strings.Contains(exp, "other-hospital") || strings.Contains(exp, "demo-peer") {
		t.Errorf("director export leaks or fails (%d)", code)
	}
	// The admin sees everything.
	if _, e, code := f.run(f.admin, "report --org other-hospital"); code != 1 || !strings.Contains(e, "no assessment yet") {
		t.Errorf("admin report of an organization without assessments: %d %s", code, e)
	}
}

func TestAdminAddsKeyOverSSH(t *testing.T) {
	f := startServer(t, time.Minute)
	newcomer, line := newKey(t)
	if c, err := f.dial(newcomer); err == nil {
		c.Close()
		t.Fatal("not yet added, but got in")
	}
	if _, e, code := f.run(f.director, "access add --key '"+line+"' --name Eve --role admin"); code == 0 {
		t.Fatal("a director added a key")
	} else if !strings.Contains(e, "unknown command") {
		t.Errorf("director access: %s", e)
	}
	o, e, code := f.run(f.admin, "access add --key '"+line+"' --name 'New Director' --role director --org demo-general-hospital")
	if code != 0 {
		t.Fatalf("admin access add: %d %s", code, e)
	}
	if !strings.Contains(o, "New Director") {
		t.Errorf("output %q", o)
	}
	if o, _, code := f.run(newcomer, "history"); code != 0 || !strings.Contains(o, "Demo General Hospital") {
		t.Errorf("the new key: %d %s", code, o)
	}
	list, _, _ := f.run(f.admin, "access list")
	if !strings.Contains(list, "New Director") {
		t.Errorf("list:\n%s", list)
	}
	fp := gossh.FingerprintSHA256(newcomer.PublicKey())
	if _, e, code := f.run(f.admin, "access revoke "+fp); code != 0 {
		t.Fatal(e)
	}
	if c, err := f.dial(newcomer); err == nil {
		c.Close()
		t.Error("a revoked key got in")
	}
}

func TestHostKeyReused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "k", HostKeyName)
	a, err := LoadHostKey(path)
	if err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("host key mode %v %v", fi.Mode(), err)
	}
	b, err := LoadHostKey(path)
	if err != nil || !bytes.Equal(a, b) {
		t.Fatal("host key not reused")
	}
	bad := filepath.Join(t.TempDir(), "junk")
	os.WriteFile(bad, []byte("not a key"), 0o600)
	if _, err := LoadHostKey(bad); err == nil {
		t.Error("junk accepted as a host key")
	}
	if data, _ := os.ReadFile(bad); string(data) != "not a key" {
		t.Error("junk host key overwritten")
	}
}

func TestRunRefusesWithoutAccess(t *testing.T) {
	db := filepath.Join(t.TempDir(), "empty.db")
	err := Run(RunConfig{DBPath: db, Listen: "127.0.0.1:0", Idle: time.Minute, Stderr: io.Discard})
	if err == nil || !strings.Contains(err.Error(), "access add") {
		t.Fatalf("err %v", err)
	}
}

func TestShutdownRefusesNewSessions(t *testing.T) {
	f := startServer(t, time.Minute)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	start := time.Now()
	if err := f.srv.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("shutdown took %v", d)
	}
	if _, err := f.dial(f.admin); err == nil {
		t.Error("connected after shutdown")
	}
}
