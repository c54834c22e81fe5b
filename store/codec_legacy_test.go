package store

import (
	"encoding/binary"
	"math"
	"testing"

	"cebalance/assessment"
)

// TestLegacySnapshotDecodes: groups and members written before the workload metrics
// (legacyMetrics values each, no all-metrics flag) still decode, with the workload
// metrics missing, so outside contributions kept in an older file stay readable.
func TestLegacySnapshotDecodes(t *testing.T) {
	var member []byte
	member = append(member, flagTeaching, byte(len(assessment.Medium)))
	member = append(member, assessment.Medium...)
	for m := 0; m < legacyMetrics; m++ {
		member = binary.LittleEndian.AppendUint64(member, math.Float64bits(float64(m)))
	}
	list := binary.LittleEndian.AppendUint16(nil, 3)
	list = append(list, "abc"...)
	list = append(list, member...)
	list = append(list, encodeMembers([]assessment.PeerValues{{OrgID: "new", Band: assessment.Small, Values: [assessment.NumMetrics]float64{9: 4.5}}})...)
	vs, err := decodeMembers(list)
	if err != nil || len(vs) != 2 {
		t.Fatalf("decodeMembers = %v, %v", vs, err)
	}
	if v := vs[0]; v.OrgID != "abc" || !v.Teaching || v.Band != assessment.Medium || v.Values[7] != 7 ||
		!math.IsNaN(v.Values[assessment.MetricEngWorkloadPer100Beds]) || !math.IsNaN(v.Values[assessment.MetricEngWorkloadPerCE]) {
		t.Errorf("legacy member %+v", v)
	}
	if v := vs[1]; v.OrgID != "new" || v.Values[assessment.MetricEngWorkloadPerCE] != 4.5 {
		t.Errorf("new member %+v", v)
	}
	var group []byte
	for _, n := range []uint32{1, 0, 0} {
		group = binary.LittleEndian.AppendUint32(group, n)
	}
	for m := 0; m < legacyMetrics; m++ {
		group = binary.LittleEndian.AppendUint32(group, 1)
		group = binary.LittleEndian.AppendUint64(group, math.Float64bits(2))
	}
	g, err := decodeGroup(group)
	if err != nil || g.N != 1 || len(g.Values[0]) != 1 || len(g.Values[assessment.MetricEngWorkloadPerCE]) != 0 {
		t.Fatalf("legacy group %+v, %v", g, err)
	}
	// A group cut short anywhere else is still damage.
	if _, err := decodeGroup(group[:len(group)-12]); err == nil {
		t.Error("a truncated group decoded")
	}
}
