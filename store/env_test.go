//go:build linux

package store_test

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// Bad environments: a folder the user cannot write to, a path through a file, a full
// disk. Each gives one clear line naming the file, and nothing is created or lost.

// listing is every name under dir with its size and mode, to show nothing was created
// or changed.
func listing(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := d.Info()
		if err != nil {
			return err
		}
		fmt.Fprintf(&b, "%s %v %d\n", p, fi.Mode(), fi.Size())
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// openResult opens path and closes it again: "ok", or "error: " and the message.
func openResult(path string, readOnly bool) string {
	s, err := store.Open(path, store.Options{ReadOnly: readOnly, Timeout: time.Second})
	if err != nil {
		return "error: " + err.Error()
	}
	if _, err := s.Organizations(); err != nil {
		s.Close()
		return "error: " + err.Error()
	}
	s.Close()
	return "ok"
}

// TestHelperOpenAs is the child of TestOpenUnwritable when the tests run as root: it
// runs as nobody, opens the paths of CEBALANCE_OPEN_PATHS ("rw:PATH" or "ro:PATH", one
// a line) and prints each openResult on a line.
func TestHelperOpenAs(t *testing.T) {
	list := os.Getenv("CEBALANCE_OPEN_PATHS")
	if list == "" {
		t.Skip("the child process of TestOpenUnwritable")
	}
	for _, l := range strings.Split(list, "\n") {
		mode, path, _ := strings.Cut(l, ":")
		fmt.Println(openResult(path, mode == "ro"))
	}
	os.Exit(0)
}

type openCase struct {
	name     string
	path     string
	readOnly bool
	want     []string // parts of the message; none means the open succeeds
}

// TestOpenUnwritable opens databases in a folder the user cannot write to: a new file
// there, a new file in a subfolder that cannot be created, and an existing file that
// is not writable (read-only opens of it work). Root ignores permissions, so as root
// (CI) the opens run in a child process as the user nobody.
func TestOpenUnwritable(t *testing.T) {
	// A folder others can enter, so that nobody can reach the test binary and the files.
	base, err := os.MkdirTemp("", "cebalance-ro-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = os.Chmod(base, 0o755)
		_ = os.RemoveAll(base)
	})
	if err := os.Chmod(base, 0o755); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(base, "ro")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	existing := filepath.Join(dir, "existing.db")
	s := open(t, existing, store.Options{})
	mustOrg(t, s, "Alpha Hospital")
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(existing, 0o444); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, existing)

	cases := []openCase{
		{"new file", filepath.Join(dir, "new.db"), false,
			[]string{"cannot create database " + filepath.Join(dir, "new.db") + " (permission denied): its folder is not writable; choose a folder you can write to with --db"}},
		{"new folder", filepath.Join(dir, "data", "new.db"), false,
			[]string{"cannot create or open database " + filepath.Join(dir, "data", "new.db"), "mkdir " + filepath.Join(dir, "data") + ": permission denied", "--db"}},
		{"existing file", existing, false,
			[]string{"cannot open database " + existing + " for writing (permission denied): check the permissions"}},
		{"existing file, read-only", existing, true, nil},
	}

	var results []string
	if os.Geteuid() != 0 {
		if err := os.Chmod(dir, 0o555); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = os.Chmod(dir, 0o755) })
		snapshot := listing(t, base)
		for _, c := range cases {
			results = append(results, openResult(c.path, c.readOnly))
		}
		if after := listing(t, base); after != snapshot {
			t.Errorf("the failed opens changed the folder:\n%s\nwas\n%s", after, snapshot)
		}
	} else {
		results = openAsNobody(t, base, cases)
	}
	for i, c := range cases {
		got := results[i]
		switch {
		case c.want == nil && got != "ok":
			t.Errorf("%s: %s; want it to open", c.name, got)
		case c.want != nil && !strings.HasPrefix(got, "error: "):
			t.Errorf("%s: opened; want an error", c.name)
		case c.want != nil:
			for _, w := range c.want {
				if !strings.Contains(got, w) {
					t.Errorf("%s: %q\nlacks %q", c.name, got, w)
				}
			}
		}
		t.Logf("%s: %s", c.name, got)
	}
	if after := readFile(t, existing); !bytes.Equal(before, after) {
		t.Error("the read-only database was modified")
	}
}

// openAsNobody runs the opens in a child process as the user nobody (uid 65534), with
// a copy of the test binary that nobody may run, and returns its results. base is a
// folder that only root may write to.
func openAsNobody(t *testing.T, base string, cases []openCase) []string {
	t.Helper()
	bin := filepath.Join(base, "store.test")
	exe, err := os.ReadFile(os.Args[0])
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bin, exe, 0o755); err != nil {
		t.Fatal(err)
	}
	var lines []string
	for _, c := range cases {
		mode := "rw"
		if c.readOnly {
			mode = "ro"
		}
		lines = append(lines, mode+":"+c.path)
	}
	snapshot := listing(t, base)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, "-test.run=^TestHelperOpenAs$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CEBALANCE_OPEN_PATHS="+strings.Join(lines, "\n"), "HOME=/")
	cmd.Dir = "/"
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: &syscall.Credential{Uid: 65534, Gid: 65534}}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if errors.Is(err, syscall.EPERM) {
		t.Skipf("cannot run a process as nobody here: %v", err)
	}
	if err != nil {
		t.Fatalf("child as nobody: %v\n%s%s", err, out, stderr.Bytes())
	}
	results := strings.Split(strings.TrimRight(string(out), "\n"), "\n")
	if len(results) != len(cases) {
		t.Fatalf("child as nobody printed %q", out)
	}
	if after := listing(t, base); after != snapshot {
		t.Errorf("the failed opens changed the folder:\n%s\nwas\n%s", after, snapshot)
	}
	return results
}

// TestOpenThroughAFile gives Open a path through a regular file, which even root
// cannot create: one clear line naming the path, and nothing created.
func TestOpenThroughAFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "notes.txt")
	if err := os.WriteFile(file, []byte("not a folder\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	snapshot := listing(t, dir)
	for _, path := range []string{filepath.Join(file, "c.db"), filepath.Join(file, "data", "c.db")} {
		for _, opts := range []store.Options{{}, {NoCreate: true}, {ReadOnly: true}} {
			_, err := store.Open(path, opts)
			if err == nil {
				t.Fatalf("Open(%s, %+v) succeeded", path, opts)
			}
			msg := err.Error()
			want := "cannot create or open database " + path + " (a part of the path is a file, not a folder): choose a folder you can write to with --db"
			if msg != want || !errors.Is(err, syscall.ENOTDIR) {
				t.Errorf("Open(%s, %+v) = %q\nwant %q", path, opts, msg, want)
			}
		}
	}
	if after := listing(t, dir); after != snapshot {
		t.Errorf("Open changed the folder:\n%s\nwas\n%s", after, snapshot)
	}
}

// fullWrite is answer i of the full-disk test: organization i/37 of fullOrgs, function
// i%37, with a note of 500 two-byte runes that records i.
func fullWrite(i int) (org int, fn string, ans assessment.Answer) {
	fns := questions.Default().Functions
	note := fmt.Sprintf("write %d ", i)
	note += strings.Repeat("é", assessment.MaxNoteRunes-len(note))
	return i / len(fns), fns[i%len(fns)].ID, assessment.Answer{
		Performer:  questions.Performers[i%questions.NumPerformers],
		Note:       note,
		AnsweredAt: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
	}
}

// fullOrgs is how many organizations (each with a draft) the full-disk test fills:
// more answers than the file size limit leaves room for.
const fullOrgs = 20

func fullOrgID(n int) string { return fmt.Sprintf("hospital-%02d", n) }

// TestHelperFullDisk is the child of TestFullDisk. It creates the organizations and
// their drafts, then limits the size of the files it writes (RLIMIT_FSIZE, SIGXFSZ
// ignored) to three times the database's size, and saves answers, printing "saved I"
// after each acknowledged save, until one fails: it prints "failed I", "error: " and
// the error, tries the same save once more ("again: " and its error) and exits 0.
func TestHelperFullDisk(t *testing.T) {
	path := os.Getenv("CEBALANCE_FULL_DB")
	if path == "" {
		t.Skip("the child process of TestFullDisk")
	}
	fail := func(err error) {
		fmt.Println("setup:", err)
		os.Exit(3)
	}
	s, err := store.Open(path, store.Options{})
	if err != nil {
		fail(err)
	}
	for n := range fullOrgs {
		o, err := s.CreateOrganization(fmt.Sprintf("Hospital %02d", n))
		if err != nil {
			fail(err)
		}
		if _, err := s.StartAssessment(o.ID, questions.Default()); err != nil {
			fail(err)
		}
	}
	fi, err := os.Stat(path)
	if err != nil {
		fail(err)
	}
	limit := uint64(3 * fi.Size())
	signal.Ignore(syscall.SIGXFSZ)
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &syscall.Rlimit{Cur: limit, Max: limit}); err != nil {
		fail(err)
	}
	fmt.Printf("limit %d\n", limit)
	for i := 0; i < fullOrgs*len(questions.Default().Functions); i++ {
		org, fn, ans := fullWrite(i)
		if err := s.SaveAnswer(fullOrgID(org), 1, fn, ans); err != nil {
			fmt.Printf("failed %d\nerror: %v\n", i, err)
			fmt.Printf("again: %v\n", s.SaveAnswer(fullOrgID(org), 1, fn, ans))
			if err := s.Close(); err != nil {
				fmt.Println("close:", err)
			}
			os.Exit(0)
		}
		fmt.Printf("saved %d\n", i)
	}
	fmt.Println("no save failed")
	os.Exit(4)
}

// TestFullDisk fills the disk in a child process (a file size limit stands in for a
// full disk: the same refused write, without root or a small file system). The failing
// save returns ErrDiskFull with a message that says so and what to do, and nothing
// crashes or hangs; after it, the file reopens, passes Check, holds every acknowledged
// answer and nothing else, and takes new answers once there is room.
func TestFullDisk(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	path := dbPath(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestHelperFullDisk$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CEBALANCE_FULL_DB="+path)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	acked, failed := -1, -1
	var errLine, againLine string
	var other []string
	sc := bufio.NewScanner(stdout)
	for sc.Scan() {
		l := sc.Text()
		var i int
		switch {
		case strings.HasPrefix(l, "saved "):
			i, _ = strconv.Atoi(strings.TrimPrefix(l, "saved "))
			if i != acked+1 {
				t.Fatalf("child acknowledged write %d after %d", i, acked)
			}
			acked = i
		case strings.HasPrefix(l, "failed "):
			failed, _ = strconv.Atoi(strings.TrimPrefix(l, "failed "))
		case strings.HasPrefix(l, "error: "):
			errLine = strings.TrimPrefix(l, "error: ")
		case strings.HasPrefix(l, "again: "):
			againLine = strings.TrimPrefix(l, "again: ")
		default:
			other = append(other, l)
		}
	}
	_, _ = io.Copy(io.Discard, stdout)
	if err := cmd.Wait(); err != nil {
		t.Fatalf("child: %v (ctx %v)\n%q\n%s", err, ctx.Err(), other, stderr.Bytes())
	}
	if failed != acked+1 || errLine == "" {
		t.Fatalf("child acknowledged %d saves, then failed %d with %q; other output %q", acked+1, failed, errLine, other)
	}
	t.Logf("child output %q; %d saves acknowledged, then:\n%s", other, acked+1, errLine)
	for _, want := range []string{
		"save answer: the disk is full or the file size limit was reached (file too large writing " + path + ")",
		"free some space and try again; this change was not saved, everything saved before it is",
	} {
		if !strings.Contains(errLine, want) {
			t.Errorf("the failed save says %q\nwant it to say %q", errLine, want)
		}
	}
	if !strings.Contains(againLine, "the disk is full") {
		t.Errorf("saving again while the disk is full: %q", againLine)
	}

	// Room again: the file opens without the limit, passes Check, and holds exactly
	// the acknowledged answers.
	s := open(t, path, store.Options{})
	if err := s.Check(); err != nil {
		t.Fatalf("Check after the disk was full: %v", err)
	}
	got := 0
	for n := range fullOrgs {
		d, err := s.Draft(fullOrgID(n))
		if err != nil {
			t.Fatalf("draft of %s: %v", fullOrgID(n), err)
		}
		got += len(d.Answers)
	}
	if got != acked+1 {
		t.Errorf("%d answers stored; want the %d acknowledged ones", got, acked+1)
	}
	for i := 0; i <= acked+1; i++ {
		org, fn, want := fullWrite(i)
		d, err := s.Draft(fullOrgID(org))
		if err != nil {
			t.Fatal(err)
		}
		a, ok := d.Answers[fn]
		switch {
		case i == failed && ok:
			t.Errorf("the failed save %d is stored", i)
		case i <= acked && (!ok || a.Note != want.Note || a.Performer != want.Performer || !a.AnsweredAt.Equal(want.AnsweredAt)):
			t.Errorf("acknowledged save %d: stored %v %+v", i, ok, a)
		}
	}
	org, fn, ans := fullWrite(failed)
	if err := s.SaveAnswer(fullOrgID(org), 1, fn, ans); err != nil {
		t.Fatalf("saving with room again: %v", err)
	}
	if err := s.Check(); err != nil {
		t.Fatal(err)
	}
}

// TestWriteErrorIsNotDiskFull: only a failed commit is read as a full disk, never an
// error that merely quotes what the user typed.
func TestWriteErrorIsNotDiskFull(t *testing.T) {
	s, _ := openTemp(t)
	name := "no space left on device, file too large"
	mustOrg(t, s, name)
	_, err := s.CreateOrganization(name)
	if !errors.Is(err, store.ErrExists) || errors.Is(err, store.ErrDiskFull) || !strings.Contains(err.Error(), name) {
		t.Fatalf("CreateOrganization(taken) = %v; want ErrExists naming it, not ErrDiskFull", err)
	}
}
