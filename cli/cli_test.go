package cli

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// run executes the command line against db and returns stdout, stderr and the status.
func run(t *testing.T, db string, args ...string) (string, string, int) {
	t.Helper()
	var out, errb bytes.Buffer
	env := &Env{
		Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string {
			if k == "HOME" {
				return t.TempDir()
			}
			return ""
		},
		Scope: Scope{Admin: true},
		Now:   func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
	}
	code := Execute(env, append([]string{"--db", db}, args...))
	return out.String(), errb.String(), code
}

func demoDB(t *testing.T) string {
	t.Helper()
	db := filepath.Join(t.TempDir(), "c.db")
	if _, e, code := run(t, db, "demo"); code != 0 {
		t.Fatalf("demo: %d %s", code, e)
	}
	return db
}

func TestDemoReportHistory(t *testing.T) {
	db := demoDB(t)
	out, e, code := run(t, db, "report", "--org", "demo-general-hospital", "--format", "markdown")
	if code != 0 {
		t.Fatalf("report: %d %s", code, e)
	}
	for _, want := range []string{"Demo General Hospital", "Balanced", "reference, not a standard", "Peers", "Since assessment 2", "| "} {
		if !strings.Contains(out, want) {
			t.Errorf("markdown report lacks %q", want)
		}
	}
	// Demo peers are peer-only: the one organization to assess is found without --org.
	if _, e, code := run(t, db, "report"); code != 0 {
		t.Errorf("report without --org: %d %s", code, e)
	}
	out, _, code = run(t, db, "history", "--format", "csv")
	if code != 0 || strings.Count(out, "\n") != 4 {
		t.Errorf("history csv (%d):\n%s", code, out)
	}
	// Demo data is added once and never overwrites.
	if _, e, code := run(t, db, "demo"); code != 1 || !strings.Contains(e, "already") {
		t.Errorf("second demo: %d %s", code, e)
	}
}

func TestReportJSONMatchesSpec(t *testing.T) {
	db := demoDB(t)
	out, e, code := run(t, db, "report", "--org", "Demo General Hospital", "--assessment", "1", "--format", "json")
	if code != 0 {
		t.Fatal(e)
	}
	var r map[string]any
	if err := json.Unmarshal([]byte(out), &r); err != nil {
		t.Fatal(err)
	}
	if r["verdict"] != "critical-gaps" || r["critical_gaps"] != 3.0 {
		t.Errorf("verdict %v, critical gaps %v", r["verdict"], r["critical_gaps"])
	}
	st := r["staffing"].(map[string]any)
	if st["bmet_per_ce"] != nil || st["ce_share_of_staff"] != 0.0 {
		t.Errorf("staffing %v", st)
	}
	if r["peers"].(map[string]any)["n"] != 6.0 {
		t.Errorf("peers %v", r["peers"])
	}
	if r["change"] != nil {
		t.Errorf("the first assessment has no change: %v", r["change"])
	}
}

func TestUsageAndErrors(t *testing.T) {
	db := demoDB(t)
	tests := []struct {
		args []string
		code int
		msg  string
	}{
		{[]string{"report", "--format", "pdf"}, 2, `unknown format "pdf"`},
		{[]string{"report", "--assessment", "0"}, 2, "--assessment"},
		{[]string{"report", "--org", "nowhere"}, 1, `no organization "nowhere"`},
		{[]string{"report", "--assessment", "9"}, 1, "has no assessment 9"},
		{[]string{"frobnicate"}, 2, "unknown command"},
		{[]string{"report", "--bogus"}, 2, "unknown flag"},
		{[]string{"import"}, 2, "import needs the file to import"},
		{[]string{"import", "/does/not/exist.json"}, 1, "/does/not/exist.json"},
		{[]string{"history", "--format", "markdown"}, 2, "unknown format"},
		{[]string{"access", "add", "--key", "nonsense", "--name", "x", "--role", "admin"}, 2, "not an SSH public key"},
		{[]string{"access", "revoke", "SHA256:nope"}, 1, "no access record"},
	}
	for _, tt := range tests {
		_, e, code := run(t, db, tt.args...)
		if code != tt.code || !strings.HasPrefix(e, "cebalance: ") || !strings.Contains(e, tt.msg) || strings.Count(e, "\n") != 1 {
			t.Errorf("%v: status %d, stderr %q; want %d and %q on one line", tt.args, code, e, tt.code, tt.msg)
		}
	}
}

func TestExportImportRoundTrip(t *testing.T) {
	db := demoDB(t)
	first, e, code := run(t, db, "export")
	if code != 0 {
		t.Fatal(e)
	}
	file := filepath.Join(t.TempDir(), "x.json")
	if err := os.WriteFile(file, []byte(first), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := filepath.Join(t.TempDir(), "empty.db")
	if _, e, code := run(t, empty, "import", file); code != 0 {
		t.Fatal(e)
	}
	second, _, _ := run(t, empty, "export")
	if first != second {
		t.Errorf("export → import → export differs")
	}
	// Importing again collides and writes nothing; --replace overwrites.
	if _, e, code := run(t, empty, "import", file); code != 1 || !strings.Contains(e, "--replace") {
		t.Errorf("second import: %d %s", code, e)
	}
	if _, e, code := run(t, empty, "import", "--replace", file); code != 0 {
		t.Errorf("import --replace: %s", e)
	}
	// -o writes the same document to a file.
	out := filepath.Join(t.TempDir(), "o.json")
	if _, e, code := run(t, db, "export", "-o", out); code != 0 {
		t.Fatal(e)
	}
	if data, _ := os.ReadFile(out); string(data) != first {
		t.Error("export -o differs from standard output")
	}
}

func TestBadImportChangesNothing(t *testing.T) {
	db := demoDB(t)
	doc, _, _ := run(t, db, "export", "--org", "demo-general-hospital")
	// Rename the organization so it does not collide, and break one answer deep inside.
	bad := strings.Replace(doc, `"demo-general-hospital"`, `"other-hospital"`, 1)
	bad = strings.Replace(bad, `"Demo General Hospital"`, `"Other Hospital"`, 1)
	i := strings.LastIndex(bad, `"inventory": {`)
	j := i + strings.Index(bad[i:], `"performer": "bmet"`)
	bad = bad[:j] + `"performer": "bmets"` + bad[j+len(`"performer": "bmet"`):]
	file := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(file, []byte(bad), 0o600)

	before, _ := os.ReadFile(db)
	_, e, code := run(t, db, "import", file)
	want := `organizations[0].assessments[2].answers.inventory.performer: unknown performer "bmets"`
	if code != 1 || !strings.Contains(e, want) {
		t.Fatalf("status %d, %q; want %q", code, e, want)
	}
	after, _ := os.ReadFile(db)
	if !bytes.Equal(before, after) {
		t.Error("a refused import changed the database file")
	}
	if out, _, _ := run(t, db, "report", "--org", "other-hospital"); out != "" {
		t.Error("the refused organization is there")
	}
}

func TestBadDatabaseFiles(t *testing.T) {
	dir := t.TempDir()
	random := filepath.Join(dir, "random.db")
	junk := make([]byte, 64<<10)
	rand.Read(junk)
	os.WriteFile(random, junk, 0o600)

	good := demoDB(t)
	data, _ := os.ReadFile(good)
	truncated := filepath.Join(dir, "truncated.db")
	os.WriteFile(truncated, data[:len(data)/3], 0o600)

	text := filepath.Join(dir, "notes.txt")
	os.WriteFile(text, []byte("just some notes\n"), 0o600)

	for _, f := range []string{random, truncated, text} {
		before, _ := os.ReadFile(f)
		for _, args := range [][]string{{"report"}, {"demo"}, {"export"}} {
			_, e, code := run(t, f, args...)
			if code != 1 || !strings.HasPrefix(e, "cebalance: ") || !strings.Contains(e, f) {
				t.Errorf("%s %v: %d %q", filepath.Base(f), args, code, e)
			}
		}
		after, _ := os.ReadFile(f)
		if !bytes.Equal(before, after) {
			t.Errorf("%s was modified", filepath.Base(f))
		}
	}
}

// TestLockedDatabase holds the database in a child process and checks that a second
// cebalance fails quickly with a clear message instead of hanging.
func TestLockedDatabase(t *testing.T) {
	if os.Getenv("CEBALANCE_HOLD_DB") != "" {
		st, err := store.Open(os.Getenv("CEBALANCE_HOLD_DB"), store.Options{})
		if err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString("held\n")
		time.Sleep(20 * time.Second)
		st.Close()
		os.Exit(0)
	}
	db := demoDB(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestLockedDatabase$")
	cmd.Env = append(os.Environ(), "CEBALANCE_HOLD_DB="+db)
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	buf := make([]byte, 5)
	if _, err := stdout.Read(buf); err != nil || string(buf) != "held\n" {
		t.Fatalf("child: %q %v", buf, err)
	}
	start := time.Now()
	_, e, code := run(t, db, "report")
	if code != 1 || !regexp.MustCompile(`in use by another cebalance process`).MatchString(e) {
		t.Errorf("status %d, %q", code, e)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v to give up", d)
	}
}

func TestAccessCommands(t *testing.T) {
	db := demoDB(t)
	key := "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIHq6cKh5x3p9ZRvK2ZrY2x3c6zQO5gkqQ8pSxXo8y0Ke dana@example"
	_, fp, err := ParseKey(key)
	if err != nil {
		t.Fatal(err)
	}
	if _, e, code := run(t, db, "access", "add", "--key", key, "--name", "Dana", "--role", "director"); code != 2 || !strings.Contains(e, "--org") {
		t.Errorf("director without org: %d %s", code, e)
	}
	if _, e, code := run(t, db, "access", "add", "--key", key, "--name", "Dana", "--role", "director", "--org", "Demo General Hospital"); code != 0 {
		t.Fatal(e)
	}
	out, _, _ := run(t, db, "access", "list")
	if !strings.Contains(out, "Dana") || !strings.Contains(out, fp) || !strings.Contains(out, "demo-general-hospital") {
		t.Errorf("list:\n%s", out)
	}
	if _, e, code := run(t, db, "access", "revoke", fp); code != 0 {
		t.Fatal(e)
	}
	if out, _, _ := run(t, db, "access", "list"); strings.Contains(out, "Dana") {
		t.Errorf("revoked key still listed:\n%s", out)
	}
}

func TestDemoStory(t *testing.T) {
	orgs := DemoData()
	if len(orgs) != 7 || orgs[0].PeerOnly {
		t.Fatalf("%d organizations", len(orgs))
	}
	for _, o := range orgs[1:] {
		if !o.PeerOnly || !strings.HasPrefix(o.Name, "Demo ") {
			t.Errorf("peer %s", o.Name)
		}
		if assessment.BandFor(o.Assessments[0].Profile.Beds) != assessment.Medium {
			t.Errorf("peer %s is not medium", o.Name)
		}
	}
}

func TestQuestionsCommand(t *testing.T) {
	db := filepath.Join(t.TempDir(), "q.db")
	out, _, code := run(t, db, "questions")
	if code != 0 || !strings.Contains(out, "42 functions: 28 engineering, 14 operations") ||
		!strings.Contains(out, "Standards as of 2026-11.") {
		t.Errorf("questions:\n%s", out)
	}
	// The fit table and the overrides come from the bank: the manager fits management
	// work fully in version 2, and every override is printed with its reason.
	b := questions.Default()
	for i := range b.Functions {
		f := &b.Functions[i]
		for p, v := range f.Fit {
			want := fmt.Sprintf("  %s, %s: %s — %s\n", f.ID, p.Short(), strconv.FormatFloat(v, 'f', -1, 64), f.FitWhy[p])
			if !strings.Contains(out, want) {
				t.Errorf("questions lacks the override %q", want)
			}
		}
		if f.NAAllowed && !strings.Contains(out, fmt.Sprintf("  %-26s %-11s weight %d; may be not applicable\n", f.ID, f.Kind, f.Weight)) {
			t.Errorf("questions does not say %s may be not applicable", f.ID)
		}
	}
	table := b.FitTable()
	if table[questions.Engineering][questions.Specialist.Index()] != 0.75 || !strings.Contains(out, "  engineering") {
		t.Errorf("fit table: %v", table)
	}
	v, _, code := run(t, db, "version")
	if want := "cebalance " + Version + " · question bank default v2 (standards as of 2026-11)\n"; code != 0 || v != want {
		t.Errorf("version = %q, want %q", v, want)
	}
	bad := filepath.Join(t.TempDir(), "bank.yaml")
	os.WriteFile(bad, []byte("id: x\nversion: 1\ndomains:\n  - id: d\n    name: D\nfunctions:\n  - id: f\n    domain: d\n    kind: engineering\n    weight: 7\n    question: Who?\n"), 0o600)
	_, e, code := run(t, db, "questions", "--bank", bad)
	if code != 1 || !strings.Contains(e, bad+":10: functions[0].weight") {
		t.Errorf("bad bank: %d %s", code, e)
	}
	if _, err := os.Stat(db); err == nil {
		t.Error("questions created a database")
	}
}
