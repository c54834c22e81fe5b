// Package tui is the interactive terminal interface of cebalance: the organizations a
// user can see, the profile form, the questionnaire with autosave and resume, the
// workload pass (every function's estimate of hours a month on one screen), the
// balance scorecard, the history and the comparison of two assessments.
//
// # Structure
//
// Only the root model (New, a *model) implements tea.Model. Each screen is an
// unexported struct in its own file that meets the screen contract (screen.go): id,
// update, view, setSize, help (its keys for the footer, from keys.go), capturing (a
// text field has the keyboard, so q types a "q") and inputRoom. The root holds screens
// by that contract: one registered per id, and a stack of them, so esc always goes
// back to where the user came from. It never switches on which screen it has: a key
// goes to the screen on top, the footer comes from its help, the body from its view,
// and every registered screen gets the size. Adding a screen is one file and one
// screenID.
//
// Screens never reach into each other, nor does the root write their fields: a screen
// returns commands that yield messages (…Msg) asking for something (open the review,
// go back), and the root switches screens and routes data to the screen it is for as
// a message (orgsLoadedMsg to the home screen, reportMsg to the scorecard,
// answersMsg to the review, shownMsg to a screen on top again).
//
// # Saving
//
// One autosave (autosave.go), owned by the root, serves every screen that saves (the
// questionnaire, the workload pass, the profile form), which get it when they are built. A screen queues
// a write in the Update that took the key, so that a quit typed right after it waits
// for it. Per draft, writes go out one at a time, in order; an answer queued behind
// another of the same function is based on it, and profile writes waiting behind
// another are merged. The result comes to the root, which keeps the saved draft and
// gives the result back to the screen that asked; a compare-and-set refusal
// (*store.ConflictError) goes back the same way, and that screen (brought on top) shows
// both values and asks. Quitting waits until the autosave is empty.
//
// # Rendering
//
// What does not change between keys is not rendered again: the footer once per key
// map and width; the review's rows when the answers change; the questionnaire's
// function text once per bank, function, width and color profile, shared by every
// session of the process; the questionnaire's body when something it shows changed
// (a save acknowledged for another function changes only the progress and status
// lines).
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
