// Package cli is the command line of cebalance: the cobra commands, their
// flags, exit codes and one-line errors. The same commands serve the local shell and,
// with the caller's permissions, non-interactive SSH sessions.
package cli

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// Version is the version of cebalance, set at build time with
// -ldflags "-X cebalance/cli.Version=…".
var Version = "0.2.0"

// Exit statuses.
const (
	ExitOK      = 0
	ExitFailure = 1
	ExitUsage   = 2
)

// Scope is who runs a command: the local user (an admin of the local file) or an SSH
// caller with the role and organizations of their access record.
type Scope struct {
	Admin bool
	Name  string
	Orgs  []string // organizations a director may see; ignored for admins
}

// Excluded returns the organizations left out of every benchmark the caller sees: all of
// a director's own (an admin's: none beyond the organization reported on), so that
// nobody reads a peer's figure by changing the figures of organizations they control.
func (s Scope) Excluded() []string {
	if s.Admin {
		return nil
	}
	return s.Orgs
}

// ScopeOf is the scope of an SSH caller whose key has access record a.
func ScopeOf(a store.Access) Scope {
	return Scope{Admin: a.Role == store.Admin, Name: a.Name, Orgs: a.Orgs}
}

// access is s as an access record, whose rule decides what the caller may see.
func (s Scope) access() store.Access {
	role := store.Director
	if s.Admin {
		role = store.Admin
	}
	return store.Access{Name: s.Name, Role: role, Orgs: s.Orgs}
}

// CanSee reports whether the caller may see and change organization id: the rule of
// store.Access.CanSee, the same for the local user, SSH commands and the questionnaire.
func (s Scope) CanSee(id string) bool { return s.access().CanSee(id) }

// RemoteEnv is the environment of a command that an SSH caller with access record acc
// runs on the server's open store st: only the commands offered over SSH, with the
// caller's permissions, and no environment variables.
func RemoteEnv(stdin io.Reader, stdout, stderr io.Writer, acc store.Access, st *store.Store) *Env {
	return &Env{
		Stdin:  stdin,
		Stdout: stdout,
		Stderr: stderr,
		Getenv: func(string) string { return "" },
		Scope:  ScopeOf(acc),
		Store:  st,
		Remote: true,
	}
}

// Env is what a command runs with.
type Env struct {
	Stdin          io.Reader
	Stdout, Stderr io.Writer
	Getenv         func(string) string
	Scope          Scope
	Now            func() time.Time // nil = time.Now

	// Store, when set, is an already open database (the SSH server's): commands use it
	// and never open or close one. When nil, commands open the file of --db.
	Store *store.Store
	// Remote limits the commands to those offered over SSH.
	Remote bool

	// TUI runs the interactive questionnaire; main sets it so this package needs no UI.
	// dueAfter is how many months after the last completed assessment the home screen
	// says a re-assessment is due.
	TUI func(st *store.Store, bank *questions.Bank, dueAfter int) error
	// Serve runs the SSH server; main sets it.
	Serve func(cfg ServeConfig) error
}

// ServeConfig is what `cebalance serve` passes to the server.
type ServeConfig struct {
	DBPath  string
	Listen  string
	HostKey string
	Idle    time.Duration
	Bank    *questions.Bank
	Stderr  io.Writer
}

// usageError marks a mistake in how a command was called (exit status 2).
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// Execute runs the command line args (without the program name) and returns the exit
// status. Errors are printed as one line on env.Stderr, starting "cebalance: ".
func Execute(env *Env, args []string) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if env.Stdin == nil {
		env.Stdin = strings.NewReader("")
	}
	root := newRoot(env)
	if len(args) > 0 && !strings.HasPrefix(args[0], "-") {
		// Name an unknown command as such, before cobra trips over its flags.
		root.InitDefaultHelpCmd()
		if cmd, _, err := root.Find(args); err != nil || cmd == root {
			fmt.Fprintf(env.Stderr, "cebalance: unknown command %q: the commands are %s\n", args[0], commandList(root))
			if env.Remote {
				return ExitFailure // unknown or forbidden commands over SSH exit 1, like any failure
			}
			return ExitUsage
		}
	}
	root.SetArgs(args)
	root.SetIn(env.Stdin)
	root.SetOut(env.Stdout)
	root.SetErr(env.Stderr)
	err := root.Execute()
	if err == nil {
		return ExitOK
	}
	fmt.Fprintf(env.Stderr, "cebalance: %s\n", oneLine(err.Error()))
	var ue usageError
	if errors.As(err, &ue) || isCobraUsage(err) {
		return ExitUsage
	}
	return ExitFailure
}

// isCobraUsage recognizes the argument and flag errors cobra makes itself.
func isCobraUsage(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "flag needs an argument",
		"invalid argument", "accepts ", "requires at least", "requires at most", "required flag"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}

func commandList(root *cobra.Command) string {
	var names []string
	for _, c := range root.Commands() {
		if c.IsAvailableCommand() {
			names = append(names, c.Name())
		}
	}
	return strings.Join(names, ", ")
}

func oneLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}

// app holds the global flags and the open database of one command run.
type app struct {
	env      *Env
	dbPath   string
	bankPath string
}

func newRoot(env *Env) *cobra.Command {
	a := &app{env: env}
	var plainMode bool
	dueAfter := assessment.DefaultDueAfter
	root := &cobra.Command{
		Use:   "cebalance",
		Short: "Assess who does your clinical engineering work, and the balance with operations",
		Long: `cebalance is a self-assessment for hospital clinical engineering (HTM) leaders: for each
clinical engineering function, who performs it — a clinical engineer, BMETs, the manager,
IT, a vendor, or nobody? It stores the answers and shows a balance scorecard, compares it
with peers of the same size and tracks it over repeat assessments.

Run it with no command for the interactive questionnaire.`,
		SilenceErrors: true,
		SilenceUsage:  true,
		Args:          noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if env.Remote || env.TUI == nil {
				return usagef("no command given: try report, history or export")
			}
			if dueAfter < 1 || dueAfter > assessment.MaxDueAfter {
				return usagef("--due-after must be a number of months from 1 to %d, not %d", assessment.MaxDueAfter, dueAfter)
			}
			bank, err := a.bank()
			if err != nil {
				return err
			}
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			if a.wantPlain(plainMode) {
				return RunPlain(env, st, st, bank)
			}
			return env.TUI(st, bank, dueAfter)
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.CompletionOptions.DisableDefaultCmd = true
	if !env.Remote {
		root.PersistentFlags().StringVar(&a.dbPath, "db", "", "database file (env CEBALANCE_DB; default "+displayDefaultDB()+")")
		root.Flags().IntVar(&dueAfter, "due-after", assessment.DefaultDueAfter, "months after the last completed assessment when the home screen says a re-assessment is due")
		root.Flags().BoolVar(&plainMode, "plain", false, "plain accessible mode: numbered prompts, one per line, no cursor movement or colour (also when TERM=dumb)")
		root.PersistentFlags().StringVar(&a.bankPath, "bank", "", "question bank YAML for new assessments (env CEBALANCE_BANK; default: the built-in bank)")
	}
	root.AddCommand(a.reportCmd(), a.historyCmd(), a.exportCmd(), a.backupCmd(), a.benchmarkCmd())
	if !env.Remote {
		root.AddCommand(a.importCmd(), a.questionsCmd(), a.demoCmd(), a.versionCmd())
		if env.Serve != nil {
			root.AddCommand(a.serveCmd())
		}
	}
	if !env.Remote || env.Scope.Admin {
		root.AddCommand(a.accessCmd())
	}
	return root
}

func (a *app) now() time.Time {
	if a.env.Now != nil {
		return a.env.Now().UTC()
	}
	return time.Now().UTC()
}

func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("unknown command %q: run `cebalance --help` for the commands", args[0])
	}
	return nil
}

// exactArgs is cobra.ExactArgs with a message that says what to type.
func exactArgs(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s needs %s: %s", cmd.Name(), what, cmd.UseLine())
		}
		return nil
	}
}

func displayDefaultDB() string {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "cebalance", "cebalance.db")
	}
	return "~/.local/share/cebalance/cebalance.db"
}

// DefaultDBPath returns the database used when neither --db nor CEBALANCE_DB is given:
// $XDG_DATA_HOME/cebalance/cebalance.db, or ~/.local/share/cebalance/cebalance.db.
func DefaultDBPath(getenv func(string) string) (string, error) {
	if x := getenv("XDG_DATA_HOME"); x != "" && filepath.IsAbs(x) {
		return filepath.Join(x, "cebalance", "cebalance.db"), nil
	}
	home := getenv("HOME")
	if home == "" {
		h, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("cannot find your home directory for the database: give one with --db PATH")
		}
		home = h
	}
	return filepath.Join(home, ".local", "share", "cebalance", "cebalance.db"), nil
}

func (a *app) path() (string, error) {
	if a.dbPath != "" {
		return a.dbPath, nil
	}
	if p := a.env.Getenv("CEBALANCE_DB"); p != "" {
		return p, nil
	}
	return DefaultDBPath(a.env.Getenv)
}

// open returns the database: the server's, or the file of --db. Read-only opens share
// the file with other readers and never create it.
func (a *app) open(readOnly bool) (*store.Store, error) {
	if a.env.Store != nil {
		return a.env.Store, nil
	}
	path, err := a.path()
	if err != nil {
		return nil, err
	}
	st, err := store.Open(path, store.Options{Timeout: time.Second, ReadOnly: readOnly})
	// Only a read-only open refuses a missing file; a read-write one creates it, and an
	// fs.ErrNotExist from it means a folder on the path cannot be made (its message says).
	if readOnly && errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s yet: run `cebalance` to start an assessment, or `cebalance demo` to try it with demo data", path)
	}
	return st, err
}

// closeStore closes st unless it is the server's.
func (a *app) closeStore(st *store.Store) {
	if a.env.Store == nil {
		st.Close()
	}
}

// bank returns the bank for new assessments: --bank, CEBALANCE_BANK or the default.
func (a *app) bank() (*questions.Bank, error) {
	path := a.bankPath
	if path == "" {
		path = a.env.Getenv("CEBALANCE_BANK")
	}
	if path == "" {
		return questions.Default(), nil
	}
	return questions.Load(path)
}
