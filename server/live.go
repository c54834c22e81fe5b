package server

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"sync"
	"time"

	tea "github.com/charmbracelet/bubbletea"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
	"cebalance/tui"
)

// RevokedMessage is what a session is told when its key's access is revoked.
const RevokedMessage = "your access was revoked by an administrator — everything you saved is kept"

// accessInterval is how often the live sessions' access is checked. A check reads a
// session's access record again only when an access record was written since that
// session's record was last read (store.AccessGeneration): a revoked key loses its
// open sessions within about this long, and a quiet server reads nothing.
const accessInterval = time.Second

// ErrNoAccess is returned to a session's store call for an organization its key may no
// longer see (an administrator changed its access while it was connected).
var ErrNoAccess = errors.New("an administrator removed your access to this organization")

// liveSession is one interactive session whose access is watched.
type liveSession struct {
	fp     string
	acc    store.Access // as last seen
	closed bool         // told that its access is revoked
	// read says acc is the stored record as of access generation gen. A session is
	// added unread: the record it logged in with may be older than any generation
	// the checker has seen, so its first check always reads.
	read bool
	gen  uint64
}

// live watches the access records of the open interactive sessions.
type live struct {
	st   *store.Store
	mu   sync.Mutex
	sess map[*tea.Program]*liveSession
	stop chan struct{}
	once sync.Once

	// accessFor reads a key's access record: st.AccessFor, counted in a test.
	accessFor func(fp string) (store.Access, error)
}

func newLive(st *store.Store) *live {
	l := newLiveChecker(st)
	go l.run()
	return l
}

// newLiveChecker is a live without its ticker: check runs when called.
func newLiveChecker(st *store.Store) *live {
	return &live{st: st, sess: map[*tea.Program]*liveSession{}, stop: make(chan struct{}), accessFor: st.AccessFor}
}

func (l *live) run() {
	t := time.NewTicker(accessInterval)
	defer t.Stop()
	for {
		select {
		case <-l.stop:
			return
		case <-t.C:
			l.check()
		}
	}
}

func (l *live) close() { l.once.Do(func() { close(l.stop) }) }

func (l *live) add(p *tea.Program, fp string, acc store.Access) {
	l.mu.Lock()
	l.sess[p] = &liveSession{fp: fp, acc: acc}
	l.mu.Unlock()
}

func (l *live) remove(p *tea.Program) {
	l.mu.Lock()
	delete(l.sess, p)
	l.mu.Unlock()
}

// check reads again the access record of every live session that may have changed
// since it was last read, and tells the sessions whose access changed: a revoked
// key's session closes, saying why; a narrowed or widened one gets its new
// permissions. The records change only through this process's store (bbolt's lock
// keeps every other writer out), which counts every write in its access generation:
// while that has not moved, no record is read, so the check costs nothing however
// many sessions are open.
func (l *live) check() {
	l.mu.Lock()
	defer l.mu.Unlock()
	// Loaded before the reads: a write that lands during them moves the generation
	// again, and the next tick reads once more.
	gen := l.st.AccessGeneration()
	for p, ls := range l.sess {
		if ls.closed || (ls.read && ls.gen == gen) {
			continue
		}
		acc, err := l.accessFor(ls.fp)
		switch {
		case errors.Is(err, store.ErrNotFound):
			ls.closed = true
			go p.Send(tui.ShutdownMsg{Reason: RevokedMessage})
			continue
		case err != nil:
			continue // a failed read changes nothing; the next tick reads again
		}
		ls.read, ls.gen = true, gen
		if acc.Role != ls.acc.Role || !slices.Equal(acc.Orgs, ls.acc.Orgs) {
			ls.acc = acc
			go p.Send(tui.AccessChangedMsg{CanSee: canSee(l.st, ls.fp), CanCreate: acc.Role == store.Admin})
		}
	}
}

// canSee reads the key's access record at every call: what it may see now.
func canSee(st *store.Store, fp string) func(string) bool {
	return func(orgID string) bool {
		acc, err := st.AccessFor(fp)
		return err == nil && acc.CanSee(orgID)
	}
}

// draftKey names a draft: organization and number.
type draftKey struct {
	org    string
	number int
}

// hub connects the sessions on one draft: each sees who else is there, and the saves
// of the others as they are acknowledged.
type hub struct {
	mu    sync.Mutex
	rooms map[draftKey]map[*tea.Program]string // the sessions on a draft, with their names
	at    map[*tea.Program]draftKey
	// sendMu keeps the messages of the hub in order: a session never sees an older
	// presence or answer after a newer one.
	sendMu sync.Mutex
}

func newHub() *hub {
	return &hub{rooms: map[draftKey]map[*tea.Program]string{}, at: map[*tea.Program]draftKey{}}
}

type delivery struct {
	p   *tea.Program
	msg tea.Msg
}

// join puts session p (of name) on draft k, or on none when k is zero, and tells the
// sessions of the drafts it left and joined who is there.
func (h *hub) join(p *tea.Program, name string, k draftKey) {
	h.sendMu.Lock()
	defer h.sendMu.Unlock()
	h.mu.Lock()
	var out []delivery
	if old, ok := h.at[p]; ok {
		delete(h.rooms[old], p)
		delete(h.at, p)
		if len(h.rooms[old]) == 0 {
			delete(h.rooms, old)
		}
		out = h.presence(old, out)
	}
	if k != (draftKey{}) {
		if h.rooms[k] == nil {
			h.rooms[k] = map[*tea.Program]string{}
		}
		h.rooms[k][p] = name
		h.at[p] = k
		out = h.presence(k, out)
	}
	h.mu.Unlock()
	for _, d := range out {
		d.p.Send(d.msg)
	}
}

// presence adds a PresenceMsg for every session on k to out; h.mu is held.
func (h *hub) presence(k draftKey, out []delivery) []delivery {
	room := h.rooms[k]
	for p := range room {
		others := []string{}
		for q, name := range room {
			if q != p {
				others = append(others, name)
			}
		}
		sort.Strings(others)
		out = append(out, delivery{p, tui.PresenceMsg{OrgID: k.org, Number: k.number, Others: others}})
	}
	return out
}

// publish forwards msg, a change session from saved on draft k, to the others there.
func (h *hub) publish(from *tea.Program, k draftKey, msg tui.DraftChangedMsg) {
	h.sendMu.Lock()
	defer h.sendMu.Unlock()
	h.mu.Lock()
	var to []*tea.Program
	for p := range h.rooms[k] {
		if p != from {
			to = append(to, p)
		}
	}
	h.mu.Unlock()
	for _, p := range to {
		p.Send(msg)
	}
}

// sessionStore is the store as one interactive session uses it: every call about an
// organization checks the key's access record as it is now, and every acknowledged
// change of a draft is forwarded to the other sessions on it.
type sessionStore struct {
	*store.Store
	fp   string
	name string
	hub  *hub
	p    *tea.Program // set once the program is built

	// The key's access record as last read, with the store's access generation at
	// that read: while the generation is unchanged the record is the stored one, so a
	// save does not read it again (a change made on this server, a revocation
	// included, is seen by the very next call).
	accMu  sync.Mutex
	accGen uint64
	accOK  bool // acc and accErr were read at accGen
	acc    store.Access
	accErr error
}

var _ tui.Store = (*sessionStore)(nil)

// access returns the key's access record as it is now: the one read last unless an
// access record was written since.
func (s *sessionStore) access() (store.Access, error) {
	s.accMu.Lock()
	defer s.accMu.Unlock()
	gen := s.Store.AccessGeneration()
	if s.accOK && s.accGen == gen {
		return s.acc, s.accErr
	}
	acc, err := s.Store.AccessFor(s.fp)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		s.accOK = false // a failed read is not kept: the next call reads again
		return acc, err
	}
	s.acc, s.accErr, s.accGen, s.accOK = acc, err, gen, true
	return acc, err
}

// allowed returns ErrNoAccess unless the key may see orgID now.
func (s *sessionStore) allowed(orgID string) error {
	acc, err := s.access()
	if errors.Is(err, store.ErrNotFound) {
		return errors.New(RevokedMessage)
	}
	if err != nil {
		return err
	}
	if !acc.CanSee(orgID) {
		return fmt.Errorf("%w (%s)", ErrNoAccess, orgID)
	}
	return nil
}

// Organizations implements tui.Store: an administrator's are every organization; a
// director's are those of their access record as it is now, read by id
// (store.OrganizationsOf), so that a director's home screen costs the same whatever
// else the database holds, instead of listing and sorting every organization to keep
// one.
func (s *sessionStore) Organizations() ([]store.Organization, error) {
	acc, err := s.access()
	if errors.Is(err, store.ErrNotFound) {
		return nil, errors.New(RevokedMessage)
	}
	if err != nil {
		return nil, err
	}
	if acc.Role == store.Admin {
		return s.Store.Organizations()
	}
	orgs, err := s.Store.OrganizationsOf(acc.Orgs)
	if err != nil {
		return nil, err
	}
	store.SortOrganizations(orgs)
	return orgs, nil
}

// onDraft is tui.Options.OnDraft: the session has draft number of orgID open.
func (s *sessionStore) onDraft(orgID string, number int) {
	if number != 0 && s.allowed(orgID) != nil {
		number, orgID = 0, ""
	}
	s.hub.join(s.p, s.name, draftKey{orgID, number})
}

// Assessments implements tui.Store.
func (s *sessionStore) Assessments(orgID string) ([]assessment.Assessment, error) {
	if err := s.allowed(orgID); err != nil {
		return nil, err
	}
	return s.Store.Assessments(orgID)
}

// CreateOrganization implements tui.Store: for administrators only.
func (s *sessionStore) CreateOrganization(name string) (store.Organization, error) {
	acc, err := s.access()
	if err != nil {
		return store.Organization{}, errors.New(RevokedMessage)
	}
	if acc.Role != store.Admin {
		return store.Organization{}, errors.New("only an administrator can create an organization (your access was changed)")
	}
	return s.Store.CreateOrganization(name)
}

// DraftRev implements tui.Store.
func (s *sessionStore) DraftRev(orgID string) (assessment.Assessment, int, error) {
	if err := s.allowed(orgID); err != nil {
		return assessment.Assessment{}, 0, err
	}
	return s.Store.DraftRev(orgID)
}

// StartAssessment implements tui.Store.
func (s *sessionStore) StartAssessment(orgID string, bank *questions.Bank) (assessment.Assessment, error) {
	if err := s.allowed(orgID); err != nil {
		return assessment.Assessment{}, err
	}
	return s.Store.StartAssessment(orgID, bank)
}

// SaveAnswerIf implements tui.Store.
func (s *sessionStore) SaveAnswerIf(orgID string, number int, fid string, ans assessment.Answer, base *assessment.Answer) (int, error) {
	if err := s.allowed(orgID); err != nil {
		return 0, err
	}
	rev, err := s.Store.SaveAnswerIf(orgID, number, fid, ans, base)
	if err == nil {
		// What the store holds: the note sanitized as it stored it.
		ans.Note = assessment.SanitizeNote(ans.Note)
		s.hub.publish(s.p, draftKey{orgID, number}, tui.DraftChangedMsg{
			OrgID: orgID, Number: number, Rev: rev, By: s.name, Function: fid, Answer: &ans})
	}
	return rev, err
}

// ClearAnswerIf implements tui.Store.
func (s *sessionStore) ClearAnswerIf(orgID string, number int, fid string, base *assessment.Answer) (int, error) {
	if err := s.allowed(orgID); err != nil {
		return 0, err
	}
	rev, err := s.Store.ClearAnswerIf(orgID, number, fid, base)
	if err == nil {
		s.hub.publish(s.p, draftKey{orgID, number}, tui.DraftChangedMsg{
			OrgID: orgID, Number: number, Rev: rev, By: s.name, Function: fid})
	}
	return rev, err
}

// SaveAnswersIf implements tui.Store: the writes made are told to the other sessions
// on the draft, each with its revision.
func (s *sessionStore) SaveAnswersIf(orgID string, number int, writes []store.AnswerWrite) ([]store.WriteResult, error) {
	if err := s.allowed(orgID); err != nil {
		return nil, err
	}
	res, err := s.Store.SaveAnswersIf(orgID, number, writes)
	if err != nil {
		return nil, err
	}
	for i, w := range writes {
		if res[i].Err != nil {
			continue
		}
		msg := tui.DraftChangedMsg{OrgID: orgID, Number: number, Rev: res[i].Rev, By: s.name, Function: w.Function}
		if !w.Clear {
			// What the store holds: the note sanitized as it stored it.
			ans := w.Answer
			ans.Note = assessment.SanitizeNote(ans.Note)
			msg.Answer = &ans
		}
		s.hub.publish(s.p, draftKey{orgID, number}, msg)
	}
	return res, nil
}

// SaveProfileIf implements tui.Store.
func (s *sessionStore) SaveProfileIf(orgID string, number int, p, base assessment.Profile, fields []assessment.ProfileField) (assessment.Profile, int, error) {
	if err := s.allowed(orgID); err != nil {
		return assessment.Profile{}, 0, err
	}
	stored, rev, err := s.Store.SaveProfileIf(orgID, number, p, base, fields)
	if err == nil {
		s.hub.publish(s.p, draftKey{orgID, number}, tui.DraftChangedMsg{
			OrgID: orgID, Number: number, Rev: rev, By: s.name, Profile: &stored})
	}
	return stored, rev, err
}

// CompleteIf implements tui.Store.
func (s *sessionStore) CompleteIf(orgID string, number, rev int) (assessment.Assessment, error) {
	if err := s.allowed(orgID); err != nil {
		return assessment.Assessment{}, err
	}
	return s.Store.CompleteIf(orgID, number, rev)
}

// DeleteDraft implements tui.Store: the draft is discarded if the key may still see
// the organization, and the other sessions on it are told.
func (s *sessionStore) DeleteDraft(orgID string, number int) error {
	if err := s.allowed(orgID); err != nil {
		return err
	}
	err := s.Store.DeleteDraft(orgID, number)
	if err == nil {
		s.hub.publish(s.p, draftKey{orgID, number}, tui.DraftChangedMsg{
			OrgID: orgID, Number: number, By: s.name, Deleted: true})
	}
	return err
}
