package alerting

import "strings"

// timelineWords are the glossary's words for what happened to an incident,
// shared by the operators' incident page and the phone's.
var timelineWords = map[string]string{
	"fired": "告警触发", "acked": "已确认", "escalated": "升级", "notify_attempt": "发送尝试",
	"notify_retry": "发送失败，待重试", "notified": "已通知", "notify_failed": "通知失败", "resolved": "已恢复",
	"note": "处置记录", "suppressed": "因上级故障抑制", "unsuppressed": "解除抑制", "silenced": "静默",
	"voice_answered": "语音已接听", "voice_unanswered": "语音未接听", "handover": "转派",
	"held": "推迟通知", "notified_held": "推迟的通知已发出",
}

// TimelineWord is the Chinese word for a timeline entry's kind.
func TimelineWord(kind string) string {
	if s, ok := timelineWords[kind]; ok {
		return s
	}
	return kind
}

// SilenceMatchers are the matchers of a silence for incidents like inc: its
// alert on its link, device and interface, in the silence API's syntax.
func SilenceMatchers(inc Incident) string {
	parts := []string{`alertname="` + strings.ReplaceAll(inc.Alertname, `"`, `\"`) + `"`}
	for _, l := range []string{"link", "instance", "ifname"} {
		if v := inc.Labels[l]; v != "" {
			parts = append(parts, l+`="`+strings.ReplaceAll(v, `"`, `\"`)+`"`)
		}
	}
	return "{" + strings.Join(parts, ",") + "}"
}
