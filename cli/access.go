package cli

import (
	"errors"
	"fmt"
	"strings"
	"text/tabwriter"

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

func (a *app) accessAddCmd() *cobra.Command {
	var keyText, keyFile, name, role string
	var orgs []string
	cmd := &cobra.Command{
		Use:   "add (--key 'ssh-ed25519 AAAA…' | --key-file FILE) --name NAME --role admin|director [--org ORG …]",
		Short: "Allow an SSH public key to connect",
		Args:  exactArgs(0, "only flags"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if (keyText == "") == (keyFile == "") {
				return usagef("give the public key with exactly one of --key or --key-file")
			}
			if a.env.Remote && keyFile != "" {
				return usagef("--key-file is not available over SSH: use --key '…'")
			}
			if keyFile != "" {
				data, err := readLimited(keyFile, 64<<10)
				if err != nil {
					return err
				}
				keyText = string(data)
			}
			key, fp, err := ParseKey(keyText)
			if err != nil {
				return usageError{err}
			}
			r := store.Role(role)
			if !r.Valid() {
				return usagef("--role must be admin or director, not %q", role)
			}
			if r == store.Director && len(orgs) == 0 {
				return usagef("a director needs at least one --org ORG (the organizations they may see)")
			}
			if r == store.Admin && len(orgs) > 0 {
				return usagef("an admin sees every organization: leave out --org")
			}
			st, err := a.open(false)
			if err != nil {
				return err
			}
			defer a.closeStore(st)
			ids := make([]string, 0, len(orgs))
			for _, o := range orgs {
				org, err := st.Organization(o)
				if errors.Is(err, store.ErrNotFound) {
					return fmt.Errorf("no organization %q%s", o, a.orgHint(st))
				} else if err != nil {
					return err
				}
				ids = append(ids, org.ID)
			}
			rec := store.Access{
				Fingerprint: fp, Name: name, Role: r, Orgs: ids,
				Key: strings.TrimSpace(string(gossh.MarshalAuthorizedKey(key))),
			}
			if err := st.AddAccess(rec); err != nil {
				return err
			}
			what := "every organization"
			if r == store.Director {
				what = strings.Join(ids, ", ")
			}
			fmt.Fprintf(cmd.OutOrStdout(), "added %s (%s, %s) with key %s\n", strings.TrimSpace(name), r, what, fp)
			return nil
		},
	}
	cmd.Flags().StringVar(&keyText, "key", "", "the public key line, e.g. 'ssh-ed25519 AAAA… name@host'")
	cmd.Flags().StringVar(&keyFile, "key-file", "", "a file holding the public key (e.g. id_ed25519.pub)")
	cmd.Flags().StringVar(&name, "name", "", "the person's name")
	cmd.Flags().StringVar(&role, "role", "", "admin or director")
	cmd.Flags().StringArrayVar(&orgs, "org", nil, "an organization a director may see (repeat for several)")
	return cmd
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
