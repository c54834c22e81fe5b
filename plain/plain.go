// Package plain is cebalance's accessible mode: the questionnaire as numbered prompts,
// one per line, with no cursor movement and no colour, for screen readers, braille
// displays, `ssh -T` and scripts. It asks the same questions as the TUI, saves every
// answer the moment it is given (and says so in words), resumes a draft where it
// stopped, and prints the scorecard as text at the end.
//
// It reads lines from an io.Reader and writes to an io.Writer, so the same code serves a
// local terminal (`cebalance --plain`), an SSH session without a terminal, and a test
// driving it through a pipe. Every line read is bounded (MaxLine).
package plain

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// MaxLine is the longest input line read; longer lines are refused as a whole.
const MaxLine = 4096

// Store is what plain mode needs from storage. *store.Store satisfies it.
type Store interface {
	Organizations() ([]store.Organization, error)
	CreateOrganization(name string) (store.Organization, error)
	Assessments(orgID string) ([]assessment.Assessment, error)
	// The draft's writes are compare-and-set, as in the TUI: another session may be
	// editing the same draft, and nobody's answer is overwritten unseen.
	DraftRev(orgID string) (assessment.Assessment, int, error)
	StartAssessment(orgID string, bank *questions.Bank) (assessment.Assessment, error)
	SaveAnswerIf(orgID string, number int, functionID string, ans assessment.Answer, base *assessment.Answer) (int, error)
	SaveProfileIf(orgID string, number int, p, base assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error)
	CompleteIf(orgID string, number, rev int) (assessment.Assessment, error)
	Bank(ref questions.Ref) (*questions.Bank, error)
}

// Options configures one plain-mode session.
type Options struct {
	Bank      *questions.Bank         // for new assessments; nil means questions.Default()
	CanSee    func(orgID string) bool // nil means every organization
	CanCreate bool                    // may create organizations
	// Scorecard writes the text scorecard of an assessment; it is the same renderer as
	// `cebalance report`, passed in so that plain mode has no second formatter.
	Scorecard func(w io.Writer, org store.Organization, number int) error
}

// errQuit is returned by a prompt when the user typed q (or the input ended).
var errQuit = errors.New("quit")

// Run runs one plain-mode session until the assessment is complete, the user quits or
// the input ends. Every answer given is saved before the next prompt.
func Run(st Store, in io.Reader, out io.Writer, opts Options) error {
	if opts.Bank == nil {
		opts.Bank = questions.Default()
	}
	s := &session{st: st, in: bufio.NewReaderSize(in, MaxLine), out: out, opts: opts}
	s.say("cebalance, plain mode. Type the number of your choice and press Enter.")
	s.say("Type q to stop at any time: every answer is saved as soon as you give it.")
	err := s.run()
	if errors.Is(err, errQuit) {
		return nil
	}
	return err
}

type session struct {
	st   Store
	in   *bufio.Reader
	out  io.Writer
	opts Options
	rev  int // the draft revision this session last saw
}

func (s *session) say(format string, args ...any) {
	fmt.Fprintf(s.out, format+"\n", args...)
}

// ask prints prompt and returns the next input line, trimmed. q or the end of input
// returns errQuit. A line longer than MaxLine is refused and asked again.
func (s *session) ask(prompt string) (string, error) {
	for {
		fmt.Fprint(s.out, prompt)
		line, err := s.readLine()
		if errors.Is(err, errTooLong) {
			s.say("")
			s.say("That line is longer than %d characters; please type a shorter answer.", MaxLine)
			continue
		}
		if err != nil {
			s.say("")
			return "", errQuit
		}
		line = strings.TrimSpace(line)
		if strings.EqualFold(line, "q") || strings.EqualFold(line, "quit") {
			return "", errQuit
		}
		return line, nil
	}
}

var errTooLong = errors.New("line too long")

// readLine reads one line of at most MaxLine bytes; a longer one is read to its end
// and dropped, so a hostile client cannot make it grow.
func (s *session) readLine() (string, error) {
	line, isPrefix, err := s.in.ReadLine()
	if err != nil {
		return "", err
	}
	if !isPrefix {
		return strings.TrimSuffix(string(line), "\r"), nil
	}
	for isPrefix {
		_, isPrefix, err = s.in.ReadLine()
		if err != nil {
			return "", err
		}
	}
	return "", errTooLong
}

// choose asks for a number from 1 to n until it gets one.
func (s *session) choose(prompt string, n int) (int, error) {
	for {
		line, err := s.ask(prompt)
		if err != nil {
			return 0, err
		}
		k, err := strconv.Atoi(line)
		if err == nil && k >= 1 && k <= n {
			return k, nil
		}
		s.say("Please type a number from 1 to %d (or q to stop).", n)
	}
}

func (s *session) run() error {
	org, err := s.pickOrg()
	if err != nil {
		return err
	}
	draft, bank, err := s.openDraft(org)
	if err != nil || bank == nil {
		return err
	}
	prev := s.previous(org, draft.Number)
	if draft.Profile.Beds == 0 || len(draft.Answers) == 0 {
		if err := s.profile(org, &draft); err != nil {
			return err
		}
	}
	for {
		if err := s.questions(org, &draft, bank, prev); err != nil {
			return err
		}
		done, err := s.finish(org, draft, bank)
		if done || err != nil {
			return err
		}
		// Someone else changed the draft meanwhile: read it again, say what changed, and
		// ask what is left.
		before := draft.Answers
		if draft, s.rev, err = s.st.DraftRev(org.ID); err != nil {
			return err
		}
		for i := range bank.Functions {
			fn := &bank.Functions[i]
			if now, was := draft.Answers[fn.ID], before[fn.ID]; now.Performer != was.Performer {
				s.say("Changed by someone else: %s is now %s.", fn.Name(), answerLabel(now))
			}
		}
	}
}

// pickOrg lists the organizations the user can see and returns the one chosen (or a
// new one).
func (s *session) pickOrg() (store.Organization, error) {
	all, err := s.st.Organizations()
	if err != nil {
		return store.Organization{}, err
	}
	var orgs []store.Organization
	for _, o := range all {
		if !o.PeerOnly && (s.opts.CanSee == nil || s.opts.CanSee(o.ID)) {
			orgs = append(orgs, o)
		}
	}
	if len(orgs) == 0 && !s.opts.CanCreate {
		s.say("You have no organization to assess yet: ask your cebalance administrator.")
		return store.Organization{}, errQuit
	}
	if len(orgs) == 1 && !s.opts.CanCreate {
		s.say("Organization: %s.", orgs[0].Name)
		return orgs[0], nil
	}
	s.say("")
	s.say("Organizations:")
	for i, o := range orgs {
		s.say("%d. %s", i+1, o.Name)
	}
	n := len(orgs)
	if s.opts.CanCreate {
		n++
		s.say("%d. Create a new organization", n)
	}
	k, err := s.choose("Organization number: ", n)
	if err != nil {
		return store.Organization{}, err
	}
	if k <= len(orgs) {
		return orgs[k-1], nil
	}
	for {
		name, err := s.ask("Name of the new organization: ")
		if err != nil {
			return store.Organization{}, err
		}
		org, err := s.st.CreateOrganization(name)
		if err == nil {
			s.say("Created %s (id %s).", org.Name, org.ID)
			return org, nil
		}
		s.say("Not created: %s.", errText(err))
	}
}

// openDraft resumes the organization's draft or, after asking, starts a new one. A nil
// bank means the user chose to stop.
func (s *session) openDraft(org store.Organization) (assessment.Assessment, *questions.Bank, error) {
	draft, rev, err := s.st.DraftRev(org.ID)
	switch {
	case err == nil:
		s.rev = rev
		bank, err := s.st.Bank(draft.Bank)
		if err != nil {
			return draft, nil, err
		}
		s.say("Resuming assessment %d of %s: %d of %d functions answered.",
			draft.Number, org.Name, answered(bank, draft.Answers), len(bank.Functions))
		return draft, bank, nil
	case !errors.Is(err, store.ErrNotFound):
		return draft, nil, err
	}
	k, err := s.choose("1. Start a new assessment\n2. Stop\nChoice: ", 2)
	if err != nil || k == 2 {
		return draft, nil, err
	}
	draft, err = s.st.StartAssessment(org.ID, s.opts.Bank)
	if errors.Is(err, store.ErrDraftExists) { // started in another session a moment ago
		return s.openDraft(org)
	}
	if err != nil {
		return draft, nil, err
	}
	s.say("Started assessment %d of %s.", draft.Number, org.Name)
	return draft, s.opts.Bank, nil
}

// previous returns the completed assessment a draft starts from: the latest by
// completion time (then number), as everywhere else; nil when there is none.
func (s *session) previous(org store.Organization, number int) *assessment.Assessment {
	as, err := s.st.Assessments(org.ID)
	if err != nil {
		return nil
	}
	var prev *assessment.Assessment
	for i := range as {
		a := &as[i]
		if a.Status != assessment.Completed || a.CompletedAt == nil || a.Number >= number {
			continue
		}
		if prev == nil || a.CompletedAt.After(*prev.CompletedAt) ||
			(a.CompletedAt.Equal(*prev.CompletedAt) && a.Number > prev.Number) {
			prev = a
		}
	}
	return prev
}

// profile asks for each profile field, offering the current value (Enter keeps it),
// and saves the profile after each field.
func (s *session) profile(org store.Organization, draft *assessment.Assessment) error {
	s.say("")
	s.say("Profile of %s for this assessment. Press Enter to keep the value in brackets.", org.Name)
	for _, f := range assessment.AllProfileFields {
		cur := draft.Profile.Value(f)
		keep := !(f == assessment.FieldBeds && draft.Profile.Beds == 0)
		for {
			prompt := fmt.Sprintf("%s (%s)", f.Label(), f.Hint())
			if keep {
				prompt += " [" + cur + "]"
			}
			line, err := s.ask(prompt + ": ")
			if err != nil {
				return err
			}
			if line == "" && keep {
				break
			}
			p := draft.Profile
			if err := p.Set(f, line); err != nil {
				s.say("%s", errText(err))
				continue
			}
			stored, rev, err := s.st.SaveProfileIf(org.ID, draft.Number, p, draft.Profile, []assessment.ProfileField{f})
			var ce *store.ConflictError
			if errors.As(err, &ce) {
				s.say("Not saved: %s. Type your value again to replace it, or press Enter to keep it.", errText(err))
				draft.Profile, s.rev, cur, keep = ce.Profile, ce.Rev, ce.Profile.Value(f), true
				continue
			}
			if err != nil {
				s.say("Not saved: %s.", errText(err))
				return err
			}
			draft.Profile, s.rev = stored, rev
			s.say("Saved: %s %s.", f.Label(), p.Value(f))
			if w := stored.Warning(f); w != "" {
				s.say("Warning: %s", w)
			}
			break
		}
	}
	return nil
}

// questions asks every unanswered function, starting where the draft stopped.
func (s *session) questions(org store.Organization, draft *assessment.Assessment, bank *questions.Bank, prev *assessment.Assessment) error {
	total := len(bank.Functions)
	var prevBank *questions.Bank
	if prev != nil {
		if b, err := s.st.Bank(prev.Bank); err == nil {
			prevBank = b
		}
	}
	prefill, carried := assessment.Prefill(bank, prevBank, prev)
	for {
		i := assessment.ResumeIndex(bank, draft.Answers)
		fn := &bank.Functions[i]
		if draft.Answered(fn.ID) {
			return nil
		}
		s.say("")
		domain := fn.Domain
		if d, ok := bank.Domain(fn.Domain); ok {
			domain = d.Name
		}
		title := fmt.Sprintf("Question %d of %d, %s: %s", i+1, total, domain, fn.Name())
		if carried[fn.ID].New {
			title += " (" + assessment.NewIn(bank) + ")"
		}
		s.say("%s", title)
		s.say("%s", fn.Question)
		for k, p := range fn.AnswerOptions() {
			s.say("%d. %s", k+1, p.Label())
		}
		// Last time's answer is a suggestion: nothing is saved until the director
		// answers, and Enter is an answer (the same one, with its note).
		last, hasLast := prefill[fn.ID]
		if hasLast {
			s.say("Last time: %s. Press Enter to keep it.", last.Performer.Label())
			if last.Note != "" {
				s.say("Last time's note: %s", assessment.SanitizeNote(last.Note))
			}
		}
		s.say("Type h for help. To add a note, type it after the number: 3 our lead BMET does this.")
		ans, err := s.answer(fn, last, hasLast)
		if err != nil {
			return err
		}
		var lastHours *float64
		if hasLast {
			lastHours = last.Hours
		}
		if ans.Hours, err = s.hours(ans.Performer, lastHours); err != nil {
			return err
		}
		ans, err = s.save(org, draft, fn, ans)
		if err != nil {
			return err
		}
		draft.Answers[fn.ID] = ans
		saved := fmt.Sprintf("Saved: %s, %s", fn.Name(), ans.Performer.Label())
		if ans.Note != "" {
			saved += ", with your note"
		}
		if ans.Hours != nil {
			saved += ", " + assessment.FormatHours(*ans.Hours) + " hours a month"
		}
		s.say("%s. %d of %d answered.", saved, answered(bank, draft.Answers), total)
	}
}

// hours asks for the optional estimate of hours a month of an answer of p (none for
// "not applicable"): Enter skips, keeping last time's estimate when there was one (the
// prefill), "-" leaves none. A value outside the rule gets one line and the question
// again.
func (s *session) hours(p assessment.Performer, last *float64) (*float64, error) {
	if p == questions.NA {
		return nil, nil
	}
	prompt := "Hours a month, or Enter to skip"
	if last != nil {
		prompt += " [last time: " + assessment.FormatHours(*last) + "; - for none]"
	}
	for {
		line, err := s.ask(prompt + ": ")
		if err != nil {
			return nil, err
		}
		switch line {
		case "":
			return last, nil
		case "-":
			return nil, nil
		}
		h, err := assessment.ParseHours(p, line)
		if err == nil {
			return h, nil
		}
		s.say("%s.", errText(err))
	}
}

// save saves ans for fn as a compare-and-set over the unanswered function this session
// showed. When someone else answered it meanwhile, the user sees their answer and
// chooses; it returns the answer stored in the end.
func (s *session) save(org store.Organization, draft *assessment.Assessment, fn *questions.Function, ans assessment.Answer) (assessment.Answer, error) {
	var base *assessment.Answer
	for {
		rev, err := s.st.SaveAnswerIf(org.ID, draft.Number, fn.ID, ans, base)
		var ce *store.ConflictError
		if !errors.As(err, &ce) {
			if err != nil {
				s.say("Not saved: %s.", errText(err))
				return ans, err
			}
			s.rev = rev
			return ans, nil
		}
		s.rev = ce.Rev
		if ce.Current == nil {
			base = nil // cleared meanwhile: save over the empty answer
			continue
		}
		theirs := *ce.Current
		s.say("Not saved: someone else answered %s meanwhile: %s.", fn.Name(), theirs.Performer.Label())
		k, err := s.choose("1. Keep their answer\n2. Replace it with yours\nChoice: ", 2)
		if err != nil {
			return ans, err
		}
		if k == 1 {
			return theirs, nil
		}
		base = &theirs
	}
}

// answer reads one answer: a number among the function's own answer options,
// optionally followed by a note; Enter keeps last time's answer and its note (when
// hasLast); h shows the help. Last time's note is carried only while the answer is
// unchanged (assessment.NoteFor); to keep it with a changed answer, type it again.
func (s *session) answer(fn *questions.Function, last assessment.Answer, hasLast bool) (assessment.Answer, error) {
	opts := fn.AnswerOptions()
	for {
		line, err := s.ask("Answer: ")
		if err != nil {
			return assessment.Answer{}, err
		}
		if line == "" && hasLast {
			return assessment.Answer{Performer: last.Performer, Note: assessment.NoteFor(last, last.Performer, "", false)}, nil
		}
		if strings.EqualFold(line, "h") || line == "?" {
			s.say("%s", fn.Help)
			continue
		}
		num, note, _ := strings.Cut(line, " ")
		k, err := strconv.Atoi(num)
		if err != nil || k < 1 || k > len(opts) {
			s.say("Please type a number from 1 to %d, optionally followed by a note.", len(opts))
			continue
		}
		note = strings.TrimSpace(note)
		if utf8.RuneCountInString(note) > assessment.MaxNoteRunes {
			s.say("That note is longer than %d characters; please shorten it.", assessment.MaxNoteRunes)
			continue
		}
		p := opts[k-1]
		if !hasLast {
			return assessment.Answer{Performer: p, Note: note}, nil
		}
		if n := assessment.LastNote(last, p); n != "" && note == "" {
			s.say("Last time's note is not kept: the answer changed. Type it after the number to keep it.")
		}
		return assessment.Answer{Performer: p, Note: assessment.NoteFor(last, p, note, false)}, nil
	}
}

// finish completes the assessment when the user agrees and prints its scorecard. It
// returns false, and no error, when someone else changed the draft since this session
// last saw it: the caller reads it again.
func (s *session) finish(org store.Organization, draft assessment.Assessment, bank *questions.Bank) (bool, error) {
	s.say("")
	s.say("All %d functions are answered.", len(bank.Functions))
	k, err := s.choose("1. Complete the assessment and show the scorecard\n2. Stop here (the draft stays saved)\nChoice: ", 2)
	if err != nil || k == 2 {
		return true, err
	}
	done, err := s.st.CompleteIf(org.ID, draft.Number, s.rev)
	if errors.Is(err, store.ErrConflict) {
		s.say("Not completed: someone else changed this draft since you last saw it.")
		return false, nil
	}
	if err != nil {
		s.say("Not completed: %s.", errText(err))
		return true, err
	}
	s.say("Assessment %d of %s is complete.", done.Number, org.Name)
	if s.opts.Scorecard == nil {
		return true, nil
	}
	s.say("")
	return true, s.opts.Scorecard(s.out, org, done.Number)
}

// answerLabel names an answer for the user, "unanswered" for none.
func answerLabel(a assessment.Answer) string {
	if !a.Performer.Valid() {
		return "unanswered"
	}
	return a.Performer.Label()
}

func answered(bank *questions.Bank, answers map[string]assessment.Answer) int {
	return len(bank.Functions) - len(assessment.Unanswered(bank, answers))
}

// errText is an error as one sentence for the user.
func errText(err error) string {
	var fe *assessment.FieldError
	if errors.As(err, &fe) {
		return fe.Msg
	}
	return err.Error()
}
