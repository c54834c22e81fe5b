package assessment

// Staffing holds the profile of an assessment and the staffing ratios computed from it.
// A ratio whose denominator is zero is nil (null in JSON), never infinite.
type Staffing struct {
	SizeBand       SizeBand `json:"size_band"`
	Beds           int      `json:"beds"`
	Teaching       bool     `json:"teaching"`
	CEFTE          float64  `json:"ce_fte"`
	BMETFTE        float64  `json:"bmet_fte"`
	ManagerFTE     float64  `json:"manager_fte"`
	ITFTE          float64  `json:"it_fte"`
	Devices        int      `json:"devices"`
	BMETPerCE      *float64 `json:"bmet_per_ce"`
	FTEPer100Beds  *float64 `json:"fte_per_100_beds"`
	DevicesPerBMET *float64 `json:"devices_per_bmet"`
	CEShareOfStaff *float64 `json:"ce_share_of_staff"`
}

// StaffingOf computes the staffing ratios of the scorecard from a profile.
func StaffingOf(p Profile) Staffing {
	s := Staffing{
		SizeBand: BandFor(p.Beds), Beds: p.Beds, Teaching: p.Teaching,
		CEFTE: p.CEFTE, BMETFTE: p.BMETFTE, ManagerFTE: p.ManagerFTE, ITFTE: p.ITFTE,
		Devices: p.Devices,
	}
	htm := p.CEFTE + p.BMETFTE + p.ManagerFTE
	s.BMETPerCE = ratio(p.BMETFTE, p.CEFTE)
	if p.Beds > 0 {
		s.FTEPer100Beds = num(htm / float64(p.Beds) * 100)
	}
	if p.Devices > 0 {
		s.DevicesPerBMET = ratio(float64(p.Devices), p.BMETFTE)
	}
	s.CEShareOfStaff = ratio(p.CEFTE, htm)
	return s
}

func ratio(a, b float64) *float64 {
	if b == 0 {
		return nil
	}
	return num(a / b)
}

// Reference is a published staffing figure shown beside the organization's own. It is a
// reference, not a standard: each one carries the year of its data, what it counts and
// why it cannot settle a staffing decision on its own.
type Reference struct {
	Key    string  // the staffing ratio it compares with, e.g. "fte_per_100_beds"
	Figure string  // what it measures
	Value  float64 // the figure, in the ratio's unit
	Text   string  // the figure as people read it
	Source string
	Year   string // when the data was collected and published
	Scope  string // what the figure counts
	Caveat string // why it is not a target
	// Companion is a second figure from the same or a comparable source that should be
	// read with this one (empty when there is none).
	Companion string
}

// References are the reference staffing figures, with their sources, years, scope and
// caveats.
var References = []Reference{
	{
		Key: "fte_per_100_beds", Figure: "HTM FTE per 100 staffed beds", Value: 2.5, Text: "2.5",
		Source:    "Wang, Eliason et al., 253 US acute-care hospitals (J Clin Eng, 2008)",
		Year:      "data of about 2005, published 2008",
		Scope:     "all clinical engineering staff; departments differed in whether they covered imaging, laboratory, beds and non-medical devices",
		Caveat:    "an average of departments with different scope, not a target: a figure above it is not by itself a reason to cut staff",
		Companion: "1 FTE per 4,000 adjusted discharges (same study)",
	},
	{
		Key: "devices_per_bmet", Figure: "devices per BMET", Value: 1000, Text: "about 1,000 (rules of thumb range from 1,000 to 1,500)",
		Source: `rules of thumb: 1 BMET per 1,000 devices (24x7, "Clinical Engineering Staffing Models"); 1 FTE per 1,500 low-end devices (24x7, "Staffing for Excellence")`,
		Year:   "long-standing, undated rules of thumb",
		Scope:  "technicians per counted device; what counts as a device differs between inventories",
		Caveat: "a range, not a standard: device mix (imaging, life support, simple devices) moves the figure more than the count does",
	},
	{
		Key: "bmet_per_ce", Figure: "BMETs per CE", Value: 7, Text: "7 (North America, late 1990s); about 5.4 (AAMI 2021)",
		Source: "international survey of CE departments (Clinical Engineering Handbook); AAMI 2021 survey of 71 organizations (70 % BMETs, 13 % CEs)",
		Year:   "late-1990s survey; 2021 survey",
		Scope:  "the 1990s figure counts technicians per engineer in departments that employed engineers; the 2021 figure is the ratio of the BMET and CE shares of all HTM staff",
		Caveat: "two surveys of different samples and definitions, twenty years apart: read them as a range, not a target",
	},
	{
		Key: "ce_share_of_staff", Figure: "share of HTM staff who are CEs", Value: 0.13, Text: "13 % (BMETs 70 %)",
		Source: "AAMI 2021 survey of 71 organizations",
		Year:   "2021",
		Scope:  "share of all HTM staff in the responding organizations, mostly larger systems",
		Caveat: "a small, self-selected sample: small and critical access hospitals are under-represented",
	},
}

// ReferenceFor returns the reference figure for a staffing ratio key.
func ReferenceFor(key string) (Reference, bool) {
	for _, r := range References {
		if r.Key == key {
			return r, true
		}
	}
	return Reference{}, false
}

// ReferenceLabel is the label every reference figure carries.
const ReferenceLabel = "reference, not a standard"

// NoCEBenchmark says why the tool shows peers instead of a CE-per-size benchmark.
const NoCEBenchmark = "No published benchmark exists for the number of clinical engineers a hospital of a given size needs; the peer benchmark of this tool is the answer that grows with use."

// RatioUnit says how a staffing ratio reads: a plain number, a whole count or a share.
type RatioUnit int

// The units of the staffing ratios.
const (
	PerUnit RatioUnit = iota // a number with one decimal, e.g. 2.4 FTE per 100 beds
	Count                    // a whole number, e.g. 1,250 devices per BMET
	Share                    // a fraction shown as a percentage, e.g. 13 %
)

// Ratio is one staffing ratio with its label, its unit and, when it cannot be computed,
// why (WhyEmpty). Ref is the published reference figure it is compared with, if any.
type Ratio struct {
	Key      string
	Label    string
	Unit     RatioUnit
	Value    *float64
	WhyEmpty string
	Ref      *Reference
}

// Ratios returns the staffing ratios of s in the order every screen and report shows
// them. Each ratio has one label everywhere.
func (s Staffing) Ratios() []Ratio {
	out := []Ratio{
		{Key: "fte_per_100_beds", Label: "HTM FTE per 100 beds", Unit: PerUnit, Value: s.FTEPer100Beds, WhyEmpty: "beds not known"},
		{Key: "devices_per_bmet", Label: "Devices per BMET", Unit: Count, Value: s.DevicesPerBMET, WhyEmpty: "no BMETs"},
		{Key: "bmet_per_ce", Label: "BMETs per CE", Unit: PerUnit, Value: s.BMETPerCE, WhyEmpty: "no CEs"},
		{Key: "ce_share_of_staff", Label: "CE share of HTM staff", Unit: Share, Value: s.CEShareOfStaff, WhyEmpty: "no HTM staff"},
	}
	if s.Devices == 0 {
		out[1].WhyEmpty = "devices not known"
	}
	for i := range out {
		if out[i].Value != nil {
			out[i].WhyEmpty = ""
		}
		for j := range References {
			if References[j].Key == out[i].Key {
				out[i].Ref = &References[j]
			}
		}
	}
	return out
}

// Ratio returns the staffing ratio with key k, and false when there is none.
func (s Staffing) Ratio(k string) (Ratio, bool) {
	for _, r := range s.Ratios() {
		if r.Key == k {
			return r, true
		}
	}
	return Ratio{}, false
}
