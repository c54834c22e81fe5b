package cli

import (
	"bytes"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	gossh "golang.org/x/crypto/ssh"

	"cebalance/store"
)

// newKeyLine returns a fresh Ed25519 public key as an authorized_keys line.
func newKeyLine(t *testing.T, comment string) string {
	t.Helper()
	pub, _, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	k, err := gossh.NewPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(gossh.MarshalAuthorizedKey(k))) + " " + comment
}

// runIn is run with standard input and a scope of its own; remote runs it the way the
// SSH server does, against the open store st.
func runIn(t *testing.T, db string, st *store.Store, scope Scope, stdin string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
		Scope:  scope,
	}
	if st != nil {
		env.Store, env.Remote = st, true
	} else {
		args = append([]string{"--db", db}, args...)
	}
	code := Execute(env, args)
	return out.String(), errb.String(), code
}

func oneLineErr(t *testing.T, what, stderr string) {
	t.Helper()
	if strings.Count(stderr, "\n") != 1 || !strings.HasPrefix(stderr, "cebalance: ") {
		t.Errorf("%s: want one line starting \"cebalance: \", got %q", what, stderr)
	}
}

// TestAccessAddKeyFromStdin: --key-file - reads the key from standard input, locally and
// the way the SSH server runs it; a forgotten "< key.pub" says so.
func TestAccessAddKeyFromStdin(t *testing.T) {
	db := demoDB(t)
	admin := Scope{Admin: true}
	key := newKeyLine(t, "dana@laptop")
	_, fp, _ := ParseKey(key)
	out, e, code := runIn(t, db, nil, admin, key+"\n", "access", "add", "--key-file", "-", "--name", "Dana Director", "--role", "director", "--org", "demo-general-hospital")
	if code != 0 || !strings.Contains(out, "added Dana Director") || !strings.Contains(out, fp) {
		t.Fatalf("local --key-file -: %d %q %q", code, out, e)
	}
	_, e, code = runIn(t, db, nil, admin, "", "access", "add", "--key-file", "-", "--name", "X", "--role", "admin")
	if code != 2 || !strings.Contains(e, "< key.pub") {
		t.Errorf("empty standard input: %d %q", code, e)
	}
	oneLineErr(t, "empty standard input", e)

	st, err := store.Open(db, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	key2 := newKeyLine(t, "sam@laptop")
	out, e, code = runIn(t, "", st, admin, key2, "access", "add", "--key-file", "-", "--name", "Sam", "--role", "admin")
	if code != 0 || !strings.Contains(out, "added Sam (admin, every organization)") {
		t.Errorf("remote --key-file -: %d %q %q", code, out, e)
	}
	// Over SSH the server cannot read the caller's files.
	_, e, code = runIn(t, "", st, admin, "", "access", "add", "--key-file", "/etc/passwd", "--name", "Sam", "--role", "admin")
	if code != 2 || !strings.Contains(e, "--key-file - <") {
		t.Errorf("remote --key-file FILE: %d %q", code, e)
	}
	// A name with spaces that lost its quotes on the way: the hint says how to quote.
	_, e, code = runIn(t, "", st, admin, key2, "access", "add", "--key-file", "-", "--name", "Sam", "Admin", "--role", "admin")
	if code != 2 || !strings.Contains(e, `--name "'Dana Director'"`) {
		t.Errorf("remote split name: %d %q", code, e)
	}
	oneLineErr(t, "remote split name", e)

	// The forgotten "< key.pub" over SSH ends with a hint instead of waiting for ever.
	old := stdinWait
	stdinWait = 50 * time.Millisecond
	defer func() { stdinWait = old }()
	var env = &Env{Stdin: blockingReader{}, Stdout: &bytes.Buffer{}, Stderr: &bytes.Buffer{}, Scope: admin, Store: st, Remote: true}
	if code := Execute(env, []string{"access", "add", "--key-file", "-", "--name", "Sam", "--role", "admin"}); code != 2 ||
		!strings.Contains(env.Stderr.(*bytes.Buffer).String(), "no key arrived") {
		t.Errorf("remote stdin that never ends: %d %q", code, env.Stderr)
	}
}

type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { select {} }

// TestAccessReAddSaysUpdated: adding a key that already has access updates the record
// and says so, old → new (it used to say "added" and rename silently).
func TestAccessReAddSaysUpdated(t *testing.T) {
	db := demoDB(t)
	admin := Scope{Admin: true}
	key := newKeyLine(t, "dana@laptop")
	_, fp, _ := ParseKey(key)
	if _, e, code := runIn(t, db, nil, admin, "", "access", "add", "--key", key, "--name", "Dana", "--role", "director", "--org", "demo-general-hospital"); code != 0 {
		t.Fatal(e)
	}
	out, e, code := runIn(t, db, nil, admin, "", "access", "add", "--key", key, "--name", "Dana Director", "--role", "admin")
	want := "updated the existing record of key " + fp + ": name: Dana → Dana Director; role: director → admin; organizations: demo-general-hospital → every organization\n"
	if code != 0 || out != want {
		t.Errorf("re-add: %d\n got %q\nwant %q (%s)", code, out, want, e)
	}
	out, _, code = runIn(t, db, nil, admin, "", "access", "add", "--key", key, "--name", "Dana Director", "--role", "admin")
	if code != 0 || !strings.Contains(out, "nothing changed") {
		t.Errorf("same again: %d %q", code, out)
	}
	out, _, _ = runIn(t, db, nil, admin, "", "access", "list")
	if strings.Count(out, fp) != 1 || !strings.Contains(out, "Dana Director") {
		t.Errorf("list after update:\n%s", out)
	}
}

// TestAccessKeyPolicyOneLine: two keys on one line and weak keys are refused with one
// line, and nothing is stored.
func TestAccessKeyPolicyOneLine(t *testing.T) {
	db := demoDB(t)
	admin := Scope{Admin: true}
	rk, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	rpub, _ := gossh.NewPublicKey(&rk.PublicKey)
	weak := strings.TrimSpace(string(gossh.MarshalAuthorizedKey(rpub)))
	for _, c := range []struct{ name, key, want string }{
		{"two keys on one line", newKeyLine(t, "a@x") + " " + newKeyLine(t, "b@x"), "more than one key"},
		{"two keys on two lines", newKeyLine(t, "a@x") + "\n" + newKeyLine(t, "b@x"), "more than one key"},
		{"RSA 1024", weak, "1024 bits"},
		{"private key", "-----BEGIN OPENSSH PRIVATE KEY-----\nAAAA\n-----END OPENSSH PRIVATE KEY-----\n", "private key"},
	} {
		_, e, code := runIn(t, db, nil, admin, c.key, "access", "add", "--key-file", "-", "--name", "Dana", "--role", "admin")
		if code != 2 || !strings.Contains(e, c.want) {
			t.Errorf("%s: %d %q; want %q", c.name, code, e, c.want)
		}
		oneLineErr(t, c.name, e)
	}
	if out, _, _ := runIn(t, db, nil, admin, "", "access", "list"); !strings.Contains(out, "nobody may connect yet") {
		t.Errorf("a refused key was stored:\n%s", out)
	}
}

// TestDirectorOrgNoOracle: a director's --org reference to an organization that exists
// but is not theirs gets the same answer as one that does not exist, and the database
// is asked only about their own organizations, so the time taken is the same too. The
// medians are printed, not asserted.
func TestDirectorOrgNoOracle(t *testing.T) {
	db := filepath.Join(t.TempDir(), "c.db")
	st, err := store.Open(db, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	own, err := st.CreateOrganization("Own Hospital")
	if err != nil {
		t.Fatal(err)
	}
	n := 300
	if testing.Short() {
		n = 50
	}
	for i := range n {
		if _, err := st.CreateOrganization(fmt.Sprintf("Other Hospital %03d", i)); err != nil {
			t.Fatal(err)
		}
	}
	dir := Scope{Name: "Dana", Orgs: []string{own.ID}}
	msg := func(ref string) string {
		_, e, code := runIn(t, "", st, dir, "", "report", "--org", ref)
		if code != 1 {
			t.Errorf("report --org %q: status %d, %q", ref, code, e)
		}
		return strings.ReplaceAll(e, ref, "REF")
	}
	foreign, unknown := "other-hospital-150", "no-such-hospital"
	if testing.Short() {
		foreign = "other-hospital-025"
	}
	if a, b := msg(foreign), msg(unknown); a != b {
		t.Errorf("a foreign organization is told apart from an unknown one:\n foreign: %q\n unknown: %q", a, b)
	} else if !strings.Contains(a, "use one of "+own.ID) {
		t.Errorf("the hint should list the director's own organization: %q", a)
	}
	// The director's own organization, by id and by name, still works (it has no
	// assessment yet, which is what the error says).
	for _, ref := range []string{own.ID, "Own Hospital", "own hospital"} {
		if _, e, _ := runIn(t, "", st, dir, "", "report", "--org", ref); !strings.Contains(e, "Own Hospital has no assessment yet") {
			t.Errorf("report --org %q: %q", ref, e)
		}
	}
	median := func(ref string) time.Duration {
		var ds []time.Duration
		for range 41 {
			start := time.Now()
			runIn(t, "", st, dir, "", "report", "--org", ref)
			ds = append(ds, time.Since(start))
		}
		slices.Sort(ds)
		return ds[len(ds)/2]
	}
	median(unknown) // warm up
	t.Logf("report --org by a director, %d other organizations, median of 41: foreign %v, unknown %v, own %v",
		n, median(foreign), median(unknown), median(own.ID))
}
