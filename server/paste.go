package server

import "io"

// maxPaste is the most of one bracketed paste that reaches Bubble Tea, in bytes. The
// longest text field takes 500 characters (2,000 bytes at most), so a paste cut here
// is still too long for every field and the TUI refuses it with a message.
const maxPaste = 16 << 10

const (
	pasteStart = "\x1b[200~"
	pasteEnd   = "\x1b[201~"
)

// pasteLimiter passes a session's input to Bubble Tea, cutting every bracketed paste
// to maxPaste bytes (the rest of it is read and dropped). Bubble Tea v1 collects a
// paste until its end marker in a buffer that it copies whole on every 256-byte read:
// a paste of megabytes cost quadratic time, and one that never ends, unbounded memory.
type pasteLimiter struct {
	r       io.Reader
	in      []byte
	out     []byte // processed, not yet returned
	pasting bool
	match   int // bytes of the marker looked for (start outside a paste, end inside) seen so far
	n       int // bytes of the current paste passed on
}

func newPasteLimiter(r io.Reader) *pasteLimiter {
	return &pasteLimiter{r: r, in: make([]byte, 4096)}
}

// Read implements io.Reader.
func (p *pasteLimiter) Read(b []byte) (int, error) {
	for len(p.out) == 0 {
		n, err := p.r.Read(p.in)
		for _, c := range p.in[:n] {
			p.feed(c)
		}
		if err != nil {
			if len(p.out) == 0 {
				return 0, err
			}
			break
		}
	}
	n := copy(b, p.out)
	p.out = p.out[n:]
	if len(p.out) == 0 {
		p.out = p.out[:0:0] // do not keep a large backing array
	}
	return n, nil
}

// feed processes one input byte.
func (p *pasteLimiter) feed(c byte) {
	if !p.pasting {
		p.out = append(p.out, c)
		p.match = advance(pasteStart, p.match, c)
		if p.match == len(pasteStart) {
			p.pasting, p.match, p.n = true, 0, 0
		}
		return
	}
	if c == pasteEnd[p.match] {
		p.match++
		if p.match == len(pasteEnd) {
			p.out = append(p.out, pasteEnd...)
			p.pasting, p.match = false, 0
		}
		return
	}
	// The bytes held as a possible end marker were content after all.
	p.content(pasteEnd[:p.match])
	p.match = 0
	if c == pasteEnd[0] {
		p.match = 1
		return
	}
	p.content(string(c))
}

// content passes on paste content up to maxPaste bytes.
func (p *pasteLimiter) content(s string) {
	for i := 0; i < len(s) && p.n < maxPaste; i++ {
		p.out = append(p.out, s[i])
		p.n++
	}
}

// advance is the next match length of marker after byte c, when m bytes matched. The
// markers begin with ESC and contain no other ESC, so a failed match restarts at c.
func advance(marker string, m int, c byte) int {
	if c == marker[m] {
		return m + 1
	}
	if c == marker[0] {
		return 1
	}
	return 0
}
