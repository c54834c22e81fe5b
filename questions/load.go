package questions

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"unicode"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"
)

// ErrInvalid is returned (wrapped in an *Error) when a bank file is not a valid bank.
var ErrInvalid = errors.New("invalid question bank")

// Error is a validation error in a bank: the file, the line (0 when unknown), the field
// path (e.g. "functions[3].weight") and what is wrong.
type Error struct {
	File  string
	Line  int
	Field string
	Msg   string
}

// Error implements error.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Field != "" {
		b.WriteString(": ")
		b.WriteString(e.Field)
	}
	b.WriteString(": ")
	b.WriteString(e.Msg)
	return b.String()
}

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *Error) Unwrap() error { return ErrInvalid }

// maxBankSize bounds a bank file; real banks are a few tens of kilobytes.
const maxBankSize = 4 << 20

// Load reads and validates the bank file at path. Only a regular file is read: a FIFO, a
// device such as /dev/zero or a directory is refused before it is opened, so a read can
// neither block nor run without end.
func Load(path string) (*Bank, error) {
	fi, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("read question bank: %w", err)
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	if fi.Size() > maxBankSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is %d bytes; a bank must be under %d", fi.Size(), maxBankSize)}
	}
	// O_NONBLOCK: if the path was swapped for a FIFO since Stat, opening it must not
	// wait for a writer; the mode is checked again on what was opened.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, fmt.Errorf("read question bank: %w", err)
	}
	defer f.Close()
	if fi, err = f.Stat(); err != nil {
		return nil, fmt.Errorf("read question bank: %w", err)
	}
	if err := regular(path, fi); err != nil {
		return nil, err
	}
	data, err := io.ReadAll(io.LimitReader(f, maxBankSize+1))
	if err != nil {
		return nil, fmt.Errorf("read question bank: %w", err)
	}
	if len(data) > maxBankSize {
		return nil, &Error{File: path, Msg: fmt.Sprintf("file is over %d bytes; a bank must be under that", maxBankSize)}
	}
	return Parse(filepath.Clean(path), data)
}

// regular refuses anything but a regular file, naming what it is.
func regular(path string, fi os.FileInfo) error {
	m := fi.Mode()
	what := ""
	switch {
	case m.IsRegular():
		return nil
	case m.IsDir():
		what = "a directory"
	case m&os.ModeNamedPipe != 0:
		what = "a named pipe (FIFO)"
	case m&os.ModeDevice != 0:
		what = "a device"
	case m&os.ModeSocket != 0:
		what = "a socket"
	default:
		what = "not a regular file"
	}
	return fmt.Errorf("read question bank: %s is %s: give a YAML file", path, what)
}

// Parse validates the YAML bank in data; name is used in error messages.
func Parse(name string, data []byte) (*Bank, error) {
	if len(data) > maxBankSize {
		return nil, &Error{File: name, Msg: fmt.Sprintf("file is %d bytes; a bank must be under %d", len(data), maxBankSize)}
	}
	var doc yaml.Node
	dec := yaml.NewDecoder(bytes.NewReader(data))
	if err := dec.Decode(&doc); err != nil && !errors.Is(err, io.EOF) {
		return nil, &Error{File: name, Line: yamlErrLine(err), Msg: "not valid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
	}
	if doc.Kind == 0 || len(doc.Content) == 0 {
		return nil, &Error{File: name, Msg: "the file is empty: a bank needs id, version, domains and functions"}
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		line := extra.Line
		if err != nil {
			line = yamlErrLine(err)
		}
		return nil, &Error{File: name, Line: line, Msg: "the file holds more than one YAML document (a second \"---\"): a bank is one document"}
	}
	p := parser{file: name, lines: map[string]int{}}
	b, err := p.bank(doc.Content[0])
	if err != nil {
		return nil, err
	}
	if err := b.check(name, p.lines); err != nil {
		return nil, err
	}
	if err := b.checkText(name, p.lines); err != nil {
		return nil, err
	}
	return b, nil
}

// CheckText returns an *Error naming the first text field of b that holds a character
// that could act on a terminal or hide text: see checkText. Banks read from files are
// checked by Parse; this is for banks that arrive another way (an interchange file).
func (b *Bank) CheckText() error { return b.checkText("bank", nil) }

// checkText refuses, in every text field, C0 control characters (escape sequences start
// with ESC), DEL, C1 controls, line and paragraph separators and format characters
// (bidi overrides, zero-width spaces): printed by `questions` or the TUI they would move
// the cursor, recolour the screen or reorder text. Newline and tab are allowed in the
// fields that hold prose (descriptions, questions, help and recommendations).
func (b *Bank) checkText(file string, lines map[string]int) error {
	fail := func(path string, r rune) error {
		line := 0
		if lines != nil {
			line = lines[path]
		}
		return &Error{File: file, Line: line, Field: path,
			Msg: fmt.Sprintf("contains the control or format character %U: remove it (text may not carry escape sequences or hidden characters)", r)}
	}
	check := func(path, s string, prose bool) error {
		for _, r := range s {
			if badRune(r, prose) {
				return fail(path, r)
			}
		}
		return nil
	}
	if err := check("name", b.Name, false); err != nil {
		return err
	}
	for i, d := range b.Domains {
		p := fmt.Sprintf("domains[%d]", i)
		for _, f := range []struct {
			key, v string
			prose  bool
		}{{"id", d.ID, false}, {"name", d.Name, false}, {"description", d.Description, true}} {
			if err := check(p+"."+f.key, f.v, f.prose); err != nil {
				return err
			}
		}
	}
	for i := range b.Functions {
		fn := &b.Functions[i]
		p := fmt.Sprintf("functions[%d]", i)
		for _, f := range []struct {
			key, v string
			prose  bool
		}{
			{"id", fn.ID, false}, {"domain", fn.Domain, false}, {"kind", string(fn.Kind), false},
			{"title", fn.Title, false}, {"question", fn.Question, true}, {"help", fn.Help, true},
			{"recommendation", fn.Recommendation, true},
		} {
			if err := check(p+"."+f.key, f.v, f.prose); err != nil {
				return err
			}
		}
	}
	return nil
}

// badRune reports whether r may not appear in bank text; prose allows newline and tab.
func badRune(r rune, prose bool) bool {
	switch {
	case r == '\n' || r == '\t':
		return !prose
	case r < 0x20, r >= 0x7f && r <= 0x9f, r == '\u2028', r == '\u2029', r == utf8.RuneError:
		return true
	}
	return unicode.Is(unicode.Cf, r)
}

func yamlErrLine(err error) int {
	var n int
	msg := err.Error()
	if i := strings.Index(msg, "line "); i >= 0 {
		fmt.Sscanf(msg[i+5:], "%d", &n)
	}
	return n
}

// parser walks the YAML node tree so that every error can name its line and field.
type parser struct {
	file  string
	lines map[string]int
}

func (p *parser) errf(n *yaml.Node, path, format string, args ...any) error {
	return &Error{File: p.file, Line: n.Line, Field: path, Msg: fmt.Sprintf(format, args...)}
}

// fields returns the values of a mapping node by key, refusing unknown and repeated keys.
func (p *parser) fields(n *yaml.Node, path string, known ...string) (map[string]*yaml.Node, error) {
	if n.Kind != yaml.MappingNode {
		what := "the document"
		if path != "" {
			what = path
		}
		return nil, p.errf(n, path, "%s must be a mapping of keys to values", what)
	}
	out := make(map[string]*yaml.Node, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := p.key(k, path); err != nil {
			return nil, err
		}
		fp := join(path, k.Value)
		if !contains(known, k.Value) {
			return nil, p.errf(k, fp, "unknown field %q (known: %s)", k.Value, strings.Join(known, ", "))
		}
		if _, dup := out[k.Value]; dup {
			return nil, p.errf(k, fp, "field %q appears twice", k.Value)
		}
		out[k.Value] = v
		p.lines[fp] = k.Line
	}
	return out, nil
}

// key refuses a mapping key that is not plain text. An alias key's Value is the
// anchor's name, not the anchored text, so "*question: x" would otherwise be read as the
// field "question" whatever the anchor holds.
func (p *parser) key(k *yaml.Node, path string) error {
	if k.Kind == yaml.ScalarNode {
		return nil
	}
	what := "the document"
	if path != "" {
		what = path
	}
	if k.Kind == yaml.AliasNode {
		return p.errf(k, path, "keys in %s must be plain names, not the alias *%s", what, k.Value)
	}
	return p.errf(k, path, "keys in %s must be plain names, not lists or mappings", what)
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (p *parser) str(n *yaml.Node, path string) (string, error) {
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!str" && n.Tag != "!!null") {
		return "", p.errf(n, path, "must be text")
	}
	if n.Tag == "!!null" {
		return "", nil
	}
	return strings.TrimSpace(n.Value), nil
}

func (p *parser) integer(n *yaml.Node, path string) (int, error) {
	var v int
	if n.Kind != yaml.ScalarNode || n.Tag != "!!int" || n.Decode(&v) != nil {
		return 0, p.errf(n, path, "must be a whole number, not %q", n.Value)
	}
	return v, nil
}

func (p *parser) number(n *yaml.Node, path string) (float64, error) {
	var v float64
	if n.Kind != yaml.ScalarNode || (n.Tag != "!!int" && n.Tag != "!!float") || n.Decode(&v) != nil || math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, p.errf(n, path, "must be a number between 0 and 1, not %q", n.Value)
	}
	return v, nil
}

func (p *parser) seq(n *yaml.Node, path string) ([]*yaml.Node, error) {
	if n.Kind != yaml.SequenceNode {
		return nil, p.errf(n, path, "must be a list")
	}
	return n.Content, nil
}

// textField is a text field of a mapping and where its value goes.
type textField struct {
	key string
	dst *string
}

func (p *parser) bank(root *yaml.Node) (*Bank, error) {
	f, err := p.fields(root, "", "id", "version", "name", "standards_as_of", "fit_defaults", "domains", "functions")
	if err != nil {
		return nil, err
	}
	for _, req := range []string{"id", "version", "domains", "functions"} {
		if f[req] == nil {
			return nil, p.errf(root, req, "missing field %q", req)
		}
	}
	b := &Bank{}
	if b.ID, err = p.str(f["id"], "id"); err != nil {
		return nil, err
	}
	if b.Version, err = p.integer(f["version"], "version"); err != nil {
		return nil, err
	}
	if n := f["name"]; n != nil {
		if b.Name, err = p.str(n, "name"); err != nil {
			return nil, err
		}
	}
	if n := f["standards_as_of"]; n != nil {
		if b.StandardsAsOf, err = p.str(n, "standards_as_of"); err != nil {
			return nil, err
		}
	}
	if n := f["fit_defaults"]; n != nil {
		kinds, err := p.fields(n, "fit_defaults", string(Engineering), string(Operations))
		if err != nil {
			return nil, err
		}
		b.FitDefaults = map[Kind]map[Performer]float64{}
		for _, k := range Kinds {
			if kn := kinds[string(k)]; kn != nil {
				if b.FitDefaults[k], err = p.fitMap(kn, "fit_defaults."+string(k)); err != nil {
					return nil, err
				}
			}
		}
	}
	ds, err := p.seq(f["domains"], "domains")
	if err != nil {
		return nil, err
	}
	for i, dn := range ds {
		path := fmt.Sprintf("domains[%d]", i)
		p.lines[path] = dn.Line
		df, err := p.fields(dn, path, "id", "name", "description")
		if err != nil {
			return nil, err
		}
		var d Domain
		// A slice, not a map: with several bad fields the same one is reported every time.
		for _, fd := range []textField{{"id", &d.ID}, {"name", &d.Name}, {"description", &d.Description}} {
			if n := df[fd.key]; n != nil {
				if *fd.dst, err = p.str(n, path+"."+fd.key); err != nil {
					return nil, err
				}
			} else {
				p.lines[path+"."+fd.key] = dn.Line
			}
		}
		b.Domains = append(b.Domains, d)
	}
	fs, err := p.seq(f["functions"], "functions")
	if err != nil {
		return nil, err
	}
	for i, fn := range fs {
		fn2, err := p.function(fn, fmt.Sprintf("functions[%d]", i))
		if err != nil {
			return nil, err
		}
		b.Functions = append(b.Functions, fn2)
	}
	return b, nil
}

func (p *parser) function(n *yaml.Node, path string) (Function, error) {
	var fn Function
	p.lines[path] = n.Line
	f, err := p.fields(n, path, "id", "domain", "kind", "weight", "weight_why", "title", "question", "help", "recommendation", "na_allowed", "fit", "fit_why")
	if err != nil {
		return fn, err
	}
	// A missing field is reported on the line of the function it belongs to.
	for _, key := range []string{"id", "domain", "kind", "weight", "question"} {
		if f[key] == nil {
			return fn, p.errf(n, path+"."+key, "missing field %q", key)
		}
	}
	var kind string
	for _, fd := range []textField{
		{"id", &fn.ID}, {"domain", &fn.Domain}, {"kind", &kind}, {"title", &fn.Title},
		{"question", &fn.Question}, {"help", &fn.Help}, {"recommendation", &fn.Recommendation},
		{"weight_why", &fn.WeightWhy},
	} {
		if v := f[fd.key]; v != nil {
			if *fd.dst, err = p.str(v, path+"."+fd.key); err != nil {
				return fn, err
			}
		}
	}
	fn.Kind = Kind(kind)
	if fn.Weight, err = p.integer(f["weight"], path+".weight"); err != nil {
		return fn, err
	}
	if v := f["na_allowed"]; v != nil {
		if v.Kind != yaml.ScalarNode || v.Tag != "!!bool" || v.Decode(&fn.NAAllowed) != nil {
			return fn, p.errf(v, path+".na_allowed", "must be true or false, not %q", v.Value)
		}
	}
	if v := f["fit"]; v != nil {
		if fn.Fit, err = p.fitMap(v, path+".fit"); err != nil {
			return fn, err
		}
	}
	if v := f["fit_why"]; v != nil {
		if v.Kind != yaml.MappingNode {
			return fn, p.errf(v, path+".fit_why", "must be a mapping of performer to reason, e.g. {other_dept: \"risk management files the report\"}")
		}
		fn.FitWhy = make(map[Performer]string, len(v.Content)/2)
		for i := 0; i+1 < len(v.Content); i += 2 {
			k, w := v.Content[i], v.Content[i+1]
			if err := p.key(k, path+".fit_why"); err != nil {
				return fn, err
			}
			fp := path + ".fit_why." + k.Value
			p.lines[fp] = k.Line
			if !Performer(k.Value).Scored() {
				return fn, p.errf(k, fp, "unknown performer %q in fit_why (known: %s)", k.Value, performerList)
			}
			if _, dup := fn.FitWhy[Performer(k.Value)]; dup {
				return fn, p.errf(k, fp, "performer %q appears twice in fit_why", k.Value)
			}
			why, err := p.str(w, fp)
			if err != nil {
				return fn, err
			}
			fn.FitWhy[Performer(k.Value)] = why
		}
	}
	return fn, nil
}

// fitMap reads a mapping of performer to fit, e.g. {it: 0.75}.
func (p *parser) fitMap(n *yaml.Node, path string) (map[Performer]float64, error) {
	if n.Kind != yaml.MappingNode {
		return nil, p.errf(n, path, "must be a mapping of performer to fit, e.g. {it: 0.75}")
	}
	out := make(map[Performer]float64, len(n.Content)/2)
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if err := p.key(k, path); err != nil {
			return nil, err
		}
		fp := path + "." + k.Value
		p.lines[fp] = k.Line
		if Performer(k.Value) == NA {
			return nil, p.errf(k, fp, "na has no fit: \"not applicable\" takes no part in the figures")
		}
		if !Performer(k.Value).Valid() {
			return nil, p.errf(k, fp, "unknown performer %q in fit (known: %s)", k.Value, performerList)
		}
		if _, dup := out[Performer(k.Value)]; dup {
			return nil, p.errf(k, fp, "performer %q appears twice in fit", k.Value)
		}
		x, err := p.number(v, fp)
		if err != nil {
			return nil, err
		}
		out[Performer(k.Value)] = x
	}
	return out, nil
}

// YAML returns the bank as YAML in the schema Parse reads.
func (b *Bank) YAML() ([]byte, error) {
	type plain Bank // without methods, so yaml does not recurse into this one
	return yaml.Marshal((*plain)(b))
}
