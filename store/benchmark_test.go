package store_test

import (
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"

	"cebalance/assessment"
	"cebalance/questions"
	"cebalance/store"
)

// The attacks of the peer benchmark, tried on a real store. Each organization answers
// every function with one performer, so its balance index is that performer's fit:
// nobody 0, BMET 50, manager 75, CE 100 — and the outsider, answering "manager", has a
// balance index of exactly 75, which the attacks try to read.

func assess(t *testing.T, s *store.Store, orgID string, p assessment.Performer, beds int) assessment.Assessment {
	t.Helper()
	prof := goodProfile
	prof.Beds = beds
	return completeWith(t, s, orgID, mustStart(t, s, orgID).Number, p, prof)
}

func balanceOf(t *testing.T, s *store.Store, orgID string) float64 {
	t.Helper()
	as, err := s.Assessments(orgID)
	if err != nil {
		t.Fatal(err)
	}
	a := as[len(as)-1]
	return *assessment.Score(questions.Default(), &a).BalanceIndex
}

// legacyMedian is what the old code published: the exact median of every other
// organization's live latest assessment.
func legacyMedian(t *testing.T, s *store.Store, orgID string) (float64, int) {
	t.Helper()
	in, err := s.LatestCompleted()
	if err != nil {
		t.Fatal(err)
	}
	g := assessment.LegacyPeers(orgID, assessment.Medium, in)
	if g.N < assessment.MinPeers {
		return math.NaN(), g.N
	}
	return assessment.Percentile(g.Values[assessment.MetricBalance], 0.5), g.N
}

func peersJSON(t *testing.T, s *store.Store, org store.Organization, exclude []string) (assessment.PeerBenchmark, string) {
	t.Helper()
	as, err := s.Assessments(org.ID)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := s.Peers(org, &as[len(as)-1], exclude)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(pb)
	return pb, string(data)
}

const fewer = `{"size_band":"medium","fewer_than":5}`

// TestPeerAttackMultiOrgDirector: a director with five organizations in the band and
// one outsider re-assesses two of theirs as "Nobody" everywhere. The old code's median
// was the outsider's balance index; now all five are left out of what the director
// sees, so nothing is published at all.
func TestPeerAttackMultiOrgDirector(t *testing.T) {
	s, _ := openTemp(t)
	var own []string
	for i := range 5 {
		o := mustOrg(t, s, fmt.Sprintf("Director Hospital %d", i))
		own = append(own, o.ID)
		assess(t, s, o.ID, assessment.CE, 200)
	}
	x := mustOrg(t, s, "Outsider")
	assess(t, s, x.ID, assessment.Manager, 200)
	for _, id := range own[1:3] {
		assess(t, s, id, assessment.Nobody, 200)
	}
	if err := s.RefreshBenchmark(); err != nil {
		t.Fatal(err)
	}
	if med, _ := legacyMedian(t, s, own[0]); med != balanceOf(t, s, x.ID) {
		t.Fatalf("the old path's median = %v, want the outsider's %v (the attack this test guards against)", med, balanceOf(t, s, x.ID))
	}
	org, _ := s.Organization(own[0])
	if _, got := peersJSON(t, s, org, own); got != fewer {
		t.Errorf("director's peers = %s, want %s", got, fewer)
	}
	b, err := s.Benchmark(own)
	if err != nil {
		t.Fatal(err)
	}
	for _, band := range b.Bands {
		if band.N != 0 || (band.SizeBand == assessment.Medium && band.FewerThan != 5) {
			t.Errorf("director's benchmark band %+v, want fewer than 5 everywhere", band)
		}
	}
}

// TestPeerAttackColludingDirectors: four directors, one organization each, and an
// outsider in the band. Each director's peers are the other three and the outsider:
// fewer than five, nothing published, whatever they answer.
func TestPeerAttackColludingDirectors(t *testing.T) {
	s, _ := openTemp(t)
	var cs []store.Organization
	for i := range 4 {
		o := mustOrg(t, s, fmt.Sprintf("Colluder %d", i))
		cs = append(cs, o)
		assess(t, s, o.ID, []assessment.Performer{assessment.Nobody, assessment.Nobody, assessment.CE, assessment.CE}[i], 200)
	}
	x := mustOrg(t, s, "Outsider")
	assess(t, s, x.ID, assessment.Manager, 200)
	if err := s.RefreshBenchmark(); err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		if _, got := peersJSON(t, s, c, []string{c.ID}); got != fewer {
			t.Errorf("%s sees %s, want %s", c.ID, got, fewer)
		}
		b, _ := s.Benchmark([]string{c.ID})
		if b.N != 0 {
			t.Errorf("%s's benchmark covers %d organizations, want none published", c.ID, b.N)
		}
	}
}

// TestPeerAttackPolling: a viewer polls before and after one peer's re-assessment. The
// old code's median moved to that peer's new value; the snapshot does not move until
// RefreshEvery organizations have completed, so both polls are identical.
func TestPeerAttackPolling(t *testing.T) {
	s, _ := openTemp(t)
	v := mustOrg(t, s, "Viewer")
	assess(t, s, v.ID, assessment.CE, 200)
	var peers []store.Organization
	for i, p := range []assessment.Performer{assessment.Nobody, assessment.Nobody, assessment.BMET, assessment.CE, assessment.CE} {
		o := mustOrg(t, s, fmt.Sprintf("Peer %d", i))
		peers = append(peers, o)
		assess(t, s, o.ID, p, 200)
	}
	before, _ := peersJSON(t, s, v, nil)
	oldBefore, _ := legacyMedian(t, s, v.ID)
	assess(t, s, peers[2].ID, assessment.Manager, 200) // the target re-assesses: 50 → 75
	after, _ := peersJSON(t, s, v, nil)
	oldAfter, _ := legacyMedian(t, s, v.ID)
	if oldBefore == oldAfter || oldAfter != balanceOf(t, s, peers[2].ID) {
		t.Fatalf("old path: median %v → %v; the target's new value %v should show (the attack)", oldBefore, oldAfter, balanceOf(t, s, peers[2].ID))
	}
	b1, _ := json.Marshal(before)
	b2, _ := json.Marshal(after)
	if string(b1) != string(b2) {
		t.Errorf("one re-assessment moved the published peers:\n%s\n%s", b1, b2)
	}
	// Two more completions make three: a new snapshot, moved by three organizations.
	assess(t, s, peers[0].ID, assessment.Nobody, 200)
	assess(t, s, peers[1].ID, assessment.Nobody, 200)
	later, _ := peersJSON(t, s, v, nil)
	if later.AsOf == nil || before.AsOf == nil || !later.AsOf.After(*before.AsOf) {
		t.Errorf("after 3 completions the snapshot is still of %v", before.AsOf)
	}
}

// TestPeerAttackExactlyFive: with exactly five peers the old quartiles were the 2nd,
// 3rd and 4th peers' exact figures. Now only n and the rounded median are published.
func TestPeerAttackExactlyFive(t *testing.T) {
	s, _ := openTemp(t)
	v := mustOrg(t, s, "Viewer")
	assess(t, s, v.ID, assessment.CE, 200)
	for i, p := range []assessment.Performer{assessment.Nobody, assessment.BMET, assessment.Manager, assessment.CE, assessment.Vendor} {
		assess(t, s, mustOrg(t, s, fmt.Sprintf("Peer %d", i)).ID, p, 200)
	}
	if err := s.RefreshBenchmark(); err != nil {
		t.Fatal(err)
	}
	pb, got := peersJSON(t, s, v, nil)
	if pb.N != 5 || pb.BalanceIndex == nil || pb.BalanceIndex.P25 != nil || pb.BalanceIndex.P75 != nil ||
		pb.BMETPerCE == nil || pb.BMETPerCE.P25 != nil || strings.Contains(got, "p25") || strings.Contains(got, "p75") {
		t.Errorf("five peers publish %s; want n and medians only", got)
	}
	if m := pb.BalanceIndex.Median; m != math.Round(m) {
		t.Errorf("median %v is not rounded to a whole point", m)
	}
}

// TestPeerAttackDraftProbing: changing a draft's beds to probe another band shows
// nothing: a draft has no peers, and no count.
func TestPeerAttackDraftProbing(t *testing.T) {
	s, _ := openTemp(t)
	v := mustOrg(t, s, "Viewer")
	for i := range 6 {
		assess(t, s, mustOrg(t, s, fmt.Sprintf("Small %d", i)).ID, assessment.BMET, 50)
	}
	d := mustStart(t, s, v.ID)
	p := goodProfile
	p.Beds = 50
	if err := s.SaveProfile(v.ID, d.Number, p); err != nil {
		t.Fatal(err)
	}
	d, _ = s.Draft(v.ID)
	pb, err := s.Peers(v, &d, nil)
	if err != nil {
		t.Fatal(err)
	}
	data, _ := json.Marshal(pb)
	if pb.Pending != assessment.DraftPeers || pb.N != 0 || strings.Contains(string(data), `"n"`) {
		t.Errorf("draft peers = %s; want only the band and %q", data, assessment.DraftPeers)
	}
}

// TestDemoApart: demo organizations are benchmarked only against each other, and
// RemoveDemo deletes exactly them.
func TestDemoApart(t *testing.T) {
	s, _ := openTemp(t)
	var demo []store.OrgData
	bank := questions.Default()
	for i := range 6 {
		done := time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
		a := assessment.Assessment{Number: 1, Status: assessment.Completed, StartedAt: done, CompletedAt: &done,
			Bank: bank.Ref(), Profile: goodProfile, Answers: map[string]assessment.Answer{}}
		for _, f := range bank.Functions {
			a.Answers[f.ID] = assessment.Answer{Performer: assessment.CE, AnsweredAt: done}
		}
		demo = append(demo, store.OrgData{Organization: store.Organization{ID: fmt.Sprintf("demo-%d", i), Name: fmt.Sprintf("Demo %d", i), Demo: true},
			Assessments: []assessment.Assessment{a}})
	}
	if err := s.ReplaceAll(demo, nil, false); err != nil {
		t.Fatal(err)
	}
	real := mustOrg(t, s, "Real Hospital")
	assess(t, s, real.ID, assessment.BMET, 180)
	if _, got := peersJSON(t, s, real, nil); got != fewer {
		t.Errorf("a real organization sees %s; want no demo peers", got)
	}
	d, _ := s.Organization("demo-0")
	if pb, _ := peersJSON(t, s, d, nil); pb.N != 5 || !pb.Demo {
		t.Errorf("a demo organization sees n = %d (demo %v), want the 5 other demo ones", pb.N, pb.Demo)
	}
	orgs, as, err := s.RemoveDemo()
	if err != nil || orgs != 6 || as != 6 {
		t.Fatalf("RemoveDemo = %d, %d, %v; want 6, 6", orgs, as, err)
	}
	left, _ := s.Organizations()
	if len(left) != 1 || left[0].ID != real.ID {
		t.Errorf("after RemoveDemo: %+v", left)
	}
}

// TestOutsideContributions: contributions count in the benchmark as outside ones and are
// replaced as a whole when the same source is imported again.
func TestOutsideContributions(t *testing.T) {
	s, _ := openTemp(t)
	bank := questions.Default()
	mk := func(n int, p assessment.Performer) []store.Contribution {
		var cs []store.Contribution
		for i := range n {
			c := store.Contribution{ID: fmt.Sprintf("r%d", i), SizeBand: assessment.Medium, CEFTE: 1, BMETFTE: 6.5,
				Bank: questions.Ref{ID: bank.ID, Version: bank.Version}, Year: 2025, Answers: map[string]assessment.Performer{}}
			for _, f := range bank.Functions {
				c.Answers[f.ID] = p
			}
			cs = append(cs, c)
		}
		return cs
	}
	if err := s.ImportContributions("Region", mk(6, assessment.CE)); err != nil {
		t.Fatal(err)
	}
	b, _ := s.Benchmark(nil)
	if b.N != 6 || b.Outside != 6 {
		t.Errorf("benchmark n = %d outside = %d, want 6 and 6", b.N, b.Outside)
	}
	if err := s.ImportContributions("Region", mk(7, assessment.CE)); err != nil {
		t.Fatal(err)
	}
	if b, _ = s.Benchmark(nil); b.N != 7 {
		t.Errorf("after re-import of 7: n = %d, want 7 (replaced as a whole, not 13)", b.N)
	}
	bad := mk(1, assessment.CE)
	bad[0].CEFTE = 0.3
	if err := s.ImportContributions("Other", bad); err == nil || !strings.Contains(err.Error(), "steps of 0.5") {
		t.Errorf("FTE 0.3 accepted: %v", err)
	}
	if orgs, _ := s.Organizations(); len(orgs) != 0 {
		t.Errorf("contributions listed as organizations: %+v", orgs)
	}
}
