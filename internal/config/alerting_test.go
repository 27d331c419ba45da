package config

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestAlertingSection(t *testing.T) {
	cfg, err := Parse("swanwatch.yaml", []byte(`
alerting:
  receivers:
    - name: duty
      wecom: {url: "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"}
    - name: lead
      sms: {url: "http://127.0.0.1:9000/send", body: '{"to":{{json .Phones}},"text":{{json .Text}}}'}
  route:
    receiver: duty
    group_by: [district, alertname]
    routes:
      - receiver: lead
        matchers: '{severity="critical"}'
  maintenance:
    - name: 周二晚变更窗口
      days: [2]
      start: "22:00"
      duration: 2h
`))
	require.NoError(t, err)
	require.Len(t, cfg.Alerting.Receivers, 2)
	assert.Equal(t, "lead", cfg.Alerting.Route.Routes[0].Receiver)
	assert.Equal(t, []string{"WanLinkDown", "SnmpTargetUnreachable"}, cfg.Alerting.TopologyRoots)
	assert.NotContains(t, cfg.Alerting.Receivers[0].WeCom.URL.String(), "abc", "robot keys are secrets")
}

func TestAlertingProblems(t *testing.T) {
	_, err := Parse("swanwatch.yaml", []byte(`
alerting:
  receivers:
    - name: duty
    - name: duty
      webhook: {url: "http://127.0.0.1:1/hook"}
  route:
    receiver: nobody
    routes:
      - {receiver: duty, matchers: '{severity=~"("}'}
`))
	require.Error(t, err)
	msg := err.Error()
	assert.Contains(t, msg, `receiver "duty" has no channel`)
	assert.Contains(t, msg, `receiver "duty" is defined twice`)
	assert.Contains(t, msg, `receiver "nobody" is not defined`)
}
