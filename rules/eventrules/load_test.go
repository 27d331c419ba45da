package eventrules

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

const goodRule = `event_rules:
  - alert: SyslogDiskError
    match: '{source="syslog"}'
    text: '磁盘.*(错误|故障)'
    key: [instance]
    resolve_after: 10m
    labels: {severity: minor}
    annotations: {summary: '{{ $labels.instance }}: {{ $text }}'}
`

func TestPackIsValid(t *testing.T) {
	rules := packRules(t)
	names := make([]string, 0, len(rules))
	for _, r := range rules {
		names = append(names, r.Alert)
		assert.NotEmpty(t, r.Labels["requirement"], r.Alert)
		assert.Contains(t, []string{"critical", "major", "minor", "warning"}, r.Labels["severity"], r.Alert)
		assert.Contains(t, r.Annotations, "summary", r.Alert)
		assert.Contains(t, r.Annotations, "description", r.Alert)
	}
	// packs/*.yml in name order: bmc, events (the network), jobs (one rule
	// per requirement each, R-A9 and R-C1), security (R-A12, docs/logs.md).
	assert.Equal(t, []string{"ServerCriticalHardwareEvent",
		"InterfaceDown", "DeviceRestarted",
		"InterfaceFlapping", "SnmpTargetUnreachable", "AgentOffline",
		"JobFailed", "JobFailed", "JobTooLong", "JobTooLong", "JobMissed", "JobMissed",
		"FirewallDenyBurst", "FirewallDenyRateHigh", "BruteForceLogin", "IntrusionDetected", "IntrusionDetected",
		"DeviceConfigChanged", "NewAdminAccount", "AuthenticationFailureTrap"}, names)
	assert.Empty(t, CheckFile("packs/events.yml"), "the file on disk checks as the embedded copy loads")
}

func TestTextMatch(t *testing.T) {
	rules, errs := Parse("good.yml", []byte(goodRule))
	require.Empty(t, errs)
	var rec recorder
	e := New(rules, rec.onAlerts, Options{})
	ev := func(text string) collectors.Event {
		return collectors.Event{Time: t0, Labels: map[string]string{"source": "syslog", "instance": "db-01"}, Text: text}
	}
	e.Handle(context.Background(), []collectors.Event{ev("网卡抖动"), ev("磁盘 sda 读写错误")})
	got := rec.all()
	require.Len(t, got, 1)
	assert.Equal(t, "db-01: 磁盘 sda 读写错误", got[0].Annotations["summary"])
}

func TestBadRuleFiles(t *testing.T) {
	tests := []struct {
		name, body string
		want       []string
	}{
		{"unknown field", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_after: 1m\n    severity: major\n",
			[]string{"bad.yml:5: field severity not found"}},
		{"bad matcher", "event_rules:\n  - alert: A\n    match: '{a=~\"(\"}'\n    resolve_after: 1m\n",
			[]string{"bad.yml:3: match: parse matchers"}},
		{"bad resolve_on", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_on: 'a b'\n",
			[]string{"bad.yml:4: resolve_on: parse matchers"}},
		{"bad template", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_after: 1m\n    annotations:\n      summary: '{{ $labels.x '\n",
			[]string{"bad.yml:6: annotations: summary:"}},
		{"unknown function", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_after: 1m\n    annotations: {summary: '{{ humanize 1 }}'}\n",
			[]string{"bad.yml:5: annotations: summary:", "humanize"}},
		{"never resolves", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n",
			[]string{"bad.yml:2: alert A: needs resolve_on or resolve_after"}},
		{"bad duration and regexp", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    text: '('\n    resolve_after: soon\n",
			[]string{"bad.yml:4: text:", "bad.yml:5: resolve_after \"soon\""}},
		{"missing match and name", "event_rules:\n  - resolve_after: 1m\n",
			[]string{"bad.yml:2: alert \"\": invalid or missing alert name", "bad.yml:2: match: missing label matchers"}},
		{"bad key", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_after: 1m\n    key: [alertname]\n",
			[]string{"bad.yml:5: key: alertname is implied"}},
		{"bad flap", "event_rules:\n  - alert: A\n    match: '{a=\"b\"}'\n    resolve_on: '{a=\"c\"}'\n    flap: {state: '', changes: 1, window: never}\n",
			[]string{"bad.yml:5: flap: state \"\"", "bad.yml:5: flap: changes 1: want 2 to 100", "bad.yml:5: flap: window \"never\"",
				"bad.yml:5: flap: needs resolve_after"}},
		{"syntax", "event_rules:\n  - alert: [\n", []string{"bad.yml:"}},
		{"wrong type", "event_rules: {a: 1}\n", []string{"bad.yml:1: cannot unmarshal"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.yml")
			require.NoError(t, os.WriteFile(path, []byte(tt.body), 0o600))
			errs := CheckFile(path)
			require.NotEmpty(t, errs)
			all := ""
			for _, err := range errs {
				assert.Regexp(t, `^.*bad\.yml:[1-9]\d*: `, err.Error(), "every error names file and line")
				all += err.Error() + "\n"
			}
			for _, w := range tt.want {
				assert.Contains(t, all, w)
			}
		})
	}
}

func TestLoadFileErrors(t *testing.T) {
	_, errs := LoadFile(filepath.Join(t.TempDir(), "missing.yml"))
	require.Len(t, errs, 1)
	assert.ErrorIs(t, errs[0], os.ErrNotExist)

	big := filepath.Join(t.TempDir(), "big.yml")
	require.NoError(t, os.WriteFile(big, make([]byte, maxRuleFileBytes+1), 0o600))
	_, errs = LoadFile(big)
	require.Len(t, errs, 1)
	assert.Contains(t, errs[0].Error(), "split it")
}

func TestEmptyFileHasNoRules(t *testing.T) {
	rules, errs := Parse("empty.yml", nil)
	assert.Empty(t, errs)
	assert.Empty(t, rules)
}

func TestTemplateErrorKeepsAlert(t *testing.T) {
	src := "event_rules:\n  - alert: A\n    match: '{a=~\".+\"}'\n    resolve_after: 1m\n" +
		"    annotations: {summary: '{{ if $labels.a }}{{ index $labels.a 5 }}{{ end }}'}\n"
	rules, errs := Parse("t.yml", []byte(src))
	require.Empty(t, errs, "the template renders on an empty event, so it loads")
	errCount := metrics.GetOrCreateCounter(`swanwatch_eventrules_template_errors_total`)
	before := errCount.Get()
	var rec recorder
	New(rules, rec.onAlerts, Options{}).Handle(context.Background(),
		[]collectors.Event{{Time: t0, Labels: map[string]string{"a": "b"}}})
	got := rec.all()
	require.Len(t, got, 1, "a broken annotation does not lose the alert")
	assert.Equal(t, "{{ if $labels.a }}{{ index $labels.a 5 }}{{ end }}（模板错误）", got[0].Annotations["summary"])
	assert.Equal(t, before+1, errCount.Get())
}

func TestClipUTF8(t *testing.T) {
	assert.Equal(t, "链…", clipUTF8("链路中断", 4), "never splits a character")
	assert.Equal(t, "链路", clipUTF8("链路", 6))
}
