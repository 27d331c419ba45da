package app

import (
	"fmt"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/logstore"
)

// stateChangeEvent turns a target's up/down transition into an event with the
// Chinese text an operator reads; the first "unknown → up" is not news.
func stateChangeEvent(prev collectors.State, st collectors.TargetStatus) *logstore.Event {
	if prev == st.State || (prev == collectors.StateUnknown && st.State == collectors.StateUp) {
		return nil
	}
	labels := map[string]string{"source": "collector", "kind": st.Target.Kind, "instance": st.Target.Name}
	for k, v := range st.Target.Labels {
		labels[k] = v
	}
	what := targetNoun(st.Target)
	var text string
	switch st.State {
	case collectors.StateDown:
		labels["severity"] = "major"
		text = fmt.Sprintf("%s离线：%s", what, st.LastError)
	case collectors.StateUp:
		labels["severity"] = "info"
		text = fmt.Sprintf("%s恢复在线（%s）", what, cst.FormatTime(st.Since))
	default:
		return nil
	}
	return &logstore.Event{Time: st.Since, Labels: labels, Text: text}
}

func targetNoun(t collectors.Target) string {
	if t.Kind == "agent" {
		return fmt.Sprintf("云服务器 %s 的监控插件", t.Name)
	}
	return fmt.Sprintf("采集目标 %s（%s）", t.Name, t.Kind)
}
