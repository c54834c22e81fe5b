// Package report renders scorecards and histories as text, Markdown, JSON and CSV.
//
// The text and Markdown forms are for people: text for a terminal or a pipe (plain, no
// color, at most 80 columns), Markdown for a committee packet. The JSON and CSV forms
// are for machines; their shape is a contract with their users and does not change with the
// wording of the human forms.
//
// Every renderer writes to an io.Writer in one Write, so a failed render never leaves
// half a report behind. The package is pure: it imports only the standard library and
// the domain packages.
package report
