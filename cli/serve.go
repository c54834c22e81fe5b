package cli

import (
	"time"

	"github.com/spf13/cobra"
)

func (a *app) serveCmd() *cobra.Command {
	cfg := ServeConfig{}
	cmd := &cobra.Command{
		Use:   "serve",
		Short: "Serve the questionnaire over SSH (public-key access; see `access`)",
		Args:  exactArgs(0, "only flags"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if cfg.Idle <= 0 {
				return usagef("--idle must be a positive duration such as 30m")
			}
			path, err := a.path()
			if err != nil {
				return err
			}
			bank, err := a.bank()
			if err != nil {
				return err
			}
			cfg.DBPath, cfg.Bank, cfg.Stderr = path, bank, cmd.ErrOrStderr()
			return a.env.Serve(cfg)
		},
	}
	cmd.Flags().StringVar(&cfg.Listen, "listen", "127.0.0.1:23234", "address to listen on")
	cmd.Flags().StringVar(&cfg.HostKey, "host-key", "", "host key file (default: ssh_host_ed25519 next to the database, created at first start)")
	cmd.Flags().DurationVar(&cfg.Idle, "idle", 30*time.Minute, "disconnect a session after this long without a key press")
	return cmd
}
