package device

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tidwall/gjson"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// TestCounterRestart: the series is the device's number plus what it had
// before each reset.
func TestCounterRestart(t *testing.T) {
	var c counterState
	now := time.Date(2026, 5, 1, 10, 0, 0, 0, cst.Location)
	var got []float64
	for _, v := range []float64{100, 120, 120, 5, 9, 0, 3} {
		got = append(got, c.next(v, counterRestart, now))
		now = now.Add(30 * time.Second)
	}
	assert.Equal(t, []float64{100, 120, 120, 125, 129, 129, 132}, got)
}

// TestCounterDaily: a new CST day makes the whole value new, even when it is
// above yesterday's last; within a day a drop is still a reset.
func TestCounterDaily(t *testing.T) {
	var c counterState
	day1 := time.Date(2026, 5, 1, 23, 59, 30, 0, cst.Location)
	assert.Equal(t, 40.0, c.next(40, counterDaily, day1))
	assert.Equal(t, 42.0, c.next(2, counterDaily, day1.Add(time.Minute)), "00:00:30: 2 new since midnight")
	assert.Equal(t, 52.0, c.next(12, counterDaily, day1.Add(2*time.Minute)))
	assert.Equal(t, 53.0, c.next(1, counterDaily, day1.Add(3*time.Minute)), "the device restarted mid-day")
	var r counterState
	r.next(40, counterRestart, day1)
	assert.Equal(t, 42.0, r.next(42, counterRestart, day1.Add(time.Minute)), "restart mode does not know days")
}

// TestValues: the value pipeline of a metric.
func TestValues(t *testing.T) {
	one, zero := 1.0, 0.0
	cases := []struct {
		m    Metric
		raw  rawValue
		want float64
		err  bool
	}{
		{Metric{Parse: "number", Scale: 1}, textRaw(" 42.5 "), 42.5, false},
		{Metric{Parse: "number", Scale: 0.1}, numRaw(231), 23.1, false},
		{Metric{Parse: "number", Scale: 1}, textRaw("55.0℃"), 0, true},
		{Metric{Parse: "leading_number", Scale: 1}, textRaw("55.0℃"), 55, false},
		{Metric{Parse: "leading_number", Scale: 1}, textRaw("-3 dBm"), -3, false},
		{Metric{Parse: "leading_number", Scale: 1}, textRaw("V4.52"), 0, true},
		{Metric{Parse: "bool", Scale: 1}, textRaw("ON"), 1, false},
		{Metric{Parse: "bool", Scale: 1}, textRaw("maybe"), 0, true},
		{Metric{Map: map[string]float64{"8": 1}, Default: &zero}, numRaw(8), 1, false},
		{Metric{Map: map[string]float64{"8": 1}, Default: &zero}, numRaw(4), 0, false},
		{Metric{Map: map[string]float64{"on": 1}}, textRaw("blinking"), 0, true},
		{Metric{Value: &one}, textRaw("anything"), 1, false},
	}
	for i, c := range cases {
		v, err := c.m.value(c.raw)
		if c.err {
			assert.ErrorIs(t, err, ErrBadAnswer, "case %d", i)
			continue
		}
		require.NoError(t, err, "case %d", i)
		assert.InDelta(t, c.want, v, 1e-9, "case %d", i)
	}
	assert.Equal(t, "8", numRaw(8).String())
	assert.Equal(t, "2.5", numRaw(2.5).String())
	assert.Equal(t, "粤Z9065澳粤Z9065澳粤Z9065澳粤Z9065澳粤Z9065澳粤Z9065…", clip("粤Z9065澳粤Z9065澳粤Z9065澳粤Z9065澳粤Z9065澳粤Z9065澳"))
}

// TestXMLToJSON: ISAPI XML as a tree: namespaces and attributes dropped,
// repeated elements as arrays, comments ignored.
func TestXMLToJSON(t *testing.T) {
	j, err := xmlToJSON([]byte(`<?xml version="1.0" encoding="UTF-8"?>
<hddList version="2.0" xmlns="http://www.isapi.org/ver20/XMLSchema">
 <hdd><id>1</id><status>ok</status></hdd>
 <hdd><id>2</id><status>error</status><!-- ro --></hdd>
</hddList>`))
	require.NoError(t, err)
	assert.Equal(t, "error", gjson.GetBytes(j, "hddList.hdd.1.status").String())
	assert.Equal(t, int64(2), gjson.GetBytes(j, "hddList.hdd.#").Int())
	_, err = xmlToJSON([]byte("<a><b></a>"))
	assert.Error(t, err)
	_, err = xmlToJSON([]byte("just text"))
	assert.Error(t, err)
}

// TestTemplates: variables, escaping and CST times.
func TestTemplates(t *testing.T) {
	tp, err := parseTmpl(`{"id":"{{param.card}}","from":"{{day_start}}","to":"{{day_end}}"}`)
	require.NoError(t, err)
	env := &tplEnv{params: map[string]string{"card": `y10"x`}, now: time.Date(2026, 5, 1, 17, 30, 0, 0, time.UTC)}
	assert.Equal(t, `{"id":"y10\"x","from":"2026-05-02T00:00:00+08:00","to":"2026-05-02T23:59:59+08:00"}`,
		tp.render(env, jsonEscape), "17:30 UTC is already the 2nd in CST")
	p, err := parseTmpl("/api/v1/screen/displayStatus?screenId={{param.s}}")
	require.NoError(t, err)
	env.params["s"] = "{7e9c}&x=1"
	assert.Equal(t, "/api/v1/screen/displayStatus?screenId=%7B7e9c%7D&x=1", p.render(env, pathEscape))
	for _, bad := range []string{"{{param}}", "{{target.x}}", "{{nope}}", "{{raw"} {
		_, err := parseTmpl(bad)
		assert.Error(t, err, bad)
	}
	assert.Equal(t, "北门广场", lookupParamMap("ap-1=北门广场, ap-2 = 湖心岛", "ap-1"))
	assert.Equal(t, "湖心岛", lookupParamMap("ap-1=北门广场, ap-2 = 湖心岛", "ap-2"))
	assert.Empty(t, lookupParamMap("ap-1=北门广场", "ap-9"))
}

// TestConfig: defaults and the checks of Validate.
func TestConfig(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, 30*time.Second, c.Interval)
	assert.Equal(t, 24*time.Second, c.Timeout)
	c.RequestTimeout = time.Minute
	c.PushTokenFile = secretFile(t, "short", "tiny")
	c.Profiles = []string{"/nonexistent"}
	err := c.Validate()
	require.Error(t, err)
	for _, want := range []string{"request_timeout", "push_token_file", "/nonexistent"} {
		assert.Contains(t, err.Error(), want)
	}
}
