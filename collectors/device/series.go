package device

import (
	"slices"
	"strings"
)

// seriesSpec is one device series of docs/swanlake.md or docs/cloud.md: the labels it
// carries besides the target's, and whether it is a counter.
type seriesSpec struct {
	labels  []string
	counter bool
	push    bool // only the plate receiver emits it
}

// contract lists the park-device series of docs/swanlake.md by name. A
// profile may emit only these (with exactly these labels) or its own
// device_* series.
var contract = map[string]seriesSpec{
	"gate_ok":                 {labels: []string{"gate"}},
	"gate_fault_code":         {labels: []string{"gate"}},
	"gate_passages_total":     {labels: []string{"gate", "direction"}, counter: true},
	"barrier_ok":              {labels: []string{"gate"}},
	"vehicle_passages_total":  {labels: []string{"gate", "direction"}, counter: true, push: true},
	"barrier_open_seconds":    {labels: []string{"gate"}, push: true},
	"led_on":                  {},
	"led_brightness_percent":  {},
	"led_temperature_celsius": {},
	"led_power_watts":         {},
	"led_module_faults":       {},
	"led_playing_info":        {labels: []string{"program"}},
	"parking_free_spaces":     {labels: []string{"lot"}},
	"parking_capacity":        {labels: []string{"lot"}},
	"wifi_ap_up":              {labels: []string{"ap", "zone"}},
	"wifi_clients":            {labels: []string{"ap", "zone"}},
	"broadcast_zone_up":       {labels: []string{"zone"}},

	// Machine rooms of the government cloud (docs/cloud.md "Machine rooms"):
	// room, rack and feed are inventory labels the runner adds.
	"ups_on_battery":                {},
	"ups_battery_status":            {},
	"ups_battery_minutes_remaining": {},
	"ups_battery_charge_ratio":      {},
	"ups_load_ratio":                {labels: []string{"line"}},
	"ups_input_voltage_volts":       {labels: []string{"line"}},
	"ups_alarms_present":            {},
	"pdu_input_current_amps":        {labels: []string{"phase"}},
	"pdu_rating_amps":               {},
	"pdu_power_watts":               {},
	"room_temperature_celsius":      {},
	"room_humidity_ratio":           {},
}

// customPrefix starts the names of series a profile adds beyond the contract.
const customPrefix = "device_"

// directions are the values of the direction label.
var directions = []string{"in", "out"}

// lookupSeries returns the spec of name; ok is false for a name that is
// neither in the contract nor a custom device_* name.
func lookupSeries(name string) (seriesSpec, bool) {
	if s, ok := contract[name]; ok {
		return s, true
	}
	if strings.HasPrefix(name, customPrefix) && len(name) > len(customPrefix) {
		return seriesSpec{counter: strings.HasSuffix(name, "_total")}, true
	}
	return seriesSpec{}, false
}

// contractNames lists the contract's names, sorted, for error messages.
func contractNames() []string {
	names := make([]string, 0, len(contract))
	for n, s := range contract {
		if !s.push {
			names = append(names, n)
		}
	}
	slices.Sort(names)
	return names
}
