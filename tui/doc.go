// Package tui is the interactive terminal interface of cebalance: the organizations a
// user can see, the profile form, the questionnaire with autosave and resume, the
// balance scorecard, the history and the comparison of two assessments.
//
// # Structure
//
// Only the root model (New) implements tea.Model. Each screen is an unexported struct in
// its own file with update, view, setSize and the key bindings it honours (keys.go). The
// root routes by a typed screen enum kept as a stack, so esc always goes back to where
// the user came from. Screens never reach into each other: they return commands that
// yield messages (…Msg), and the root switches screens.
//
// # Data
//
// The TUI reaches storage only through the Store interface, and only in tea.Cmds
// (commands.go): every store call and every scoring computation runs in a command whose
// result message is kept in the model. View is pure and cheap: long pages (scorecard,
// comparison) are rendered into their viewport when their data or the window size
// changes, never in View.
//
// An answer is shown as saved only after the store's write has returned; a failed write
// opens the error view and the answer is not marked. Nothing is saved on exit, because
// everything is saved as it is given.
//
// # Styles
//
// Styles come from the renderer passed in Options (the SSH session's, or the default
// one): there are no package-level styles. Every state is spelled out in words or marked
// with a letter, so the interface reads the same with NO_COLOR and on monochrome
// terminals.
package tui
