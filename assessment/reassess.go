package assessment

import (
	"fmt"
	"time"

	"cebalance/questions"
)

// Carried is what a re-assessment knows about one function of its bank from the last
// completed assessment.
type Carried struct {
	// New is true when the last assessment's bank did not have the function: it starts
	// unanswered and is marked NewIn.
	New bool
	// Last is the last answer (zero when there was none, or the function is new).
	Last Answer
}

// NewIn returns the mark shown on a function that is new in bank b, e.g. "new in v2".
func NewIn(b *questions.Bank) string { return fmt.Sprintf("new in v%d", b.Version) }

// Prefill starts the answers of a re-assessment with bank from the last completed
// assessment last (answered with lastBank): every function both banks have is prefilled
// with last time's answer and note, matched by function id; new functions and answers
// the new bank does not accept (such as "not applicable" where it is no longer allowed)
// stay unanswered. The answers keep their time of answering. carried has one entry per
// function of bank, by id.
func Prefill(bank, lastBank *questions.Bank, last *Assessment) (answers map[string]Answer, carried map[string]Carried) {
	answers = make(map[string]Answer, len(bank.Functions))
	carried = make(map[string]Carried, len(bank.Functions))
	for i := range bank.Functions {
		f := &bank.Functions[i]
		if lastBank == nil || last == nil || lastBank.FunctionIndex(f.ID) < 0 {
			carried[f.ID] = Carried{New: lastBank != nil && last != nil}
			continue
		}
		a, ok := last.Answers[f.ID]
		carried[f.ID] = Carried{Last: a}
		if ok && f.Allows(a.Performer) {
			answers[f.ID] = a
		}
	}
	return answers, carried
}

// NoteFor returns the note to save with an answer of p to a prefilled function whose
// last answer was last: a note carries over only while the answer is unchanged. When the
// answer changes, last time's note is dropped unless the director chose to keep it
// (keep) — it described the old answer, and would otherwise contradict the new one.
// A note the director typed (typed, not empty) always wins.
func NoteFor(last Answer, p Performer, typed string, keep bool) string {
	switch {
	case typed != "" && typed != last.Note:
		return typed
	case p == last.Performer, keep:
		return last.Note
	}
	return ""
}

// LastNote returns last time's note to show beside a changed answer, or "" when the
// answer is unchanged (the note is then carried) or there was no note.
func LastNote(last Answer, p Performer) string {
	if p == last.Performer {
		return ""
	}
	return last.Note
}

// DefaultDueAfter is how many months after the last completed assessment a
// re-assessment is due when nothing else is configured: once a year, as the
// environment-of-care committee reviews its programs.
const DefaultDueAfter = 12

// MaxDueAfter is the longest interval between assessments the due date takes, in
// months (ten years).
const MaxDueAfter = 120

// ReassessmentDue reports whether a re-assessment is due at now: months or more
// (calendar months; DefaultDueAfter when months is 0 or less) after the last completed
// assessment, completed at last.
func ReassessmentDue(last, now time.Time, months int) bool {
	if months <= 0 {
		months = DefaultDueAfter
	}
	return !now.Before(last.AddDate(0, min(months, MaxDueAfter), 0))
}
