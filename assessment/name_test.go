package assessment

import (
	"errors"
	"strings"
	"testing"
	"time"
)

func TestNameKey(t *testing.T) {
	for _, c := range []struct {
		a, b string
		same bool
	}{
		{"St Example", "Ｓｔ Ｅｘａｍｐｌｅ", true},        // full-width
		{"Caf\u00e9", "Cafe\u0301", true},         // composed and decomposed é
		{"St Example", "ST EXAMPLE", true},        // case
		{"Straße Klinik", "STRASSE KLINIK", true}, // full case folding
		{"ﬁrst Hospital", "First Hospital", true}, // ligature
		{" St Example ", "St Example", true},      // trimmed
		{"Cafe", "Café", false},                   // an accent is a different letter
		{"St Example", "St Examples", false},
	} {
		if got := SameName(c.a, c.b); got != c.same {
			t.Errorf("SameName(%q, %q) = %v, want %v (keys %q, %q)", c.a, c.b, got, c.same, NameKey(c.a), NameKey(c.b))
		}
	}
}

func TestCheckName(t *testing.T) {
	for _, c := range []struct {
		in, want, err string
	}{
		{"  St X ", "St X", ""},
		{"", "", "a name is required"},
		{"   ", "", "a name is required"},
		{strings.Repeat("é", MaxNameRunes), strings.Repeat("é", MaxNameRunes), ""},
		{strings.Repeat("é", MaxNameRunes+1), "", "the limit is 100"},
		{"St\x1b[2JX", "", "control characters"},
		{"St \u202eX", "", "control characters"},
		{"St\u200bX", "", "control characters"},
		{"St\u2028X", "", "control characters"},
		{"St \xffX", "", "not valid UTF-8"},
	} {
		got, err := CheckName("name", c.in)
		if c.err == "" {
			if err != nil || got != c.want {
				t.Errorf("CheckName(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != "name" || !strings.Contains(fe.Msg, c.err) {
			t.Errorf("CheckName(%q) = %v, want %q", c.in, err, c.err)
		}
	}
}

func TestCheckID(t *testing.T) {
	for id, ok := range map[string]bool{
		"st-x": true, "a1": true, "": false, "St-X": false, "a--b": false, "-a": false, "a-": false,
		strings.Repeat("a", MaxIDLen): true, strings.Repeat("a", MaxIDLen+1): false, "é": false,
	} {
		if err := CheckID("id", id); (err == nil) != ok {
			t.Errorf("CheckID(%q) = %v, want ok=%v", id, err, ok)
		}
	}
}

func TestCheckNumber(t *testing.T) {
	for n, ok := range map[int]bool{1: true, MaxNumber: true, 0: false, -1: false, MaxNumber + 1: false, 1<<63 - 1: false} {
		if err := CheckNumber(n); (err == nil) != ok {
			t.Errorf("CheckNumber(%d) = %v, want ok=%v", n, err, ok)
		}
	}
}

func TestCheckTimes(t *testing.T) {
	now := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	at := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	ptr := func(s string) *time.Time { v := at(s); return &v }
	for _, c := range []struct {
		name      string
		started   string
		completed *time.Time
		field     string // "" when valid
	}{
		{"draft", "2026-05-01T00:00:00Z", nil, ""},
		{"completed", "2026-05-01T00:00:00Z", ptr("2026-05-02T00:00:00Z"), ""},
		{"same instant", "2026-05-01T00:00:00Z", ptr("2026-05-01T00:00:00Z"), ""},
		{"first day allowed", "2000-01-01T00:00:00Z", nil, ""},
		{"within the skew", "2026-06-02T11:59:59Z", nil, ""},
		{"before 2000", "1999-12-31T23:59:59Z", nil, "started_at"},
		{"zero time", "0001-01-01T00:00:00Z", nil, "started_at"},
		{"started past the skew", "2026-06-02T12:00:01Z", nil, "started_at"},
		{"completed in 9999", "2026-05-01T00:00:00Z", ptr("9999-12-31T00:00:00Z"), "completed_at"},
		{"completed before started", "2026-05-02T00:00:00Z", ptr("2026-05-01T00:00:00Z"), "completed_at"},
		{"completed before 2000", "2026-05-02T00:00:00Z", ptr("1990-05-01T00:00:00Z"), "completed_at"},
	} {
		a := Assessment{StartedAt: at(c.started), CompletedAt: c.completed}
		err := a.CheckTimes(now)
		var fe *FieldError
		switch {
		case c.field == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.field != "" && (!errors.As(err, &fe) || fe.Field != c.field):
			t.Errorf("%s: %v, want an error on %s", c.name, err, c.field)
		}
	}
}
