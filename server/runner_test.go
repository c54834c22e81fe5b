package server

import (
	"cebalance/cli"
	"cebalance/plain"
)

// withCommands wires the command line into cfg the way main does, so that the tests
// run the real commands over SSH. Only the tests import cli: the server depends on no
// command type.
func withCommands(cfg Config) Config {
	cfg.Command = func(c Call, args []string) int {
		return cli.Execute(cli.RemoteEnv(c.Stdin, c.Stdout, c.Stderr, c.Access, c.Store), args)
	}
	cfg.Plain = func(c Call, ps plain.Store) error {
		return cli.RunPlain(cli.RemoteEnv(c.Stdin, c.Stdout, c.Stderr, c.Access, c.Store), ps, c.Store, c.Bank)
	}
	return cfg
}
