package cli

import (
	"io"

	"cebalance/plain"
	"cebalance/questions"
	"cebalance/report"
	"cebalance/store"
)

// RunPlain runs the accessible plain mode (numbered prompts, no cursor movement or
// colour) for the caller of env, reading env.Stdin and writing env.Stdout. The answers go
// through ps (the SSH server passes its per-session store, which re-checks access and
// tells other sessions); the scorecard at the end is the text report of st, the same as
// `cebalance report`.
func RunPlain(env *Env, ps plain.Store, st *store.Store, bank *questions.Bank) error {
	a := &app{env: env}
	return plain.Run(ps, env.Stdin, env.Stdout, plain.Options{
		Bank:      bank,
		CanSee:    env.Scope.CanSee,
		CanCreate: env.Scope.Admin,
		Scorecard: func(w io.Writer, org store.Organization, number int) error {
			d, err := a.buildReport(st, org.ID, number)
			if err != nil {
				return err
			}
			return report.Scorecard(w, report.Text, d.Report(), d.Current.Bank, d.Current.Assessment)
		},
	})
}

// wantPlain reports whether the questionnaire should run in plain mode: asked for with
// --plain, or a terminal that cannot move the cursor (TERM=dumb).
func (a *app) wantPlain(flag bool) bool {
	return flag || a.env.Getenv("TERM") == "dumb"
}
