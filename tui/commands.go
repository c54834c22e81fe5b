package tui

import (
	"errors"
	"fmt"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// This file holds every command that touches the store, and the messages they return.
// Commands run outside Update (Bubble Tea runs them in goroutines): they must only use
// the values they were given, never the model.

// errMsg reports a failed store call; the root shows the error view. what says what the
// user was doing, e.g. "save your answer to “Repair”".
type errMsg struct {
	what string
	err  error
}

func (e errMsg) Error() string { return "could not " + e.what + ": " + e.err.Error() }

// emit returns a command that yields msg: how screens ask the root to do something.
func emit(msg tea.Msg) tea.Cmd { return func() tea.Msg { return msg } }

// orgSummary is one line of the home screen.
type orgSummary struct {
	org store.Organization
	// latest completed assessment; number 0 when there is none.
	latestNumber  int
	latestDate    time.Time
	latestIndex   *float64
	latestVerdict assessment.Verdict
	// the draft in progress; number 0 when there is none.
	draftNumber   int
	draftAnswered int
	draftTotal    int
}

// orgsLoadedMsg carries the organizations the user can see.
type orgsLoadedMsg struct{ orgs []orgSummary }

func loadOrgs(st Store, canSee func(string) bool) tea.Cmd {
	return func() tea.Msg {
		orgs, err := st.Organizations()
		if err != nil {
			return errMsg{"list the organizations", err}
		}
		out := make([]orgSummary, 0, len(orgs))
		for _, o := range orgs {
			// Peer-only organizations (demo peers, a consortium's data) feed the peer
			// benchmark; nobody assesses them here.
			if o.PeerOnly || (canSee != nil && !canSee(o.ID)) {
				continue
			}
			as, err := st.Assessments(o.ID)
			if err != nil {
				return errMsg{"read the assessments of " + o.Name, err}
			}
			sum := orgSummary{org: o}
			for i := range as {
				a := &as[i]
				bank, err := st.Bank(a.Bank)
				if err != nil {
					return errMsg{"read the question bank of " + o.Name, err}
				}
				switch a.Status {
				case assessment.Completed:
					sc := assessment.Score(bank, a)
					sum.latestNumber, sum.latestIndex, sum.latestVerdict = a.Number, sc.BalanceIndex, sc.Verdict
					if a.CompletedAt != nil {
						sum.latestDate = *a.CompletedAt
					}
				case assessment.Draft:
					sum.draftNumber = a.Number
					sum.draftTotal = len(bank.Functions)
					sum.draftAnswered = sum.draftTotal - len(assessment.Unanswered(bank, a.Answers))
				}
			}
			out = append(out, sum)
		}
		return orgsLoadedMsg{out}
	}
}

// orgCreatedMsg is the result of creating an organization; err is shown on the home
// screen when it is about the name (taken, empty, …).
type orgCreatedMsg struct {
	org store.Organization
	err error
}

func createOrg(st Store, name string) tea.Cmd {
	return func() tea.Msg {
		org, err := st.CreateOrganization(name)
		return orgCreatedMsg{org, err}
	}
}

// assessmentRow is one assessment in the organization screen.
type assessmentRow struct {
	number    int
	status    assessment.Status
	started   time.Time
	completed *time.Time
	index     *float64
	verdict   assessment.Verdict
	answered  int
	total     int
}

// orgLoadedMsg carries an organization's assessments, oldest first.
type orgLoadedMsg struct {
	org  store.Organization
	rows []assessmentRow
}

func loadOrg(st Store, org store.Organization) tea.Cmd {
	return func() tea.Msg {
		as, err := st.Assessments(org.ID)
		if err != nil {
			return errMsg{"read the assessments of " + org.Name, err}
		}
		rows := make([]assessmentRow, 0, len(as))
		for i := range as {
			a := &as[i]
			bank, err := st.Bank(a.Bank)
			if err != nil {
				return errMsg{"read the question bank of assessment #" + fmt.Sprint(a.Number), err}
			}
			sc := assessment.Score(bank, a)
			rows = append(rows, assessmentRow{
				number: a.Number, status: a.Status, started: a.StartedAt, completed: a.CompletedAt,
				index: sc.BalanceIndex, verdict: sc.Verdict, answered: sc.Answered, total: sc.Total,
			})
		}
		return orgLoadedMsg{org, rows}
	}
}

// sessionMsg opens a draft for answering: its bank, and the previous completed
// assessment (nil for a first assessment) whose answers are shown as "last time".
type sessionMsg struct {
	org      store.Organization
	draft    assessment.Assessment
	bank     *questions.Bank
	prev     *assessment.Assessment
	prevBank *questions.Bank // the bank prev was answered with
	started  bool            // a new draft, rather than one resumed
	workload bool            // open the workload pass rather than the questions
	rev      int             // the draft's revision as read
}

// startSession starts a new draft; when one exists already (started in another
// session a moment ago) it resumes that one instead.
func startSession(st Store, org store.Organization, bank *questions.Bank) tea.Cmd {
	return func() tea.Msg {
		a, err := st.StartAssessment(org.ID, bank)
		switch {
		case errors.Is(err, store.ErrDraftExists):
			return resume(st, org)
		case err != nil:
			return errMsg{"start a new assessment for " + org.Name, err}
		}
		return session(st, org, a, true)
	}
}

func resumeSession(st Store, org store.Organization) tea.Cmd {
	return func() tea.Msg { return resume(st, org) }
}

// resumeWorkload resumes the draft for the workload pass.
func resumeWorkload(st Store, org store.Organization) tea.Cmd {
	return func() tea.Msg {
		msg := resume(st, org)
		if s, ok := msg.(sessionMsg); ok {
			s.workload = true
			return s
		}
		return msg
	}
}

func resume(st Store, org store.Organization) tea.Msg {
	a, rev, err := st.DraftRev(org.ID)
	if err != nil {
		return errMsg{"open the draft of " + org.Name, err}
	}
	msg := session(st, org, a, false)
	if s, ok := msg.(sessionMsg); ok {
		s.rev = rev
		return s
	}
	return msg
}

func session(st Store, org store.Organization, draft assessment.Assessment, started bool) tea.Msg {
	// One read for the bank and the previous completed assessment (by completion
	// time), the same that the scorecard of this draft will compare with.
	d, err := st.ReportData(org.ID, draft.Number, nil)
	if err != nil {
		return errMsg{"read the assessments of " + org.Name, err}
	}
	if d.Current == nil {
		return errMsg{"read the question bank of assessment #" + fmt.Sprint(draft.Number),
			fmt.Errorf("assessment #%d of %s: %w", draft.Number, org.Name, store.ErrNotFound)}
	}
	msg := sessionMsg{org: org, draft: draft, bank: d.Current.Bank, started: started}
	if draft.Answers == nil {
		msg.draft.Answers = map[string]assessment.Answer{}
	}
	if d.Previous != nil {
		msg.prev, msg.prevBank = d.Previous.Assessment, d.Previous.Bank
	}
	return msg
}

// answerSavedMsg is the result of saving (or clearing) one answer. The questionnaire
// marks the answer saved only when it arrives without an error. A *store.ConflictError
// means someone else changed the answer first: nothing was written.
type answerSavedMsg struct {
	draft   draftKey
	fid     string
	ans     assessment.Answer
	cleared bool
	rev     int // the draft's revision after the write
	err     error

	// Filled in by the autosave: the write this is the result of; on a conflict, the
	// last queued write of the same function (what the editor wants) and how many
	// queued writes of it were dropped.
	job, mine saveJob
	dropped   int
}

// answersSavedMsg is the results of one write of several answers (see
// store.SaveAnswersIf), in the order of the writes.
type answersSavedMsg []answerSavedMsg

// saveAnswers writes the answer jobs (answers and cleared answers of one draft, each
// function once) in one store call; one job's result comes as an answerSavedMsg,
// several as an answersSavedMsg.
func saveAnswers(st Store, k draftKey, jobs []saveJob) tea.Cmd {
	jobs = append([]saveJob(nil), jobs...) // the queue's slice changes as results return
	writes := make([]store.AnswerWrite, len(jobs))
	for i, j := range jobs {
		writes[i] = store.AnswerWrite{Function: j.fid, Answer: j.ans, Clear: j.clear, Base: j.base}
	}
	return func() tea.Msg {
		res, err := st.SaveAnswersIf(k.org, k.number, writes)
		msgs := make(answersSavedMsg, len(jobs))
		for i, j := range jobs {
			msgs[i] = answerSavedMsg{draft: k, fid: j.fid, cleared: j.clear, err: err}
			if !j.clear {
				msgs[i].ans = j.ans
			}
			if err == nil {
				msgs[i].rev, msgs[i].err = res[i].Rev, res[i].Err
			}
		}
		if len(msgs) == 1 {
			return msgs[0]
		}
		return msgs
	}
}

// profileSavedMsg is the result of saving the profile after fields changed: profile is
// what the store holds now (the editor's fields over everyone else's). reqs are the
// fields as asked for, one per request.
type profileSavedMsg struct {
	draft   draftKey
	profile assessment.Profile
	fields  []assessment.ProfileField
	reqs    []assessment.ProfileField
	rev     int
	err     error
}

func saveProfile(st Store, k draftKey, p, base assessment.Profile, fields, reqs []assessment.ProfileField) tea.Cmd {
	return func() tea.Msg {
		stored, rev, err := st.SaveProfileIf(k.org, k.number, p, base, fields)
		return profileSavedMsg{draft: k, profile: stored, fields: fields, reqs: reqs, rev: rev, err: err}
	}
}

// draftReloadedMsg carries the draft as stored now, read again after finishing was
// refused because it changed since the review was shown.
type draftReloadedMsg struct {
	org   store.Organization
	draft assessment.Assessment
	rev   int
}

func reloadDraft(st Store, org store.Organization) tea.Cmd {
	return func() tea.Msg {
		a, rev, err := st.DraftRev(org.ID)
		if err != nil {
			return errMsg{"read the draft of " + org.Name + " again", err}
		}
		return draftReloadedMsg{org, a, rev}
	}
}

// completedMsg is the result of finishing an assessment.
type completedMsg struct {
	org store.Organization
	a   assessment.Assessment
	err error
}

func completeAssessment(st Store, org store.Organization, number, rev int) tea.Cmd {
	return func() tea.Msg {
		a, err := st.CompleteIf(org.ID, number, rev)
		return completedMsg{org, a, err}
	}
}

// reportMsg carries the scorecard of one assessment, assembled from one store read
// (store.ReportData).
type reportMsg struct {
	org    store.Organization
	report *scored
}

// scored is a scorecard with the assessment it is about (for the notes on gaps).
type scored struct {
	report *assessment.Report
	a      *assessment.Assessment
}

// loadReport loads the scorecard of assessment number of org; own are the
// organizations the user can see beyond org (a director's), left out of the peers.
func loadReport(st Store, org store.Organization, number int, own []string) tea.Cmd {
	return func() tea.Msg {
		what := fmt.Sprintf("compute the scorecard of assessment #%d", number)
		d, err := st.ReportData(org.ID, number, own)
		if err != nil {
			return errMsg{what, err}
		}
		if d.Current == nil {
			return errMsg{what, fmt.Errorf("assessment #%d of %s: %w", number, org.Name, store.ErrNotFound)}
		}
		return reportMsg{org, &scored{d.Report(), d.Current.Assessment}}
	}
}

// historyMsg carries an organization's trend and its completed assessments (for
// comparisons), in the trend's order.
type historyMsg struct {
	org     store.Organization
	trend   assessment.Trend
	done    []assessment.Scored
	compare bool // opened to compare: say how
}

func loadHistory(st Store, org store.Organization, compare bool) tea.Cmd {
	return func() tea.Msg {
		as, err := st.Assessments(org.ID)
		if err != nil {
			return errMsg{"read the history of " + org.Name, err}
		}
		items := make([]assessment.Scored, 0, len(as))
		byNumber := make(map[int]assessment.Scored, len(as))
		for i := range as {
			bank, err := st.Bank(as[i].Bank)
			if err != nil {
				return errMsg{"read the history of " + org.Name, err}
			}
			s := assessment.Scored{Bank: bank, Assessment: &as[i]}
			items = append(items, s)
			byNumber[as[i].Number] = s
		}
		trend := assessment.History(items)
		done := make([]assessment.Scored, len(trend.Points))
		for i, p := range trend.Points {
			done[i] = byNumber[p.Number]
		}
		return historyMsg{org, trend, done, compare}
	}
}

// comparisonMsg carries the comparison of two assessments.
type comparisonMsg struct {
	org store.Organization
	cmp assessment.Comparison
}

func compareAssessments(org store.Organization, from, to assessment.Scored) tea.Cmd {
	return func() tea.Msg {
		return comparisonMsg{org, assessment.Compare(from, to)}
	}
}

// Messages screens send to ask the root for something.
type (
	// backMsg leaves the current screen.
	backMsg struct{}
	// listOrgsMsg asks for the organizations again.
	listOrgsMsg struct{}
	// openOrgMsg opens an organization.
	openOrgMsg struct{ org store.Organization }
	// startMsg starts a new assessment.
	startMsg struct{ org store.Organization }
	// resumeMsg resumes the draft.
	resumeMsg struct{ org store.Organization }
	// openScorecardMsg shows the scorecard of an assessment.
	openScorecardMsg struct {
		org    store.Organization
		number int
	}
	// openHistoryMsg shows the history; compare starts with the comparison hint.
	openHistoryMsg struct {
		org     store.Organization
		compare bool
	}
	// compareMsg asks for the comparison of two completed assessments.
	compareMsg struct {
		org      store.Organization
		from, to assessment.Scored
	}
	// profileDoneMsg leaves the profile form for the questions.
	profileDoneMsg struct{ profile assessment.Profile }
	// editProfileMsg opens the profile form from the questions.
	editProfileMsg struct{}
	// openReviewMsg opens the review screen, with the cursor on function at.
	openReviewMsg struct {
		at     int
		finish bool // go straight to finishing: the refusal, or the confirmation
	}
	// openWorkloadMsg opens the workload pass of the open draft, with the cursor on
	// function at.
	openWorkloadMsg struct{ at int }
	// orgWorkloadMsg opens the workload pass of an organization's draft from its
	// screen: the draft is read first when it is not the one open.
	orgWorkloadMsg struct{ org store.Organization }
	// editAnswerMsg goes from the review back to one function.
	editAnswerMsg struct{ index int }
	// finishMsg asks to complete the assessment.
	finishMsg struct{}
)

// Discarding a draft and the community benchmark.
type (
	// discardDraftMsg asks to discard draft number of org (the org screen asked
	// first).
	discardDraftMsg struct {
		org    store.Organization
		number int
	}
	// draftDiscardedMsg reports the draft discarded, or why not.
	draftDiscardedMsg struct {
		org    store.Organization
		number int
		err    error
	}
	// openBenchmarkMsg asks for the community benchmark.
	openBenchmarkMsg struct{}
	// benchmarkMsg carries the community benchmark.
	benchmarkMsg struct{ b assessment.Benchmark }
)

// discardDraft deletes draft number of org; the store refuses a completed assessment.
func discardDraft(st Store, org store.Organization, number int) tea.Cmd {
	return func() tea.Msg {
		return draftDiscardedMsg{org, number, st.DeleteDraft(org.ID, number)}
	}
}

// loadBenchmark computes the community benchmark, leaving out own (a director's
// organizations).
func loadBenchmark(st Store, own []string) tea.Cmd {
	return func() tea.Msg {
		b, err := st.Benchmark(own)
		if err != nil {
			return errMsg{"compute the community benchmark", err}
		}
		return benchmarkMsg{b}
	}
}
