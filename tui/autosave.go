package tui

import (
	"errors"

	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/store"
)

// autosave is the one queue of store writes of a session, owned by the root and used
// by every screen that saves (the questionnaire and the profile form), which get it
// when they are built. A screen queues a write with add, in the Update that took the
// key, so that a quit typed right after it knows the write is pending; per draft,
// writes go out one at a time, in order, so a slow write never lets an older value
// overwrite a newer one. The result comes to the root, which gives it back to the
// screen that asked (the job's owner); that screen shows a value as saved only then.
// Quitting waits until the queues are empty.
type autosave struct {
	st     Store
	queues map[draftKey]*saveQueue
}

// saveQueue is the writes of one draft; jobs[:flight] are in flight, in one store
// call.
type saveQueue struct {
	jobs   []saveJob
	flight int
	// stored is the profile as the store returned it after the last profile write;
	// acks counts those returns. A profile write queued behind another is based on
	// what that one stored, not on what the form knew when it asked.
	stored assessment.Profile
	acks   int
}

// saveJob is one write: an answer (fid set), a cleared answer, or profile fields.
type saveJob struct {
	owner screenID
	draft draftKey

	// An answer: base is the answer the editor saw when giving it (nil: unanswered):
	// the store writes only while it still holds base. based is set when base is
	// given for sure (an overwrite after a conflict); otherwise the last queued write
	// of the same function, when there is one, is what the editor saw.
	fid   string
	ans   assessment.Answer
	clear bool
	base  *assessment.Answer
	based bool

	// Profile fields: profile holds the editor's values, pbase what it knew to be
	// stored; reqs are the fields asked for, one per request, repeats kept (queued
	// requests are merged into one write).
	profile assessment.Profile
	pbase   assessment.Profile
	fields  []assessment.ProfileField
	reqs    []assessment.ProfileField
	ackAt   int // queue.acks when asked
}

func newAutosave(st Store) *autosave {
	return &autosave{st: st, queues: map[draftKey]*saveQueue{}}
}

// writing reports whether any write is queued or in flight.
func (a *autosave) writing() bool { return len(a.queues) > 0 }

// add queues j and returns the command of the write when none was in flight.
func (a *autosave) add(j saveJob) tea.Cmd {
	q := a.queues[j.draft]
	if q == nil {
		q = &saveQueue{}
		a.queues[j.draft] = q
	}
	if j.fid != "" && !j.based {
		for i := len(q.jobs) - 1; i >= 0; i-- {
			if w := q.jobs[i]; w.fid == j.fid {
				j.base = nil
				if !w.clear {
					ans := w.ans
					j.base = &ans
				}
				break
			}
		}
		j.based = true
	}
	if j.fid == "" {
		j.reqs = append([]assessment.ProfileField(nil), j.fields...)
		j.ackAt = q.acks
		// A profile write waiting behind the one in flight takes the new fields: the
		// form's latest values go out in one write.
		if n := len(q.jobs); n > q.flight && q.jobs[n-1].fid == "" {
			w := &q.jobs[n-1]
			w.profile = j.profile
			w.reqs = append(w.reqs, j.reqs...)
			for _, f := range j.fields {
				if !hasField(w.fields, f) {
					w.fields = append(w.fields, f)
				}
			}
			return nil
		}
	}
	q.jobs = append(q.jobs, j)
	if len(q.jobs) > 1 {
		return nil
	}
	return a.dispatch(q)
}

func hasField(fs []assessment.ProfileField, f assessment.ProfileField) bool {
	for _, x := range fs {
		if x == f {
			return true
		}
	}
	return false
}

func (a *autosave) dispatch(q *saveQueue) tea.Cmd {
	j := q.jobs[0]
	k := j.draft
	if j.fid == "" {
		base := j.pbase
		if q.acks > j.ackAt {
			base = q.stored
		}
		q.flight = 1
		return saveProfile(a.st, k, j.profile, base, j.fields, j.reqs)
	}
	n := 1
	for n < len(q.jobs) && n < maxWrites && q.jobs[n].fid != "" && !hasFunction(q.jobs[:n], q.jobs[n].fid) {
		n++
	}
	q.flight = n
	return saveAnswers(a.st, k, q.jobs[:n:n])
}

// maxWrites bounds the answers one store call writes.
const maxWrites = 64

// hasFunction reports whether a job of jobs writes function fid. The writes of one call
// are of distinct functions: a second write of one function is based on the first, so
// it waits for the first's result (on a conflict, it is dropped; see answered).
func hasFunction(jobs []saveJob, fid string) bool {
	for _, j := range jobs {
		if j.fid == fid {
			return true
		}
	}
	return false
}

// answered takes the result of an answer write: the job it was, with mine set to the
// last queued write of the same function when the store refused it as a conflict (the
// later ones would only conflict again, so they are dropped), and the next write.
func (a *autosave) answered(msg *answerSavedMsg) tea.Cmd {
	q := a.queues[msg.draft]
	if q == nil || len(q.jobs) == 0 || q.jobs[0].fid != msg.fid {
		return nil // not in the queue (cannot happen: writes go one at a time)
	}
	j := q.jobs[0]
	q.jobs = q.jobs[1:]
	q.flight--
	msg.job, msg.mine = j, j
	if errors.Is(msg.err, store.ErrConflict) {
		// The later writes of the function (none is in this call) are dropped.
		rest := q.jobs[:q.flight]
		for _, w := range q.jobs[q.flight:] {
			if w.fid == j.fid {
				msg.mine = w
				msg.dropped++
				continue
			}
			rest = append(rest, w)
		}
		q.jobs = rest
	}
	if q.flight > 0 {
		return nil // the other results of this call are in the same message
	}
	return a.next(msg.draft, q)
}

// profiled takes the result of a profile write and returns the next write.
func (a *autosave) profiled(msg *profileSavedMsg) tea.Cmd {
	q := a.queues[msg.draft]
	if q == nil || len(q.jobs) == 0 || q.jobs[0].fid != "" {
		return nil
	}
	q.jobs = q.jobs[1:]
	q.flight = 0
	if msg.err == nil {
		q.stored = msg.profile
		q.acks++
	}
	return a.next(msg.draft, q)
}

func (a *autosave) next(k draftKey, q *saveQueue) tea.Cmd {
	if len(q.jobs) == 0 {
		delete(a.queues, k)
		return nil
	}
	return a.dispatch(q)
}

// pendingWrite is the writes of one function on their way to the store: how many, and
// the latest.
type pendingWrite struct {
	n    int
	last saveJob
}

// pending counts, per function, the writes a screen has queued and not yet had back,
// so that the screen shows "saving…" until the last one returns. The zero value is
// ready to use.
type pending map[string]pendingWrite

// add counts j as queued.
func (p *pending) add(j saveJob) {
	if *p == nil {
		*p = pending{}
	}
	w := (*p)[j.fid]
	w.n++
	w.last = j
	(*p)[j.fid] = w
}

// returned counts n writes of fid as returned.
func (p pending) returned(fid string, n int) {
	w := p[fid]
	w.n -= n
	if w.n <= 0 {
		delete(p, fid)
		return
	}
	p[fid] = w
}
