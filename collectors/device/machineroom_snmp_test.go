package device

import (
	_ "embed"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

//go:embed testdata/upssim.py
var upssimScript []byte

const roomCommunity = "room-ro"

// roomAgent is net-snmp's snmpd serving a UPS (UPS-MIB) and an APC rack
// PDU (PowerNet-MIB rPDU) through the pass_persist helper upssim.py, whose
// state the test switches while snmpd runs.
type roomAgent struct {
	*passAgent
	state string
}

func startRoomAgent(t testing.TB, st map[string]any) *roomAgent {
	t.Helper()
	dir := t.TempDir()
	a := &roomAgent{state: filepath.Join(dir, "room.json")}
	a.set(t, st)
	var lines []string
	for _, root := range []string{".1.3.6.1.2.1.33", ".1.3.6.1.4.1.318"} {
		lines = append(lines, root+" "+a.state+" "+root)
	}
	a.passAgent = startPassAgent(t, dir, passSpec{name: "snmpd-room", community: roomCommunity, script: upssimScript,
		lines: lines, probe: answersInteger(".1.3.6.1.2.1.33.1.2.1.0", false), what: "the UPS-MIB"})
	return a
}

// set replaces the agent's state: ups (mains, on_battery, low_battery),
// lines, pdu, set and drop (testdata/upssim.py says how).
func (a *roomAgent) set(t testing.TB, st map[string]any) { writeState(t, a.state, st) }

func roomTarget(t testing.TB, name, profile, addr string, kv ...string) collectors.Target {
	tgt := target(name, profile, addr, append([]string{"version", "2c",
		"community_file", secretFile(t, "community", roomCommunity)}, kv...)...)
	tgt.Labels = map[string]string{"district": "市本级", "site": "市政务云A机房", "room": "A机房", "rack": "A-03"}
	return tgt
}

// TestUPSStates: the UPS-MIB read from snmpd on mains, on battery and with
// a low battery, three output lines.
func TestUPSStates(t *testing.T) {
	lines := [][]int{{221, 35}, {219, 41}, {220, 38}}
	a := startRoomAgent(t, map[string]any{"ups": "mains", "lines": lines})
	c := newTestCollector(t)
	tgt := roomTarget(t, "ups-a1", "ups-rfc1628", a.addr)
	require.NoError(t, c.ValidateTarget(tgt))

	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 0.0, value(t, rec, "ups_on_battery{}"))
	assert.Equal(t, 2.0, value(t, rec, "ups_battery_status{}"))
	assert.Equal(t, 45.0, value(t, rec, "ups_battery_minutes_remaining{}"))
	assert.Equal(t, 1.0, value(t, rec, "ups_battery_charge_ratio{}"))
	assert.Equal(t, 0.0, value(t, rec, "ups_alarms_present{}"))
	assert.InDelta(t, 0.35, value(t, rec, `ups_load_ratio{line="1"}`), 1e-9)
	assert.InDelta(t, 0.41, value(t, rec, `ups_load_ratio{line="2"}`), 1e-9)
	assert.Equal(t, 220.0, value(t, rec, `ups_input_voltage_volts{line="3"}`))
	assert.Len(t, rec.Series(), 11, "on battery, 4 scalars, 3 loads, 3 voltages: %v", rec.Series())
	assert.Empty(t, rec.Problems())

	a.set(t, map[string]any{"ups": "on_battery", "lines": lines})
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "ups_on_battery{}"))
	assert.Equal(t, 1.0, value(t, rec, "ups_alarms_present{}"))
	assert.Equal(t, 0.0, value(t, rec, `ups_input_voltage_volts{line="1"}`), "mains gone")
	assert.Equal(t, 2.0, value(t, rec, "ups_battery_status{}"))

	a.set(t, map[string]any{"ups": "low_battery", "lines": lines})
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, "ups_on_battery{}"))
	assert.Equal(t, 3.0, value(t, rec, "ups_battery_status{}"))
	assert.Equal(t, 4.0, value(t, rec, "ups_battery_minutes_remaining{}"))
	assert.InDelta(t, 0.18, value(t, rec, "ups_battery_charge_ratio{}"), 1e-9)
	assert.Equal(t, 2.0, value(t, rec, "ups_alarms_present{}"))
}

// TestUPSOnBatterySigns: each of the three signs alone makes the UPS on
// battery; a card that lacks some of them is judged by the others.
func TestUPSOnBatterySigns(t *testing.T) {
	const (
		source  = ".1.3.6.1.2.1.33.1.4.1.0"
		seconds = ".1.3.6.1.2.1.33.1.2.2.0"
	)
	cases := []struct {
		name string
		st   map[string]any
		want float64
	}{
		{"output source battery only", map[string]any{"ups": "mains", "set": map[string]any{source: []any{"integer", 5}}}, 1},
		{"seconds on battery only", map[string]any{"ups": "mains", "set": map[string]any{seconds: []any{"integer", 30}}}, 1},
		{"OnBattery alarm only", map[string]any{"ups": "on_battery",
			"set": map[string]any{source: []any{"integer", 3}, seconds: []any{"integer", 0}}}, 1},
		{"alarm only, the card lacks both scalars", map[string]any{"ups": "on_battery", "drop": []string{source, seconds}}, 1},
		{"bypass is not battery", map[string]any{"ups": "mains", "set": map[string]any{source: []any{"integer", 4}}}, 0},
		{"mains, no seconds object", map[string]any{"ups": "mains", "drop": []string{seconds}}, 0},
	}
	a := startRoomAgent(t, cases[0].st)
	c := newTestCollector(t)
	tgt := roomTarget(t, "ups-a1", "ups-rfc1628", a.addr)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			a.set(t, tc.st)
			rec, err := poll(t, c, tgt)
			require.NoError(t, err)
			assert.Equal(t, tc.want, value(t, rec, "ups_on_battery{}"))
		})
	}
}

// TestUPSMissingObject: a card without upsEstimatedMinutesRemaining fails
// the round with the object named and the bad value counted; the values it
// has are still emitted.
func TestUPSMissingObject(t *testing.T) {
	a := startRoomAgent(t, map[string]any{"ups": "on_battery", "drop": []string{".1.3.6.1.2.1.33.1.2.3.0"}})
	c := newTestCollector(t)
	before := mBadValues.Get()
	rec, err := poll(t, c, roomTarget(t, "ups-a1", "ups-rfc1628", a.addr))
	require.ErrorIs(t, err, ErrBadAnswer)
	assert.Contains(t, err.Error(), "ups_battery_minutes_remaining: 应答格式错误: scalar minutes_remaining is missing")
	assert.Contains(t, err.Error(), "ups-a1 (profile ups-rfc1628)")
	assert.Equal(t, before+1, mBadValues.Get())
	assert.Equal(t, 1.0, value(t, rec, "ups_on_battery{}"))
	_, ok := rec.Value("ups_battery_minutes_remaining{}")
	assert.False(t, ok)
}

// TestUPSNoAnswer: a UPS card that never answers (a UDP socket that reads
// and drops) fails by its timeout, counted as a failed round.
func TestUPSNoAnswer(t *testing.T) {
	pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
	require.NoError(t, err)
	t.Cleanup(func() { pc.Close() })
	c := newTestCollector(t, func(c *Config) { c.RequestTimeout = 300 * time.Millisecond; c.Interval = 5 * time.Second })
	before := mFailedRounds.Get()
	start := time.Now()
	_, err = poll(t, c, roomTarget(t, "ups-a1", "ups-rfc1628", pc.LocalAddr().String()))
	require.ErrorIs(t, err, ErrTimeout)
	assert.Less(t, time.Since(start), 4*time.Second)
	assert.Equal(t, before+1, mFailedRounds.Get())
}

// TestPDUAPC: the phase rows of rPDULoadStatusTable (bank 0) in amps, the
// bank rows left out, the device power, and the rating from the target.
func TestPDUAPC(t *testing.T) {
	a := startRoomAgent(t, map[string]any{"ups": "mains"}) // default PDU: 1 phase, 2 banks
	c := newTestCollector(t)
	tgt := roomTarget(t, "pdu-a03-a", "pdu-apc-rpdu", a.addr, "rating_amps", "16")
	tgt.Labels["feed"] = "A"
	require.NoError(t, c.ValidateTarget(tgt))
	rec, err := poll(t, c, tgt)
	require.NoError(t, err)
	assert.InDelta(t, 6.4, value(t, rec, `pdu_input_current_amps{phase="1"}`), 1e-9)
	assert.Equal(t, 1450.0, value(t, rec, "pdu_power_watts{}"))
	assert.Equal(t, 16.0, value(t, rec, "pdu_rating_amps{}"))
	assert.Len(t, rec.Series(), 3, "the bank rows are not phases: %v", rec.Series())
	assert.Empty(t, rec.Problems())

	// three phases, a bank of phase 1 listed first
	three := map[string]any{"watts": 4100, "rows": [][]int{{1, 1, 20}, {1, 0, 52}, {2, 0, 48}, {3, 0, 61}}}
	a.set(t, map[string]any{"ups": "mains", "pdu": three})
	rec, err = poll(t, c, tgt)
	require.NoError(t, err)
	assert.Empty(t, rec.Problems())
	assert.InDelta(t, 5.2, value(t, rec, `pdu_input_current_amps{phase="1"}`), 1e-9)
	assert.InDelta(t, 6.1, value(t, rec, `pdu_input_current_amps{phase="3"}`), 1e-9)
	assert.InDelta(t, 4.8, value(t, rec, `pdu_input_current_amps{phase="2"}`), 1e-9)
	assert.Equal(t, 4100.0, value(t, rec, "pdu_power_watts{}"))
}

// TestPDURatingMissing: a PDU target without rating_amps is a configuration
// error for check-config and for the round, which still reads the PDU.
func TestPDURatingMissing(t *testing.T) {
	a := startRoomAgent(t, map[string]any{"ups": "mains"})
	c := newTestCollector(t)
	tgt := roomTarget(t, "pdu-a03-b", "pdu-apc-rpdu", a.addr)
	err := c.ValidateTarget(tgt)
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "param rating_amps is needed")

	rec, err := poll(t, c, tgt)
	require.ErrorIs(t, err, ErrConfig)
	assert.Contains(t, err.Error(), "pdu_rating_amps")
	assert.InDelta(t, 6.4, value(t, rec, `pdu_input_current_amps{phase="1"}`), 1e-9)

	tgt.Params["rating_amps"] = "16A"
	err = c.ValidateTarget(tgt)
	require.ErrorIs(t, err, ErrConfig)
	assert.True(t, strings.Contains(err.Error(), `param rating_amps "16A" is not a number`), err.Error())
}

// TestContractUPS runs the collector contract suite on the ups-rfc1628
// profile against snmpd; the silent peer is a UDP socket that reads and
// never answers.
func TestContractUPS(t *testing.T) {
	a := startRoomAgent(t, map[string]any{"ups": "on_battery"})
	n := 0
	collectortest.Run(t, collectortest.Suite{
		Kind: Kind,
		New:  func() collectors.Collector { return newTestCollector(t) },
		Target: func(t *testing.T) collectors.Target {
			n++
			return roomTarget(t, fmt.Sprintf("ups-%02d", n), "ups-rfc1628", a.addr)
		},
		Silent: func(t *testing.T) collectors.Target {
			pc, err := net.ListenPacket("udp4", "127.0.0.1:0")
			require.NoError(t, err)
			t.Cleanup(func() { pc.Close() })
			return roomTarget(t, "ups-silent", "ups-rfc1628", pc.LocalAddr().String())
		},
	})
}
