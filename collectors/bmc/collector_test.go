package bmc

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// h is the key of a bmc_health series.
func h(component, id string) string {
	return `bmc_health{component="` + component + `",id="` + id + `"}`
}

// The unedited mockup, with $expand honoured and without (the collector
// then reads members one by one): the same series either way.
func TestMockupRound(t *testing.T) {
	for _, expand := range []bool{true, false} {
		t.Run(map[bool]string{true: "expand", false: "no_expand"}[expand], func(t *testing.T) {
			f := startBMC(t, false)
			f.setExpand(expand)
			c := newTestCollector(t, nil)
			rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))

			assert.Equal(t, 1.0, value(t, rec, `bmc_power_on{}`))
			assert.Equal(t, 0.0, value(t, rec, `bmc_health_rollup{}`))
			assert.Equal(t, 0.0, value(t, rec, h("system", "437XR1138R2")))
			assert.Equal(t, 0.0, value(t, rec, h("chassis", "1U")))
			assert.Equal(t, 0.0, value(t, rec, h("processor", "CPU1")))
			assert.Equal(t, 0.0, value(t, rec, h("memory", "DIMM1")))
			// The mockup's Absent parts have no health at all.
			absent(t, rec, h("processor", "CPU2"))
			absent(t, rec, h("memory", "DIMM4"))
			absent(t, rec, h("power_supply", "Power Supply Bay 2"))
			// New model preferred: PowerSubsystem's Bay 1 is Warning in the mockup.
			assert.Equal(t, 1.0, value(t, rec, h("power_supply", "Power Supply Bay 1")))
			assert.Equal(t, 937.4, value(t, rec, `bmc_psu_input_watts{psu="Power Supply Bay 1"}`))
			assert.Equal(t, 2200.0, value(t, rec, `bmc_fan_speed_rpm{fan="Fan Bay 1"}`))
			assert.Equal(t, 0.45, value(t, rec, `bmc_fan_speed_ratio{fan="Fan Bay 1"}`))
			assert.Equal(t, 0.0, value(t, rec, h("fan", "Fan for CPU 1")))
			absent(t, rec, `bmc_fan_speed_rpm{fan="Fan for CPU 1"}`) // the mockup gives no RPM for it
			if expand {
				// Every temperature sensor, from one expanded Sensors request.
				assert.Equal(t, 37.0, value(t, rec, `bmc_temperature_celsius{sensor="CPU #1 Temperature"}`))
				assert.Equal(t, 45.0, value(t, rec, `bmc_temperature_upper_critical_celsius{sensor="CPU #1 Temperature"}`))
				assert.Equal(t, 1, f.getCount("Chassis/1U/Sensors"))
				assert.Zero(t, f.getCount("Chassis/1U/Sensors/CPU1Temp"))
			} else {
				// The BMC advertised $expand but did not: only the sensors
				// ThermalMetrics names are read, one by one.
				assert.Equal(t, 1, f.getCount("Chassis/1U/Sensors"))
				assert.Equal(t, 1, f.getCount("Chassis/1U/Sensors/IntakeTemp"))
				assert.Zero(t, f.getCount("Chassis/1U/Sensors/CPU1Temp"))
				absent(t, rec, `bmc_temperature_celsius{sensor="CPU #1 Temperature"}`)
			}
			assert.Equal(t, 24.8, value(t, rec, `bmc_temperature_celsius{sensor="Front Panel Intake Temperature"}`))
		})
	}
}

// The session opened in the first round serves the next ones; a BMC that
// forgot it (restart, idle expiry) answers 401 and gets one new login.
func TestSessionKeptAndRenewed(t *testing.T) {
	f := startBMC(t, false)
	c := newTestCollector(t, nil)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	for range 3 {
		mustPoll(t, c, tgt)
	}
	assert.Equal(t, int64(1), f.logins.Load(), "one login for three rounds")
	f.dropSessions()
	rec := mustPoll(t, c, tgt)
	assert.Equal(t, int64(2), f.logins.Load())
	assert.Equal(t, 0.0, value(t, rec, h("system", "437XR1138R2")))
}

// A BMC without a SessionService is read with Basic auth.
func TestBasicFallback(t *testing.T) {
	f := startBMC(t, false)
	f.setSessions(false)
	c := newTestCollector(t, nil)
	rec := mustPoll(t, c, bmcTarget(t, "bmc-07", f.URL))
	assert.Equal(t, 1.0, value(t, rec, `bmc_power_on{}`))
	assert.Zero(t, f.logins.Load())
}

// A wrong password is 认证失败 in Chinese, without the password; the BMC is
// not asked again within auth_backoff (BMCs lock accounts).
func TestWrongPassword(t *testing.T) {
	f := startBMC(t, false)
	c := newTestCollector(t, nil)
	wrong := "Wr0ng-pw-7731"
	tgt := bmcTarget(t, "bmc-07", f.URL, ParamPasswordFile, secretFile(t, wrong))
	_, err := poll(t, c, tgt, 5e9)
	require.ErrorIs(t, err, ErrAuth)
	assert.Contains(t, err.Error(), "认证失败")
	assert.NotContains(t, err.Error(), wrong)
	assert.NotContains(t, err.Error(), testPassword)
	n := f.requests.Load()
	_, err = poll(t, c, tgt, 5e9)
	require.ErrorIs(t, err, ErrAuth)
	assert.Equal(t, n, f.requests.Load(), "held back: no request within auth_backoff")

	// The right password (a new file) is tried at once.
	tgt.Params[ParamPasswordFile] = secretFile(t, testPassword)
	mustPoll(t, c, tgt)
}
