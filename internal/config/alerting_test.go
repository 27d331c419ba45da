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

// The person channels' credentials and the gateways' callback tokens come
// from files like every other secret (docs/oncall.md).
func TestPersonChannelSecretsFromFiles(t *testing.T) {
	dir := t.TempDir()
	for name, v := range map[string]string{"app": "wecom-app-secret-1", "ding": "ding-secret-2", "feishu": "feishu-secret-3",
		"ak": "aliyun-secret-4", "hook": "voice-hook-token-5678", "sms": "sms-reply-token-9012"} {
		require.NoError(t, os.WriteFile(filepath.Join(dir, name), []byte(v+"\n"), 0o600))
	}
	doc := `storage: {path: data}
alerting:
  receivers:
    - name: 企业微信应用
      wecom_app: {corp_id: ww1, agent_id: 1000002, secret_file: app}
    - name: 钉钉
      dingtalk_work: {app_key: k, agent_id: 1, app_secret_file: ding}
    - name: 飞书
      feishu_app: {app_id: cli_1, app_secret_file: feishu}
    - name: 语音
      voice: {provider: aliyun, access_key_id: id, access_key_secret_file: ak, tts_code: TTS_1, tts_params: {text: text}, callback: {token_file: hook}}
    - name: 短信
      sms: {url: "http://sms.example/send"}
      sms_reply: {format: aliyun, token_file: sms, token_query: token}
  route: {receiver: 企业微信应用}
`
	cfg, err := Parse(filepath.Join(dir, "swanwatch.yaml"), []byte(doc))
	require.NoError(t, err)
	r := cfg.Alerting.Receivers
	assert.Equal(t, "wecom-app-secret-1", r[0].WeComApp.Secret.Reveal())
	assert.Equal(t, "ding-secret-2", r[1].DingTalkWork.AppSecret.Reveal())
	assert.Equal(t, "feishu-secret-3", r[2].FeishuApp.AppSecret.Reveal())
	assert.Equal(t, "aliyun-secret-4", r[3].Voice.AccessKeySecret.Reveal())
	assert.Equal(t, "voice-hook-token-5678", r[3].Voice.Callback.Token.Reveal())
	assert.Equal(t, "sms-reply-token-9012", r[4].SMSReply.Token.Reveal())
	assert.NotContains(t, fmt.Sprintf("%+v %+v", *r[0].WeComApp, *r[3].Voice), "secret-", "masked when printed")
}
