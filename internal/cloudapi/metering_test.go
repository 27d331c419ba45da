package cloudapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The fixture's November by hand (30 days, 720 h):
//
//	vm-a 8C16G 509 × 360/720 = 254.5;  360 h, 2880 vCPU-h, 5760 GB-h   住建局
//	vm-b 4C8G  255 × 720/720 = 255;    720 h, 2880 vCPU-h, 5760 GB-h   大数据局
//	vm-d 2C4G  127 × 720/720 = 127;    720 h, 1440 vCPU-h, 2880 GB-h   大数据局
//	vm-c 6C12G (31×6 + 8×12 = 282) × 240/720 = 94; 240 h, 1440, 2880  未登记 (agent hours, units)
//	vm-e 2C2G   79 × 120/720 = 13.17 (13.1666…); 120 h, 240, 240       民政局 (deleted; agent hours)
func TestMeteringByDeptByHand(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"metering?month=2026-11&by=dept")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var rep MeterReport
	decode(t, body, &rep)
	assert.Equal(t, 720, rep.HoursInMonth)
	assert.Equal(t, 720, rep.HoursMeasured)
	assert.True(t, rep.Estimate)
	assert.Equal(t, []Meter{
		{Key: "住建局", Instances: 1, InstanceHours: 360, VCPUHours: 2880, MemoryGBHours: 5760, Yuan: 254.5},
		{Key: "大数据局", Instances: 2, InstanceHours: 1440, VCPUHours: 4320, MemoryGBHours: 8640, Yuan: 382},
		{Key: "未登记", Instances: 1, InstanceHours: 240, VCPUHours: 1440, MemoryGBHours: 2880, Yuan: 94, UnitPriced: 1},
		{Key: "民政局", Instances: 1, InstanceHours: 120, VCPUHours: 240, MemoryGBHours: 240, Yuan: 13.17},
	}, rep.Rows, "sorted by key (byte order)")
	assert.Equal(t, Meter{Key: "合计", Instances: 5, InstanceHours: 2160, VCPUHours: 8880, MemoryGBHours: 17520,
		Yuan: 743.67, UnitPriced: 1}, rep.Total, "the total is summed before rounding: 730.5 + 13.1666…")
}

func TestMeteringBySystem(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"metering?month=2026-11&by=system")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var rep MeterReport
	decode(t, body, &rep)
	yuan := map[string]float64{}
	for _, r := range rep.Rows {
		yuan[r.Key] = r.Yuan
	}
	// vm-a counts under the inventory's 公积金, not its platform tag 旧系统.
	assert.Equal(t, map[string]float64{"公积金": 254.5, "政务服务": 382, "未登记": 94, "低保": 13.17}, yuan)
}

// The current month counts up to the current hour: December has one hour
// (00:00) measured at 00:10 on the 1st, vm-b and vm-d running (vm-c's agent is down).
func TestMeteringCurrentMonth(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"metering?month=2026-12")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var rep MeterReport
	decode(t, body, &rep)
	assert.Equal(t, "dept", rep.By)
	assert.Equal(t, 744, rep.HoursInMonth)
	assert.Equal(t, 1, rep.HoursMeasured)
	assert.Equal(t, 2.0, rep.Total.InstanceHours)
	assert.Equal(t, round2((255.0+127)/744), rep.Total.Yuan)
}

func TestMeteringRefuses(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	for _, q := range []string{"", "?month=2026-13", "?month=2026-1", "?month=2027-01", "?month=2026-11&by=instance",
		"?month=2026-11&month=2026-10", "?month=2026-11&page_size=5", "?month=１２３４-11"} {
		code, body := call(t, f.api, router, Prefix+"metering"+q)
		assert.Equal(t, http.StatusBadRequest, code, "%s: %s", q, body)
		assert.Contains(t, string(body), `"code":"invalid_parameter"`, q)
	}
}

// A VM priced by the add-on units, and the fixed specs looked up, not interpolated.
func TestMonthlyYuan(t *testing.T) {
	a := newFixture(t).api
	for _, tc := range []struct {
		c, m  float64
		yuan  float64
		units bool
		ok    bool
	}{
		{8, 16, 509, false, true}, {4, 8, 255, false, true}, {6, 12, 282, true, true},
		{8, 15.5, 31*8 + 8*15.5, true, true}, {0, 16, 0, false, false}, {8, 0, 0, false, false},
	} {
		y, units, ok := a.monthlyYuan(tc.c, tc.m)
		assert.Equal(t, [3]any{tc.yuan, tc.units, tc.ok}, [3]any{y, units, ok}, "%vC%vG", tc.c, tc.m)
	}
}
