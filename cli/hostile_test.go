package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestImportUnkeyableNumbers: the old import took both numbers; then `report` called the
// database damaged (9223372036854775807) or the next Complete wrote a key the reader
// refuses (2147483648). Both are refused with their path and the file is not touched;
// the whole-database export still works.
func TestImportUnkeyableNumbers(t *testing.T) {
	db := demoDB(t)
	doc, _, _ := run(t, db, "export", "--org", "demo-general-hospital")
	for _, n := range []string{"2147483648", "9223372036854775807"} {
		var v map[string]any
		dec := json.NewDecoder(strings.NewReader(doc))
		dec.UseNumber()
		if err := dec.Decode(&v); err != nil {
			t.Fatal(err)
		}
		org := v["organizations"].([]any)[0].(map[string]any)
		org["id"], org["name"] = "other-hospital", "Other Hospital"
		as := org["assessments"].([]any)
		last := len(as) - 1
		as[last].(map[string]any)["number"] = json.Number(n)
		data, _ := json.Marshal(v)
		file := filepath.Join(t.TempDir(), "n.json")
		os.WriteFile(file, data, 0o600)

		before, _ := os.ReadFile(db)
		_, e, code := run(t, db, "import", file)
		want := fmt.Sprintf("organizations[0].assessments[%d].number: assessment number must be from 1 to 2147483647, not %s", last, n)
		if code != 1 || !strings.Contains(e, want) || strings.Count(strings.TrimSpace(e), "\n") > 0 {
			t.Errorf("import of number %s: %d %q, want one line with %q", n, code, e, want)
		}
		if after, _ := os.ReadFile(db); !bytes.Equal(before, after) {
			t.Errorf("number %s: the refused import changed the database file", n)
		}
	}
	if _, e, code := run(t, db, "export"); code != 0 {
		t.Errorf("export after the refused imports: %s", e)
	}
}

// TestImportDuplicateKey: encoding/json would keep the second name; the file is refused.
func TestImportDuplicateKey(t *testing.T) {
	db := demoDB(t)
	doc, _, _ := run(t, db, "export", "--org", "demo-general-hospital")
	bad := strings.Replace(doc, `"id": "demo-general-hospital",`, `"id": "demo-general-hospital", "id": "other-hospital",`, 1)
	file := filepath.Join(t.TempDir(), "dup.json")
	os.WriteFile(file, []byte(bad), 0o600)
	_, e, code := run(t, db, "import", "--replace", file)
	if code != 1 || !strings.Contains(e, `organizations[0].id: key "id" appears twice`) || !strings.Contains(e, "nothing was imported") {
		t.Errorf("duplicate key: %d %q", code, e)
	}
}

// runBank runs `questions` with the bank given as --bank or as CEBALANCE_BANK, failing
// the test if it has not finished in 10 seconds (a blocking read would hang it).
func runBank(t *testing.T, path string, viaEnv bool) (string, int) {
	t.Helper()
	type result struct {
		e    string
		code int
	}
	done := make(chan result, 1)
	go func() {
		var out, errb bytes.Buffer
		env := &Env{Stdout: &out, Stderr: &errb, Scope: Scope{Admin: true},
			Getenv: func(k string) string {
				if k == "CEBALANCE_BANK" && viaEnv {
					return path
				}
				return ""
			},
			Now: func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }}
		args := []string{"questions"}
		if !viaEnv {
			args = append(args, "--bank", path)
		}
		code := Execute(env, args)
		done <- result{errb.String(), code}
	}()
	select {
	case r := <-done:
		return r.e, r.code
	case <-time.After(10 * time.Second):
		t.Fatalf("questions --bank %s still runs after 10 s: it blocked", path)
		return "", 0
	}
}

// TestQuestionsBankNotRegular: the old code grew to 2.2 GB on /dev/zero and hung on a
// FIFO; each is now one line.
func TestQuestionsBankNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "bank.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, want string }{
		{"/dev/zero", "/dev/zero is a device: give a YAML file"},
		{fifo, fifo + " is a named pipe (FIFO): give a YAML file"},
		{dir, dir + " is a directory: give a YAML file"},
	} {
		for _, viaEnv := range []bool{false, true} {
			e, code := runBank(t, c.path, viaEnv)
			if code != 1 || !strings.Contains(e, c.want) || strings.Count(strings.TrimSpace(e), "\n") > 0 {
				t.Errorf("bank %s (env %v): %d %q, want one line with %q", c.path, viaEnv, code, e, c.want)
			}
		}
	}
}

// TestQuestionsBankEscapes: a bank whose text carries an escape sequence is refused
// before anything reaches the terminal.
func TestQuestionsBankEscapes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "esc.yaml")
	os.WriteFile(path, []byte("id: t\nversion: 1\ndomains:\n  - id: a\n    name: A\nfunctions:\n  - id: f\n    domain: a\n    kind: engineering\n    weight: 1\n    question: \"Who?\\e[2J\"\n"), 0o600)
	e, code := runBank(t, path, false)
	if code != 1 || !strings.Contains(e, path+":11: functions[0].question: contains the control or format character U+001B") || strings.Contains(e, "\x1b") {
		t.Errorf("escape in a bank: %d %q", code, e)
	}
}
