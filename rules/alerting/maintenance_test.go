package alerting

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// at is a wall-clock time in Asia/Shanghai.
func at(month time.Month, day, hour, min int) time.Time {
	return time.Date(2026, month, day, hour, min, 0, 0, cst.Location)
}

func compiled(t *testing.T, w MaintenanceWindow) *MaintenanceWindow {
	require.NoError(t, w.Compile())
	return &w
}

func TestMaintenanceIntervals(t *testing.T) {
	// 2026-11-30 is a Monday; Monday 23:00 for 3h crosses midnight and, on the
	// 30th, the November → December boundary.
	weekly := MaintenanceWindow{Name: "周一夜间", Days: []time.Weekday{time.Monday}, Start: "23:00", Duration: 3 * time.Hour}
	monthEnd := MaintenanceWindow{Name: "月末", Cron: "30 23 28-31 * *", Duration: 2 * time.Hour}
	hourly := MaintenanceWindow{Name: "overlapping", Cron: "0 * * * *", Duration: 90 * time.Minute}
	for _, tc := range []struct {
		name     string
		w        MaintenanceWindow
		from, to time.Time
		want     []Interval
	}{
		{"weekly across midnight and month end, clipped at to", weekly, at(11, 23, 0, 0), at(12, 8, 0, 0), []Interval{
			{at(11, 23, 23, 0), at(11, 24, 2, 0)},
			{at(11, 30, 23, 0), at(12, 1, 2, 0)},
			{at(12, 7, 23, 0), at(12, 8, 0, 0)},
		}},
		{"occurrence begun before from is clipped at from", weekly, at(12, 1, 1, 0), at(12, 2, 0, 0), []Interval{
			{at(12, 1, 1, 0), at(12, 1, 2, 0)},
		}},
		{"from given in UTC", weekly, time.Date(2026, 11, 30, 16, 0, 0, 0, time.UTC), at(12, 1, 0, 30), []Interval{
			{at(12, 1, 0, 0), at(12, 1, 0, 30)},
		}},
		{"cron on the last days of November", monthEnd, at(11, 28, 0, 0), at(12, 2, 0, 0), []Interval{
			{at(11, 28, 23, 30), at(11, 29, 1, 30)},
			{at(11, 29, 23, 30), at(11, 30, 1, 30)},
			{at(11, 30, 23, 30), at(12, 1, 1, 30)},
		}},
		{"overlapping occurrences merge", hourly, at(11, 27, 0, 0), at(11, 27, 3, 0), []Interval{
			{at(11, 27, 0, 0), at(11, 27, 3, 0)},
		}},
		{"empty range", weekly, at(12, 1, 0, 0), at(12, 1, 0, 0), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := compiled(t, tc.w)
			got := w.Intervals(tc.from, tc.to)
			require.Len(t, got, len(tc.want), "%v", got)
			for i := range got {
				assert.True(t, tc.want[i].Start.Equal(got[i].Start), "start %d: want %s got %s", i, tc.want[i].Start, got[i].Start)
				assert.True(t, tc.want[i].End.Equal(got[i].End), "end %d: want %s got %s", i, tc.want[i].End, got[i].End)
			}
		})
	}
}

func TestMaintenanceActiveAt(t *testing.T) {
	w := compiled(t, MaintenanceWindow{Days: []time.Weekday{time.Monday}, Start: "23:00", Duration: 3 * time.Hour,
		Matchers: Matchers{mustMatcher(t, "district", labelmatch.Equal, "灵宝市")}})
	for _, tc := range []struct {
		t    time.Time
		want bool
	}{
		{at(11, 30, 22, 59), false},
		{at(11, 30, 23, 0), true}, // start inclusive
		{at(12, 1, 1, 59), true},
		{at(12, 1, 2, 0), false},                               // end exclusive
		{time.Date(2026, 11, 30, 17, 0, 0, 0, time.UTC), true}, // 01:00 CST on Tuesday
	} {
		t.Run(tc.t.String(), func(t *testing.T) { assert.Equal(t, tc.want, w.ActiveAt(tc.t)) })
	}
	assert.True(t, w.Covers(alert("a", true, "district", "灵宝市"), at(12, 1, 0, 0)))
	assert.False(t, w.Covers(alert("a", true, "district", "湖滨区"), at(12, 1, 0, 0)))
}

func TestMaintenanceErrors(t *testing.T) {
	for _, tc := range []struct {
		name    string
		w       MaintenanceWindow
		wantErr string
	}{
		{"no duration", MaintenanceWindow{Cron: "0 1 * * *"}, "duration must be positive"},
		{"neither schedule", MaintenanceWindow{Duration: time.Hour}, "either cron or days+start"},
		{"both schedules", MaintenanceWindow{Cron: "0 1 * * *", Start: "01:00", Duration: time.Hour}, "either cron or days+start"},
		{"six fields", MaintenanceWindow{Cron: "0 0 1 * * *", Duration: time.Hour}, "want 5 fields"},
		{"bad cron", MaintenanceWindow{Cron: "0 25 * * *", Duration: time.Hour}, `cron "0 25 * * *"`},
		{"bad start", MaintenanceWindow{Days: []time.Weekday{1}, Start: "25:00", Duration: time.Hour}, "HH:MM"},
		{"no days", MaintenanceWindow{Start: "01:00", Duration: time.Hour}, "needs days"},
		{"bad weekday", MaintenanceWindow{Days: []time.Weekday{9}, Start: "01:00", Duration: time.Hour}, "bad weekday 9"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.w.Compile()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.wantErr)
		})
	}
}

func TestMaintenanceMonthOfMinutes(t *testing.T) {
	w := compiled(t, MaintenanceWindow{Cron: "* * * * *", Duration: 30 * time.Second})
	start := time.Now()
	got := w.Intervals(at(1, 1, 0, 0), at(2, 1, 0, 0))
	assert.Len(t, got, 31*24*60)
	t.Logf("a month of per-minute occurrences: %s", time.Since(start))
}
