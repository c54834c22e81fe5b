package assessment

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

// This file is the naming rule of organizations (and of people given access): what a
// name may hold, when two names are the same, and the id made from a name. The store
// and the interchange both call it.

// MaxNameRunes is the longest organization or person name accepted.
const MaxNameRunes = 100

// MaxIDLen is the longest organization id, in bytes (ids are ASCII).
const MaxIDLen = 48

// transliterations covers the Latin letters that Unicode decomposition leaves alone.
var transliterations = map[rune]string{
	'ß': "ss", 'æ': "ae", 'œ': "oe", 'ø': "o", 'đ': "d", 'ð': "d", 'ł': "l", 'þ': "th", 'ı': "i",
}

// Slug returns the organization id made from name: lower-case ASCII letters and digits
// separated by single dashes, at most MaxIDLen characters; accents are dropped
// ("Hôpital Saint-Jérôme" → "hopital-saint-jerome") and apostrophes vanish ("St Mary's"
// → "st-marys"). It returns "" when name has no letter or digit it can keep.
func Slug(name string) string {
	var b strings.Builder
	dash := false
	emit := func(s string) {
		if dash && b.Len() > 0 {
			b.WriteByte('-')
		}
		dash = false
		b.WriteString(s)
	}
	for _, r := range norm.NFKD.String(strings.ToLower(name)) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			emit(string(r))
		case r == '\'' || r == '’' || unicode.Is(unicode.Mn, r):
			// apostrophes and the accents NFKD split off: drop without a break
		case transliterations[r] != "":
			emit(transliterations[r])
		default:
			dash = true
		}
		if b.Len() >= MaxIDLen {
			break
		}
	}
	s := b.String()
	if len(s) > MaxIDLen {
		s = s[:MaxIDLen]
	}
	return strings.TrimRight(s, "-")
}

// CheckID checks an organization id as read from a file: it must be what Slug makes of
// itself (lower-case letters and digits separated by single dashes, at most MaxIDLen).
func CheckID(field, id string) error {
	if id == "" || Slug(id) != id {
		return fieldErr(field, "organization id %q must be lower-case letters and digits separated by single dashes (at most %d)", id, MaxIDLen)
	}
	return nil
}

// CheckName trims a name and checks it: valid UTF-8, 1 to MaxNameRunes characters, no
// control, format (bidi overrides, zero-width) or line-separator characters, so a name
// cannot reorder or hide the text around it. It returns the trimmed name.
func CheckName(field, name string) (string, error) {
	name = strings.TrimSpace(name)
	if !utf8.ValidString(name) {
		return "", fieldErr(field, "name is not valid UTF-8 text")
	}
	n := utf8.RuneCountInString(name)
	switch {
	case n == 0:
		return "", fieldErr(field, "a name is required")
	case n > MaxNameRunes:
		return "", fieldErr(field, "name is %d characters; the limit is %d", n, MaxNameRunes)
	}
	if strings.IndexFunc(name, hidden) >= 0 {
		return "", fieldErr(field, "name contains control characters")
	}
	return name, nil
}

// hidden reports whether r must not appear in a name.
func hidden(r rune) bool {
	return unicode.IsControl(r) || unicode.Is(unicode.Cf, r) || r == '\u2028' || r == '\u2029'
}

// NameKey is the form in which two names must differ: Unicode compatibility
// normalization (NFKC: full-width letters, ligatures and composed or decomposed accents
// become one form) and case folding, so "Ｓｔ Ｅｘａｍｐｌｅ", "ST EXAMPLE" and
// "St Example" are the same name, and so are "Café" composed and decomposed.
func NameKey(name string) string {
	// NFKC, fold, NFKC again: folding can undo the normalization (the NFKC_Casefold
	// recipe). A Caser keeps state, so each call makes its own.
	return norm.NFKC.String(cases.Fold().String(norm.NFKC.String(strings.TrimSpace(name))))
}

// SameName reports whether a and b are the same organization name under NameKey.
func SameName(a, b string) bool { return NameKey(a) == NameKey(b) }
