package demo

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// alertingYAML routes the demo's incidents to the duty group's robot and
// pages the engineer on duty (李四 today) when a WAN fault is not
// acknowledged: a WeCom application message after a minute, a voice call a
// minute later — unanswered, it moves the escalation on at once — then an
// SMS, which 李四 answers "1" to acknowledge; the shift lead after that.
// {{robot}}, {{start}} and the platforms' secrets are filled in.
const alertingYAML = `
receivers:
  - name: 值班群
    wecom: {url: "{{robot}}/cgi-bin/webhook/send?key=demo"}
  - name: 短信
    sms: {url: "{{robot}}/sms", body: '{"to":{{json .Phones}},"text":{{json .Text}}}', success_field: code, success_value: "0"}
    sms_reply: {format: aliyun, token: "{{smstoken}}", token_query: token}
  - name: 企业微信应用
    wecom_app: {corp_id: ww-demo-sanmenxia, agent_id: 1000002, secret: "{{appsecret}}", base_url: "{{robot}}"}
  - name: 语音
    voice: {provider: aliyun, base_url: "{{robot}}/voice/", access_key_id: demo-ak, access_key_secret: demo-secret,
      tts_code: TTS_DEMO, tts_params: {text: text}, callback: {token: "{{voicetoken}}"}}
route:
  receiver: 值班群
  group_by: [district, alertname]
  group_wait: 10s
  group_interval: 2m
  routes:
    - matchers: '{alertname=~"InterfaceDown|WanLinkDown|WanRedundancyDown|SnmpTargetUnreachable"}'
      group_wait: 0s
      escalation: 网络故障
rosters:
  - name: 网络值班
    people:
      - {name: 张三, phone: "13800000001", wecom: zhangsan}
      - {name: 李四, phone: "13800000002", wecom: lisi, user: duty}
      - {name: 王五, phone: "13800000003", wecom: wangwu}
      - {name: 赵六, phone: "13900000001", wecom: zhaoliu}
    rotation: {kind: daily, handover: "08:30", start: "{{start}}", participants: [张三, 李四, 王五]}
    # 李四 takes the demo's first half-day (调班), so a demo started just before
    # the 08:30 handover still pages 李四.
    overrides: [{from: "{{from}}", to: "{{to}}", person: 李四}]
escalation_policies:
  - name: 网络故障
    steps:
      - {after: 1m, rosters: [网络值班], channels: [企业微信应用]}
      - {after: 1m, rosters: [网络值班], channels: [语音]}
      - {after: 5m, rosters: [网络值班], channels: [短信]}
      - {after: 5m, people: [赵六], channels: [短信, 值班群]}
`

// alerting is the demo's alerting section, checked as a file would be. The
// rotation starts the day before the shift running at now, so 李四 is on
// duty, and an override keeps 李四 on duty for the demo's first 12 hours.
func alerting(robotURL string, hooks *phoneHooks, now time.Time) (config.Alerting, error) {
	shift := cst.StartOfDay(now.Add(-8*time.Hour - 30*time.Minute))
	const minute = "2006-01-02 15:04"
	doc := strings.NewReplacer("{{robot}}", robotURL, "{{start}}", shift.AddDate(0, 0, -1).Format("2006-01-02"),
		"{{from}}", now.Add(-time.Hour).In(cst.Location).Format(minute), "{{to}}", now.Add(12*time.Hour).In(cst.Location).Format(minute),
		"{{smstoken}}", hooks.smsToken, "{{appsecret}}", hooks.appSecret, "{{voicetoken}}", hooks.voiceToken).Replace(alertingYAML)
	file := "storage: {path: demo}\nalerting:\n  " + strings.ReplaceAll(strings.TrimSpace(doc), "\n", "\n  ") + "\n"
	cfg, err := config.Parse("demo-alerting.yaml", []byte(file))
	if err != nil {
		return config.Alerting{}, fmt.Errorf("demo alerting: %w", err)
	}
	return cfg.Alerting, nil
}

// uplinkFault is the demo's story: after a while the uplink of a town
// fails; the operator sees one root incident with the town's devices and
// villages suppressed under it, the duty group gets one message, the
// engineer on duty is paged by SMS when nobody acknowledges, and the link
// comes back after the given time.
func uplinkFault(s *sim.Sim, after, lasting time.Duration, out io.Writer) Actor {
	ctx, cancel := context.WithCancel(context.Background())
	return Actor{Run: func() error {
		link, behind := s.DemoUplink()
		if link == "" || after < 0 {
			<-ctx.Done()
			return nil
		}
		say(out, "演示场景：%s 后乡镇上联链路 %s 中断（其后 %d 台设备失联），%s 后恢复。\n", after, link, len(behind), after+lasting)
		for _, step := range []struct {
			wait  time.Duration
			state string
			line  string
		}{{after, sim.LinkDown, "链路中断"}, {lasting, sim.LinkUp, "链路恢复"}} {
			select {
			case <-ctx.Done():
				return nil
			case <-time.After(step.wait):
			}
			if err := s.ForceLink(link, step.state); err != nil {
				return fmt.Errorf("demo fault: %w", err)
			}
			say(out, "演示场景：%s %s（%s）\n", link, step.line, cst.FormatTime(time.Now()))
		}
		<-ctx.Done()
		return nil
	}, Stop: func(error) { cancel() }}
}

func say(out io.Writer, format string, args ...any) {
	if out != nil {
		fmt.Fprintf(out, format, args...)
	}
}
