package cli

import (
	"bytes"
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cebalance/questions"
	"cebalance/store"
)

// runEntry runs the command line against db with a TUI that only records that it was
// started, and returns stderr, the status and whether the TUI ran.
func runEntry(t *testing.T, db string, args ...string) (string, int, bool) {
	t.Helper()
	var out, errb bytes.Buffer
	started := false
	env := &Env{
		Stdout: &out, Stderr: &errb,
		Getenv: func(string) string { return "" },
		Scope:  Scope{Admin: true},
		Now:    func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) },
		TUI: func(*store.Store, *questions.Bank, int) error {
			started = true
			return nil
		},
	}
	code := Execute(env, append([]string{"--db", db}, args...))
	return errb.String(), code, started
}

// snapshot is every file under dir with its content, to show that nothing changed.
func snapshot(t *testing.T, dir string) map[string]string {
	t.Helper()
	files := map[string]string{}
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			files[p+"/"] = ""
			return nil
		}
		data, err := os.ReadFile(p)
		files[p] = string(data)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

func sameFiles(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || v != w {
			return false
		}
	}
	return true
}

// newerSchema returns a copy of a real database whose schema version says a newer
// cebalance wrote it. bbolt checksums only its meta pages, so the version's bytes (the
// key "schema" and its big-endian value, side by side in a leaf page) can be patched
// without bbolt, which only the store imports.
func newerSchema(t *testing.T, dir string) string {
	t.Helper()
	src := filepath.Join(dir, "current.db")
	st, err := store.Open(src, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateOrganization("St Example Hospital"); err != nil {
		t.Fatal(err)
	}
	st.Close()
	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	old := append([]byte("schema"), 0, 0, 0, 0, 0, 0, 0, store.SchemaVersion)
	newer := append([]byte("schema"), 0, 0, 0, 0, 0, 0, 0, store.SchemaVersion+1)
	if !bytes.Contains(data, old) {
		t.Fatal("no schema version found in the file")
	}
	path := filepath.Join(dir, "newer.db")
	if err := os.WriteFile(path, bytes.ReplaceAll(data, old, newer), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Open(path, store.Options{}); !errors.Is(err, store.ErrNewerSchema) {
		t.Fatalf("the patched file opens with %v; want ErrNewerSchema", err)
	}
	return path
}

// TestTUIEntryRefusesBadFiles: `cebalance` with no command, on a file that is not a
// usable database, prints one clear line and exits 1; the TUI never starts and the file
// is unchanged.
func TestTUIEntryRefusesBadFiles(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.db")
	if e, code, started := runEntry(t, good, "demo"); code != 0 || started {
		t.Fatalf("demo: %d %s", code, e)
	}
	data, err := os.ReadFile(good)
	if err != nil {
		t.Fatal(err)
	}
	write := func(name string, b []byte) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	junk := make([]byte, 64<<10)
	rand.Read(junk)
	page := os.Getpagesize()
	for _, tc := range []struct {
		path string
		want string
	}{
		{write("truncated.db", data[:len(data)/3]), "is damaged"},
		{write("torn.db", data[:page+100]), "is damaged"},
		{write("cut.db", data[:4*page]), "the file was truncated"},
		{write("random.db", junk), "is not a cebalance database (no bbolt header): choose another file with --db"},
		{write("notes.txt", []byte("dear diary\n")), "is not a cebalance database"},
		{newerSchema(t, dir), fmt.Sprintf("was written by a newer cebalance (schema %d, this version knows %d): upgrade cebalance", store.SchemaVersion+1, store.SchemaVersion)},
	} {
		before, err := os.ReadFile(tc.path)
		if err != nil {
			t.Fatal(err)
		}
		e, code, started := runEntry(t, tc.path)
		if started {
			t.Errorf("%s: the TUI started", filepath.Base(tc.path))
		}
		if code != ExitFailure || !strings.HasPrefix(e, "cebalance: ") || strings.Count(e, "\n") != 1 ||
			!strings.Contains(e, tc.path) || !strings.Contains(e, tc.want) {
			t.Errorf("%s: status %d, stderr %q; want 1 and one line naming the file with %q", filepath.Base(tc.path), code, e, tc.want)
		}
		t.Logf("%s: %s", filepath.Base(tc.path), strings.TrimSpace(e))
		if after, _ := os.ReadFile(tc.path); !bytes.Equal(before, after) {
			t.Errorf("%s was modified", filepath.Base(tc.path))
		}
	}
}

// TestUnwritablePlace: a --db the user cannot create (a path through a file, which even
// root cannot create; a folder without write permission, when not root) makes every
// writing command, and the TUI entry, print one clear line naming the file and exit 1,
// creating nothing.
func TestUnwritablePlace(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("not a folder\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	export := filepath.Join(t.TempDir(), "export.json")
	if _, e, code := run(t, demoDB(t), "export", "-o", export); code != 0 {
		t.Fatal(e)
	}

	type place struct {
		name, db, want string
	}
	places := []place{
		{"through a file", filepath.Join(file, "cebalance.db"), "(a part of the path is a file, not a folder): choose a folder you can write to with --db"},
		{"through a file, new folder", filepath.Join(file, "data", "cebalance.db"), "(a part of the path is a file, not a folder)"},
	}
	if _, err := os.Stat("/proc/self"); err == nil {
		// Nobody may create files in /proc: mkdir fails with "no such file or directory",
		// which must not read as "no database yet".
		places = append(places, place{"in /proc", "/proc/cebalance-test/cebalance.db", "cannot create or open database /proc/cebalance-test/cebalance.db (mkdir /proc/cebalance-test"})
	}
	if os.Geteuid() != 0 {
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(ro, 0o755) })
		places = append(places,
			place{"read-only folder", filepath.Join(ro, "cebalance.db"), "(permission denied): its folder is not writable; choose a folder you can write to with --db"},
			place{"read-only folder, new folder", filepath.Join(ro, "data", "cebalance.db"), "permission denied"})
	} else {
		t.Log("running as root: the read-only folder case is store.TestOpenUnwritable's, as the user nobody")
	}
	before := snapshot(t, dir)
	for _, p := range places {
		for _, args := range [][]string{nil, {"demo"}, {"import", export}} {
			e, code, started := runEntry(t, p.db, args...)
			if args == nil {
				t.Logf("%s: %s", p.name, strings.TrimSpace(e))
			}
			if started {
				t.Errorf("%s %v: the TUI started", p.name, args)
			}
			if code != ExitFailure || !strings.HasPrefix(e, "cebalance: ") || strings.Count(e, "\n") != 1 ||
				!strings.Contains(e, p.db) || !strings.Contains(e, p.want) || strings.Contains(e, "no database") {
				t.Errorf("%s %v: status %d, stderr %q; want 1 and one line naming the file with %q", p.name, args, code, e, p.want)
			}
		}
		// Reading commands say there is no database there yet.
		if _, e, code := run(t, p.db, "report"); code != ExitFailure || !strings.Contains(e, p.db) {
			t.Errorf("%s report: %d %q", p.name, code, e)
		}
	}
	if after := snapshot(t, dir); !sameFiles(before, after) {
		t.Errorf("the failed commands changed %s", dir)
	}
}
