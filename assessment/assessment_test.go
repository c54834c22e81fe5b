package assessment

import (
	"errors"
	"fmt"
	"math"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"cebalance/questions"
)

// TestProfileWarning: an FTE figure far outside any reference (300 IT FTE for 180
// beds) is warned about, from one rule; ordinary figures and unknown beds are not.
func TestProfileWarning(t *testing.T) {
	tests := []struct {
		p     Profile
		f     ProfileField
		warns bool
	}{
		{Profile{Beds: 180, ITFTE: 300}, FieldITFTE, true},
		{Profile{Beds: 180, ITFTE: 3}, FieldITFTE, false},
		{Profile{Beds: 180, BMETFTE: 45}, FieldBMETFTE, false}, // 25 per 100 beds: the edge
		{Profile{Beds: 180, BMETFTE: 46}, FieldBMETFTE, true},
		{Profile{Beds: 0, CEFTE: 300}, FieldCEFTE, false}, // beds not given yet
		{Profile{Beds: 180, ITFTE: 300}, FieldBeds, false},
		{Profile{Beds: 1, ManagerFTE: 1}, FieldManagerFTE, true},
	}
	for _, tt := range tests {
		w := tt.p.Warning(tt.f)
		if (w != "") != tt.warns {
			t.Errorf("%+v %s: warning %q, want one: %v", tt.p, tt.f, w, tt.warns)
		}
	}
	w := Profile{Beds: 180, ITFTE: 300}.Warning(FieldITFTE)
	for _, part := range []string{"IT staff for devices (FTE): 300 for 180 staffed beds", "166.7 per 100 beds", "it is saved"} {
		if !strings.Contains(w, part) {
			t.Errorf("warning %q does not say %q", w, part)
		}
	}
	if got := (Profile{Beds: 180, ITFTE: 300}).Warnings(); len(got) != 1 || got[FieldITFTE] != w {
		t.Errorf("Warnings() = %v", got)
	}
}

func TestReassessmentDue(t *testing.T) {
	last := time.Date(2024, 3, 15, 10, 0, 0, 0, time.UTC)
	tests := []struct {
		now    time.Time
		months int
		due    bool
	}{
		{time.Date(2025, 3, 14, 23, 0, 0, 0, time.UTC), 0, false},
		{time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC), 0, true},
		{time.Date(2025, 3, 15, 10, 0, 0, 0, time.UTC), 12, true},
		{time.Date(2024, 9, 14, 0, 0, 0, 0, time.UTC), 6, false},
		{time.Date(2024, 9, 16, 0, 0, 0, 0, time.UTC), 6, true},
		{time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC), 1000, false}, // capped at ten years
		{time.Date(2034, 3, 15, 10, 0, 0, 0, time.UTC), 1000, true},
	}
	for _, tt := range tests {
		if got := ReassessmentDue(last, tt.now, tt.months); got != tt.due {
			t.Errorf("ReassessmentDue(%v, %v, %d) = %v, want %v", last, tt.now, tt.months, got, tt.due)
		}
	}
}

func TestProfileSet(t *testing.T) {
	tests := []struct {
		field   ProfileField
		text    string
		want    string // Value after Set, or "" for an error
		errPart string
	}{
		{FieldBeds, "250", "250", ""},
		{FieldBeds, " 1 ", "1", ""},
		{FieldBeds, "5000", "5000", ""},
		{FieldBeds, "1,200", "1200", ""},
		{FieldBeds, "0", "", "Staffed beds must be a whole number from 1 to 5,000"},
		{FieldBeds, "5001", "", "1 to 5,000"},
		{FieldBeds, "12.5", "", "whole number"},
		{FieldBeds, "", "", "whole number"},
		{FieldBeds, "abc", "", `"abc"`},
		{FieldTeaching, "yes", "yes", ""},
		{FieldTeaching, "N", "no", ""},
		{FieldTeaching, "maybe", "", "yes or no"},
		{FieldCEFTE, "0.5", "0.5", ""},
		{FieldCEFTE, "2,5", "2.5", ""},
		{FieldCEFTE, "0", "0", ""},
		{FieldCEFTE, "-0", "", "plain decimal"},
		{FieldCEFTE, "-1", "", "from 0 to 10,000"},
		{FieldCEFTE, "NaN", "", "from 0 to 10,000"},
		{FieldCEFTE, "Inf", "", "from 0 to 10,000"},
		{FieldCEFTE, "1e9", "", "from 0 to 10,000"},
		{FieldCEFTE, "1.5e1", "", "plain decimal"},
		{FieldCEFTE, "0x10", "", "plain decimal"},
		{FieldCEFTE, "1.2.3", "", "plain decimal"},
		{FieldCEFTE, ".", "", "plain decimal"},
		{FieldCEFTE, "10000", "10000", ""},
		{FieldCEFTE, "10000.5", "", "from 0 to 10,000"},
		{FieldBMETFTE, "999999", "", "BMETs / technicians (FTE) must be a plain decimal number from 0 to 10,000"},
		{FieldBMETFTE, "8", "8", ""},
		{FieldManagerFTE, "1.25", "1.25", ""},
		{FieldITFTE, "x", "", "IT staff for devices (FTE) must"},
		{FieldDevices, "7000", "7000", ""},
		{FieldDevices, "0", "0", ""},
		{FieldDevices, "-5", "", "Devices in inventory must be a whole number from 0 (not known) to 10,000,000"},
		{"colour", "red", "", "unknown"},
	}
	for _, tt := range tests {
		t.Run(fmt.Sprintf("%s=%q", tt.field, tt.text), func(t *testing.T) {
			p := Profile{Beds: 100, CEFTE: 3, BMETFTE: 3, ManagerFTE: 3, ITFTE: 3, Devices: 3}
			before := p
			err := p.Set(tt.field, tt.text)
			if tt.want == "" {
				if err == nil {
					t.Fatalf("accepted; profile %+v", p)
				}
				if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.errPart) {
					t.Errorf("error %q, want it to mention %q", err, tt.errPart)
				}
				if p != before {
					t.Errorf("profile changed on error: %+v", p)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := p.Value(tt.field); got != tt.want {
				t.Errorf("value %q, want %q", got, tt.want)
			}
		})
	}
}

func TestProfileValidate(t *testing.T) {
	ok := Profile{Beds: 250, CEFTE: 1, BMETFTE: 8, ManagerFTE: 1, Devices: 7000}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		edit  func(*Profile)
		field string
	}{
		{"no beds", func(p *Profile) { p.Beds = 0 }, "beds"},
		{"too many beds", func(p *Profile) { p.Beds = 5001 }, "beds"},
		{"negative CE", func(p *Profile) { p.CEFTE = -0.5 }, "ce_fte"},
		{"NaN BMET", func(p *Profile) { p.BMETFTE = math.NaN() }, "bmet_fte"},
		{"infinite manager", func(p *Profile) { p.ManagerFTE = math.Inf(1) }, "manager_fte"},
		{"negative IT", func(p *Profile) { p.ITFTE = -1 }, "it_fte"},
		{"negative devices", func(p *Profile) { p.Devices = -1 }, "devices"},
	}
	for _, tt := range tests {
		p := ok
		tt.edit(&p)
		err := p.Validate()
		var fe *FieldError
		if !errors.As(err, &fe) || fe.Field != tt.field {
			t.Errorf("%s: error %v, want field %s", tt.name, err, tt.field)
		}
	}
}

func TestSanitizeNote(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain note", "plain note"},
		{"  trimmed  ", "trimmed"},
		{"line one\nline two\r\n", "line one line two"},
		{"tab\there", "tab here"},
		{"\x1b[31mred\x1b[0m", "[31mred [0m"},
		{"bell\x07!", "bell !"},
		{"bidi\u202eevil", "bidi evil"},
		{"zero\u200bwidth", "zero width"},
		{"bad \xff utf8", "bad utf8"},
		{"café — ok", "café — ok"},
		{"\x00\x01\x02", ""},
	}
	for _, tt := range tests {
		if got := SanitizeNote(tt.in); got != tt.want {
			t.Errorf("SanitizeNote(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := CleanText(tt.in); got != tt.want {
			t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	// A bank's explanation is longer than a note may be: shown whole.
	text := strings.TrimSpace(strings.Repeat("word ", 200))
	if got := CleanText(text); got != text {
		t.Errorf("CleanText cut a %d-rune text to %d runes", len(text), utf8.RuneCountInString(got))
	}
	long := strings.Repeat("é", 600)
	if got := SanitizeNote(long); utf8.RuneCountInString(got) != MaxNoteRunes {
		t.Errorf("long note kept %d runes", utf8.RuneCountInString(got))
	}
	spaced := strings.Repeat("a ", 400)
	if got := SanitizeNote(spaced); utf8.RuneCountInString(got) > MaxNoteRunes || strings.HasSuffix(got, " ") {
		t.Errorf("spaced note: %d runes, %q suffix", utf8.RuneCountInString(got), got[len(got)-2:])
	}
}

func TestAssessmentValidate(t *testing.T) {
	bank := testBank(t)
	full := answers("e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet")
	tests := []struct {
		name  string
		edit  func(*Assessment)
		field string // "" = valid
	}{
		{"valid", func(a *Assessment) {}, ""},
		{"valid draft", func(a *Assessment) { a.Status, a.CompletedAt = Draft, nil; delete(a.Answers, "o2") }, ""},
		{"bad number", func(a *Assessment) { a.Number = 0 }, "number"},
		{"bad status", func(a *Assessment) { a.Status = "done" }, "status"},
		{"no start", func(a *Assessment) { a.StartedAt = time.Time{} }, "started_at"},
		{"completed without time", func(a *Assessment) { a.CompletedAt = nil }, "completed_at"},
		{"draft with completion time", func(a *Assessment) { a.Status = Draft }, "completed_at"},
		{"bad profile", func(a *Assessment) { a.Profile.Beds = 0 }, "profile.beds"},
		{"draft without profile yet", func(a *Assessment) { a.Status, a.CompletedAt, a.Profile = Draft, nil, Profile{} }, ""},
		{"draft with negative beds", func(a *Assessment) { a.Status, a.CompletedAt, a.Profile.Beds = Draft, nil, -1 }, "profile.beds"},
		{"draft with too many devices", func(a *Assessment) { a.Status, a.CompletedAt, a.Profile.Devices = Draft, nil, MaxDevices+1 }, "profile.devices"},
		{"unknown function", func(a *Assessment) { a.Answers["zz"] = Answer{Performer: CE} }, "answers.zz"},
		{"unknown performer", func(a *Assessment) { a.Answers["o1"] = Answer{Performer: "bmets"} }, "answers.o1.performer"},
		{"long note", func(a *Assessment) { a.Answers["o1"] = Answer{Performer: BMET, Note: strings.Repeat("x", 501)} }, "answers.o1.note"},
		{"incomplete", func(a *Assessment) { delete(a.Answers, "e3") }, "answers"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := completed(full).Clone()
			tt.edit(&a)
			err := a.Validate(bank)
			if tt.field == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			var fe *FieldError
			if !errors.As(err, &fe) || fe.Field != tt.field {
				t.Fatalf("error %v, want field %s", err, tt.field)
			}
		})
	}
}

func TestNextUnanswered(t *testing.T) {
	bank := testBank(t)
	ans := answers("e1=ce", "e3=ce", "o2=nobody")
	if got := Unanswered(bank, ans); strings.Join(got, ",") != "e2,o1" {
		t.Errorf("unanswered %v", got)
	}
	for _, tt := range []struct{ from, want int }{{0, 1}, {1, 3}, {3, 1}, {4, 1}, {-1, 1}} {
		if got := NextUnanswered(bank, ans, tt.from); got != tt.want {
			t.Errorf("NextUnanswered from %d = %d, want %d", tt.from, got, tt.want)
		}
	}
	if got := NextUnanswered(bank, answers("e1=ce", "e2=ce", "e3=ce", "o1=bmet", "o2=bmet"), 2); got != -1 {
		t.Errorf("all answered: %d", got)
	}
}

func TestPerformerFitTable(t *testing.T) {
	want := map[questions.Kind]map[Performer]float64{
		questions.Engineering: {CE: 1, BMET: 0.5, Manager: 0.75, IT: 0.5, Vendor: 0.5, Nobody: 0, Unsure: 0},
		questions.Operations:  {CE: 0.5, BMET: 1, Manager: 0.5, IT: 0.5, Vendor: 0.75, Nobody: 0, Unsure: 0},
	}
	for kind, row := range want {
		f := questions.Function{Kind: kind}
		for p, v := range row {
			if got := f.FitFor(p); got != v {
				t.Errorf("fit(%s, %s) = %v, want %v", kind, p, got, v)
			}
		}
	}
}

func TestResumeIndex(t *testing.T) {
	bank := questions.Default()
	at := func(i int) Answer {
		return Answer{Performer: BMET, AnsweredAt: time.Unix(int64(1000+i), 0)}
	}
	id := func(i int) string { return bank.Functions[i].ID }
	all := map[string]Answer{}
	for i := range bank.Functions {
		all[id(i)] = at(i)
	}
	for _, tc := range []struct {
		name    string
		answers map[string]Answer
		want    int
	}{
		{"nothing answered", map[string]Answer{}, 0},
		{"first three", map[string]Answer{id(0): at(0), id(1): at(1), id(2): at(2)}, 3},
		{"latest is earlier", map[string]Answer{id(0): at(5), id(1): at(1), id(2): at(2), id(3): at(3)}, 4},
		{"gap before latest", map[string]Answer{id(0): at(0), id(5): at(9)}, 6},
		{"wraps round", map[string]Answer{id(1): at(0), id(len(all) - 1): at(99)}, 0},
		{"all answered", all, len(all) - 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := ResumeIndex(bank, tc.answers); got != tc.want {
				t.Fatalf("ResumeIndex = %d, want %d", got, tc.want)
			}
		})
	}
}

// TestValidateDraftOneBound: a draft's profile follows Validate's rules except that
// beds 0 means "not yet given".
func TestValidateDraftOneBound(t *testing.T) {
	for _, p := range []Profile{
		{}, {Beds: MinBeds}, {Beds: MaxBeds}, {Beds: -1}, {Beds: MaxBeds + 1},
		{Beds: 10, CEFTE: -1}, {CEFTE: math.NaN()}, {ITFTE: MaxFTE + 1}, {Devices: -1}, {Devices: MaxDevices},
	} {
		full, draft := p.Validate(), p.ValidateDraft()
		if p.Beds == 0 {
			if want := (Profile{Beds: MinBeds, CEFTE: p.CEFTE, BMETFTE: p.BMETFTE, ManagerFTE: p.ManagerFTE, ITFTE: p.ITFTE, Devices: p.Devices}).Validate(); (draft == nil) != (want == nil) {
				t.Errorf("%+v: ValidateDraft = %v, but with beds given Validate = %v", p, draft, want)
			}
			continue
		}
		if (full == nil) != (draft == nil) {
			t.Errorf("%+v: Validate = %v but ValidateDraft = %v", p, full, draft)
		}
	}
}

func TestNextGapAndFind(t *testing.T) {
	bank := questions.Default()
	f := bank.Functions
	answers := map[string]Answer{
		f[2].ID: {Performer: Nobody},
		f[5].ID: {Performer: CE},
		f[9].ID: {Performer: Unsure},
	}
	for _, tt := range []struct{ from, want int }{{0, 2}, {2, 9}, {9, 2}, {-1, 2}} {
		if got := NextGap(bank, answers, tt.from); got != tt.want {
			t.Errorf("NextGap from %d = %d, want %d", tt.from, got, tt.want)
		}
	}
	if got := NextGap(bank, map[string]Answer{f[1].ID: {Performer: CE}}, 0); got != -1 {
		t.Errorf("NextGap without gaps = %d", got)
	}
	name := strings.Fields(f[3].Name())[0]
	got := FindFunctions(bank, strings.ToUpper(name), 50)
	found := false
	for _, i := range got {
		found = found || i == 3
	}
	if !found {
		t.Errorf("FindFunctions(%q) = %v, want it to include 3", name, got)
	}
	if got := FindFunctions(bank, "  ", 5); got != nil {
		t.Errorf("FindFunctions of no words = %v", got)
	}
	if got := FindFunctions(bank, "zzqx nothing", 5); len(got) != 0 {
		t.Errorf("FindFunctions of nonsense = %v", got)
	}
	if got := FindFunctions(bank, "e", 3); len(got) != 3 {
		t.Errorf("FindFunctions limit: %d results", len(got))
	}
}

func TestCopyField(t *testing.T) {
	src := Profile{Beds: 180, CEFTE: math.Copysign(0, -1), BMETFTE: 6, ProductiveHours: 1800}
	dst := Profile{Beds: 250, CEFTE: 2, BMETFTE: 8, Devices: 7000}
	for _, f := range []ProfileField{FieldBeds, FieldCEFTE, FieldProductiveHours} {
		dst.CopyField(src, f)
	}
	if dst.Beds != 180 || dst.CEFTE != 0 || math.Signbit(dst.CEFTE) || dst.BMETFTE != 8 || dst.Devices != 7000 || dst.ProductiveHours != 1800 {
		t.Fatalf("CopyField: %+v", dst)
	}
}
