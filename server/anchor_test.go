package server

// The anchors of the load harness (docs/performance.md): servers that the same load
// client drives through the same screens, by the same texts, so that what cebalance
// costs can be read beside what the stack itself costs on this machine in the same
// run.
//
//	CEBALANCE_LOAD_ANCHOR=wish   a bare wish server: it reads the keys itself and writes
//	                             a whole 120×40 frame of text for each one
//	CEBALANCE_LOAD_ANCHOR=tea    a minimal Bubble Tea program over wish, with cebalance's
//	                             program options (alt screen, 120 frames per second)
//	CEBALANCE_LOAD_ANCHOR=teadb  the same, plus one fsync'd bbolt Update per answer, in a
//	                             command, acknowledged by a message as cebalance's
//	                             autosave is
//	CEBALANCE_LOAD_ANCHOR=teabatch  teadb with bbolt's own group commit (DB.Batch)
//	                             instead of one Update per answer: what a minimal
//	                             program pays to have its saves on disk promptly under
//	                             load (teadb's fsyncs queue up, and their acknowledgement
//	                             with them, past the answers)
//
// Each shows the texts the client waits for: the organization's name, "Start the first
// assessment", "Continue to the questions", "function K of 37" with "S/37 answered",
// "Review your answers", "Every function is answered", "Finish assessment #1 now?",
// "BALANCE INDEX". The teadb anchor imports bbolt directly, which only the store may do
// in the product: here the point is what a bare bbolt Update costs.

import (
	"fmt"
	"io"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/ssh"
	"github.com/charmbracelet/wish"
	"github.com/charmbracelet/wish/bubbletea"
	"github.com/muesli/termenv"
	bolt "go.etcd.io/bbolt"
	gossh "golang.org/x/crypto/ssh"
)

// loadAnchorEnv selects an anchor server instead of cebalance in TestLoad.
const loadAnchorEnv = "CEBALANCE_LOAD_ANCHOR"

const (
	anchorWish  = "wish"
	anchorTea   = "tea"
	anchorTeaDB = "teadb"
	// anchorTeaBatch is teadb with DB.Batch.
	anchorTeaBatch = "teabatch"
)

var anchorBucket = []byte("answers")

// anchorServer is an anchor listening on 127.0.0.1.
type anchorServer struct {
	kind string
	addr string
	db   *bolt.DB // teadb and teabatch only
	// batch saves with DB.Batch instead of DB.Update (teabatch).
	batch bool
}

// startAnchor serves anchor kind for the n load directors (their keys are admitted,
// each shown its own organization's name).
func startAnchor(tb testing.TB, kind string, n int) *anchorServer {
	tb.Helper()
	dir := tb.TempDir()
	names := map[string]string{}
	for i := range n {
		names[gossh.FingerprintSHA256(loadKey(i).PublicKey())] = loadOrgName(i)
	}
	as := &anchorServer{kind: kind}
	var mw wish.Middleware
	switch kind {
	case anchorWish:
		mw = func(next ssh.Handler) ssh.Handler {
			return func(sess ssh.Session) {
				anchorWishSession(sess, names[gossh.FingerprintSHA256(sess.PublicKey())])
				next(sess)
			}
		}
	case anchorTea, anchorTeaDB, anchorTeaBatch:
		as.batch = kind == anchorTeaBatch
		if kind != anchorTea {
			db, err := bolt.Open(filepath.Join(dir, "anchor.db"), 0o600, &bolt.Options{Timeout: time.Second})
			if err != nil {
				tb.Fatal(err)
			}
			if err := db.Update(func(tx *bolt.Tx) error {
				_, err := tx.CreateBucketIfNotExists(anchorBucket)
				return err
			}); err != nil {
				tb.Fatal(err)
			}
			as.db = db
			tb.Cleanup(func() { db.Close() })
		}
		mw = bubbletea.MiddlewareWithProgramHandler(func(sess ssh.Session) *tea.Program {
			m := &anchorModel{flow: anchorFlow{name: names[gossh.FingerprintSHA256(sess.PublicKey())]}, db: as.db, batch: as.batch}
			return tea.NewProgram(m, append(bubbletea.MakeOptions(sess),
				tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithFPS(frameRate))...)
		}, termenv.Ascii)
	default:
		tb.Fatalf("%s=%q: want %s, %s, %s or %s", loadAnchorEnv, kind, anchorWish, anchorTea, anchorTeaDB, anchorTeaBatch)
	}
	hostKey, err := LoadHostKey(filepath.Join(dir, HostKeyName))
	if err != nil {
		tb.Fatal(err)
	}
	srv, err := wish.NewServer(
		wish.WithHostKeyPEM(hostKey),
		wish.WithPublicKeyAuth(func(_ ssh.Context, k ssh.PublicKey) bool {
			_, ok := names[gossh.FingerprintSHA256(k)]
			return ok
		}),
		wish.WithMiddleware(mw),
	)
	if err != nil {
		tb.Fatal(err)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		tb.Fatal(err)
	}
	as.addr = l.Addr().String()
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = srv.Serve(l)
	}()
	tb.Cleanup(func() {
		srv.Close()
		<-done
	})
	return as
}

// check compares the teadb anchor's database with what each session was shown as
// saved, as checkLoadStore does for cebalance; the other anchors store nothing.
func (as *anchorServer) check(res loadResult) (lost int, wrong []string) {
	if as.db == nil {
		return 0, nil
	}
	err := as.db.View(func(tx *bolt.Tx) error {
		b := tx.Bucket(anchorBucket)
		for i := range res.Acked {
			for j := range res.Acked[i] {
				want := byte('1' + loadPerformer(i, j).Index())
				if v := b.Get(anchorKey(loadOrgName(i), j)); len(v) != 1 || v[0] != want {
					lost++
					wrong = append(wrong, fmt.Sprintf("%s function %d = %q, shown saved as %q", loadOrgName(i), j+1, v, want))
				}
			}
		}
		return nil
	})
	if err != nil {
		wrong = append(wrong, err.Error())
	}
	return lost, wrong
}

func anchorKey(name string, fn int) []byte { return fmt.Appendf(nil, "%s/%02d", name, fn) }

// anchorFlow is one session's place in the screens the load client walks through.
type anchorFlow struct {
	name   string
	stage  int // home, organization, profile, questions, review, confirm, scorecard
	enters int // in the profile form
	fn     int // the function shown, from 0
	saved  int // answers acknowledged
}

const (
	stageHome = iota
	stageOrg
	stageProfile
	stageQuestions
	stageReview
	stageConfirm
	stageScorecard
)

// anchorProfileEnters is how many enters the load client's profile keys hold.
var anchorProfileEnters = strings.Count(strings.Join(loadProfileKeys, ""), enter)

// key takes one key; it returns the function answered (from 0) and its answer
// ('1'–'9'), or -1.
func (f *anchorFlow) key(k byte) (fn int, answer byte) {
	switch {
	case f.stage == stageHome && k == '\r':
		f.stage = stageOrg
	case f.stage == stageOrg && k == '\r':
		f.stage = stageProfile
	case f.stage == stageProfile && k == '\r':
		if f.enters++; f.enters == anchorProfileEnters {
			f.stage = stageQuestions
		}
	case f.stage == stageQuestions && k >= '1' && k <= '9':
		fn = f.fn
		if f.fn++; f.fn == nFns {
			f.stage = stageReview
		}
		return fn, k
	case f.stage == stageReview && k == 'f':
		f.stage = stageConfirm
	case f.stage == stageConfirm && k == 'y':
		f.stage = stageScorecard
	}
	return -1, 0
}

// frame is the screen, 40 lines of 120 columns of plain text.
func (f *anchorFlow) frame() string {
	var lines []string
	add := func(s ...string) { lines = append(lines, s...) }
	add("cebalance anchor — "+f.name, "")
	switch f.stage {
	case stageHome:
		add("Organizations", "", "> "+f.name)
	case stageOrg:
		add(f.name, "", "> Start the first assessment")
	case stageProfile:
		add("Profile", "", fmt.Sprintf("field %d of %d", f.enters+1, anchorProfileEnters), "", "> Continue to the questions")
	case stageQuestions:
		add(fmt.Sprintf("function %d of %d", f.fn+1, nFns), "", "Who does this work in your organization?")
		for i := range 7 {
			add(fmt.Sprintf("  %d  performer %d", i+1, i+1))
		}
	case stageReview:
		add("Review your answers", "")
	case stageConfirm:
		add("Finish assessment #1 now? (y/n)")
	case stageScorecard:
		add("BALANCE INDEX 0.50")
	}
	if f.stage == stageQuestions || f.stage == stageReview {
		if f.saved == nFns {
			add("", allSaved+".")
		} else {
			add("", fmt.Sprintf("%d/%d answered", f.saved, nFns))
		}
	}
	for len(lines) < 40 {
		add("")
	}
	for i, l := range lines {
		lines[i] = l + strings.Repeat(" ", max(0, 120-len(l)))
	}
	return strings.Join(lines, "\n")
}

// anchorWishSession is the bare wish anchor: no Bubble Tea, each key read answered with
// a whole frame written at once.
func anchorWishSession(sess ssh.Session, name string) {
	f := anchorFlow{name: name}
	write := func() error {
		_, err := io.WriteString(sess, "\x1b[H"+strings.ReplaceAll(f.frame(), "\n", "\r\n"))
		return err
	}
	if write() != nil {
		return
	}
	buf := make([]byte, 256)
	for {
		n, err := sess.Read(buf)
		for _, k := range buf[:n] {
			if fn, _ := f.key(k); fn >= 0 {
				f.saved++ // nothing to store: saved as typed
			}
		}
		if n > 0 && write() != nil {
			return
		}
		if err != nil {
			return
		}
	}
}

// anchorModel is the minimal Bubble Tea anchor; with db, every answer is one fsync'd
// bbolt Update in a command, counted saved when its message comes back.
type anchorModel struct {
	flow  anchorFlow
	db    *bolt.DB
	batch bool
}

type anchorSavedMsg struct{ err error }

// Init implements tea.Model.
func (m *anchorModel) Init() tea.Cmd { return nil }

// Update implements tea.Model.
func (m *anchorModel) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.KeyMsg:
		var keys []byte
		switch msg.Type {
		case tea.KeyEnter:
			keys = []byte{'\r'}
		case tea.KeyRunes:
			keys = []byte(string(msg.Runes))
		case tea.KeyCtrlC:
			return m, tea.Quit
		}
		var cmds []tea.Cmd
		for _, k := range keys {
			fn, answer := m.flow.key(k)
			if fn < 0 {
				continue
			}
			if m.db == nil {
				m.flow.saved++
				continue
			}
			key := anchorKey(m.flow.name, fn)
			save := m.db.Update
			if m.batch {
				save = m.db.Batch
			}
			cmds = append(cmds, func() tea.Msg {
				return anchorSavedMsg{save(func(tx *bolt.Tx) error {
					return tx.Bucket(anchorBucket).Put(key, []byte{answer})
				})}
			})
		}
		return m, tea.Batch(cmds...)
	case anchorSavedMsg:
		if msg.err != nil {
			fmt.Fprintln(os.Stderr, "anchor save:", msg.err)
			return m, tea.Quit
		}
		m.flow.saved++
	}
	return m, nil
}

// View implements tea.Model.
func (m *anchorModel) View() string { return m.flow.frame() }
