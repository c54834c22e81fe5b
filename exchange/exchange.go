// Package exchange is the interchange format of cebalance: a JSON document
// with the banks, organizations and assessments of a database, written by `export` and
// read by `import`.
//
// Decode validates a whole document before anything is written, and every error names
// the JSON path of what is wrong, e.g.
// organizations[0].assessments[2].answers.inventory.performer: unknown performer "bmets".
// The package is pure: it reads and writes bytes and knows nothing of storage.
package exchange

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
)

// Format is the value of the "format" field of every document.
const Format = "cebalance/v1"

// MaxSize bounds the documents Decode accepts: 64 MiB holds some 10,000 completed
// assessments with notes. With the counts below (MaxAllAnswers…) it bounds the memory
// an import can take.
const MaxSize = 64 << 20

// ErrInvalid is returned (wrapped in a *PathError) when a document breaks a rule.
var ErrInvalid = errors.New("invalid interchange document")

// PathError is a validation error at a JSON path of the document.
type PathError struct {
	Path string
	Msg  string
}

// Error implements error.
func (e *PathError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *PathError) Unwrap() error { return ErrInvalid }

func pathErr(path, format string, args ...any) error {
	return &PathError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

// Document is one interchange file.
type Document struct {
	Format        string            `json:"format"`
	ExportedAt    time.Time         `json:"exported_at"`
	Banks         []*questions.Bank `json:"banks,omitempty"`
	Organizations []Organization    `json:"organizations"`
}

// Organization is one organization with all its assessments: the domain's record, so
// that a file and the store hold the same thing.
type Organization = assessment.Record

// Encode writes doc as indented JSON. Banks are sorted by id, version and hash, and the
// embedded default bank is left out (every cebalance has it), so the same data always
// encodes to the same bytes apart from exported_at.
func Encode(w io.Writer, doc *Document) error {
	out := *doc
	out.Format = Format
	out.Banks = nil
	for _, b := range doc.Banks {
		if questions.BuiltinFor(b.Ref()) == nil {
			out.Banks = append(out.Banks, b)
		}
	}
	sort.Slice(out.Banks, func(i, j int) bool {
		a, b := out.Banks[i], out.Banks[j]
		if a.ID != b.ID {
			return a.ID < b.ID
		}
		if a.Version != b.Version {
			return a.Version < b.Version
		}
		return a.Hash < b.Hash
	})
	if out.Organizations == nil {
		out.Organizations = []Organization{}
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(&out)
}

// Resolver finds a bank the document refers to but does not carry (for example one
// already in the database). It returns nil when it has none.
type Resolver func(ref questions.Ref) *questions.Bank

// Decode reads and validates a document; now is the time its dates are checked against
// (assessment.CheckTimes). The structure is checked first, before anything is decoded
// (see MaxOrganizations): a key twice in one object, or too many of anything, is
// refused with its path, line and column. Banks are looked up in the document, then the
// embedded default bank, then resolve (which may be nil). On success every assessment's
// bank reference carries the hash of the bank it resolved to, and every note is
// sanitized.
func Decode(data []byte, resolve Resolver, now time.Time) (*Document, error) {
	if len(data) > MaxSize {
		return nil, pathErr("", "the file is %d bytes; the limit is %d", len(data), MaxSize)
	}
	if err := scan(data); err != nil {
		return nil, err
	}
	doc, err := decodeDoc(data)
	if err != nil {
		return nil, err
	}
	if doc.Format != Format {
		return nil, pathErr("format", "unknown format %q: this cebalance reads %q", doc.Format, Format)
	}
	banks, err := checkBanks(doc.Banks)
	if err != nil {
		return nil, err
	}
	bankOf := func(ref questions.Ref) (*questions.Bank, error) {
		if b := findBank(doc.Banks, banks, ref, resolve); b != nil {
			return b, nil
		}
		return nil, fmt.Errorf("unknown bank %s: include it under banks", ref)
	}
	if err := assessment.CheckImport(doc.Organizations, bankOf, now); err != nil {
		return nil, fieldPathErr("", err)
	}
	for i := range doc.Organizations {
		assessment.SortByNumber(doc.Organizations[i].Assessments)
	}
	return doc, nil
}

// checkBanks validates the banks a document carries, each against its declared hash, and
// returns them by hash.
func checkBanks(list []*questions.Bank) (map[string]*questions.Bank, error) {
	banks := map[string]*questions.Bank{}
	for i, b := range list {
		p := fmt.Sprintf("banks[%d]", i)
		if b == nil {
			return nil, pathErr(p, "empty bank")
		}
		declared := b.Hash
		err := b.Validate()
		if err == nil {
			err = b.CheckText()
		}
		if err != nil {
			var qe *questions.Error
			if errors.As(err, &qe) {
				return nil, pathErr(p+"."+qe.Field, "%s", qe.Msg)
			}
			return nil, pathErr(p, "%v", err)
		}
		if declared != "" && declared != b.Hash {
			return nil, pathErr(p+".hash", "%s does not match the bank's content (%s): the bank was edited after export", declared, b.Hash)
		}
		banks[b.Hash] = b
	}
	return banks, nil
}

// findBank resolves a bank reference: by hash among the document's banks (by id and
// version when the reference has no hash), then the embedded default bank, then
// resolve (which may be nil). It returns nil when none has it.
func findBank(list []*questions.Bank, byHash map[string]*questions.Bank, ref questions.Ref, resolve Resolver) *questions.Bank {
	if ref.Hash != "" {
		if b := byHash[ref.Hash]; b != nil {
			return b
		}
	} else {
		for _, b := range list {
			if b.ID == ref.ID && b.Version == ref.Version {
				return b
			}
		}
	}
	if d := questions.BuiltinFor(ref); d != nil {
		return d
	}
	if resolve != nil {
		return resolve(ref)
	}
	return nil
}

// fieldPathErr turns a domain FieldError into a PathError under path p.
func fieldPathErr(p string, err error) error {
	var fe *assessment.FieldError
	if errors.As(err, &fe) {
		if p == "" {
			return pathErr(fe.Field, "%s", fe.Msg)
		}
		return pathErr(p+"."+fe.Field, "%s", fe.Msg)
	}
	return pathErr(p, "%v", err)
}

// decodeDoc decodes the document without validating it. The organizations are decoded
// one by one, so the decoder buffers one organization at a time rather than a second
// copy of the whole file.
func decodeDoc(data []byte) (*Document, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var doc Document
	tok, err := dec.Token()
	if err != nil {
		return nil, jsonError(data, "", err)
	}
	if tok != json.Delim('{') {
		return nil, pathErr("", "the document must be a JSON object with format and organizations")
	}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, jsonError(data, "", err)
		}
		key, _ := tok.(string)
		switch key {
		case "format":
			err = dec.Decode(&doc.Format)
		case "exported_at":
			err = dec.Decode(&doc.ExportedAt)
		case "banks":
			err = dec.Decode(&doc.Banks)
		case "organizations":
			if err := decodeOrgs(data, dec, &doc); err != nil {
				return nil, err
			}
			continue
		default:
			return nil, pathErr("", "unknown field %q", key)
		}
		if err != nil {
			return nil, jsonError(data, key, err)
		}
	}
	if _, err := dec.Token(); err != nil { // the closing brace
		return nil, jsonError(data, "", err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, pathErr("", "unexpected data after the JSON document")
	}
	return &doc, nil
}

// decodeOrgs decodes the organizations array, element by element.
func decodeOrgs(data []byte, dec *json.Decoder, doc *Document) error {
	tok, err := dec.Token()
	if err != nil {
		return jsonError(data, "organizations", err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return pathErr("organizations", "must be a list of organizations")
	}
	for i := 0; dec.More(); i++ {
		var o Organization
		if err := dec.Decode(&o); err != nil {
			return jsonError(data, fmt.Sprintf("organizations[%d]", i), err)
		}
		doc.Organizations = append(doc.Organizations, o)
	}
	if _, err := dec.Token(); err != nil { // the closing bracket
		return jsonError(data, "organizations", err)
	}
	return nil
}

// jsonError turns a decoding error into a PathError with the best location it has.
// at is the path of the value being decoded.
func jsonError(data []byte, at string, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		// A decoder counts the offset from where its current value began; decoding
		// the whole into nothing finds the same fault's offset in the file.
		var whole *json.SyntaxError
		if errors.As(json.Unmarshal(data, &struct{}{}), &whole) {
			syn = whole
		}
		line, col := position(data, syn.Offset)
		return pathErr("", "not valid JSON at line %d, column %d: %v", line, col, syn)
	case errors.As(err, &typ):
		field := typ.Field
		switch {
		case at != "" && field != "":
			field = at + "." + field
		case at != "":
			field = at
		}
		return pathErr(field, "must be %s, not a JSON %s", typ.Type, typ.Value)
	case errors.Is(err, io.EOF):
		return pathErr("", "the file is empty")
	case errors.Is(err, io.ErrUnexpectedEOF):
		return pathErr("", "the JSON ends too early: the file is truncated")
	}
	msg := err.Error()
	if rest, ok := strings.CutPrefix(msg, "json: unknown field "); ok {
		return pathErr("", "unknown field %s", rest)
	}
	return pathErr("", "%s", strings.TrimPrefix(msg, "json: "))
}

func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}
