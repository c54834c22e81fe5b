package cli

import (
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/sshkey"
	"cebalance/store"
)

func (a *app) accessCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "access",
		Short: "Manage who may connect over SSH (add, list, revoke)",
		Args:  noArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return usagef("access needs a subcommand: add, list or revoke")
		},
	}
	cmd.AddCommand(a.accessAddCmd(), a.accessListCmd(), a.accessRevokeCmd())
	return cmd
}

// ParseKey parses one public key in authorized_keys form and returns it with its SHA256
// fingerprint; sshkey.Parse holds the rules (one key, strong enough).
func ParseKey(text string) (gossh.PublicKey, string, error) { return sshkey.Parse(text) }

// remoteQuoting is what an SSH caller is told when the server received more words than
// flags: the OpenSSH client joins its arguments with spaces and the server splits the
// line again, honouring quotes, so a value with spaces needs a second pair of quotes.
const remoteQuoting = `over SSH the command line is split again at spaces: quote a name twice (--name "'Dana Director'") and send the key with --key-file - < key.pub`

// maxKeyFile bounds what --key-file reads: an authorized_keys line is far smaller.
const maxKeyFile = 64 << 10

func (a *app) accessAddCmd() *cobra.Command {
	var f accessFlags
	cmd := &cobra.Command{
		Use:   "add (--key-file FILE|- | --key 'ssh-ed25519 AAAA…') --name NAME --role admin|director [--org ORG …]",
		Short: "Allow an SSH public key to connect, or update the record of a known key",
		Long: `Allow an SSH public key to connect.

The key comes from a file (--key-file id_ed25519.pub), from standard input (--key-file -,
e.g. ssh -p 23234 host access add --key-file - --name "'Dana Director'" --role director
--org st-example < dana.pub) or, locally, as text (--key 'ssh-ed25519 AAAA…'). One key
per command; DSA keys and RSA keys shorter than 2048 bits are refused.

Over SSH the server splits the command line again at spaces, so a name with spaces needs
a second pair of quotes: --name "'Dana Director'".

Adding a key that already has access updates its record — name, role and organizations —
and says what changed (old → new); the date it was first added is kept.`,
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 && a.env.Remote {
				return usagef("%s", remoteQuoting)
			}
			return exactArgs(0, "only flags")(cmd, args)
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return a.accessAdd(cmd.OutOrStdout(), f) },
	}
	cmd.Flags().StringVar(&f.keyFile, "key-file", "", "a file holding the public key (e.g. id_ed25519.pub); - reads it from standard input")
	cmd.Flags().StringVar(&f.keyText, "key", "", "the public key line, e.g. 'ssh-ed25519 AAAA… name@host'")
	cmd.Flags().StringVar(&f.name, "name", "", `the person's name (over SSH, quote a name with spaces twice: "'Dana Director'")`)
	cmd.Flags().StringVar(&f.role, "role", "", "admin or director")
	cmd.Flags().StringArrayVar(&f.orgs, "org", nil, "an organization a director may see (repeat for several)")
	return cmd
}

// accessFlags are the flags of `access add`.
type accessFlags struct {
	keyText, keyFile, name, role string
	orgs                         []string
}

// accessAdd is `access add`: it stores the access record the flags describe and says
// what it added or changed.
func (a *app) accessAdd(w io.Writer, f accessFlags) error {
	keyText, err := a.keyText(f.keyText, f.keyFile)
	if err != nil {
		return err
	}
	key, fp, err := ParseKey(keyText)
	if err != nil {
		return usageError{err}
	}
	r := store.Role(f.role)
	if !r.Valid() {
		return usagef("--role must be admin or director, not %q", f.role)
	}
	if r == store.Director && len(f.orgs) == 0 {
		return usagef("a director needs at least one --org ORG (the organizations they may see)")
	}
	if r == store.Admin && len(f.orgs) > 0 {
		return usagef("an admin sees every organization: leave out --org")
	}
	st, err := a.open(false)
	if err != nil {
		return err
	}
	defer a.closeStore(st)
	ids, err := a.orgIDs(st, f.orgs)
	if err != nil {
		return err
	}
	rec := store.Access{
		Fingerprint: fp, Name: f.name, Role: r, Orgs: ids,
		Key: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))),
	}
	prev, err := st.PutAccess(rec)
	if err != nil {
		return err
	}
	name := strings.TrimSpace(f.name)
	if prev == nil {
		fmt.Fprintf(w, "added %s (%s, %s) with key %s\n", name, r, orgsText(r, ids), fp)
		return nil
	}
	if changes := accessChanges(*prev, name, r, ids); len(changes) > 0 {
		fmt.Fprintf(w, "updated the existing record of key %s: %s\n", fp, strings.Join(changes, "; "))
	} else {
		fmt.Fprintf(w, "key %s already has this access: %s (%s, %s); nothing changed\n", fp, name, r, orgsText(r, ids))
	}
	return nil
}

// keyText is the public key given as text (--key) or read from a file or, with "-",
// standard input (--key-file); exactly one of them.
func (a *app) keyText(text, file string) (string, error) {
	if (text == "") == (file == "") {
		return "", usagef("give the public key with exactly one of --key-file FILE, --key-file - (standard input) or --key '…'")
	}
	if a.env.Remote && file != "" && file != "-" {
		return "", usagef("over SSH the server cannot read your files: use --key-file - < %s", file)
	}
	switch {
	case file == "-":
		data, err := readKeyStdin(a.env.Stdin, a.env.Remote)
		return string(data), err
	case file != "":
		data, err := readLimited(file, maxKeyFile)
		return string(data), err
	}
	return text, nil
}

// orgIDs resolves organization references (ids or names) to ids, each once.
func (a *app) orgIDs(st *store.Store, refs []string) ([]string, error) {
	ids := make([]string, 0, len(refs))
	for _, o := range refs {
		org, err := st.Organization(o)
		if errors.Is(err, store.ErrNotFound) {
			return nil, fmt.Errorf("no organization %q%s", o, a.orgHint(st))
		} else if err != nil {
			return nil, err
		}
		if !slices.Contains(ids, org.ID) {
			ids = append(ids, org.ID)
		}
	}
	return ids, nil
}

// orgsText names what a record with role r and organizations ids may see.
func orgsText(r store.Role, ids []string) string {
	if r == store.Admin {
		return "every organization"
	}
	return strings.Join(ids, ", ")
}

// accessChanges lists what differs between the old record and the new name, role and
// organizations, as "what: old → new".
func accessChanges(old store.Access, name string, r store.Role, ids []string) []string {
	var out []string
	if old.Name != name {
		out = append(out, fmt.Sprintf("name: %s → %s", old.Name, name))
	}
	if old.Role != r {
		out = append(out, fmt.Sprintf("role: %s → %s", old.Role, r))
	}
	if oldOrgs := orgsText(old.Role, old.Orgs); oldOrgs != orgsText(r, ids) {
		out = append(out, fmt.Sprintf("organizations: %s → %s", oldOrgs, orgsText(r, ids)))
	}
	return out
}

// stdinWait is how long an SSH caller's key may take to arrive: a forgotten "< key.pub"
// leaves the server reading the caller's terminal, and the command should end with a
// hint rather than wait for ever.
var stdinWait = time.Minute

// readKeyStdin reads a public key from standard input (--key-file -), at most
// maxKeyFile bytes; over SSH (remote) for at most stdinWait.
func readKeyStdin(in io.Reader, remote bool) ([]byte, error) {
	if remote {
		type result struct {
			data []byte
			err  error
		}
		done := make(chan result, 1)
		go func() {
			// The read ends when the key has arrived or the session closes.
			data, err := readKeyStdin(in, false)
			done <- result{data, err}
		}()
		select {
		case r := <-done:
			return r.data, r.err
		case <-time.After(stdinWait):
			return nil, usagef("no key arrived on standard input within %s: add < key.pub to the ssh command", stdinWait)
		}
	}
	if f, ok := in.(*os.File); ok {
		if fi, err := f.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 {
			return nil, usagef("--key-file - reads the key from standard input, which is a terminal: add < key.pub")
		}
	}
	data, err := io.ReadAll(io.LimitReader(in, maxKeyFile+1))
	if err != nil {
		return nil, fmt.Errorf("read the key from standard input: %w", err)
	}
	if len(data) > maxKeyFile {
		return nil, usagef("standard input is larger than %d bytes: send one public key (key.pub)", maxKeyFile)
	}
	if len(strings.TrimSpace(string(data))) == 0 {
		return nil, usagef("no key arrived on standard input: add < key.pub to the command")
	}
	return data, nil
}

func (a *app) accessListCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List who may connect over SSH",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := a.open(true)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			list, err := st.Accesses()
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			if len(list) == 0 {
				fmt.Fprintln(w, "nobody may connect yet: add an admin with `cebalance access add --key-file ~/.ssh/id_ed25519.pub --name NAME --role admin`")
				return nil
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tROLE\tORGANIZATIONS\tFINGERPRINT\tADDED")
			for _, x := range list {
				orgs := "all"
				if x.Role == store.Director {
					orgs = strings.Join(x.Orgs, ",")
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", x.Name, x.Role, orgs, x.Fingerprint, x.AddedAt.Format("2006-01-02"))
			}
			return tw.Flush()
		},
	}
}

func (a *app) accessRevokeCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "revoke FINGERPRINT",
		Short: "Stop a key from connecting (new sessions are refused at once)",
		Args:  exactArgs(1, "the key's fingerprint (SHA256:…, see `access list`)"),
		RunE: func(cmd *cobra.Command, args []string) error {
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			fp := strings.TrimSpace(args[0])
			if err := st.RevokeAccess(fp); err != nil {
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("no access record with fingerprint %s: see `cebalance access list`", fp)
				}
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "revoked %s\n", fp)
			return nil
		},
	}
}
