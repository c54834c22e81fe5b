// Command cebalance assesses who does a hospital's clinical engineering work and shows
// the balance between engineering and operations as a scorecard. Run it without a
// command for the interactive questionnaire; `cebalance --help` lists the commands.
package main

import (
	"os"

	"github.com/charmbracelet/lipgloss"

	"cebalance/cli"
	"cebalance/plain"
	"cebalance/questions"
	"cebalance/server"
	"cebalance/store"
	"cebalance/tui"
)

func main() {
	env := &cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		Scope:  cli.Scope{Admin: true, Name: "local"},
		TUI: func(st *store.Store, bank *questions.Bank, dueAfter int) error {
			return tui.Run(st, tui.Options{Renderer: lipgloss.DefaultRenderer(), Bank: bank, CanCreate: true,
				WritePacket: cli.PacketFile(st, "."), DueAfter: dueAfter})
		},
		Serve: serve,
	}
	os.Exit(cli.Execute(env, os.Args[1:]))
}

// serve is `cebalance serve`: the server runs the command line's commands for SSH
// callers, with their permissions, through remoteCommand and remotePlain.
func serve(cfg cli.ServeConfig) error {
	return server.Run(server.RunConfig{
		DBPath: cfg.DBPath, Listen: cfg.Listen, HostKey: cfg.HostKey, Idle: cfg.Idle,
		Bank: cfg.Bank, Stderr: cfg.Stderr,
		Command: remoteCommand,
		Plain:   remotePlain,
	})
}

// remoteCommand runs a non-interactive SSH command.
func remoteCommand(c server.Call, args []string) int {
	return cli.Execute(cli.RemoteEnv(c.Stdin, c.Stdout, c.Stderr, c.Access, c.Store), args)
}

// remotePlain runs the plain questionnaire of an SSH session without a terminal.
func remotePlain(c server.Call, ps plain.Store) error {
	return cli.RunPlain(cli.RemoteEnv(c.Stdin, c.Stdout, c.Stderr, c.Access, c.Store), ps, c.Store, c.Bank)
}
