package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/report"
)

func TestReportsDefaultsAndProblems(t *testing.T) {
	cfg, err := Parse("swanwatch.yaml", []byte("storage: {path: data}\n"))
	require.NoError(t, err)
	r := cfg.Reports
	assert.Equal(t, DefaultAddressee, r.Addressee)
	assert.Equal(t, report.DefaultThresholds(), r.Findings)
	assert.Equal(t, report.DefaultResponseTargets(), r.Targets)
	assert.Equal(t, "08:00", r.Inspection.At)
	assert.Equal(t, 30, r.Inspection.HorizonDays)

	cfg, err = Parse("swanwatch.yaml", []byte(`storage: {path: data}
alerting:
  receivers: [{name: duty, webhook: {url: "http://127.0.0.1:1/hook"}}]
reports:
  receiver: duty
  targets: {mtta: 10m}
  findings: {idle_cpu_mean: 0.05}
  inspection: {at: "07:30", horizon_days: 14}
`))
	require.NoError(t, err)
	assert.Equal(t, 10*time.Minute, cfg.Reports.Targets.MTTA)
	assert.Equal(t, 4*time.Hour, cfg.Reports.Targets.MTTR, "the other target keeps its default")
	assert.Equal(t, 0.05, cfg.Reports.Findings.IdleCPUMean)
	assert.Equal(t, report.DefaultThresholds().LowCPUPeak, cfg.Reports.Findings.LowCPUPeak, "the others keep theirs")
	at, on, err := InspectionTime(cfg.Reports.Inspection.At)
	require.NoError(t, err)
	assert.True(t, on)
	assert.Equal(t, 7*time.Hour+30*time.Minute, at)

	_, err = Parse("swanwatch.yaml", []byte(`storage: {path: data}
reports:
  receiver: nobody
  findings: {min_days: 7, idle_cpu_mean: 2}
  inspection: {at: "8 o'clock", horizon_days: 1000}
`))
	require.Error(t, err)
	for _, want := range []string{
		`reports.receiver: "nobody" is not one of alerting.receivers`, "reports.inspection.at",
		"reports.inspection.horizon_days: 1000", "reports.findings",
	} {
		assert.Contains(t, err.Error(), want)
	}
	_, on, err = InspectionTime("off")
	assert.NoError(t, err)
	assert.False(t, on)
}
