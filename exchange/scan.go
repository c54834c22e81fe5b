package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Limits of a document. They are checked by a pass over the JSON tokens before anything
// is decoded into Go values, so a hostile file is refused before it can cost memory: an
// assessment must carry its number, status, start and bank and an answer its performer,
// so every decoded value is backed by a minimum of bytes of the file, and the counts
// below bound what remains, whatever the size of the file. Real databases are far inside
// them: a hospital assesses itself a few times a year, and a bank has a few dozen
// functions.
const (
	MaxOrganizations  = 10_000    // organizations in one file
	MaxAssessments    = 1_000     // assessments of one organization
	MaxAllAssessments = 100_000   // assessments in one file
	MaxAnswers        = 1_000     // answers of one assessment
	MaxAllAnswers     = 1_000_000 // answers in one file: 25,000 assessments of 40 functions
	MaxBanks          = 100       // banks in one file
	MaxBankItems      = 1_000     // domains, or functions, of one bank
	MaxNoteBytes      = 8 << 10   // a note before it is sanitized (and cut to assessment.MaxNoteRunes)
	maxText           = 64 << 10
	maxOther          = 1_000 // elements of any other array, keys of any object
	maxDepth          = 16    // the format nests 7 deep
)

// kind is what a JSON container is in the format, from its place in the document.
type kind uint8

const (
	kOther kind = iota
	kDoc
	kOrgs
	kOrg
	kAssessments
	kAssessment
	kAnswers
	kAnswer
	kBanks
	kBank
	kBankItems
	kBankItem
)

// required are the keys an object of a kind must hold, checked when it closes.
var required = map[kind][]string{
	kOrg:        {"id", "name"},
	kAssessment: {"number", "status", "started_at", "bank"},
	kAnswer:     {"performer"},
	kBank:       {"id", "version"},
	kBankItem:   {"id"},
}

// childKind is the kind of the container that is the value of key (or an element, key
// "") of a container of kind k.
func childKind(k kind, key string) kind {
	switch {
	case k == kDoc && key == "organizations":
		return kOrgs
	case k == kOrgs:
		return kOrg
	case k == kOrg && key == "assessments":
		return kAssessments
	case k == kAssessments:
		return kAssessment
	case k == kAssessment && key == "answers":
		return kAnswers
	case k == kAnswers:
		return kAnswer
	case k == kDoc && key == "banks":
		return kBanks
	case k == kBanks:
		return kBank
	case k == kBank && (key == "functions" || key == "domains"):
		return kBankItems
	case k == kBankItems:
		return kBankItem
	}
	return kOther
}

// limit is the most elements (arrays) or keys (objects) a container of kind k may hold,
// and what they are called in the error.
func limit(k kind) (int, string) {
	switch k {
	case kOrgs:
		return MaxOrganizations, "organizations"
	case kAssessments:
		return MaxAssessments, "assessments for one organization"
	case kAnswers:
		return MaxAnswers, "answers in one assessment"
	case kBanks:
		return MaxBanks, "banks"
	case kBankItems:
		return MaxBankItems, "entries"
	}
	return maxOther, "entries"
}

type frame struct {
	kind    kind
	obj     bool
	key     string // the current key of an object
	wantKey bool   // an object expects a key (or its end) next
	n       int    // elements or keys so far
	keys    map[string]struct{}
	start   int64 // offset just past the opening delimiter
}

// scan checks the structure of a document without decoding it: no key twice in an
// object (encoding/json would keep the last one silently), nesting, counts and string
// lengths within the limits, and the required keys present. It holds at most the keys
// of the open objects.
func scan(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	sc := &scanner{data: data}
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return nil // the decoder that follows reports bad JSON with its position
		}
		if err := sc.token(tok, dec.InputOffset()); err != nil {
			return err
		}
	}
}

// scanner is the state of scan: the open objects and arrays, and the assessments and
// answers counted in the file so far.
type scanner struct {
	data         []byte
	stack        []frame
	all, answers int
}

// fail is an error at byte offset off, with its JSON path, line and column.
func (sc *scanner) fail(off int64, format string, args ...any) error {
	line, col := position(sc.data, off)
	return pathErr(pathOf(sc.stack), "%s (line %d, column %d)", fmt.Sprintf(format, args...), line, col)
}

// token checks one token, which ends at byte offset off.
func (sc *scanner) token(tok json.Token, off int64) error {
	var top *frame
	if len(sc.stack) > 0 {
		top = &sc.stack[len(sc.stack)-1]
	}
	if top != nil && top.wantKey {
		// In an object, a token where a key is due is the key (or the closing brace).
		if key, ok := tok.(string); ok {
			return sc.key(top, key, off)
		}
	}
	// A value: of the current key, or the next element of an array.
	parentKind, key := kDoc, ""
	if top != nil && tok != json.Delim('}') && tok != json.Delim(']') {
		parentKind, key = top.kind, top.key
		if !top.obj {
			top.n++
			if max, what := limit(top.kind); top.n > max {
				return sc.fail(off, "more than %d %s", max, what)
			}
			key = ""
		}
	}
	switch tok := tok.(type) {
	case json.Delim:
		if tok == '{' || tok == '[' {
			return sc.open(top != nil, tok, parentKind, key, off)
		}
		if err := sc.close(); err != nil {
			return err
		}
	case string:
		max := maxText
		if parentKind == kAnswer && key == "note" {
			max = MaxNoteBytes
		}
		if len(tok) > max {
			return sc.fail(off, "text of %d bytes; the limit is %d", len(tok), max)
		}
	}
	// The value is complete: an object now expects its next key.
	if len(sc.stack) > 0 && sc.stack[len(sc.stack)-1].obj {
		sc.stack[len(sc.stack)-1].wantKey = true
	}
	return nil
}

// key checks the next key of the object top: its length, that it is new in the object,
// and the object's count of keys.
func (sc *scanner) key(top *frame, key string, off int64) error {
	top.key, top.wantKey = key, false
	if len(key) > maxText {
		return sc.fail(off, "a key of %d bytes; the limit is %d", len(key), maxText)
	}
	if _, dup := top.keys[key]; dup {
		return sc.fail(off, "key %q appears twice in the same object: remove one", key)
	}
	if max, what := limit(top.kind); top.n+1 > max {
		return sc.fail(off, "more than %d %s", max, what)
	}
	top.n++
	top.keys[key] = struct{}{}
	return nil
}

// open starts an object or array (delim) as the value of key in a parent of kind
// parentKind (inside reports whether there is a parent), counting the file's
// assessments and answers.
func (sc *scanner) open(inside bool, delim json.Delim, parentKind kind, key string, off int64) error {
	if len(sc.stack) >= maxDepth {
		return sc.fail(off, "nested more than %d deep", maxDepth)
	}
	k := kDoc
	if inside {
		k = childKind(parentKind, key)
	} else if delim == '[' {
		k = kOther
	}
	switch k {
	case kAssessment:
		if sc.all++; sc.all > MaxAllAssessments {
			return sc.fail(off, "more than %d assessments in one file", MaxAllAssessments)
		}
	case kAnswer:
		if sc.answers++; sc.answers > MaxAllAnswers {
			return sc.fail(off, "more than %d answers in one file", MaxAllAnswers)
		}
	}
	f := frame{kind: k, obj: delim == '{', wantKey: delim == '{', start: off}
	if f.obj {
		f.keys = map[string]struct{}{}
	}
	sc.stack = append(sc.stack, f)
	return nil
}

// close ends the innermost object or array; an object must have its required keys.
func (sc *scanner) close() error {
	closed := sc.stack[len(sc.stack)-1]
	sc.stack = sc.stack[:len(sc.stack)-1]
	if closed.obj {
		for _, r := range required[closed.kind] {
			if _, ok := closed.keys[r]; !ok {
				return sc.fail(closed.start-1, "missing %q", r)
			}
		}
	}
	return nil
}

// pathOf is the JSON path of the current position, e.g. organizations[0].assessments[2].number.
func pathOf(stack []frame) string {
	var b strings.Builder
	for i, f := range stack {
		if f.obj {
			if f.n == 0 {
				continue
			}
			if i > 0 && b.Len() > 0 {
				b.WriteByte('.')
			}
			b.WriteString(f.key)
			continue
		}
		if f.n > 0 {
			b.WriteString("[" + strconv.Itoa(f.n-1) + "]")
		}
	}
	return b.String()
}
