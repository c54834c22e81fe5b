package cli

import (
	"testing"

	"cebalance/store"
)

// TestScopeFollowsAccessRule: what a command lets a caller see is the access record's
// rule (store.Access.CanSee), for every role and organization list.
func TestScopeFollowsAccessRule(t *testing.T) {
	for _, acc := range []store.Access{
		{Name: "a", Role: store.Admin},
		{Name: "a", Role: store.Admin, Orgs: []string{"x"}},
		{Name: "d", Role: store.Director, Orgs: []string{"x"}},
		{Name: "d", Role: store.Director, Orgs: []string{"x", "y"}},
		{Name: "d", Role: store.Director},
	} {
		sc := ScopeOf(acc)
		for _, id := range []string{"x", "y", "z", ""} {
			if got, want := sc.CanSee(id), acc.CanSee(id); got != want {
				t.Errorf("%s %v: Scope.CanSee(%q) = %v, Access.CanSee = %v", acc.Role, acc.Orgs, id, got, want)
			}
		}
		env := RemoteEnv(nil, nil, nil, acc, nil)
		if !env.Remote || env.Scope.Admin != (acc.Role == store.Admin) || env.Getenv("HOME") != "" {
			t.Errorf("RemoteEnv(%v) = %+v", acc, env)
		}
	}
}
