package server

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"
	"time"

	"github.com/charmbracelet/log"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/plain"
	"cebalance/questions"
	"cebalance/store"
)

// HostKeyName is the file name of the host key created next to the database.
const HostKeyName = "ssh_host_ed25519"

// LoadHostKey returns the PEM host key at path, creating an ed25519 key (0600) when the
// file does not exist. An existing file that is not a private key is an error, never
// overwritten.
func LoadHostKey(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err == nil {
		if _, perr := gossh.ParsePrivateKey(data); perr != nil {
			return nil, fmt.Errorf("host key %s is not an SSH private key (%v): move it away or give another with --host-key", path, perr)
		}
		return data, nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("read host key: %w", err)
	}
	_, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	block, err := gossh.MarshalPrivateKey(priv, "cebalance host key")
	if err != nil {
		return nil, fmt.Errorf("generate host key: %w", err)
	}
	data = pem.EncodeToMemory(block)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("write host key: %w", err)
	}
	// O_EXCL: two servers starting at once never overwrite each other's key.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if _, err := f.Write(data); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write host key: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("write host key: %w", err)
	}
	return data, f.Close()
}

// shutdownGrace is how long Run waits for sessions to end after a signal.
const shutdownGrace = 3 * time.Second

// RunConfig is what `cebalance serve` runs with: the database file, the address to
// listen on, the host key file (empty: HostKeyName next to the database), the idle time,
// the question bank, where the log goes, and the command runners main wires (see
// Config.Command and Config.Plain).
type RunConfig struct {
	DBPath  string
	Listen  string
	HostKey string
	Idle    time.Duration
	Bank    *questions.Bank
	Stderr  io.Writer
	Command func(c Call, args []string) int
	Plain   func(c Call, ps plain.Store) error
}

// Run is `cebalance serve`: it opens the database, refuses to start while nobody has
// access, listens, and shuts down gracefully on SIGINT or SIGTERM.
func Run(cfg RunConfig) error {
	logger := log.NewWithOptions(cfg.Stderr, log.Options{ReportTimestamp: true, Prefix: "cebalance"})
	st, err := store.Open(cfg.DBPath, store.Options{Timeout: time.Second})
	if err != nil {
		return err
	}
	defer st.Close()
	acc, err := st.Accesses()
	if err != nil {
		return err
	}
	if len(acc) == 0 {
		return fmt.Errorf("nobody may connect yet: first add an admin with `cebalance --db %s access add --key-file ~/.ssh/id_ed25519.pub --name \"Your Name\" --role admin`", cfg.DBPath)
	}
	keyPath := cfg.HostKey
	if keyPath == "" {
		keyPath = filepath.Join(filepath.Dir(cfg.DBPath), HostKeyName)
	}
	key, err := LoadHostKey(keyPath)
	if err != nil {
		return err
	}
	srv, err := New(Config{Store: st, HostKey: key, Bank: cfg.Bank, Logger: logger, Idle: cfg.Idle,
		Command: cfg.Command, Plain: cfg.Plain})
	if err != nil {
		return err
	}
	l, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return fmt.Errorf("listen on %s: %w (is another server running? choose another with --listen)", cfg.Listen, err)
	}
	logger.Info("listening", "addr", l.Addr().String(), "db", cfg.DBPath, "host_key", keyPath, "access_records", len(acc))

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGINT, syscall.SIGTERM)
	defer signal.Stop(sig)
	done := make(chan error, 1)
	go func() { done <- srv.Serve(l) }()
	select {
	case err := <-done:
		return err
	case s := <-sig:
		logger.Info("shutting down", "signal", s.String())
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		logger.Warn("sessions still open at shutdown; closed them", "err", err)
	}
	<-done
	logger.Info("stopped")
	return nil
}
