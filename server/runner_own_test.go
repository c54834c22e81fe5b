package server

import (
	"strings"
	"sync"
	"testing"
	"time"

	"cebalance/store"
)

// TestCommandRunnerIsWired: the server hands a command, with the access record of the
// key that authenticated and its own store, to the runner it is given, and returns the
// runner's exit status; without a runner it refuses in one line.
func TestCommandRunnerIsWired(t *testing.T) {
	var mu sync.Mutex
	var got []Call
	var gotArgs [][]string
	f := startServerWith(t, time.Minute, func(c *Config) {
		c.Command = func(call Call, args []string) int {
			mu.Lock()
			got, gotArgs = append(got, call), append(gotArgs, args)
			mu.Unlock()
			call.Stdout.Write([]byte("ran\n"))
			return 3
		}
	})
	out, _, code := f.run(f.director, "report --format json")
	if out != "ran\n" || code != 3 {
		t.Fatalf("out %q, status %d", out, code)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(got) != 1 || got[0].Access.Role != store.Director || got[0].Access.Name != "Dana Director" ||
		strings.Join(got[0].Access.Orgs, ",") != "demo-general-hospital" || got[0].Store != f.st || got[0].Bank == nil ||
		strings.Join(gotArgs[0], " ") != "report --format json" {
		t.Fatalf("calls %+v, args %v", got, gotArgs)
	}

	bare := startServerWith(t, time.Minute, func(c *Config) { c.Command, c.Plain = nil, nil })
	out, errs, code := bare.run(bare.admin, "report")
	if code != exitFailure || out != "" || strings.Count(errs, "\n") != 1 || !strings.Contains(errs, "runs no commands") {
		t.Fatalf("without a runner: out %q, err %q, status %d", out, errs, code)
	}
}
