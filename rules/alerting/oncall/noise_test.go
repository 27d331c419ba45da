package oncall

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func at(day, h, m int) time.Time { return time.Date(2026, 12, day, h, m, 0, 0, cst.Location) }

func TestQuietHoursHoldAllButCritical(t *testing.T) {
	p := Person{Name: "李四", QuietHours: "22:00-07:00"}
	require.NoError(t, p.validateNoise())
	for _, tc := range []struct {
		at   time.Time
		sev  notice.Severity
		want time.Time // zero: not held
	}{
		{at(8, 23, 15), notice.Major, at(9, 7, 0)},
		{at(9, 3, 0), notice.Minor, at(9, 7, 0)},
		{at(9, 6, 59), notice.Warning, at(9, 7, 0)},
		{at(9, 7, 0), notice.Major, time.Time{}},
		{at(8, 21, 59), notice.Major, time.Time{}},
		{at(9, 3, 0), notice.Critical, time.Time{}},
	} {
		until, why, held := p.Hold(tc.sev, tc.at)
		assert.Equal(t, !tc.want.IsZero(), held, "%s %s", cst.FormatTime(tc.at), tc.sev)
		assert.True(t, until.Equal(tc.want), "%s: until %s", cst.FormatTime(tc.at), cst.FormatTime(until))
		if held {
			assert.Contains(t, why, "免打扰时段（22:00-07:00）")
		}
	}
	day := Person{Name: "王五", QuietHours: "12:00-14:00"}
	until, _, held := day.Hold(notice.Major, at(9, 13, 0))
	assert.True(t, held)
	assert.True(t, until.Equal(at(9, 14, 0)))
}

func TestDigestHoldsMinorOnly(t *testing.T) {
	p := Person{Name: "李四", Digest: time.Hour}
	until, why, held := p.Hold(notice.Minor, at(9, 10, 20))
	assert.True(t, held)
	assert.True(t, until.Equal(at(9, 11, 0)))
	assert.Contains(t, why, "每1小时0分汇总一次")
	_, _, held = p.Hold(notice.Major, at(9, 10, 20))
	assert.False(t, held, "major pages go out at once")
}

func TestNoiseValidation(t *testing.T) {
	for _, p := range []Person{{QuietHours: "22-07"}, {QuietHours: "07:00-07:00"}, {QuietHours: "25:00-07:00"},
		{Digest: time.Minute}, {Digest: 48 * time.Hour}, {Digest: -time.Hour}} {
		assert.Error(t, p.validateNoise(), "%+v", p)
	}
}

func TestPrefer(t *testing.T) {
	p := Person{Channels: []string{"语音", "企业微信应用"}}
	assert.Equal(t, []string{"企业微信应用"}, p.Prefer([]string{"短信", "企业微信应用"}), "the first preferred the step offers")
	assert.Equal(t, []string{"语音"}, p.Prefer([]string{"企业微信应用", "语音"}))
	assert.Equal(t, []string{"短信", "值班群"}, p.Prefer([]string{"短信", "值班群"}), "none of theirs: the step's")
	assert.Equal(t, []string{"短信"}, Person{}.Prefer([]string{"短信"}))
}

func FuzzQuietHours(f *testing.F) {
	for _, s := range []string{"22:00-07:00", "12:00-14:00", "", "7-8", "23:59-00:00", "00:00-23:59"} {
		f.Add(s, int64(1_800_000_000))
	}
	f.Fuzz(func(t *testing.T, s string, unix int64) {
		q, err := parseQuiet(s)
		if err != nil {
			return
		}
		now := time.Unix(unix%4_000_000_000, 0)
		if end, in := q.end(now); in && (!end.After(now) || end.Sub(now) > 24*time.Hour) {
			t.Fatalf("%q at %s: ends %s", s, now, end)
		}
	})
}
