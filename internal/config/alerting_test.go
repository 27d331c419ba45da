package config

import (
	"fmt"
	"os"
	"path/filepath"
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
	assert.Equal(t, []string{"InterfaceDown", "WanLinkDown", "WanRedundancyDown", "SnmpTargetUnreachable",
		"HostFailure", "HypervisorHostDown"}, cfg.Alerting.TopologyRoots)
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

// Any secret of a channel may come from a file, relative to the config; a
// typo in a route is reported with its line even though Route decodes itself.
func TestChannelSecretsFromFilesAndRouteTypos(t *testing.T) {
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "robot.key"), []byte("https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1\n"), 0o600))
	good := "storage: {path: data}\nalerting:\n  receivers:\n    - {name: duty, wecom: {url_file: robot.key}}\n  route: {receiver: duty}\n"
	cfg, err := Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(good))
	require.NoError(t, err)
	assert.Equal(t, "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=k1", cfg.Alerting.Receivers[0].WeCom.URL.Reveal())
	assert.NotContains(t, fmt.Sprint(cfg.Alerting.Receivers[0].WeCom.URL), "k1", "masked when printed")

	bad := "storage: {path: data}\nalerting:\n  receivers:\n    - {name: duty, wecom: {url_file: missing.key}, dingtalk: {url: x, url_file: robot.key}}\n  route: {receiver: duty, group_wiat: 1s}\n"
	_, err = Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(bad))
	var ps Problems
	require.ErrorAs(t, err, &ps)
	text := err.Error()
	assert.Contains(t, text, "swanwatch.yaml:4: url_file: read secret file")
	assert.Contains(t, text, "swanwatch.yaml:4: set either url or url_file, not both")
	assert.Contains(t, text, `swanwatch.yaml:5: unknown field "group_wiat" in alerting.route`)
	assert.NotContains(t, text, "k1", "a secret never reaches a message")
	assert.Len(t, ps, 3)
}
