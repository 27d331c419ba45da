package app

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// A port that goes down and up again and again, told by the real snmptrap:
// the fourth change opens one 链路频繁震荡 (InterfaceFlapping) incident, which
// pages once; the changes after it keep it open without a second incident or
// page. (That it resolves after 15 stable minutes is tested with a clock in
// rules/eventrules.)
func TestFlappingPortOpensOneIncidentAndPagesOnce(t *testing.T) {
	sink := &hookSink{}
	hook := httptest.NewServer(sink)
	defer hook.Close()
	s, port := startTrapServer(t, notifyConfig, map[string]string{"{{hook}}": hook.URL + "/hook"})
	require.Eventually(t, func() bool {
		return strings.Contains(getJSON(t, s, "/api/v1/targets"), "lb-agg-01")
	}, 10*time.Second, 50*time.Millisecond, "inventory loaded before the traps")
	cli := testpeer.SNMPTrap(t)
	target := fmt.Sprintf("udp:127.0.0.1:%d", port)
	send := func(oid string) {
		cli.V2c(t, target, "wan-public", oid,
			"1.3.6.1.2.1.2.2.1.1.7", "i", "7", "1.3.6.1.2.1.31.1.1.1.1.7", "s", "GE0/0/7")
	}
	const linkDown, linkUp = "1.3.6.1.6.3.1.1.5.3", "1.3.6.1.6.3.1.1.5.4"
	for range 2 {
		send(linkDown)
		send(linkUp)
	}
	var flap []incidentJSON
	require.Eventually(t, func() bool {
		flap = incidents(t, s, "open=1&alertname=InterfaceFlapping")
		return len(flap) == 1
	}, 10*time.Second, 50*time.Millisecond, "four changes make a flap")
	assert.Equal(t, "GE0/0/7", flap[0].Labels["ifname"])
	assert.Equal(t, "lb-agg-01", flap[0].Labels["instance"])
	for range 3 {
		send(linkDown)
		send(linkUp)
	}
	// A marker in another group: once its page is out, every notifier tick
	// that could have paged the flap again has passed.
	cli.V2c(t, target, "wan-public", "1.3.6.1.6.3.1.1.5.1")
	require.Eventually(t, func() bool { return pagesOf(sink, "DeviceRestarted") == 1 }, 10*time.Second, 20*time.Millisecond)
	assert.Equal(t, 1, pagesOf(sink, "InterfaceFlapping"), "the flap pages once")
	all := incidents(t, s, "alertname=InterfaceFlapping")
	require.Len(t, all, 1, "one incident for the whole episode")
	assert.Equal(t, flap[0].ID, all[0].ID)
	assert.True(t, all[0].ResolvedAt.IsZero(), "still flapping: open")
	assert.Contains(t, getJSON(t, s, fmt.Sprintf("/api/v1/incidents/%d", flap[0].ID)), "链路频繁震荡")
}

// pagesOf counts the firing webhook messages about alertname.
func pagesOf(h *hookSink, alertname string) int {
	n := 0
	for _, m := range h.messages() {
		if m.Status == "firing" && len(m.Alerts) > 0 && m.Alerts[0].Labels["alertname"] == alertname {
			n++
		}
	}
	return n
}
