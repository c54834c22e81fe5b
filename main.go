// Command cebalance assesses who does a hospital's clinical engineering work and shows
// the balance between engineering and operations as a scorecard. Run it without a
// command for the interactive questionnaire; `cebalance --help` lists the commands.
package main

import (
	"errors"
	"os"

	"cebalance/cli"
	"cebalance/questions"
	"cebalance/store"
)

func main() {
	env := &cli.Env{
		Stdin:  os.Stdin,
		Stdout: os.Stdout,
		Stderr: os.Stderr,
		Getenv: os.Getenv,
		Scope:  cli.Scope{Admin: true, Name: "local"},
		TUI: func(st *store.Store, bank *questions.Bank) error {
			return errors.New("the interactive questionnaire is not built yet: use report, history or demo")
		},
	}
	os.Exit(cli.Execute(env, os.Args[1:]))
}
