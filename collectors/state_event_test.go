package collectors

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestStateEvent(t *testing.T) {
	since := time.Date(2026, 11, 3, 1, 2, 3, 0, time.UTC) // 09:02:03 CST
	vm := Target{Kind: "agent", Name: "vm-1", Labels: map[string]string{"district": "义马市"}}
	sw := Target{Kind: "snmp", Name: "lb-agg-01"}
	down := TargetStatus{Target: vm, State: StateDown, Since: since, LastError: "connection refused"}

	ev, news := StateEvent(StateUp, down)
	require.NotNil(t, ev)
	assert.True(t, news)
	assert.Equal(t, "云服务器 vm-1 的监控插件离线：connection refused", ev.Text)
	assert.Equal(t, map[string]string{"district": "义马市", "source": "collector", "kind": "agent",
		"instance": "vm-1", "state": "down", "severity": "major"}, ev.Labels)
	assert.Equal(t, since, ev.Time)
	assert.Equal(t, map[string]string{"district": "义马市"}, vm.Labels, "the target's labels are not ours to change")

	ev, news = StateEvent(StateDown, TargetStatus{Target: sw, State: StateUp, Since: since})
	require.NotNil(t, ev)
	assert.True(t, news)
	assert.Equal(t, "采集目标 lb-agg-01（snmp）恢复在线（2026-11-03 09:02:03）", ev.Text)
	assert.Equal(t, "up", ev.Labels["state"])

	ev, news = StateEvent(StateUnknown, TargetStatus{Target: sw, State: StateUp, Since: since})
	require.NotNil(t, ev, "the first up still goes to the rules: it resolves an alert from before a restart")
	assert.False(t, news, "but it is not news for the event store")

	ev, _ = StateEvent(StateDown, TargetStatus{Target: sw, State: StateDown, Since: since})
	assert.Nil(t, ev, "no change")
	ev, _ = StateEvent(StateUp, TargetStatus{Target: sw, State: StateUnknown, Since: since})
	assert.Nil(t, ev, "a target that left is not down")
}
