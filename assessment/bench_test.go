package assessment

import (
	"testing"
	"time"

	"cebalance/questions"
)

// benchAnswers answers every default-bank function, cycling through the performers.
func benchAnswers(seed int) map[string]Answer {
	bank := questions.Default()
	ans := make(map[string]Answer, len(bank.Functions))
	for i, f := range bank.Functions {
		ans[f.ID] = Answer{Performer: questions.Performers[(i+seed)%questions.NumPerformers], AnsweredAt: t0}
	}
	return ans
}

func benchAssessment(n, seed int) *Assessment {
	done := t0.Add(time.Duration(n) * 24 * time.Hour)
	return &Assessment{
		Number: n, Status: Completed, StartedAt: t0, CompletedAt: &done,
		Profile: Profile{Beds: 100 + seed%200, CEFTE: float64(seed % 3), BMETFTE: 4 + float64(seed%7), ManagerFTE: 1, Devices: 5000},
		Answers: benchAnswers(seed),
	}
}

// BenchmarkLookupBaseline is the floor for Score: one map lookup per function.
func BenchmarkLookupBaseline(b *testing.B) {
	bank := questions.Default()
	a := benchAssessment(1, 3)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		for i := range bank.Functions {
			if _, ok := a.Answers[bank.Functions[i].ID]; ok {
				n++
			}
		}
		if n != 37 {
			b.Fatal(n)
		}
	}
}

// BenchmarkScore scores one 37-function assessment (target ≤ 20 µs, docs/performance.md).
func BenchmarkScore(b *testing.B) {
	bank := questions.Default()
	a := benchAssessment(1, 3)
	b.ReportAllocs()
	for b.Loop() {
		if sc := Score(bank, a); sc.Answered != 37 {
			b.Fatal(sc.Answered)
		}
	}
}

// BenchmarkHistory500 builds the trend of an organization with 500 assessments
// (target ≤ 5 ms, docs/performance.md).
func BenchmarkHistory500(b *testing.B) {
	bank := questions.Default()
	items := make([]Scored, 500)
	for i := range items {
		items[i] = Scored{bank, benchAssessment(i+1, i)}
	}
	b.ReportAllocs()
	for b.Loop() {
		if tr := History(items); len(tr.Points) != 500 {
			b.Fatal(len(tr.Points))
		}
	}
}

// BenchmarkPeers5000 computes the peer benchmark over 5,000 organizations, all in the
// same size band (the worst case; target ≤ 50 ms, docs/performance.md).
func BenchmarkPeers5000(b *testing.B) {
	bank := questions.Default()
	peers := make([]PeerInput, 5000)
	for i := range peers {
		a := benchAssessment(1, i)
		a.Profile.Beds = 150
		peers[i] = PeerInput{OrgID: string(rune('a'+i%26)) + time.Duration(i).String(), Bank: bank, Assessment: a}
	}
	b.ReportAllocs()
	for b.Loop() {
		if g := LegacyPeers("self", Medium, peers); g.N != 5000 {
			b.Fatal(g.N)
		}
	}
}
