package questions

import (
	"errors"
	"math"
	"strings"
	"testing"
)

// FuzzParse feeds arbitrary bytes to the bank loader. Whatever it is given, Parse must
// not panic; what it accepts must be a bank that validates again, whose hash is its
// content's, and that survives YAML() → Parse unchanged; what it refuses must be refused
// with an *Error that names the file.
//
// Seeds: the default bank, the small bank of the hash tests and the files under
// testdata/fuzz/FuzzParse (anchors, merge keys, -0 fits, escapes, deep nesting …).
// Run with: go test -run '^$' -fuzz '^FuzzParse$' -fuzztime 3m ./questions/
func FuzzParse(f *testing.F) {
	f.Add(DefaultYAML())
	f.Add([]byte(baseBank))
	f.Add([]byte(fnHead + fnF))
	if out, err := Default().YAML(); err == nil {
		f.Add(out)
	}
	const name = "fuzz.yaml"
	f.Fuzz(func(t *testing.T, data []byte) {
		b, err := Parse(name, data)
		if err != nil {
			if b != nil {
				t.Errorf("Parse returned a bank and an error: %v", err)
			}
			if !errors.Is(err, ErrInvalid) && !strings.HasPrefix(err.Error(), name) {
				t.Errorf("error %q neither wraps ErrInvalid nor names the file", err)
			}
			return
		}
		if b.Hash != b.ComputeHash() {
			t.Fatalf("Hash %s != ComputeHash() %s", b.Hash, b.ComputeHash())
		}
		hash := b.Hash
		if err := b.Validate(); err != nil {
			t.Fatalf("accepted bank does not validate again: %v", err)
		}
		if b.Hash != hash {
			t.Fatalf("Validate changed the hash: %s -> %s", hash, b.Hash)
		}
		for i := range b.Functions {
			fn := &b.Functions[i]
			if fn.Weight < 1 || fn.Weight > 3 {
				t.Errorf("function %q: weight %d outside 1..3", fn.ID, fn.Weight)
			}
			if !fn.Kind.Valid() {
				t.Errorf("function %q: unknown kind %q", fn.ID, fn.Kind)
			}
			if b.DomainOf(i) < 0 {
				t.Errorf("function %q: unknown domain %q", fn.ID, fn.Domain)
			}
			if got, ok := b.Function(fn.ID); !ok || got != fn {
				t.Errorf("Function(%q) does not find functions[%d]", fn.ID, i)
			}
			for p, v := range fn.Fit {
				if !p.Valid() || math.IsNaN(v) || v < 0 || v > 1 {
					t.Errorf("function %q: fit %q = %v", fn.ID, p, v)
				}
			}
			for _, p := range Performers {
				if v := fn.FitFor(p); math.IsNaN(v) || v < 0 || v > 1 {
					t.Errorf("function %q: FitFor(%s) = %v", fn.ID, p, v)
				}
			}
		}
		out, err := b.YAML()
		if err != nil {
			t.Fatalf("YAML(): %v", err)
		}
		back, err := Parse("out.yaml", out)
		if err != nil {
			t.Fatalf("Parse(YAML()): %v\n%s", err, out)
		}
		if back.Hash != hash {
			t.Fatalf("YAML() → Parse changed the hash: %s -> %s\n%s", hash, back.Hash, out)
		}
	})
}
