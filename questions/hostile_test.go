package questions

import (
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// loadWithin runs Load(path) and fails the test if it has not returned within 10
// seconds, so a read that blocks cannot hang the test run.
func loadWithin(t *testing.T, path string) error {
	t.Helper()
	done := make(chan error, 1)
	go func() {
		_, err := Load(path)
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-time.After(10 * time.Second):
		t.Fatalf("Load(%s) is still running after 10 s: it blocked", path)
		return nil
	}
}

// TestLoadNotRegular: the old Load read /dev/zero until memory ran out and waited for
// ever on a FIFO with no writer. Each now gets one line naming what the path is.
func TestLoadNotRegular(t *testing.T) {
	dir := t.TempDir()
	fifo := filepath.Join(dir, "bank.fifo")
	if err := syscall.Mkfifo(fifo, 0o600); err != nil {
		t.Fatal(err)
	}
	sock := filepath.Join(dir, "bank.sock")
	l, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	link := filepath.Join(dir, "link.yaml")
	if err := os.Symlink("/dev/zero", link); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ path, what string }{
		{"/dev/zero", "is a device"},
		{fifo, "is a named pipe (FIFO)"},
		{sock, "is a socket"},
		{dir, "is a directory"},
		{link, "is a device"},
	} {
		err := loadWithin(t, c.path)
		if err == nil || !strings.Contains(err.Error(), c.path+" "+c.what) || strings.Contains(err.Error(), "\n") {
			t.Errorf("Load(%s) = %v, want one line saying it %s", c.path, err, c.what)
		}
	}
}

// TestLoadSizeCap: a regular file over the cap is refused from its size, unread.
func TestLoadSizeCap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.yaml")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := f.Truncate(1 << 40); err != nil { // sparse: a terabyte that takes no disk
		t.Skipf("sparse file: %v", err)
	}
	f.Close()
	err = loadWithin(t, path)
	if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "a bank must be under") {
		t.Errorf("Load of a 1 TB file: %v", err)
	}
}

// TestParseControlCharacters: bank text is printed to terminals (questions, the TUI),
// so escape sequences and hidden characters are refused in every text field, with the
// file, line and field. The old code accepted all of these.
func TestParseControlCharacters(t *testing.T) {
	for _, c := range []struct {
		name, text string
		line       int
		field      string
	}{
		{"ESC in a question", strings.Replace(fnHead+fnF, "question: Who?", `question: "Who?\e[2J\e]0;owned\a"`, 1), 11, "functions[0].question"},
		{"DEL in a title", fnHead + fnF + "    title: \"T\\x7f\"\n", 12, "functions[0].title"},
		{"C1 CSI in help", fnHead + fnF + "    help: \"a\\x9b31mred\"\n", 12, "functions[0].help"},
		{"bidi override in a domain name", strings.Replace(fnHead+fnF, "name: A", `name: "A\u202eB"`, 1), 5, "domains[0].name"},
		{"zero-width space in the bank name", "name: \"Bank\\u200b\"\n" + fnHead + fnF, 1, "name"},
		{"newline in a domain name", strings.Replace(fnHead+fnF, "name: A", `name: "A\nB"`, 1), 5, "domains[0].name"},
		{"tab in a title", fnHead + fnF + "    title: \"A\\tB\"\n", 12, "functions[0].title"},
		{"carriage return in a recommendation", fnHead + fnF + "    recommendation: \"a\\rb\"\n", 12, "functions[0].recommendation"},
		{"line separator in a description", strings.Replace(fnHead+fnF, "name: A", "name: A\n    description: \"x\\Ly\"", 1), 6, "domains[0].description"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse("bank.yaml", []byte(c.text))
			var e *Error
			if !errors.As(err, &e) || e.Line != c.line || e.Field != c.field || !strings.Contains(e.Msg, "control or format character") {
				t.Fatalf("Parse = %v, want bank.yaml:%d: %s: … control or format character", err, c.line, c.field)
			}
			if !strings.HasPrefix(err.Error(), "bank.yaml:") {
				t.Errorf("error %q does not start with the file name", err)
			}
		})
	}
	// Prose may run over several lines and hold tabs.
	ok := fnHead + strings.Replace(fnF, "question: Who?", "question: |\n      Who keeps\n      the\tinventory?", 1) +
		"    help: \"line one\\nline two\"\n"
	if _, err := Parse("bank.yaml", []byte(ok)); err != nil {
		t.Errorf("multi-line prose refused: %v", err)
	}
	// Interchange banks go through CheckText.
	b := mustParse(t, fnHead+fnF)
	b.Functions[0].Question = "Who?\x1b[31m"
	if err := b.CheckText(); !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), "functions[0].question") {
		t.Errorf("CheckText = %v", err)
	}
}
