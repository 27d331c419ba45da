package oncall

import (
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Daily handover 08:30 from 2026-11-28; 2026-11-28 is day 0 (张三), so day n
// goes to [张三 李四 王五][n mod 3]. Holidays sort to 12-31 (赵六), 01-01 (王五).
const ocDaily = `
name: 网络值班
people:
  - {name: 张三, phone: "13800000001", wecom: zhangsan}
  - {name: 李四, phone: "13800000002", dingtalk: lisi}
  - {name: 王五, phone: "13800000003"}
  - {name: 赵六, phone: "13800000004"}
rotation:
  kind: daily
  handover: "08:30"
  start: "2026-11-28"
  participants: [张三, 李四, 王五]
holidays:
  dates: ["2027-01-01", "2026-12-31"]
  participants: [赵六, 王五]
overrides:
  - {from: "2026-12-02 20:00", to: "2026-12-03 08:30", person: 赵六}
`

// Weekly handover Monday 09:00 from 2026-11-30: weeks alternate A, B.
const ocWeekly = `
name: 机房值班
people: [{name: A, phone: "1"}, {name: B, phone: "2"}]
rotation: {kind: weekly, handover: "09:00", start: "2026-11-30", participants: [A, B]}
`

// ocAt reads "YYYY-MM-DD HH:MM" in Asia/Shanghai.
func ocAt(t testing.TB, s string) time.Time {
	t.Helper()
	v, err := time.ParseInLocation(oncallMinute, s, cst.Location)
	require.NoError(t, err)
	return v
}

func ocRoster(t testing.TB, doc string) *Roster {
	t.Helper()
	r, err := ParseRoster([]byte(doc))
	require.NoError(t, err)
	return r
}

func TestRosterOnDuty(t *testing.T) {
	daily, weekly := ocRoster(t, ocDaily), ocRoster(t, ocWeekly)
	for _, tc := range []struct {
		r    *Roster
		at   string
		want string // "" for nobody
	}{
		{daily, "2026-11-28 08:29", ""}, // before the first handover
		{daily, "2026-11-28 08:30", "张三"},
		{daily, "2026-11-29 00:10", "张三"}, // across midnight
		{daily, "2026-11-29 08:29", "张三"},
		{daily, "2026-11-29 08:30", "李四"},
		{daily, "2026-11-30 08:30", "王五"},
		{daily, "2026-12-01 08:29", "王五"}, // month boundary: the 11-30 shift
		{daily, "2026-12-01 08:30", "张三"},
		{daily, "2026-12-02 19:59", "李四"},
		{daily, "2026-12-02 20:00", "赵六"}, // override
		{daily, "2026-12-03 08:29", "赵六"},
		{daily, "2026-12-03 08:30", "王五"}, // override over, day 5
		{daily, "2026-12-31 08:29", "王五"}, // day 32, not yet the holiday
		{daily, "2026-12-31 08:30", "赵六"}, // first holiday
		{daily, "2027-01-01 00:00", "赵六"}, // year boundary inside the holiday shift
		{daily, "2027-01-01 08:30", "王五"}, // second holiday
		{daily, "2027-01-02 08:30", "王五"}, // day 35 of the rotation
		{daily, "2027-01-03 08:30", "张三"}, // day 36
		{weekly, "2026-12-07 08:59", "A"},
		{weekly, "2026-12-07 09:00", "B"},
		{weekly, "2026-12-14 09:00", "A"},
		{weekly, "2026-12-31 23:59", "A"}, // week of 12-28
		{weekly, "2027-01-04 08:59", "A"},
		{weekly, "2027-01-04 09:00", "B"},
	} {
		t.Run(tc.r.Name+" "+tc.at, func(t *testing.T) {
			got := tc.r.OnDuty(ocAt(t, tc.at))
			if tc.want == "" {
				assert.Empty(t, got)
				return
			}
			require.Len(t, got, 1)
			assert.Equal(t, tc.want, got[0].Name)
			assert.Equal(t, tc.r.byName[tc.want], got[0], "the whole person, phone and ids")
		})
	}
}

func TestRosterShifts(t *testing.T) {
	daily, weekly := ocRoster(t, ocDaily), ocRoster(t, ocWeekly)
	type want struct{ from, to, who, kind string }
	for _, tc := range []struct {
		name     string
		r        *Roster
		from, to string
		want     []want
	}{
		{"override", daily, "2026-12-02 00:00", "2026-12-03 12:00", []want{
			{"2026-12-02 00:00", "2026-12-02 08:30", "张三", ShiftRotation},
			{"2026-12-02 08:30", "2026-12-02 20:00", "李四", ShiftRotation},
			{"2026-12-02 20:00", "2026-12-03 08:30", "赵六", ShiftOverride},
			{"2026-12-03 08:30", "2026-12-03 12:00", "王五", ShiftRotation},
		}},
		{"holidays", daily, "2026-12-30 08:30", "2027-01-03 08:30", []want{
			{"2026-12-30 08:30", "2026-12-31 08:30", "王五", ShiftRotation},
			{"2026-12-31 08:30", "2027-01-01 08:30", "赵六", ShiftHoliday},
			{"2027-01-01 08:30", "2027-01-02 08:30", "王五", ShiftHoliday},
			{"2027-01-02 08:30", "2027-01-03 08:30", "王五", ShiftRotation},
		}},
		{"before start", daily, "2026-11-27 00:00", "2026-11-29 00:00", []want{
			{"2026-11-28 08:30", "2026-11-29 00:00", "张三", ShiftRotation},
		}},
		{"weekly merged", weekly, "2026-12-01 00:00", "2026-12-15 00:00", []want{
			{"2026-12-01 00:00", "2026-12-07 09:00", "A", ShiftRotation},
			{"2026-12-07 09:00", "2026-12-14 09:00", "B", ShiftRotation},
			{"2026-12-14 09:00", "2026-12-15 00:00", "A", ShiftRotation},
		}},
		{"empty range", daily, "2026-12-02 00:00", "2026-12-02 00:00", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []want
			for _, s := range tc.r.Shifts(ocAt(t, tc.from), ocAt(t, tc.to)) {
				got = append(got, want{s.Start.In(cst.Location).Format(oncallMinute),
					s.End.In(cst.Location).Format(oncallMinute), s.Person.Name, s.Kind})
			}
			assert.Equal(t, tc.want, got)
		})
	}
}

func TestRosterShiftsCapped(t *testing.T) {
	r := ocRoster(t, ocWeekly)
	from := ocAt(t, "2026-11-30 09:00")
	got := r.Shifts(from, from.Add(100*365*24*time.Hour))
	require.NotEmpty(t, got)
	assert.Equal(t, from.Add(maxShiftSpan), got[len(got)-1].End)
}

func TestRosterValidateErrors(t *testing.T) {
	for _, tc := range []struct{ name, old, new, wantErr string }{
		{"no name", "name: 网络值班", "name: ''", "name is required"},
		{"no phone", `phone: "13800000003"`, `phone: ""`, `person "王五": phone is required`},
		{"twice", "name: 赵六", "name: 王五", `person "王五" listed twice`},
		{"feishu", `phone: "13800000003"`, `phone: "13800000003", feishu: "lisi"`, `person "王五": feishu "lisi": want the person's open_id (ou_…)`},
		{"long name", "name: 赵六", "name: " + strings.Repeat("赵", 33), "name longer than 32 characters"},
		{"kind", "kind: daily", "kind: monthly", `rotation: kind "monthly": want daily or weekly`},
		{"handover", `handover: "08:30"`, `handover: "8.30"`, `rotation: handover "8.30": want HH:MM`},
		{"start", `start: "2026-11-28"`, `start: "2026-11-31"`, `rotation: start "2026-11-31": want YYYY-MM-DD`},
		{"stranger", "participants: [张三, 李四, 王五]", "participants: [张三, 钱七]", `rotation: "钱七" is not in people`},
		{"nobody", "participants: [张三, 李四, 王五]", "participants: []", "rotation: participants: at least one"},
		{"holiday date", `"2027-01-01"`, `"2027-1-1"`, `holidays: date "2027-1-1": want YYYY-MM-DD`},
		{"holiday twice", `"2027-01-01"`, `"2026-12-31"`, "holidays: date 2026-12-31 listed twice"},
		{"holiday nobody", "participants: [赵六, 王五]", "participants: []", "holidays: participants: required"},
		{"override order", `to: "2026-12-03 08:30"`, `to: "2026-12-02 20:00"`, "override 1: to 2026-12-02 20:00 must be after"},
		{"override person", "person: 赵六", "person: 钱七", `override 1: "钱七" is not in people`},
		{"unknown key", "holidays:", "holiday:", "field holiday not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := strings.Replace(ocDaily, tc.old, tc.new, 1)
			require.NotEqual(t, ocDaily, doc, "the case must change the roster")
			c := metrics.GetOrCreateCounter(`swanwatch_alerting_invalid_config_total{kind="roster"}`)
			before := c.Get()
			_, err := ParseRoster([]byte(doc))
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
			assert.Equal(t, before+1, c.Get(), "bad input is counted once")
		})
	}
}

func FuzzParseRoster(f *testing.F) {
	f.Add([]byte(ocDaily))
	f.Add([]byte(ocWeekly))
	f.Add([]byte("name: x\npeople: [{name: a, phone: '1'}]\nrotation: {kind: daily, handover: '23:59', start: '9999-12-31', participants: [a]}"))
	f.Add([]byte("name: [\n"))
	from := time.Date(2026, 12, 30, 0, 0, 0, 0, cst.Location)
	f.Fuzz(func(t *testing.T, b []byte) {
		r, err := ParseRoster(b)
		if err != nil {
			return
		}
		for _, s := range r.Shifts(from, from.Add(10*24*time.Hour)) {
			require.True(t, s.End.After(s.Start))
			require.Equal(t, r.byName[s.Person.Name], s.Person, "only listed people are on duty")
			require.Equal(t, []Person{s.Person}, r.OnDuty(s.Start))
		}
	})
}
