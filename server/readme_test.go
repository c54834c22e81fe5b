package server

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/cli"
	"cebalance/questions"
	"cebalance/store"
)

const sshBinary = "/usr/bin/ssh"

// readmeSSHLines returns every ssh command line of README.md: the lines of code blocks
// that start with "ssh ", and inline code spans that do.
func readmeSSHLines(t *testing.T) []string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "README.md"))
	if err != nil {
		t.Fatal(err)
	}
	var lines []string
	inBlock := false
	span := regexp.MustCompile("`(ssh [^`]*)`")
	for _, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, "```") {
			inBlock = !inBlock
			continue
		}
		if inBlock {
			if strings.HasPrefix(l, "ssh ") {
				lines = append(lines, l)
			}
			continue
		}
		for _, m := range span.FindAllStringSubmatch(l, -1) {
			lines = append(lines, m[1])
		}
	}
	return lines
}

// writeKey writes key's private half in OpenSSH form (0600) to path and returns its
// signer and authorized_keys line; the public half goes to path.pub.
func writeKey(t *testing.T, path string) (gossh.Signer, string) {
	t.Helper()
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, pem.EncodeToMemory(block), 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := gossh.NewSignerFromKey(priv)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(s.PublicKey())))
	if err := os.WriteFile(path+".pub", []byte(line+" "+filepath.Base(path)+"@test\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return s, line
}

// readmeRig is a real server on 127.0.0.1 and the files the README's commands use.
type readmeRig struct {
	t          *testing.T
	dir        string // the commands' working folder
	st         *store.Store
	port       string
	knownHosts string
	adminKey   string // private key files
	danaKey    string
	danaFP     string
	samFP      string // a key that the README's revoke line removes
}

func newReadmeRig(t *testing.T) *readmeRig {
	t.Helper()
	if _, err := os.Stat(sshBinary); err != nil {
		t.Skipf("%s is missing: install the OpenSSH client (apt-get install openssh-client) to run the README's ssh lines; .ci/run does", sshBinary)
	}
	r := &readmeRig{t: t, dir: t.TempDir()}
	keys := t.TempDir()
	db := filepath.Join(t.TempDir(), "srv.db")
	r.knownHosts = filepath.Join(keys, "known_hosts")
	r.adminKey = filepath.Join(keys, "admin")
	r.danaKey = filepath.Join(keys, "dana")
	_, adminLine := writeKey(t, r.adminKey)
	dana, _ := writeKey(t, r.danaKey)
	r.danaFP = gossh.FingerprintSHA256(dana.PublicKey())
	// The README sends dana.pub from the working folder.
	pub, _ := os.ReadFile(r.danaKey + ".pub")
	if err := os.WriteFile(filepath.Join(r.dir, "dana.pub"), pub, 0o644); err != nil {
		t.Fatal(err)
	}
	sam, samLine := writeKey(t, filepath.Join(keys, "sam"))
	r.samFP = gossh.FingerprintSHA256(sam.PublicKey())

	var errb bytes.Buffer
	env := &cli.Env{Stdout: &bytes.Buffer{}, Stderr: &errb, Getenv: func(string) string { return "" }, Scope: cli.Scope{Admin: true}}
	for _, args := range [][]string{
		{"demo"},
		{"access", "add", "--key", adminLine, "--name", "Alex Admin", "--role", "admin"},
		{"access", "add", "--key", samLine, "--name", "Sam Gone", "--role", "director", "--org", "demo-general-hospital"},
	} {
		if code := cli.Execute(env, append([]string{"--db", db}, args...)); code != 0 {
			t.Fatalf("%v: %s", args, errb.String())
		}
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	r.st = st
	if _, err := st.CreateOrganization("Other Hospital"); err != nil {
		t.Fatal(err)
	}
	hostKey, err := LoadHostKey(filepath.Join(filepath.Dir(db), HostKeyName))
	if err != nil {
		t.Fatal(err)
	}
	srv, err := New(withCommands(Config{Store: st, HostKey: hostKey, Bank: questions.Default(), Idle: time.Minute,
		Logger: log.New(&bytes.Buffer{}), RatePerSecond: 1000, RateBurst: 1000}))
	if err != nil {
		t.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	_, r.port, _ = net.SplitHostPort(l.Addr().String())
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	t.Cleanup(func() {
		srv.Close()
		<-done
		st.Close()
	})
	return r
}

// command turns a README line into one for bash: the real ssh binary with a temporary
// known_hosts and the given key, this server's port, and this test's names.
func (r *readmeRig) command(line, key string) string {
	if i := strings.Index(line, "  #"); i >= 0 {
		line = line[:i]
	}
	line = strings.TrimSpace(line)
	ssh := strings.Join([]string{sshBinary, "-F", "/dev/null", "-o", "BatchMode=yes", "-o", "IdentitiesOnly=yes",
		"-o", "StrictHostKeyChecking=accept-new", "-o", "UserKnownHostsFile=" + r.knownHosts,
		"-o", "LogLevel=ERROR", "-o", "ConnectTimeout=10", "-i", key}, " ")
	line = strings.Replace(line, "ssh ", ssh+" ", 1)
	line = strings.ReplaceAll(line, "-p 23234", "-p "+r.port)
	line = regexp.MustCompile(`(^|\s)host(\s|$)`).ReplaceAllString(line, "${1}127.0.0.1${2}")
	line = strings.ReplaceAll(line, "st-example", "demo-general-hospital")
	line = strings.ReplaceAll(line, "SHA256:…", r.samFP)
	return line
}

// run runs a command line with bash in the working folder.
func (r *readmeRig) run(line string) (stdout, stderr string, code int) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, "bash", "-c", line)
	cmd.Dir = r.dir
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		code = ee.ExitCode()
	case err != nil:
		r.t.Fatalf("%s: %v", line, err)
	}
	return out.String(), errb.String(), code
}

// interactive runs an "ssh -t" line as written, in a terminal of 80×24 that script(1)
// provides (the test has none of its own), waits for the first frame to show want, and
// disconnects.
func (r *readmeRig) interactive(line, want string) error {
	script, err := exec.LookPath("script")
	if err != nil {
		return fmt.Errorf("script(1), which gives ssh -t a terminal, is missing: %w", err)
	}
	cmd := exec.Command(script, "-qfec", "stty cols 80 rows 24; exec "+line, "/dev/null")
	cmd.Dir = r.dir
	stdin, err := cmd.StdinPipe()
	if err != nil {
		return err
	}
	defer stdin.Close()
	var mu sync.Mutex
	var out bytes.Buffer
	cmd.Stdout = writerFunc(func(p []byte) (int, error) {
		mu.Lock()
		defer mu.Unlock()
		return out.Write(p)
	})
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Kill()
		cmd.Wait()
	}()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		mu.Lock()
		got := out.String()
		mu.Unlock()
		if strings.Contains(got, want) {
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	return fmt.Errorf("no %q on the first screen within 20s; got %q", want, out.String())
}

type writerFunc func([]byte) (int, error)

func (w writerFunc) Write(p []byte) (int, error) { return w(p) }

// TestReadmeSSHLines runs every ssh command line of README.md with the real OpenSSH
// client against a real server, in the order the README gives them: the admin's lines
// (access, backup) with the admin's key, the others with the key of the director whom
// the README's own `access add` line lets in. Each line's result is checked; a line
// without a check here fails the test, so the README can only show lines that work.
func TestReadmeSSHLines(t *testing.T) {
	r := newReadmeRig(t)
	lines := readmeSSHLines(t)
	if len(lines) < 8 {
		t.Fatalf("found only %d ssh lines in README.md: %q", len(lines), lines)
	}
	for _, l := range lines {
		admin := strings.Contains(l, " access ") || strings.Contains(l, " backup")
		key := r.danaKey
		if admin {
			key = r.adminKey
		}
		line := r.command(l, key)
		if strings.Contains(l, "ssh -t ") {
			if err := r.interactive(line, "Demo General Hospital"); err != nil {
				t.Errorf("README line %q: %v", l, err)
			}
			continue
		}
		start := time.Now()
		out, errOut, code := r.run(line)
		t.Logf("%s\n  → status %d in %v, %d bytes out, stderr %q", l, code, time.Since(start).Round(time.Millisecond), len(out), errOut)
		if code != 0 {
			t.Errorf("README line %q: status %d, stderr %q", l, code, errOut)
			continue
		}
		file := func(name string) string {
			data, err := os.ReadFile(filepath.Join(r.dir, name))
			if err != nil {
				t.Errorf("README line %q: %v", l, err)
			}
			return string(data)
		}
		switch fields := strings.Fields(l); {
		case strings.Contains(l, "access add"):
			acc, err := r.st.AccessFor(r.danaFP)
			if err != nil || acc.Name != "Dana Director" || acc.Role != store.Director ||
				!strings.HasPrefix(out, "added Dana Director (director, demo-general-hospital)") {
				t.Errorf("README line %q: out %q, record %+v, %v", l, out, acc, err)
			}
		case strings.Contains(l, "access list"):
			if !strings.Contains(out, "Dana Director") || !strings.Contains(out, r.danaFP) {
				t.Errorf("README line %q: %q", l, out)
			}
		case strings.Contains(l, "access revoke"):
			if _, err := r.st.AccessFor(r.samFP); !errors.Is(err, store.ErrNotFound) || out != "revoked "+r.samFP+"\n" {
				t.Errorf("README line %q: %q; the key's record: %v", l, out, err)
			}
		case strings.Contains(l, " backup > "):
			name := fields[len(fields)-1]
			if fi, err := os.Stat(filepath.Join(r.dir, name)); err == nil {
				t.Logf("  → %s: %d bytes", name, fi.Size())
			}
			b, err := store.Open(filepath.Join(r.dir, name), store.Options{ReadOnly: true})
			if err != nil {
				t.Errorf("README line %q: the backup does not open: %v", l, err)
				continue
			}
			if err := b.Check(); err != nil {
				t.Errorf("README line %q: Check: %v", l, err)
			}
			if o, err := b.Organization("demo-general-hospital"); err != nil || o.Name != "Demo General Hospital" {
				t.Errorf("README line %q: the backup lacks the demo hospital: %v", l, err)
			}
			b.Close()
		case strings.Contains(l, " report ") && strings.Contains(l, "> packet.md"):
			if md := file("packet.md"); !strings.Contains(md, "Demo General Hospital") || !strings.Contains(md, "| ") {
				t.Errorf("README line %q: packet.md is not the Markdown scorecard: %.200q", l, md)
			}
		case strings.Contains(l, " report ") && strings.Contains(l, "> packet.html"):
			if h := file("packet.html"); !strings.HasPrefix(h, "<!DOCTYPE html>") || !strings.Contains(h, "Demo General Hospital") || !strings.Contains(h, "<svg") {
				t.Errorf("README line %q: packet.html is not the committee packet: %.200q", l, h)
			}
		case strings.Contains(l, "ssh -T "):
			// No terminal and no command: the plain mode, which stops at the end of input.
			if !strings.Contains(out, "plain mode") || !strings.Contains(out, "Organization: Demo General Hospital.") || strings.Contains(out, "\x1b") {
				t.Errorf("README line %q: not the plain mode: %.300q", l, out)
			}
		case strings.HasSuffix(strings.TrimSpace(l), "host history"):
			if !strings.Contains(out, "Demo General Hospital") {
				t.Errorf("README line %q: %.200q", l, out)
			}
		case strings.Contains(l, " export > "):
			if j := file(fields[len(fields)-1]); !strings.Contains(j, `"demo-general-hospital"`) || strings.Contains(j, "other-hospital") {
				t.Errorf("README line %q: the export is not the director's organization alone: %.200q", l, j)
			}
		default:
			t.Errorf("README line %q has no check in TestReadmeSSHLines: add one", l)
		}
	}
}

// TestSSHQuotingAndBackupRefusal reproduces with the real client what the README used
// to show: a name with spaces in one pair of quotes arrives as two words (the server
// splits the line again) and is refused with the hint that works; and a director's
// backup is refused with one line.
func TestSSHQuotingAndBackupRefusal(t *testing.T) {
	r := newReadmeRig(t)
	old := r.command(`ssh -p 23234 host access add --key-file - --name "Dana Director" --role director --org st-example < dana.pub`, r.adminKey)
	_, e, code := r.run(old)
	if code != cli.ExitUsage || !strings.Contains(e, `--name "'Dana Director'"`) || strings.Count(e, "\n") != 1 {
		t.Errorf("single-quoted name over SSH: status %d, %q", code, e)
	}
	if _, err := r.st.AccessFor(r.danaFP); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("a refused access add stored a record: %v", err)
	}
	// The form the README used before: the key in --key, the name quoted once.
	pub, _ := os.ReadFile(filepath.Join(r.dir, "dana.pub"))
	oldForm := r.command(`ssh -p 23234 host access add --key "'`+strings.TrimSpace(string(pub))+`'" --name "Dana Director" --role director --org st-example`, r.adminKey)
	if _, e, code := r.run(oldForm); code != cli.ExitUsage || !strings.Contains(e, "quote a name twice") {
		t.Errorf("the README's old line: status %d, %q", code, e)
	}
	// Re-adding over SSH says what changed.
	add := r.command(`ssh -p 23234 host access add --key-file - --name "'Dana Director'" --role director --org st-example < dana.pub`, r.adminKey)
	if _, e, code := r.run(add); code != 0 {
		t.Fatalf("add: %d %q", code, e)
	}
	again := strings.Replace(add, "'Dana Director'", "'Dana Q. Director'", 1)
	if out, e, code := r.run(again); code != 0 || out != "updated the existing record of key "+r.danaFP+": name: Dana Director → Dana Q. Director\n" {
		t.Errorf("re-add over SSH: %d %q %q", code, out, e)
	}
	// A director may not take the whole database.
	out, e, code := r.run(r.command("ssh -p 23234 host backup > stolen.db", r.danaKey))
	if code != cli.ExitFailure || !strings.Contains(e, "backup of the whole database is for admins") || strings.Count(e, "\n") != 1 || out != "" {
		t.Errorf("director backup: status %d, %q, %d bytes", code, e, len(out))
	}
	if fi, err := os.Stat(filepath.Join(r.dir, "stolen.db")); err != nil || fi.Size() != 0 {
		t.Errorf("director backup wrote something: %v %v", fi, err)
	}
}
