package bmc

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// withStorage gives the mockup system a storage controller with two drives
// (the rackmount mockup has only SimpleStorage): drive 0 healthy with 90 %
// life left, drive 1 as given.
func withStorage(t *testing.T, f *fakeBMC, drive1 string) {
	f.edit(t, sysPath, func(m map[string]any) {
		m["Storage"] = map[string]any{"@odata.id": "/redfish/v1/" + sysPath + "/Storage"}
	})
	f.set(sysPath+"/Storage", `{"Members":[{"@odata.id":"/redfish/v1/`+sysPath+`/Storage/RAID"}]}`)
	f.set(sysPath+"/Storage/RAID", `{"Id":"RAID","Name":"RAID Controller","Status":{"State":"Enabled","Health":"OK"},
		"Drives":[{"@odata.id":"/redfish/v1/`+sysPath+`/Storage/RAID/Drives/0"},{"@odata.id":"/redfish/v1/`+sysPath+`/Storage/RAID/Drives/1"}]}`)
	f.set(sysPath+"/Storage/RAID/Drives/0", `{"Id":"0","Name":"Disk 0","Status":{"State":"Enabled","Health":"OK"},
		"FailurePredicted":false,"PredictedMediaLifeLeftPercent":90,"MediaType":"SSD"}`)
	f.set(sysPath+"/Storage/RAID/Drives/1", drive1)
}

// A drive that predicts its failure (预测性故障) is seen before it fails.
func TestDrivePredictedFailure(t *testing.T) {
	f := startBMC(t, false)
	withStorage(t, f, `{"Id":"1","Name":"Disk 1","Status":{"State":"Enabled","Health":"Warning"},"FailurePredicted":true,"MediaType":"HDD"}`)
	var ev events
	c := newTestCollector(t, &ev)
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.Equal(t, 0.0, value(t, rec, `bmc_drive_predicted_failure{drive="0"}`))
	assert.Equal(t, 0.9, value(t, rec, `bmc_drive_life_left_ratio{drive="0"}`))
	assert.Equal(t, 1.0, value(t, rec, `bmc_drive_predicted_failure{drive="1"}`))
	assert.Equal(t, 1.0, value(t, rec, h("drive", "1")))
	assert.Equal(t, 0.0, value(t, rec, h("storage", "RAID")))
	absent(t, rec, `bmc_drive_life_left_ratio{drive="1"}`)
}

// Rising correctable ECC counts are the early warning for a DIMM.
func TestMemoryECCCounts(t *testing.T) {
	f := startBMC(t, false)
	f.edit(t, sysPath+"/Memory/DIMM1", func(m map[string]any) {
		m["Metrics"] = map[string]any{"@odata.id": "/redfish/v1/" + sysPath + "/Memory/DIMM1/MemoryMetrics"}
	})
	metrics := func(ce, ue int) string {
		return fmt.Sprintf(`{"Id":"MemoryMetrics","CurrentPeriod":{"CorrectableECCErrorCount":1},
			"LifeTime":{"CorrectableECCErrorCount":%d,"UncorrectableECCErrorCount":%d},
			"HealthData":{"AlarmTrips":{"CorrectableECCError":false}}}`, ce, ue)
	}
	f.set(sysPath+"/Memory/DIMM1/MemoryMetrics", metrics(3, 0))
	c := newTestCollector(t, nil)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	rec := mustPoll(t, c, tgt)
	assert.Equal(t, 3.0, value(t, rec, `bmc_memory_correctable_errors{dimm="DIMM1"}`))
	assert.Equal(t, 0.0, value(t, rec, `bmc_memory_uncorrectable_errors{dimm="DIMM1"}`))
	absent(t, rec, `bmc_memory_correctable_errors{dimm="DIMM2"}`) // no MemoryMetrics: no figure, not zero

	f.set(sysPath+"/Memory/DIMM1/MemoryMetrics", metrics(250, 1))
	rec = mustPoll(t, c, tgt)
	assert.Equal(t, 250.0, value(t, rec, `bmc_memory_correctable_errors{dimm="DIMM1"}`))
	assert.Equal(t, 1.0, value(t, rec, `bmc_memory_uncorrectable_errors{dimm="DIMM1"}`))
}

// A power supply that turns Warning with PowerSupplyPredictiveFailure: its
// health series, and an event whose text carries the BMC's condition.
func TestPSUPredictiveFailureEvent(t *testing.T) {
	f := startBMC(t, false)
	bay1 := chassisPath + "/PowerSubsystem/PowerSupplies/Bay1"
	f.edit(t, bay1, func(m map[string]any) { m["Status"] = map[string]any{"State": "Enabled", "Health": "OK"} })
	var ev events
	c := newTestCollector(t, &ev)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	rec := mustPoll(t, c, tgt)
	assert.Equal(t, 0.0, value(t, rec, h("power_supply", "Power Supply Bay 1")))
	assert.Empty(t, ev.take(), "the first round only learns")

	f.edit(t, bay1, func(m map[string]any) {
		m["Status"] = map[string]any{"State": "Enabled", "Health": "Warning", "Conditions": []any{map[string]any{
			"MessageId": "Power.1.0.PowerSupplyPredictiveFailure", "Severity": "Warning",
			"Message": "Power supply Bay1 is predicting a failure."}}}
	})
	f.edit(t, sysPath, func(m map[string]any) {
		m["Status"] = map[string]any{"State": "Enabled", "Health": "OK", "HealthRollup": "Warning",
			"Conditions": []any{map[string]any{"MessageId": "Power.1.0.PowerSupplyPredictiveFailure",
				"Severity": "Warning", "Message": "Power supply Bay1 is predicting a failure."}}}
	})
	rec = mustPoll(t, c, tgt)
	assert.Equal(t, 1.0, value(t, rec, h("power_supply", "Power Supply Bay 1")))
	assert.Equal(t, 1.0, value(t, rec, `bmc_health_rollup{}`))
	evs := ev.take()
	require.Len(t, evs, 2, "the supply and the system's rollup: %v", evs)
	var psu, rollup string
	for _, e := range evs {
		assert.Equal(t, "bmc", e.Labels["source"])
		assert.Equal(t, "health_changed", e.Labels["event"])
		assert.Equal(t, "Warning", e.Labels["severity"])
		assert.Equal(t, "Power.1.0.PowerSupplyPredictiveFailure", e.Labels["message_id"])
		assert.Equal(t, "esxi-07", e.Labels[LabelServer])
		assert.Equal(t, "bmc-07", e.Labels["instance"])
		switch e.Labels["component"] {
		case "power_supply":
			psu = e.Text
		case "rollup":
			rollup = e.Text
		}
	}
	assert.Equal(t, "服务器 esxi-07（机柜 A-03） 电源 Power Supply Bay 1 健康状态正常→告警：Power supply Bay1 is predicting a failure.", psu)
	assert.Contains(t, rollup, "整机 437XR1138R2 健康状态正常→告警：Power supply Bay1 is predicting a failure.")

	mustPoll(t, c, tgt)
	assert.Empty(t, ev.take(), "no change, no event")
}

// A critical temperature on a BMC with only the legacy Thermal and Power
// (no ThermalSubsystem/PowerSubsystem links).
func TestOldModelOnlyCriticalTemperature(t *testing.T) {
	f := startBMC(t, false)
	f.edit(t, chassisPath, func(m map[string]any) {
		for _, k := range []string{"ThermalSubsystem", "PowerSubsystem", "EnvironmentMetrics", "Sensors"} {
			delete(m, k)
		}
	})
	f.edit(t, chassisPath+"/Thermal", func(m map[string]any) {
		temp := m["Temperatures"].([]any)[0].(map[string]any)
		temp["ReadingCelsius"] = 47
		temp["Status"] = map[string]any{"State": "Enabled", "Health": "Critical"}
	})
	c := newTestCollector(t, nil)
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.Equal(t, 47.0, value(t, rec, `bmc_temperature_celsius{sensor="CPU1 Temp"}`))
	assert.Equal(t, 45.0, value(t, rec, `bmc_temperature_upper_critical_celsius{sensor="CPU1 Temp"}`))
	assert.Equal(t, 2.0, value(t, rec, h("temperature", "CPU1 Temp")))
	// CPU2 Temp is Disabled without a reading or a health: thresholds only.
	absent(t, rec, `bmc_temperature_celsius{sensor="CPU2 Temp"}`)
	absent(t, rec, h("temperature", "CPU2 Temp"))
	assert.Equal(t, 2100.0, value(t, rec, `bmc_fan_speed_rpm{fan="BaseBoard System Fan"}`))
	assert.Equal(t, 1.0, value(t, rec, h("power_supply", "Power Supply Bay")), "legacy Power's supply is Warning")
	for _, k := range rec.Series() {
		assert.NotContains(t, k, "Fan Bay", "no new-model fan read: %s", k)
	}
	assert.Zero(t, f.getCount(chassisPath+"/ThermalSubsystem"))
}

// A BMC with only the new model (no Thermal/Power links), one fan failed.
func TestNewModelOnly(t *testing.T) {
	f := startBMC(t, false)
	f.edit(t, chassisPath, func(m map[string]any) { delete(m, "Thermal"); delete(m, "Power") })
	f.edit(t, chassisPath+"/ThermalSubsystem/Fans/Bay2", func(m map[string]any) {
		m["Status"] = map[string]any{"State": "Enabled", "Health": "Critical"}
		m["SpeedPercent"] = map[string]any{"Reading": 0, "SpeedRPM": 0}
	})
	c := newTestCollector(t, nil)
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.Equal(t, 2.0, value(t, rec, h("fan", "Fan Bay 2")))
	assert.Equal(t, 0.0, value(t, rec, `bmc_fan_speed_rpm{fan="Fan Bay 2"}`))
	assert.Equal(t, 937.4, value(t, rec, `bmc_psu_input_watts{psu="Power Supply Bay 1"}`))
	assert.Zero(t, f.getCount(chassisPath+"/Thermal"))
	assert.Zero(t, f.getCount(chassisPath+"/Power"))
}

// The new model's resources fail (404): the legacy ones are read instead.
func TestNewModelBrokenFallsBackToLegacy(t *testing.T) {
	f := startBMC(t, false)
	f.set(chassisPath+"/ThermalSubsystem", "")
	f.set(chassisPath+"/PowerSubsystem", "")
	c := newTestCollector(t, nil)
	rec, err := poll(t, c, bmcTarget(t, "bmc-07", f.URL), 5e9)
	require.NoError(t, err, "a missing part is not a failed round")
	assert.Equal(t, 41.0, value(t, rec, `bmc_temperature_celsius{sensor="CPU1 Temp"}`))
	assert.Equal(t, 1.0, value(t, rec, h("power_supply", "Power Supply Bay")))
}

// Only EnvironmentMetrics: the chassis temperature and fan speeds from it.
func TestEnvironmentMetricsOnly(t *testing.T) {
	f := startBMC(t, false)
	f.edit(t, chassisPath, func(m map[string]any) { delete(m, "Thermal"); delete(m, "ThermalSubsystem") })
	c := newTestCollector(t, nil)
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.Equal(t, 39.0, value(t, rec, `bmc_temperature_celsius{sensor="chassis"}`))
	assert.Equal(t, 1900.0, value(t, rec, `bmc_fan_speed_rpm{fan="Chassis Fan #1"}`))
	assert.Equal(t, 0.55, value(t, rec, `bmc_fan_speed_ratio{fan="Chassis Fan #2"}`))
}

// Absent parts have no series; a part that comes back is read again.
func TestAbsentComponents(t *testing.T) {
	f := startBMC(t, false)
	bay2 := chassisPath + "/ThermalSubsystem/Fans/Bay2"
	f.edit(t, bay2, func(m map[string]any) { m["Status"] = map[string]any{"State": "Absent"} })
	c := newTestCollector(t, nil)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	rec := mustPoll(t, c, tgt)
	absent(t, rec, h("fan", "Fan Bay 2"))
	absent(t, rec, h("memory", "DIMM4"))
	absent(t, rec, h("processor", "CPU2"))
	for _, k := range rec.Series() {
		assert.False(t, strings.Contains(k, "DIMM4") || strings.Contains(k, "Fan Bay 2"), k)
	}
	f.edit(t, bay2, func(m map[string]any) { m["Status"] = map[string]any{"State": "Enabled", "Health": "OK"} })
	rec = mustPoll(t, c, tgt)
	assert.Equal(t, 0.0, value(t, rec, h("fan", "Fan Bay 2")))
}

// countHandler counts log records by level.
type countHandler struct {
	mu     sync.Mutex
	levels map[slog.Level]int
}

func (h *countHandler) Enabled(context.Context, slog.Level) bool { return true }
func (h *countHandler) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.levels[r.Level]++
	return nil
}
func (h *countHandler) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *countHandler) WithGroup(string) slog.Handler      { return h }

// A resource the BMC links but cannot serve is logged once, not every
// round, and once more when it is back.
func TestPartialRoundLoggedOnChange(t *testing.T) {
	f := startBMC(t, false)
	f.set(chassisPath+"/PowerSubsystem", "")
	h := &countHandler{levels: map[slog.Level]int{}}
	c := New(Config{}.WithDefaults(), slog.New(h))
	t.Cleanup(func() { c.Close() })
	tgt := bmcTarget(t, "bmc-07", f.URL)
	for range 3 {
		mustPoll(t, c, tgt)
	}
	assert.Equal(t, 1, h.levels[slog.LevelWarn])
	f.mu.Lock()
	delete(f.overlay, chassisPath+"/PowerSubsystem")
	f.mu.Unlock()
	mustPoll(t, c, tgt)
	mustPoll(t, c, tgt)
	assert.Equal(t, 1, h.levels[slog.LevelInfo])
	assert.Equal(t, 1, h.levels[slog.LevelWarn])
}
