package server

import (
	"bytes"
	"io"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/muesli/termenv"
	gossh "golang.org/x/crypto/ssh"

	"cebalance/store"
	"cebalance/tui"
)

// syncBuffer is a program's output, read while the program writes.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) Bytes() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return bytes.Clone(s.b.Bytes())
}

// fixedView is a model that always shows the same view.
type fixedView string

func (v fixedView) Init() tea.Cmd                       { return nil }
func (v fixedView) Update(tea.Msg) (tea.Model, tea.Cmd) { return v, nil }
func (v fixedView) View() string                        { return string(v) }

// TestFirstFrameIsTheRenderersFirstFlush runs Bubble Tea's own renderer on the
// alternate screen and checks that the bytes it paints for its first frame of a view are
// exactly firstFrame's for that view and width: the frame the server writes before the
// first tick is repainted in place, cell for cell, by the renderer's first flush. The
// view has lines shorter and longer than the width, wide characters, styles and more
// lines than the height.
func TestFirstFrameIsTheRenderersFirstFlush(t *testing.T) {
	var lines []string
	lines = append(lines, "dropped: above the window")
	lines = append(lines, "\x1b[1;38;5;75mcebalance\x1b[0m · Organizations")
	lines = append(lines, strings.Repeat("wide 病院 ", 12)) // wider than 40 cells
	for i := range 9 {
		lines = append(lines, "row "+strings.Repeat("x", i))
	}
	view := strings.Join(lines, "\n")
	const w, h = 40, 10
	for _, width := range []int{0, w} {
		out := &syncBuffer{}
		// One frame a second: the only flush is the final one, at Quit, which paints
		// the view as a first frame (nothing was painted before).
		p := tea.NewProgram(fixedView(view), tea.WithOutput(out), tea.WithInput(nil),
			tea.WithAltScreen(), tea.WithoutSignalHandler(), tea.WithFPS(1))
		go func() {
			if width > 0 {
				p.Send(tea.WindowSizeMsg{Width: w, Height: h})
			}
			p.Quit()
		}()
		if _, err := p.Run(); err != nil {
			t.Fatal(err)
		}
		want := firstFrame(view, width, h)
		if width == 0 {
			want = firstFrame(view, 0, 0)
		}
		if !bytes.Contains(out.Bytes(), want) {
			t.Errorf("width %d: the renderer's first frame is not firstFrame's:\nrenderer %q\nours     %q", width, out.Bytes(), want)
		}
	}
}

// TestFirstFrameWrittenByInit: the session's root model, prepared as program()
// prepares it, shows the home screen with the director's organization before its
// program runs (no "Loading…" frame first), and tracked.Init writes that frame, once.
func TestFirstFrameWrittenByInit(t *testing.T) {
	ls := startLoadServer(t, 1, &lockedBuffer{})
	fp := gossh.FingerprintSHA256(loadKey(0).PublicKey())
	_, hb := ls.srv.shared()
	ss := &sessionStore{Store: ls.st, fp: fp, hub: hb}
	m := tui.New(ss, tui.Options{Renderer: lipgloss.NewRenderer(io.Discard, termenv.WithProfile(termenv.Ascii)),
		CanSee: canSee(ls.st, fp), Own: []string{ls.orgs[0]}})
	view := tui.Prepare(m, 120, 40)
	if !strings.Contains(view, loadOrgName(0)) || strings.Contains(view, "Loading") {
		t.Fatalf("prepared view is not the home screen with the organization:\n%s", view)
	}
	out := &bytes.Buffer{}
	tr := &tracked{Model: m, out: out, first: firstFrame(view, 120, 40)}
	tr.Init()
	if !bytes.Equal(out.Bytes(), firstFrame(view, 120, 40)) {
		t.Fatalf("Init wrote %q, not the first frame", out.String())
	}
	out.Reset()
	tr.Init()
	if out.Len() != 0 {
		t.Errorf("the first frame was written twice")
	}
}

// TestDirectorHomeReadsOnlyTheirOrganizations: a director's session lists the
// organizations of their access record, sorted as the store sorts, and none of the
// others (the embedded store's Organizations listed every organization in the database,
// and the TUI dropped those it could not see); an administrator's lists every one.
func TestDirectorHomeReadsOnlyTheirOrganizations(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "c.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	var ids []string
	for _, name := range []string{"zeta Hospital", "Alpha Hospital", "beta Hospital", "Other Hospital"} {
		o, err := st.CreateOrganization(name)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, o.ID)
	}
	if err := st.AddAccess(store.Access{Fingerprint: "SHA256:dir", Name: "Dir", Role: store.Director, Orgs: ids[:3]}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddAccess(store.Access{Fingerprint: "SHA256:adm", Name: "Adm", Role: store.Admin}); err != nil {
		t.Fatal(err)
	}
	names := func(fp string) string {
		orgs, err := (&sessionStore{Store: st, fp: fp}).Organizations()
		if err != nil {
			t.Fatal(err)
		}
		var n []string
		for _, o := range orgs {
			n = append(n, o.Name)
		}
		return strings.Join(n, ", ")
	}
	if got, want := names("SHA256:dir"), "Alpha Hospital, beta Hospital, zeta Hospital"; got != want {
		t.Errorf("director's home lists %q, want %q", got, want)
	}
	if got, want := names("SHA256:adm"), "Alpha Hospital, beta Hospital, Other Hospital, zeta Hospital"; got != want {
		t.Errorf("admin's home lists %q, want %q", got, want)
	}
	if _, err := (&sessionStore{Store: st, fp: "SHA256:gone"}).Organizations(); err == nil || err.Error() != RevokedMessage {
		t.Errorf("a revoked key's home: %v", err)
	}
}
