package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/rules/sla"
)

func TestSLAOverridesAndCalendars(t *testing.T) {
	cfg, err := Parse("swanwatch.yaml", []byte(`storage: {path: data}
sla:
  calendars:
    - {name: 工作时间, days: [1, 2, 3, 4, 5], start: "08:00", end: "18:00"}
  slis:
    - {name: link_latency, good: "<= 0.080", target: 0.95}
    - {name: portal_up, title: 政务服务网可用率, requirement: R-C6, entity: service, query: 'probe_success{job="portal"}',
       entity_label: instance, good: "== 1", window: 1m, target: 0.999, calendar: 工作时间}
`))
	require.NoError(t, err)
	eff := cfg.SLA.Effective()
	require.Len(t, eff, len(sla.DefaultSLIs())+1)
	var lat sla.SLI
	for _, s := range eff {
		if s.Name == "link_latency" {
			lat = s
		}
	}
	assert.Equal(t, "<= 0.080", lat.Good)
	assert.Equal(t, 0.95, lat.Target)
	assert.Equal(t, "R-B1", lat.Requirement, "fields not set keep the shipped value")
	assert.Equal(t, "portal_up", eff[len(eff)-1].Name)
	cal := cfg.SLA.CalendarByName("工作时间")
	// Saturday 2026-10-31 is outside; the calendar was compiled at load.
	sat := time.Date(2026, 10, 31, 0, 0, 0, 0, time.FixedZone("CST", 8*3600))
	assert.Len(t, cal.Outside(sat, sat.Add(24*time.Hour)), 1)

	_, err = Parse("swanwatch.yaml", []byte(`storage: {path: data}
sla:
  calendars:
    - {name: 夜间, days: [1], start: "18:00", end: "08:00"}
  slis:
    - {name: link_latency, good: "about 50ms"}
    - {name: new_one, good: "== 1"}
    - {name: agent_online, calendar: 节假日}
`))
	require.Error(t, err)
	for _, want := range []string{`calendar "夜间": end 08:00 is not after start 18:00`, "sli link_latency", "sli new_one",
		`sli agent_online: calendar "节假日" is not one of sla.calendars`} {
		assert.Contains(t, err.Error(), want)
	}
}
