package snmp

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// collectStats runs one round and returns its figures.
func collectStats(t *testing.T, c *Collector, tgt collectors.Target) roundStats {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	st, err := c.collect(ctx, tgt, func(string, float64, ...string) {})
	require.NoError(t, err)
	return st
}

// Against the real snmpd: the first v3 round discovers the engine, the next
// ones start from the cache and send one request fewer.
func TestSNMPDv3EngineCachedPerTarget(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t)
	tgt := v3Target(t, peer.Addr, testpeer.SNMPDV3Auth, testpeer.SNMPDV3Priv)
	collectStats(t, c, tgt) // learns the columns it may skip, so the rounds below are alike
	c.states[tgt.Key()].engine = engineCache{}
	before := collectStats(t, c, tgt) // as every round was: discovery first
	after := collectStats(t, c, tgt)
	again := collectStats(t, c, tgt)
	t.Logf("PDUs per v3 round against snmpd: %d with discovery, %d and %d from the cache (%d varbinds)",
		before.pdus, after.pdus, again.pdus, after.oids)
	assert.Equal(t, before.pdus-1, after.pdus, "the discovery request is saved")
	assert.Equal(t, after.pdus, again.pdus)
	assert.Equal(t, before.oids, after.oids, "same data")
	require.NotEmpty(t, c.states[tgt.Key()].engine.id)

	// A v2c device has no engine: nothing cached, nothing saved.
	v2 := v2Target(t, "core-sw-01", peer.Addr)
	a, b := collectStats(t, c, v2), collectStats(t, c, v2)
	assert.Equal(t, a.pdus, b.pdus)
	assert.Empty(t, c.states[v2.Key()].engine.id)
}

// A cache that no longer fits the agent (its boots grew after a restart, or
// another engine answers at the address) costs one report and one resend,
// and the round still succeeds with the agent's real engine learnt.
func TestSNMPDv3StaleEngineRelearnt(t *testing.T) {
	peer := testpeer.SNMPD(t)
	c := newTestCollector(t)
	tgt := v3Target(t, peer.Addr, testpeer.SNMPDV3Auth, testpeer.SNMPDV3Priv)
	collectStats(t, c, tgt)
	real := c.states[tgt.Key()].engine
	cases := []struct {
		name  string
		stale func(e *engineCache)
	}{
		{"boots grew (agent restarted)", func(e *engineCache) { e.boots-- }},
		{"clock far off", func(e *engineCache) { e.time += 3600 }},
		{"other engine at the address", func(e *engineCache) { e.id = "\x80\x00\x1f\x88\x04stale-engine" }},
	}
	relearnt := mEngineRelearnt.Get()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := real
			tc.stale(&e)
			c.states[tgt.Key()].engine = e
			collectStats(t, c, tgt)
			got := c.states[tgt.Key()].engine
			assert.Equal(t, real.id, got.id)
			assert.Equal(t, real.boots, got.boots)
		})
	}
	assert.Equal(t, relearnt+1, mEngineRelearnt.Get(), "only the foreign engine needed a fresh discovery")
	// Changed credentials do not use the cache (a wrong priv pass phrase must
	// be told from a dead device by a fresh discovery).
	other := v3Target(t, peer.Addr, testpeer.SNMPDV3Auth, "wrong-priv-456")
	other.Params["snmp_timeout"] = "300ms" // net-snmp drops what it cannot decrypt: the tries time out
	_, err := c.collect(context.Background(), other, func(string, float64, ...string) {})
	require.ErrorIs(t, err, ErrAuth)
	assert.Empty(t, c.states[other.Key()].engine.id, "a failed round caches nothing")
}
