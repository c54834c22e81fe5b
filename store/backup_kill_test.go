package store_test

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cebalance/store"
)

// TestBackupKilledHelper is the child of TestBackupKilled: it starts a backup and stops
// for ever after its first write, saying "writing", until it is killed.
func TestBackupKilledHelper(t *testing.T) {
	db, target := os.Getenv("CEBALANCE_BACKUP_DB"), os.Getenv("CEBALANCE_BACKUP_TO")
	if db == "" {
		t.Skip("the child process of TestBackupKilled")
	}
	s, err := store.Open(db, store.Options{ReadOnly: true, Timeout: 5 * time.Second})
	if err != nil {
		os.Stdout.WriteString("error: " + err.Error() + "\n")
		os.Exit(3)
	}
	store.SetBackupWrote(func(int64) {
		os.Stdout.WriteString("writing\n")
		select {}
	})
	_ = s.Backup(target)
	os.Exit(4)
}

// TestBackupKilled kills (SIGKILL) a process in the middle of writing a backup: no file
// may be left under the backup's name (it used to be, truncated, and the next backup
// then said it already existed), and backing up again works and passes Check.
func TestBackupKilled(t *testing.T) {
	db := seeded(t)
	dir := t.TempDir()
	target := filepath.Join(dir, "backup.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestBackupKilledHelper$", "-test.count=1")
	cmd.Env = append(os.Environ(), "CEBALANCE_BACKUP_DB="+db, "CEBALANCE_BACKUP_TO="+target)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, _ := bufio.NewReader(out).ReadString('\n')
	if line != "writing\n" {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("child said %q", line)
	}
	cmd.Process.Kill()
	cmd.Wait()
	if _, err := os.Stat(target); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("a killed backup left %s (%v)", target, err)
	}
	s := open(t, db, store.Options{ReadOnly: true})
	if err := s.Backup(target); err != nil {
		t.Fatalf("backup after a killed one: %v", err)
	}
	b := open(t, target, store.Options{ReadOnly: true})
	if err := b.Check(); err != nil {
		t.Fatalf("Check: %v", err)
	}
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	t.Logf("folder after a killed and a good backup: %s", strings.Join(names, " "))
}

// TestBackupNeverReplaces: a file that appears under the backup's name while the backup
// is being written is kept, and the backup says the name exists; no temporary file is
// left behind.
func TestBackupNeverReplaces(t *testing.T) {
	s := open(t, seeded(t), store.Options{})
	dir := t.TempDir()
	target := filepath.Join(dir, "backup.db")
	mine := []byte("someone else's file")
	store.SetBackupWrote(func(int64) {
		if _, err := os.Stat(target); err != nil {
			os.WriteFile(target, mine, 0o600)
		}
	})
	defer store.SetBackupWrote(nil)
	if err := s.Backup(target); !errors.Is(err, store.ErrExists) {
		t.Fatalf("Backup while the name appeared = %v; want ErrExists", err)
	}
	if got, _ := os.ReadFile(target); !bytes.Equal(got, mine) {
		t.Errorf("the file that appeared was replaced")
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("left behind: %v", entries)
	}
}

// TestWriteBackupStream: the stream that `ssh … backup` sends is a database that opens
// and passes Check.
func TestWriteBackupStream(t *testing.T) {
	s := open(t, seeded(t), store.Options{})
	var buf bytes.Buffer
	if err := s.WriteBackup(&buf); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "streamed.db")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	b := open(t, path, store.Options{ReadOnly: true})
	if err := b.Check(); err != nil {
		t.Fatalf("Check of a streamed backup: %v", err)
	}
}
