package cli

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/spf13/cobra"

	"cebalance/exchange"
	"cebalance/questions"
	"cebalance/store"
)

func (a *app) exportCmd() *cobra.Command {
	var org, out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write organizations and their assessments as interchange JSON",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if a.env.Remote && out != "" {
				return usagef("-o is not available over SSH: redirect the output instead (ssh … export > file.json)")
			}
			st, err := a.open(true)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			var ids []string
			switch {
			case org != "":
				o, err := a.resolveOrg(st, org)
				if err != nil {
					return err
				}
				ids = []string{o.ID}
			default:
				if ids, err = a.callerOrgs("export"); err != nil {
					return err
				}
			}
			doc, err := a.exportDoc(st, ids)
			if err != nil {
				return err
			}
			var buf bytes.Buffer
			if err := exchange.Encode(&buf, doc); err != nil {
				return err
			}
			return writeOutput(cmd, out, buf.Bytes(), "exported "+plural(len(doc.Organizations), "organization"))
		},
	}
	cmd.Flags().StringVar(&org, "org", "", "only this organization (id or exact name); default: all you can see")
	if !a.env.Remote {
		cmd.Flags().StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	}
	return cmd
}

// callerOrgs are the organizations the caller may take out of the database: nil for
// an admin (every one), a director's own otherwise; a director without any gets one
// line naming what they tried to do.
func (a *app) callerOrgs(what string) ([]string, error) {
	if a.env.Scope.Admin {
		return nil, nil
	}
	if len(a.env.Scope.Orgs) == 0 {
		return nil, fmt.Errorf("you have no organizations to %s", what)
	}
	return append([]string{}, a.env.Scope.Orgs...), nil
}

// writeOutput writes data to standard output, or (out set, not "-") atomically to the
// file out, saying what it wrote there on standard error.
func writeOutput(cmd *cobra.Command, out string, data []byte, what string) error {
	if out == "" || out == "-" {
		_, err := cmd.OutOrStdout().Write(data)
		return err
	}
	if err := writeFileAtomic(out, data); err != nil {
		return err
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "%s to %s\n", what, out)
	return nil
}

func (a *app) exportDoc(st *store.Store, ids []string) (*exchange.Document, error) {
	orgs, banks, err := st.Dump(ids)
	if err != nil {
		return nil, err
	}
	return &exchange.Document{Format: exchange.Format, ExportedAt: a.now(), Banks: banks, Organizations: orgs}, nil
}

func (a *app) importCmd() *cobra.Command {
	var replace bool
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import interchange JSON: all of it, or nothing",
		Args:  exactArgs(1, "the file to import"),
		RunE: func(cmd *cobra.Command, args []string) error {
			data, err := readLimited(args[0], exchange.MaxSize)
			if err != nil {
				return err
			}
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			doc, err := exchange.Decode(data, func(ref questions.Ref) *questions.Bank {
				b, err := st.Bank(ref)
				if err != nil {
					return nil
				}
				return b
			}, a.now())
			if err != nil {
				return fmt.Errorf("%s: %w (nothing was imported)", args[0], err)
			}
			orgs, n := doc.Organizations, 0
			for _, o := range orgs {
				n += len(o.Assessments)
			}
			banks := append([]*questions.Bank{questions.Default()}, doc.Banks...)
			if err := st.ReplaceAll(orgs, banks, replace); err != nil {
				if errors.Is(err, store.ErrExists) {
					return fmt.Errorf("%w: nothing was imported; use --replace to overwrite those organizations", err)
				}
				return fmt.Errorf("import %s: %w (nothing was imported)", args[0], err)
			}
			fmt.Fprintf(cmd.OutOrStdout(), "imported %s with %s from %s\n",
				plural(len(orgs), "organization"), plural(n, "assessment"), args[0])
			return nil
		},
	}
	cmd.Flags().BoolVar(&replace, "replace", false, "replace organizations that already exist (with all their assessments)")
	return cmd
}

func (a *app) backupCmd() *cobra.Command {
	if a.env.Remote {
		return &cobra.Command{
			Use:   "backup",
			Short: "Stream a consistent copy of the server's database to standard output (admins)",
			Long: `Stream a consistent copy of the running server's database to standard output,
for admins: ssh -p 23234 host backup > cebalance.db. The copy is taken in one read
transaction, so sessions go on while it runs; the file opens as a cebalance database.`,
			// A director is refused before anything else is looked at, arguments included
			// (a forbidden command over SSH exits 1, not 2).
			Args: func(cmd *cobra.Command, args []string) error {
				if !a.env.Scope.Admin {
					return errors.New("backup of the whole database is for admins: use `export` for your organizations")
				}
				return exactArgs(0, "no arguments: redirect the output (ssh … backup > cebalance.db)")(cmd, args)
			},
			RunE: func(cmd *cobra.Command, _ []string) error {
				st, err := a.open(true)
				if err != nil {
					return err
				}
				defer a.closeStore(st)
				return st.WriteBackup(cmd.OutOrStdout())
			},
		}
	}
	return &cobra.Command{
		Use:   "backup FILE",
		Short: "Write a consistent copy of the database to a new file",
		Long: `Write a consistent copy of the database to FILE, which must not exist yet.

The copy is written to a temporary file in the same folder and renamed into place only
when it is complete and on disk, so FILE is never half written.

Only one process can open the database: while the questionnaire is open, quit it first.
While ` + "`cebalance serve`" + ` runs, take the backup through the server as an admin:
ssh -p 23234 host backup > cebalance.db.`,
		Args: exactArgs(1, "the file to write"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.open(true)
			if errors.Is(err, store.ErrLocked) {
				return fmt.Errorf("%w; while `cebalance serve` runs, an admin can take the backup through it: ssh -p 23234 host backup > FILE", err)
			}
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			if err := st.Backup(args[0]); err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "backed up %s to %s\nrestore: stop cebalance, then copy %s over %s\n",
				st.Path(), args[0], args[0], st.Path())
			return nil
		},
	}
}

// readLimited reads a file of at most max bytes.
func readLimited(path string, max int64) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, errors.Unwrap(err))
	}
	defer f.Close()
	if fi, err := f.Stat(); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory: give a file", path)
	}
	data, err := io.ReadAll(io.LimitReader(f, max+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(data)) > max {
		return nil, fmt.Errorf("%s is larger than %d bytes", path, max)
	}
	return data, nil
}

// writeFileAtomic writes data to path (0600) so that the file is either the old one or
// the complete new one, never half written.
func writeFileAtomic(path string, data []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, ".cebalance-*.tmp")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp.Name(), 0o600); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	// Make the new name durable too; best effort, as not every system syncs a folder.
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
	return nil
}

func plural(n int, what string) string {
	if n == 1 {
		return "1 " + what
	}
	return fmt.Sprintf("%d %ss", n, what)
}
