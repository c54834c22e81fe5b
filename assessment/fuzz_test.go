package assessment

import (
	"errors"
	"math"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// sameProfile compares profiles bit for bit, so that NaN equals NaN and -0 differs from 0.
func sameProfile(a, b Profile) bool {
	fb := math.Float64bits
	return a.Beds == b.Beds && a.Teaching == b.Teaching && a.Devices == b.Devices &&
		fb(a.CEFTE) == fb(b.CEFTE) && fb(a.BMETFTE) == fb(b.BMETFTE) &&
		fb(a.ManagerFTE) == fb(b.ManagerFTE) && fb(a.ITFTE) == fb(b.ITFTE)
}

// profileRules are the profile rules of docs/design.md written out again, independently of Validate.
func profileRules(p Profile) bool {
	fte := func(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v <= MaxFTE }
	return p.Beds >= MinBeds && p.Beds <= MaxBeds && p.Devices >= 0 && p.Devices <= MaxDevices &&
		fte(p.CEFTE) && fte(p.BMETFTE) && fte(p.ManagerFTE) && fte(p.ITFTE) &&
		(p.ProductiveHours == 0 || p.ProductiveHours >= 1000 && p.ProductiveHours <= 2080)
}

// fieldRule reports whether field f of p holds a value Set may store.
func fieldRule(p Profile, f ProfileField) bool {
	fte := func(v float64) bool {
		return !math.IsNaN(v) && !math.IsInf(v, 0) && v >= 0 && v <= MaxFTE && !math.Signbit(v)
	}
	switch f {
	case FieldBeds:
		return p.Beds >= MinBeds && p.Beds <= MaxBeds
	case FieldTeaching:
		return true
	case FieldCEFTE:
		return fte(p.CEFTE)
	case FieldBMETFTE:
		return fte(p.BMETFTE)
	case FieldManagerFTE:
		return fte(p.ManagerFTE)
	case FieldITFTE:
		return fte(p.ITFTE)
	case FieldDevices:
		return p.Devices >= 0 && p.Devices <= MaxDevices
	case FieldProductiveHours:
		return p.ProductiveHours >= 1000 && p.ProductiveHours <= 2080
	}
	return false
}

// FuzzProfile types text into every profile field (and an unknown one) of a profile
// built from the other arguments, which may itself be invalid. Set must not panic, must
// leave the profile untouched when it refuses, must store only values the field's rules
// allow when it accepts (so a valid profile stays valid), and must read back its own
// Value. Validate must agree with those rules for any profile.
//
// Run with: go test -run '^$' -fuzz '^FuzzProfile$' -fuzztime 3m ./assessment/
func FuzzProfile(f *testing.F) {
	for _, text := range []string{"250", " 1 ", "5000", "5001", "0", "-0", "1,200", "7 000", "1_000", "+5",
		"0.5", "2,5", "1e4", "1e9", "NaN", "Inf", "-Inf", "0x1p-2", "1e-320", "yes", "N", "TRUE", "maybe", "", "\x00", "٣"} {
		f.Add(250, 1.5, 7000, false, text)
	}
	f.Add(0, math.NaN(), -1, true, "12")
	f.Add(5001, math.Inf(1), 10_000_001, true, "3")
	f.Add(100, math.Copysign(0, -1), 0, false, "0")
	f.Fuzz(func(t *testing.T, beds int, fte float64, devices int, teaching bool, text string) {
		p := Profile{Beds: beds, Teaching: teaching, CEFTE: fte, BMETFTE: fte + 1, ManagerFTE: fte / 2, ITFTE: -fte, Devices: devices}
		valid := p.Validate() == nil
		if valid != profileRules(p) {
			t.Fatalf("Validate() = %v for %+v; the rules say valid = %v", p.Validate(), p, profileRules(p))
		}
		if err := p.Validate(); err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("Validate error %v does not wrap ErrInvalid", err)
		}
		for _, field := range append(AllProfileFields[:len(AllProfileFields):len(AllProfileFields)], "colour") {
			c := p
			err := c.Set(field, text)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Errorf("Set(%s, %q): error %v does not wrap ErrInvalid", field, text, err)
				}
				if !sameProfile(c, p) {
					t.Errorf("Set(%s, %q) failed (%v) but changed %+v to %+v", field, text, err, p, c)
				}
				continue
			}
			if field == "colour" {
				t.Fatalf("Set accepted an unknown field: %+v", c)
			}
			if !fieldRule(c, field) {
				t.Errorf("Set(%s, %q) stored %q, outside the field's rules", field, text, c.Value(field))
			}
			// Every other field is untouched.
			for _, other := range AllProfileFields {
				if other != field && c.Value(other) != p.Value(other) {
					t.Errorf("Set(%s, %q) changed %s: %q -> %q", field, text, other, p.Value(other), c.Value(other))
				}
			}
			if valid && c.Validate() != nil {
				t.Errorf("Set(%s, %q) made a valid profile invalid: %v", field, text, c.Validate())
			}
			shown := c.Value(field)
			back := c
			if err := back.Set(field, shown); err != nil {
				t.Errorf("Set(%s, %q) stored a value whose Value %q does not parse: %v", field, text, shown, err)
			} else if !sameProfile(back, c) {
				t.Errorf("Set(%s, Value()=%q) changed the profile: %+v -> %+v", field, shown, c, back)
			}
		}
	})
}

// checkNote checks everything SanitizeNote promises about its result.
func checkNote(t *testing.T, in, got string) {
	t.Helper()
	if !utf8.ValidString(got) {
		t.Fatalf("SanitizeNote(%q) = %q: invalid UTF-8", in, got)
	}
	if n := utf8.RuneCountInString(got); n > MaxNoteRunes {
		t.Fatalf("SanitizeNote(%q) has %d runes, more than %d", in, n, MaxNoteRunes)
	}
	prevSpace := false
	for i, r := range got {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			t.Fatalf("SanitizeNote(%q) = %q keeps control character %U at %d", in, got, r, i)
		}
		space := unicode.IsSpace(r)
		if space && r != ' ' {
			t.Fatalf("SanitizeNote(%q) = %q keeps white space %U at %d", in, got, r, i)
		}
		if space && prevSpace {
			t.Fatalf("SanitizeNote(%q) = %q has a double space at %d", in, got, i)
		}
		prevSpace = space
	}
	if got != strings.TrimSpace(got) {
		t.Fatalf("SanitizeNote(%q) = %q has a leading or trailing space", in, got)
	}
}

// FuzzSanitizeNote checks that any note comes out valid UTF-8, within MaxNoteRunes,
// without control or format characters, trimmed, with single spaces, and that
// sanitizing twice changes nothing.
//
// Run with: go test -run '^$' -fuzz '^FuzzSanitizeNote$' -fuzztime 3m ./assessment/
func FuzzSanitizeNote(f *testing.F) {
	for _, s := range []string{"plain note", "  trimmed  ", "line one\nline two\r\n", "\x1b[31mred\x1b[0m",
		"bidi\u202eevil", "zero\u200bwidth", "bad \xff utf8", "café — ok", "\x00\x01\x02", "a\u2028b\u2029c\u0085d",
		"\ufeffbom", "\ufffd", "nbsp\u00a0x\u3000y", strings.Repeat("é", 600), strings.Repeat("a ", 400),
		strings.Repeat("x", 499) + " y", strings.Repeat("x", 498) + " yz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := SanitizeNote(s)
		checkNote(t, s, got)
		if again := SanitizeNote(got); again != got {
			t.Fatalf("SanitizeNote is not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}
