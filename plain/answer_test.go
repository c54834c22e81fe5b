package plain

import (
	"bufio"
	"bytes"
	"strings"
	"testing"

	"cebalance/assessment"
	"cebalance/questions"
)

// TestAnswerOptionsAndNotes: plain mode offers each function's own answer options —
// "not applicable" (the tenth) only where the bank allows it — and carries last time's
// note only while the answer is unchanged.
func TestAnswerOptionsAndNotes(t *testing.T) {
	bank := questions.Default()
	var naFn, plainFn *questions.Function
	for i := range bank.Functions {
		f := &bank.Functions[i]
		if f.NAAllowed && naFn == nil {
			naFn = f
		}
		if !f.NAAllowed && plainFn == nil {
			plainFn = f
		}
	}
	if naFn == nil || plainFn == nil {
		t.Fatal("the default bank needs a function with and one without na_allowed")
	}
	last := assessment.Answer{Performer: assessment.BMET, Note: "Mary leads this"}
	tests := []struct {
		name    string
		fn      *questions.Function
		hasLast bool
		in      string
		want    assessment.Answer
		say     string // printed on the way
	}{
		{"na where allowed", naFn, false, "10\n", assessment.Answer{Performer: questions.NA}, ""},
		{"na refused elsewhere", plainFn, false, "10\n9\n", assessment.Answer{Performer: assessment.Unsure}, "from 1 to 9"},
		{"specialist is option 2", plainFn, false, "2 our CBET lead\n", assessment.Answer{Performer: questions.Specialist, Note: "our CBET lead"}, ""},
		{"enter keeps answer and note", plainFn, true, "\n", last, ""},
		{"same answer keeps the note", plainFn, true, "3\n", last, ""},
		{"changed answer drops the note", plainFn, true, "2\n", assessment.Answer{Performer: questions.Specialist}, "not kept"},
		{"changed answer with a typed note", plainFn, true, "2 now a specialist\n", assessment.Answer{Performer: questions.Specialist, Note: "now a specialist"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out bytes.Buffer
			s := &session{in: bufio.NewReaderSize(strings.NewReader(tt.in), MaxLine), out: &out}
			got, err := s.answer(tt.fn, last, tt.hasLast)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("answer = %+v, want %+v", got, tt.want)
			}
			if tt.say != "" && !strings.Contains(out.String(), tt.say) {
				t.Errorf("output lacks %q:\n%s", tt.say, out.String())
			}
		})
	}
}
