package collectors

import (
	"fmt"
	"maps"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// StateEvent turns a target's up/down change (the Runner's OnStateChange)
// into an event: the Chinese text an operator reads, the target's labels,
// and state (up, down) and severity labels the event rules match
// (SnmpTargetUnreachable, AgentOffline). It is nil for any other change.
// news is false for the first unknown → up after a start: not worth
// storing, but the event rules still want it, since it resolves an alert
// taken back from before a restart.
func StateEvent(prev State, st TargetStatus) (ev *Event, news bool) {
	if prev == st.State || (st.State != StateDown && st.State != StateUp) {
		return nil, false
	}
	labels := maps.Clone(st.Target.Labels)
	if labels == nil {
		labels = map[string]string{}
	}
	labels["source"], labels["kind"], labels["instance"] = "collector", st.Target.Kind, st.Target.Name
	labels["state"] = string(st.State)
	what := targetNoun(st.Target)
	var text string
	if st.State == StateDown {
		labels["severity"] = "major"
		text = fmt.Sprintf("%s离线：%s", what, st.LastError)
	} else {
		labels["severity"] = "info"
		text = fmt.Sprintf("%s恢复在线（%s）", what, cst.FormatTime(st.Since))
	}
	news = prev != StateUnknown || st.State == StateDown
	return &Event{Time: st.Since, Labels: labels, Text: text}, news
}

// targetNoun names a target as the operator knows it.
func targetNoun(t Target) string {
	if t.Kind == "agent" {
		return fmt.Sprintf("云服务器 %s 的监控插件", t.Name)
	}
	return fmt.Sprintf("采集目标 %s（%s）", t.Name, t.Kind)
}
