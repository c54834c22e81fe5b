// Command cebalance assesses who does a hospital's clinical engineering work and shows
// the balance between engineering and operations as a scorecard. Run it without a
// command for the interactive questionnaire; `cebalance --help` lists the commands.
package main

import (
	"os"

	"github.com/charmbracelet/lipgloss"

	"cebalance/cli"
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
		TUI: func(st *store.Store, bank *questions.Bank) error {
			return tui.Run(st, tui.Options{Renderer: lipgloss.DefaultRenderer(), Bank: bank, CanCreate: true,
				WritePacket: cli.PacketFile(st, ".")})
		},
		Serve: server.Run,
	}
	os.Exit(cli.Execute(env, os.Args[1:]))
}
