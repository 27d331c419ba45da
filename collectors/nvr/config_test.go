package nvr

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

func TestConfigDefaults(t *testing.T) {
	c := Config{}.WithDefaults()
	require.NoError(t, c.Validate())
	assert.Equal(t, 60*time.Second, c.Interval)
	assert.Equal(t, 48*time.Second, c.Timeout)
	assert.Equal(t, 5*time.Minute, c.RecentWindow)
	assert.Equal(t, time.Hour, c.RetentionInterval)
}

func TestConfigValidate(t *testing.T) {
	bad := Config{RecentWindow: time.Second, ProbesPerRound: 100, RequestTimeout: time.Hour, MaxMatches: 5,
		RetentionInterval: time.Second, TrendMinSpan: 48 * time.Hour}.WithDefaults()
	err := bad.Validate()
	require.Error(t, err)
	for _, want := range []string{"recent_window", "probes_per_round", "request_timeout", "max_matches",
		"retention_interval", "trend_min_span"} {
		assert.Contains(t, err.Error(), want)
	}
}

func TestTargetParams(t *testing.T) {
	pw := secretFile(t, "pw")
	base := func(kv ...string) collectors.Target {
		p := map[string]string{ParamProfile: ProfileHikvision, ParamUsername: "admin", ParamPasswordFile: pw}
		for i := 0; i+1 < len(kv); i += 2 {
			p[kv[i]] = kv[i+1]
		}
		return collectors.Target{Kind: Kind, Name: "nvr", Address: "https://10.0.0.5:8443", Params: p}
	}
	tp, err := parseTarget(base(ParamChannels, " 101=cam-north-01, 201 =cam-north-02,301", ParamRetentionDays, "90",
		ParamTimeZone, "-05:30", ParamSNMP, "10.0.0.5", ParamCommunityFile, secretFile(t, "c0mm")))
	require.NoError(t, err)
	assert.Equal(t, "https://10.0.0.5:8443", tp.base)
	assert.Equal(t, []channelSpec{{"101", "cam-north-01"}, {"201", "cam-north-02"}, {"301", ""}}, tp.channels)
	assert.Equal(t, 90, tp.retentionDays)
	_, off := time.Date(2026, 1, 1, 0, 0, 0, 0, tp.loc).Zone()
	assert.Equal(t, -(5*3600 + 1800), off)
	assert.Equal(t, "10.0.0.5:161", tp.snmp)
	assert.Equal(t, "c0mm", tp.community)
	assert.Equal(t, "pw", tp.password)

	tp, err = parseTarget(base())
	require.NoError(t, err)
	assert.Equal(t, DefaultRetentionDays, tp.retentionDays)
	_, off = time.Date(2026, 1, 1, 0, 0, 0, 0, tp.loc).Zone()
	assert.Equal(t, 8*3600, off, "recorders in China keep CST")

	for name, tgt := range map[string]collectors.Target{
		"profile":          base(ParamProfile, "onvif"),
		"channels":         base(ParamChannels, "101=a,101=b"),
		"channel id":       base(ParamChannels, "cam1"),
		"retention":        base(ParamRetentionDays, "0"),
		"zone":             base(ParamTimeZone, "Asia/Shanghai"),
		"snmp community":   base(ParamSNMP, "10.0.0.5:161"),
		"tls":              base(ParamTLSSkipVerify, "yes"),
		"no password file": base(ParamPasswordFile, ""),
		"missing file":     base(ParamPasswordFile, "/nonexistent/pw"),
	} {
		_, err := parseTarget(tgt)
		assert.ErrorIs(t, err, ErrParams, name)
		assert.True(t, strings.HasPrefix(err.Error(), "目标参数错误"), name)
	}
	for _, addr := range []string{"10.0.0.5", "rtsp://10.0.0.5", "http://10.0.0.5/ISAPI", "http://admin:pw@10.0.0.5"} {
		tgt := base()
		tgt.Address = addr
		_, err := parseTarget(tgt)
		require.ErrorIs(t, err, ErrAddress, addr)
		assert.NotContains(t, err.Error(), ":pw@", "a password in the address is never echoed")
	}
	assert.NoError(t, ValidateTarget(base()))
}
