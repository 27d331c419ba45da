package bmc

import (
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"sync"
)

// chassis reads one chassis: its health, then thermal and power from the
// new model where the BMC has it, else from the legacy Thermal and Power,
// else from EnvironmentMetrics. The new model is preferred: the legacy
// resources are deprecated and firmware that serves both keeps the new one
// complete (power supply metrics, sensor thresholds).
func (r *round) chassis(ctx context.Context, m json.RawMessage) {
	var c chassis
	if !r.decode(m, "Chassis", &c) {
		return
	}
	r.health("chassis", c.ID, c.Status)
	var wg sync.WaitGroup
	wg.Go(func() {
		switch {
		case c.ThermalSubsystem.ID != "" && r.thermalSubsystem(ctx, c):
		case c.Thermal.ID != "" && r.legacyThermal(ctx, c.Thermal.ID):
		case c.EnvironmentMetrics.ID != "":
			r.environment(ctx, c.EnvironmentMetrics.ID)
		}
	})
	wg.Go(func() {
		switch {
		case c.PowerSubsystem.ID != "" && r.powerSubsystem(ctx, c.PowerSubsystem.ID):
		case c.Power.ID != "":
			r.legacyPower(ctx, c.Power.ID)
		}
	})
	wg.Wait()
}

// name is how a fan, power supply or sensor is labelled: its Name, which
// is what the BMC's own web page shows, else its id.
func name(n, id string) string {
	if n = strings.TrimSpace(n); n != "" {
		return n
	}
	return id
}

// legacyThermal reads Chassis/{id}/Thermal; false when it cannot be read.
func (r *round) legacyThermal(ctx context.Context, uri string) bool {
	var th thermal
	if err := r.getJSON(ctx, uri, &th); err != nil {
		r.fail(err)
		return false
	}
	r.thermalSeries(th)
	return true
}

// thermalSeries emits the legacy Thermal's temperatures and fans.
func (r *round) thermalSeries(th thermal) {
	for _, t := range th.Temperatures {
		if t.Status.State == "Absent" {
			continue
		}
		s := name(t.Name, t.MemberID)
		r.health("temperature", s, t.Status)
		r.opt("bmc_temperature_celsius", t.ReadingCelsius, 1, "sensor", s)
		r.opt("bmc_temperature_upper_critical_celsius", t.UpperThresholdCritical, 1, "sensor", s)
	}
	for _, f := range th.Fans {
		if f.Status.State == "Absent" {
			continue
		}
		n := name(f.Name, f.MemberID)
		r.health("fan", n, f.Status)
		if f.ReadingUnits == "Percent" {
			r.opt("bmc_fan_speed_ratio", f.Reading, 0.01, "fan", n)
		} else {
			r.opt("bmc_fan_speed_rpm", f.Reading, 1, "fan", n)
		}
	}
}

// legacyPower reads Chassis/{id}/Power.
func (r *round) legacyPower(ctx context.Context, uri string) {
	var p power
	if err := r.getJSON(ctx, uri, &p); err != nil {
		r.fail(err)
		return
	}
	r.powerSeries(p)
}

// powerSeries emits the legacy Power's supplies.
func (r *round) powerSeries(p power) {
	for _, ps := range p.PowerSupplies {
		if ps.Status.State == "Absent" {
			continue
		}
		n := name(ps.Name, ps.MemberID)
		r.health("power_supply", n, ps.Status)
		r.opt("bmc_psu_input_watts", ps.PowerInputWatts, 1, "psu", n)
	}
}

// thermalSubsystem reads fans and temperatures of the new model; false
// when the subsystem itself cannot be read.
func (r *round) thermalSubsystem(ctx context.Context, c chassis) bool {
	var ts thermalSubsystem
	if err := r.getJSON(ctx, c.ThermalSubsystem.ID, &ts); err != nil {
		r.fail(err)
		return false
	}
	var wg sync.WaitGroup
	wg.Go(func() {
		for _, m := range r.members(ctx, ts.Fans.ID) {
			var f fan
			if r.decode(m, "Fan", &f) {
				r.fanSeries(f)
			}
		}
	})
	wg.Go(func() { r.temperatures(ctx, c, ts.ThermalMetrics.ID) })
	wg.Wait()
	return true
}

// temperatures of the new model: where $expand works, every temperature
// sensor of the chassis in one request; otherwise the sensors
// ThermalMetrics names (a BMC lists dozens of sensors, and reading each on
// its own would cost a request apiece).
func (r *round) temperatures(ctx context.Context, c chassis, metricsURI string) {
	if r.expand != "" && c.Sensors.ID != "" {
		if ms, ok := r.expandedMembers(ctx, c.Sensors.ID); ok {
			for _, m := range ms {
				var s sensor
				if r.decode(m, "Sensor", &s) && (s.ReadingType == "Temperature" || s.ReadingUnits == "Cel") {
					r.sensor(s)
				}
			}
			return
		}
	}
	if metricsURI == "" {
		return
	}
	var tm thermalMetrics
	if err := r.getJSON(ctx, metricsURI, &tm); err != nil {
		r.fail(err)
		return
	}
	var wg sync.WaitGroup
	for _, rd := range tm.TemperatureReadingsCelsius {
		if !strings.HasPrefix(rd.DataSourceURI, rootPath) {
			r.opt("bmc_temperature_celsius", rd.Reading, 1, "sensor", name(rd.DeviceName, "temperature"))
			continue
		}
		wg.Go(func() {
			var s sensor
			if err := r.getJSON(ctx, rd.DataSourceURI, &s); err != nil {
				// The reading is still good without its threshold.
				r.fail(err)
				r.opt("bmc_temperature_celsius", rd.Reading, 1, "sensor", name(rd.DeviceName, rd.DataSourceURI))
				return
			}
			r.sensor(s)
		})
	}
	wg.Wait()
}

// fanSeries emits one fan of the new model.
func (r *round) fanSeries(f fan) {
	if f.Status.State == "Absent" {
		return
	}
	n := name(f.Name, f.ID)
	r.health("fan", n, f.Status)
	if f.SpeedPercent != nil {
		r.opt("bmc_fan_speed_ratio", f.SpeedPercent.Reading, 0.01, "fan", n)
		r.opt("bmc_fan_speed_rpm", f.SpeedPercent.SpeedRPM, 1, "fan", n)
	}
}

// sensor emits one temperature sensor of the new model.
func (r *round) sensor(s sensor) {
	if s.Status.State == "Absent" {
		return
	}
	n := name(s.Name, s.ID)
	r.health("temperature", n, s.Status)
	r.opt("bmc_temperature_celsius", s.Reading, 1, "sensor", n)
	if s.Thresholds.UpperCritical != nil {
		r.opt("bmc_temperature_upper_critical_celsius", s.Thresholds.UpperCritical.Reading, 1, "sensor", n)
	}
}

// environment reads EnvironmentMetrics, the chassis summary some BMCs
// serve instead of a thermal resource.
func (r *round) environment(ctx context.Context, uri string) {
	var em environmentMetrics
	if err := r.getJSON(ctx, uri, &em); err != nil {
		r.fail(err)
		return
	}
	r.environmentSeries(em)
}

// environmentSeries emits EnvironmentMetrics' temperature and fans.
func (r *round) environmentSeries(em environmentMetrics) {
	if em.TemperatureCelsius != nil {
		r.opt("bmc_temperature_celsius", em.TemperatureCelsius.Reading, 1, "sensor", "chassis")
	}
	for i, f := range em.FanSpeedsPercent {
		n := name(f.DeviceName, "fan"+strconv.Itoa(i+1))
		r.opt("bmc_fan_speed_ratio", f.Reading, 0.01, "fan", n)
		r.opt("bmc_fan_speed_rpm", f.SpeedRPM, 1, "fan", n)
	}
}

// powerSubsystem reads the power supplies of the new model and each one's
// metrics; false when the subsystem cannot be read.
func (r *round) powerSubsystem(ctx context.Context, uri string) bool {
	var ps powerSubsystem
	if err := r.getJSON(ctx, uri, &ps); err != nil {
		r.fail(err)
		return false
	}
	var wg sync.WaitGroup
	for _, m := range r.members(ctx, ps.PowerSupplies.ID) {
		var p powerSupply
		if !r.decode(m, "PowerSupply", &p) {
			continue
		}
		n, ok := r.psuSeries(p)
		if !ok || p.Metrics.ID == "" {
			continue
		}
		wg.Go(func() {
			var pm powerSupplyMetrics
			if err := r.getJSON(ctx, p.Metrics.ID, &pm); err != nil {
				r.fail(err)
				return
			}
			if pm.InputPowerWatts != nil {
				r.opt("bmc_psu_input_watts", pm.InputPowerWatts.Reading, 1, "psu", n)
			}
		})
	}
	wg.Wait()
	return true
}

// psuSeries emits one power supply of the new model; ok is false when it
// is Absent.
func (r *round) psuSeries(p powerSupply) (n string, ok bool) {
	if p.Status.State == "Absent" {
		return "", false
	}
	n = name(p.Name, p.ID)
	r.health("power_supply", n, p.Status)
	return n, true
}
