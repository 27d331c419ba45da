package jobs

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestDefaults(t *testing.T) {
	cfg := Config{
		{Name: "daily", Schedule: "0 2 * * *"},
		{Name: "x", Kind: KindExchange, Schedule: "*/30 * * * *", Poll: &Poll{URL: "http://tool/last"}},
		{Name: "kept", Schedule: "0 2 * * *", Grace: time.Hour, Requirement: "R-C1"},
	}.WithDefaults()
	assert.Equal(t, KindJob, cfg[0].Kind)
	assert.Equal(t, "R-A9", cfg[0].Requirement)
	assert.Equal(t, 144*time.Minute, cfg[0].Grace, "10 % of a day")
	assert.Equal(t, "R-C1", cfg[1].Requirement, "the exchange platform's jobs serve R-C1")
	assert.Equal(t, 5*time.Minute, cfg[1].Grace, "10 % of 30m is below the 5m floor")
	assert.Equal(t, 5*time.Minute, cfg[1].Poll.Interval)
	assert.Equal(t, 10*time.Second, cfg[1].Poll.Timeout)
	assert.Equal(t, time.Hour, cfg[2].Grace)
	assert.Equal(t, "R-C1", cfg[2].Requirement)
}

func TestValidate(t *testing.T) {
	dir := t.TempDir()
	tok := writeToken(t, dir, "good", testToken)
	short := writeToken(t, dir, "short", "abc")
	ok := func() Job { return backupJob(tok) }
	require.NoError(t, Config{ok()}.WithDefaults().Validate())
	for _, tc := range []struct {
		name string
		edit func(*Job)
		want string
	}{
		{"bad name", func(j *Job) { j.Name = "oa db/backup" }, "name must be 1-64 letters"},
		{"no system", func(j *Job) { j.System = "" }, "system (业务系统) is required"},
		{"kind", func(j *Job) { j.Kind = "snapshot" }, `kind "snapshot" must be backup, exchange or job`},
		{"requirement", func(j *Job) { j.Requirement = "R-B6" }, `requirement "R-B6" must be R-A9 or R-C1`},
		{"schedule", func(j *Job) { j.Schedule = "0 2 * *" }, "4 fields, want 5"},
		{"cron error", func(j *Job) { j.Schedule = "0 25 * * *" }, "above maximum"},
		{"timezone", func(j *Job) { j.Schedule = "CRON_TZ=UTC 0 2 * * *" }, "Asia/Shanghai"},
		{"never", func(j *Job) { j.Schedule = "0 2 30 2 *" }, "never matches"},
		{"grace vs period", func(j *Job) { j.Schedule = "*/5 * * * *" }, "not shorter than the schedule's period 5m"},
		{"grace too short", func(j *Job) { j.Grace = time.Minute }, "shorter than 5m0s"},
		{"max", func(j *Job) { j.MaxDuration = 0 }, "max_duration is required"},
		{"no access", func(j *Job) { j.TokenFile = "" }, "token_file is required"},
		{"missing token", func(j *Job) { j.TokenFile = dir + "/none" }, "token_file: read secret file"},
		{"short token", func(j *Job) { j.TokenFile = short }, "at least 16 characters"},
		{"poll url", func(j *Job) { j.Poll = &Poll{URL: "ftp://x/y"} }, "poll.url must be an http or https URL"},
		{"poll creds", func(j *Job) { j.Poll = &Poll{URL: "http://u:pw@tool/last"} }, "must not carry credentials"},
		{"poll fast", func(j *Job) { j.Poll = &Poll{URL: "http://tool/last", Interval: time.Second} }, "shorter than 30s"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			j := ok()
			tc.edit(&j)
			err := Config{j}.WithDefaults().Validate()
			require.Error(t, err)
			assert.Contains(t, err.Error(), tc.want)
			assert.Contains(t, err.Error(), "jobs[0]: job ")
			assert.NotContains(t, err.Error(), "pw@", "a credential is never echoed")
		})
	}
	err := Config{ok(), ok()}.WithDefaults().Validate()
	assert.ErrorContains(t, err, `jobs[1]: job "oa-db-backup" is listed twice`)
}
