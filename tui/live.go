package tui

import "cebalance/assessment"

// Messages from outside the TUI about the live state of what it shows: sent with
// tea.Program.Send by the server, which owns every session of one process. The local
// single-user TUI never gets them.

// AccessChangedMsg tells a running TUI that its user's access changed (an administrator
// removed an organization from them, or demoted them): CanSee and CanCreate replace
// Options.CanSee and Options.CanCreate. A screen of an organization the user may no
// longer see closes, saying so; what was saved stays saved.
type AccessChangedMsg struct {
	CanSee    func(orgID string) bool
	CanCreate bool
}

// PresenceMsg says who else has draft Number of organization OrgID open: Others are
// their names, one per other session.
type PresenceMsg struct {
	OrgID  string
	Number int
	Others []string
}

// DraftChangedMsg tells the sessions on a draft about a change another session saved:
// the answer to Function (Answer nil: cleared), or the Profile. Rev is the draft's
// revision after the change; By names who made it.
type DraftChangedMsg struct {
	OrgID    string
	Number   int
	Rev      int
	By       string
	Function string
	Answer   *assessment.Answer
	Profile  *assessment.Profile
	// Deleted is set when the draft was discarded.
	Deleted bool
}
