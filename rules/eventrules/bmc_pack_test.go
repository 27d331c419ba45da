package eventrules

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// selEvent builds an event-log entry as collectors/bmc does.
func selEvent(at time.Time, instance, severity, sensorType, messageID, text string) collectors.Event {
	return collectors.Event{Time: at, Text: "服务器 esxi-07（机柜 A-03）事件日志：" + text, Labels: map[string]string{
		"source": "bmc", "kind": "bmc", "instance": instance, "severity": severity, "message_id": messageID,
		"sensor_type": sensorType, "log": "Log1", "district": "市本级", "site": "市政务云A机房",
		"server": "esxi-07", "rack": "A-03"}}
}

// A Critical SEL entry is an incident at once, naming the server and rack;
// Warning and OK entries and the collector's health changes are not; the
// same entry again is the same incident; 6 quiet hours resolve it.
func TestBMCCriticalLogEntryRaisesIncident(t *testing.T) {
	require.Empty(t, CheckFile("packs/bmc.yml"), "the file on disk checks as the embedded copy loads")
	ctx := context.Background()
	var rec recorder
	clk := &clock{t: t0}
	e := New(packRules(t), rec.onAlerts, Options{Now: clk.now})
	health := selEvent(t0, "bmc-07", "Critical", "", "Power.1.0.PowerSupplyFailed", "电源故障")
	health.Labels["event"] = "health_changed"
	e.Handle(ctx, []collectors.Event{
		selEvent(t0, "bmc-07", "Warning", "Fan", "0x040201", "Fan 2 below lower critical"),
		selEvent(t0, "bmc-07", "OK", "Power Supply", "0x080300", "PSU input restored"),
		health,
	})
	require.Empty(t, rec.all(), "only Critical log entries page")

	e.Handle(ctx, []collectors.Event{selEvent(t0, "bmc-07", "Critical", "Memory", "0x6F0101", "Uncorrectable ECC error on DIMM1")})
	got := rec.all()
	require.Len(t, got, 1)
	a := got[0]
	assert.True(t, a.Firing)
	assert.Equal(t, map[string]string{"alertname": "ServerCriticalHardwareEvent", "severity": "critical",
		"requirement": "R-A9", "kind": "bmc", "instance": "bmc-07", "server": "esxi-07", "rack": "A-03",
		"sensor_type": "Memory", "message_id": "0x6F0101", "district": "市本级", "site": "市政务云A机房"}, a.Labels)
	assert.Equal(t, "服务器硬件严重事件：服务器 esxi-07（机柜 A-03）Memory", a.Annotations["summary"])
	assert.Equal(t, "服务器 esxi-07（市政务云A机房 机柜 A-03）的带外管理于 2026-11-27 14:05:09 记录严重事件（Memory，0x6F0101），"+
		"请查看该服务器的硬件状态与业务；同类事件6小时内不再出现即自动恢复。服务器 esxi-07（机柜 A-03）事件日志：Uncorrectable ECC error on DIMM1",
		a.Annotations["description"])

	rec.reset()
	clk.add(time.Hour)
	e.Handle(ctx, []collectors.Event{selEvent(clk.now(), "bmc-07", "Critical", "Memory", "0x6F0101", "again")})
	for _, a := range rec.all() {
		assert.True(t, a.Firing, "the same entry again refreshes, never resolves")
		assert.Equal(t, t0, a.StartsAt, "one incident")
	}

	rec.reset()
	clk.add(6*time.Hour - time.Minute)
	e.expire(ctx)
	assert.Empty(t, rec.all(), "quiet time counts from the last entry")
	clk.add(2 * time.Minute)
	e.expire(ctx)
	got = rec.all()
	require.Len(t, got, 1)
	assert.False(t, got[0].Firing, "resolved after 6 quiet hours")
}
