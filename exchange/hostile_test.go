package exchange

import (
	"bytes"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

// TestDecodeNumberBound: numbers the store cannot key are refused with their path. The
// old code accepted both; the store then called the file damaged.
func TestDecodeNumberBound(t *testing.T) {
	for _, n := range []string{"2147483648", "9223372036854775807", "0"} {
		text := strings.Replace(encode(t, validDoc()), `"number": 1`, `"number": `+n, 1)
		_, err := Decode([]byte(text), nil, testNow)
		want := "organizations[0].assessments[0].number: assessment number must be from 1 to 2147483647"
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("number %s: %v, want %q", n, err, want)
		}
	}
	text := strings.Replace(encode(t, validDoc()), `"number": 1`, `"number": 2147483647`, 1)
	if _, err := Decode([]byte(text), nil, testNow); err != nil {
		t.Errorf("the highest number is refused: %v", err)
	}
}

func TestDecodeDates(t *testing.T) {
	base := encode(t, validDoc()) // started 2025-01-02T03:04:05Z, completed an hour later
	for _, c := range []struct {
		name, old, new, want string
	}{
		{"completed in year 9999", `"completed_at": "2025-01-02T04:04:05Z"`, `"completed_at": "9999-01-01T00:00:00Z"`,
			"organizations[0].assessments[0].completed_at: 9999-01-01T00:00:00Z is in the future"},
		{"completed before started", `"completed_at": "2025-01-02T04:04:05Z"`, `"completed_at": "2025-01-01T00:00:00Z"`,
			"organizations[0].assessments[0].completed_at: 2025-01-01T00:00:00Z is before started_at"},
		{"started before 2000", `"started_at": "2025-01-02T03:04:05Z"`, `"started_at": "1999-12-31T23:59:59Z"`,
			"organizations[0].assessments[0].started_at: 1999-12-31T23:59:59Z is before 2000-01-01"},
		{"started two days ahead", `"started_at": "2025-01-02T03:04:05Z"`, `"started_at": "2026-06-03T00:00:00Z"`,
			"organizations[0].assessments[0].started_at: 2026-06-03T00:00:00Z is in the future"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if !strings.Contains(base, c.old) {
				t.Fatalf("fixture lacks %s", c.old)
			}
			_, err := Decode([]byte(strings.Replace(base, c.old, c.new, 1)), nil, testNow)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("%v, want %q", err, c.want)
			}
		})
	}
}

// TestDecodeDuplicateKeys: encoding/json keeps the last of two equal keys; the document
// is refused instead, at any depth, with the path and position.
func TestDecodeDuplicateKeys(t *testing.T) {
	base := encode(t, validDoc())
	for _, c := range []struct {
		name string
		edit func(string) string
		want string
	}{
		{"top level", func(s string) string {
			return strings.Replace(s, `"format": "cebalance/v1",`, `"format": "cebalance/v1", "format": "cebalance/v1",`, 1)
		}, `format: key "format" appears twice in the same object: remove one (line 2`},
		{"organization name", func(s string) string {
			return strings.Replace(s, `"name": "St X",`, `"name": "St X", "name": "St Y",`, 1)
		}, `organizations[0].name: key "name" appears twice`},
		{"answer performer", func(s string) string {
			return strings.Replace(s, `"performer": "bmet",`, `"performer": "bmet", "performer": "ce",`, 1)
		}, `organizations[0].assessments[0].answers.`},
		{"function answered twice", func(s string) string {
			return strings.Replace(s, `"inventory": {`, `"inventory": {"performer": "ce"}, "inventory": {`, 1)
		}, `organizations[0].assessments[0].answers.inventory: key "inventory" appears twice`},
		{"inside a bank reference", func(s string) string {
			return strings.Replace(s, `"id": "default",`, `"id": "default", "id": "default",`, 1)
		}, `organizations[0].assessments[0].bank.id: key "id" appears twice`},
	} {
		t.Run(c.name, func(t *testing.T) {
			text := c.edit(base)
			if text == base {
				t.Fatal("the edit did not apply")
			}
			_, err := Decode([]byte(text), nil, testNow)
			if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.want) || !strings.Contains(err.Error(), "column") {
				t.Fatalf("%v, want %q with a line and column", err, c.want)
			}
		})
	}
}

// TestDecodeLookAlikeNames: names equal under NFKC and case folding are one name.
func TestDecodeLookAlikeNames(t *testing.T) {
	for _, c := range [][2]string{
		{"St Example", "Ｓｔ Ｅｘａｍｐｌｅ"},
		{"Caf\u00e9", "Cafe\u0301"},
		{"St Example", "ST EXAMPLE"},
	} {
		d := validDoc()
		second := d.Organizations[0]
		d.Organizations[0].Name = c[0]
		second.ID, second.Name = "other", c[1]
		d.Organizations = append(d.Organizations, second)
		_, err := Decode([]byte(encode(t, d)), nil, testNow)
		if err == nil || !strings.Contains(err.Error(), "organizations[1].name: name") || !strings.Contains(err.Error(), "organizations[0]") {
			t.Errorf("%q and %q: %v", c[0], c[1], err)
		}
	}
}

func TestDecodeLimits(t *testing.T) {
	base := encode(t, validDoc())
	long := strings.Repeat("x", MaxNoteBytes+1)
	text := strings.Replace(base, `"note": ""`, `"note": "`+long+`"`, 1)
	if _, err := Decode([]byte(text), nil, testNow); err == nil || !strings.Contains(err.Error(), ".note: text of 8193 bytes; the limit is 8192") {
		t.Errorf("long note: %v", err)
	}
	deep := strings.Replace(base, `"teaching": false`, `"teaching": `+strings.Repeat("[", 40)+strings.Repeat("]", 40), 1)
	if _, err := Decode([]byte(deep), nil, testNow); err == nil || !strings.Contains(err.Error(), "nested more than") {
		t.Errorf("deep nesting: %v", err)
	}
	var b strings.Builder
	b.WriteString(`{"format": "cebalance/v1", "organizations": [{"id": "a", "name": "A", "assessments": [`)
	for i := range MaxAssessments + 1 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"number": %d, "status": "draft", "started_at": "2025-01-01T00:00:00Z", "bank": {}}`, i+1)
	}
	b.WriteString(`]}]}`)
	_, err := Decode([]byte(b.String()), nil, testNow)
	if want := fmt.Sprintf("organizations[0].assessments[%d]: more than %d assessments for one organization", MaxAssessments, MaxAssessments); err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("too many assessments: %v, want %q", err, want)
	}
	empty := `{"format": "cebalance/v1", "organizations": [{"id": "a", "name": "A", "assessments": [{}]}]}`
	if _, err := Decode([]byte(empty), nil, testNow); err == nil || !strings.Contains(err.Error(), `organizations[0].assessments[0]: missing "number" (line 1`) {
		t.Errorf("empty assessment: %v", err)
	}
}

// hostile returns an import file of about size bytes built to cost memory: the old
// shape (empty assessments, 1.85 GB for 10 MB) when empty, else the costliest shape the
// limits let through (the most assessments, each with the most minimal answers).
func hostile(size int, empty bool) []byte {
	var b bytes.Buffer
	b.WriteString(`{"format": "cebalance/v1", "organizations": [`)
	for o := 0; b.Len() < size; o++ {
		if o > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"id": "o%d", "name": "O%d", "assessments": [`, o, o)
		for a := 0; a < MaxAssessments && b.Len() < size; a++ {
			if a > 0 {
				b.WriteByte(',')
			}
			if empty {
				b.WriteString("{}")
				continue
			}
			fmt.Fprintf(&b, `{"number":%d,"status":"draft","started_at":"2025-01-01T00:00:00Z","bank":{},"answers":{`, a+1)
			for n := 0; n < MaxAnswers && b.Len() < size; n++ {
				if n > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"f%d":{"performer":""}`, n)
			}
			b.WriteString("}}")
		}
		b.WriteString("]}")
	}
	b.WriteString("]}")
	return b.Bytes()
}

// peakHeap runs f and returns the highest heap in use seen while it ran (sampled).
func peakHeap(f func()) uint64 {
	runtime.GC()
	var peak uint64
	var mu sync.Mutex
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			mu.Lock()
			peak = max(peak, m.HeapAlloc)
			mu.Unlock()
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	f()
	close(done)
	wg.Wait()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return max(peak, m.HeapAlloc)
}

// TestDecodeHostileMemory: a hostile file is refused within a heap of a small multiple
// of its size. The old code used 1.85 GB for the 10 MB empty-assessment file and 4.6 GB
// for 30 MB.
func TestDecodeHostileMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 30 MB files")
	}
	for _, c := range []struct {
		name  string
		size  int
		empty bool
		want  string
	}{
		{"10 MB of empty assessments", 10 << 20, true, `missing "number"`},
		{"30 MB of minimal answers", 30 << 20, false, "more than 1000000 answers in one file"},
		// The costliest file the counts let through to the decoder: answers to functions
		// that no bank has, refused after decoding.
		{"20 MB of minimal answers", 20 << 20, false, "unknown bank"},
	} {
		t.Run(c.name, func(t *testing.T) {
			data := hostile(c.size, c.empty)
			var err error
			peak := peakHeap(func() { _, err = Decode(data, nil, testNow) })
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%v, want %q", err, c.want)
			}
			// The input itself is on the heap, and the heap holds garbage the collector
			// has not reclaimed yet (up to as much as is live): allow 16 times the input,
			// and never more than 512 MB, which the counts guarantee whatever the size.
			limit := min(uint64(len(data))*16, 512<<20)
			t.Logf("%d bytes: peak heap %.1f MB", len(data), float64(peak)/(1<<20))
			if peak > limit {
				t.Errorf("peak heap %d bytes for a %d-byte file; the bound is %d", peak, len(data), limit)
			}
		})
	}
}
