package cli

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cebalance/store"
)

// TestPacketFileNeverReplaces: the TUI's packet key writes <org>-assessment-<n>.html,
// then -2, -3: a file that is there already is never replaced.
func TestPacketFileNeverReplaces(t *testing.T) {
	db := demoDB(t)
	st, err := store.Open(db, store.Options{Timeout: time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	dir := t.TempDir()
	mine := filepath.Join(dir, "demo-general-hospital-assessment-2.html")
	if err := os.WriteFile(mine, []byte("the director's own file"), 0o600); err != nil {
		t.Fatal(err)
	}
	write := PacketFile(st, dir)
	p1, err := write("demo-general-hospital", 2)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := write("demo-general-hospital", 2)
	if err != nil {
		t.Fatal(err)
	}
	if filepath.Base(p1) != "demo-general-hospital-assessment-2-2.html" || filepath.Base(p2) != "demo-general-hospital-assessment-2-3.html" || !filepath.IsAbs(p1) {
		t.Errorf("paths %s, %s", p1, p2)
	}
	if b, _ := os.ReadFile(mine); string(b) != "the director's own file" {
		t.Error("an existing file was replaced")
	}
	b, _ := os.ReadFile(p1)
	if !strings.Contains(string(b), "Since assessment 1") || strings.Contains(string(b), "#3</text>") {
		t.Error("the packet of assessment 2 is not about assessment 2 (or its trend runs past it)")
	}
	if _, err := write("demo-general-hospital", 9); err == nil {
		t.Error("a missing assessment wrote a packet")
	}
}

func TestHistoryHTML(t *testing.T) {
	db := demoDB(t)
	out, e, code := run(t, db, "history", "--org", "demo-general-hospital", "--format", "html")
	if code != 0 || !strings.Contains(out, `class="trendchart"`) || !strings.Contains(out, "Completed assessments") {
		t.Errorf("history --format html: %d %s\n%.300s", code, e, out)
	}
	_, e, code = run(t, db, "report", "--org", "demo-general-hospital", "--format", "pdf")
	if code == 0 || !strings.Contains(e, "use text, markdown, json, csv or html") {
		t.Errorf("--format pdf: %d %q", code, e)
	}
}
