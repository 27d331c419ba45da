package eventrules

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// A linkDown whose linkUp never comes is closed by hand and forgotten, so
// the next linkDown raises a new alert; a restart alert (resolve_after) is
// never closed by hand; an alert of no event rule is not the engine's.
func TestForgetByHand(t *testing.T) {
	ctx := context.Background()
	var rec recorder
	e := New(packRules(t), rec.onAlerts, Options{})
	e.Handle(ctx, []collectors.Event{trap(t0, "linkDown", "core-sw-01", "GE0/0/1"), trap(t0, "coldStart", "agg-sw-03", "")})
	got := rec.all()
	require.Len(t, got, 2)
	down, restart := got[0], got[1]
	require.Equal(t, "InterfaceDown", down.Labels["alertname"])

	assert.True(t, e.ByHand(down))
	assert.False(t, e.ByHand(restart), "resolves itself after a quiet time")
	assert.False(t, e.ByHand(alerting.Alert{Labels: map[string]string{"alertname": "WanLinkDown"}}))
	assert.False(t, e.Forget(restart))
	assert.Len(t, e.Active(), 2)

	require.True(t, e.Forget(down))
	assert.Len(t, e.Active(), 1)
	rec.reset()
	e.Handle(ctx, []collectors.Event{trap(t0, "linkUp", "core-sw-01", "GE0/0/1")})
	assert.Empty(t, rec.all(), "forgotten: a late linkUp announces nothing")
	e.Handle(ctx, []collectors.Event{trap(t0, "linkDown", "core-sw-01", "GE0/0/1")})
	require.Len(t, rec.all(), 1, "the next linkDown is a new alert")
}
