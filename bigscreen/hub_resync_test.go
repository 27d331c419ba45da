package bigscreen

import (
	"encoding/json"
	"fmt"
	"maps"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// roundValue makes every value rounds publishes new.
var roundValue atomic.Int64

// rounds publishes n rounds after the state, each changing one panel, and
// returns the final state.
func rounds(h *testHub, def *scene.Def, state map[string]json.RawMessage, n int) map[string]json.RawMessage {
	state = maps.Clone(state)
	for i := range n {
		id := fmt.Sprintf("p%d", i%len(def.Panels))
		state[id] = json.RawMessage(fmt.Sprintf(`{"value":%d}`, roundValue.Add(1)))
		h.Publish(def, state, t0.Add(time.Duration(i)*time.Second))
	}
	return state
}

// applyFrames plays snapshot and delta frames onto a page's view of a scene.
func applyFrames(view map[string]json.RawMessage, msgs ...Message) map[string]json.RawMessage {
	for _, m := range msgs {
		if m.Type == MsgSnapshot {
			view = map[string]json.RawMessage{}
		}
		for id, raw := range m.Panels {
			if string(raw) == "null" {
				delete(view, id)
				continue
			}
			view[id] = raw
		}
	}
	return view
}

func TestHubReconnectGetsExactlyWhatWasMissed(t *testing.T) {
	h := startHub(t, nil)
	def := sceneDef("city", 20)
	state := kpis(20, 0)
	h.Publish(def, state, t0)
	c := join(t, h.url, "lobby", nil)
	snap := c.next()
	view := applyFrames(nil, snap)
	state = rounds(h, def, state, 3)
	for range 3 {
		view = applyFrames(view, c.next())
	}
	last := h.Stats().Scenes["city"].Seq
	require.NoError(t, c.ws.Close())

	state = rounds(h, def, state, 5) // missed while away
	c = join(t, h.url, "lobby", map[string]uint64{"city": last})
	for i := range 5 {
		m := c.next()
		require.Equal(t, MsgDelta, m.Type)
		require.Equal(t, last+uint64(i)+1, m.Seq)
		view = applyFrames(view, m)
	}
	c.quiet(time.Now())
	assertSameState(t, state, view)
}

func TestHubResync(t *testing.T) {
	const history = 4
	cases := []struct {
		name     string
		behind   int // rounds the screen missed; -1: a Seq the hub never issued
		viaHello bool
		want     []string
	}{
		{"within history, hello", 3, true, []string{MsgDelta, MsgDelta, MsgDelta}},
		{"within history, resync", 4, false, []string{MsgDelta, MsgDelta, MsgDelta, MsgDelta}},
		{"history gone, hello", 5, true, []string{MsgSnapshot}},
		{"history gone, resync", 9, false, []string{MsgSnapshot}},
		{"up to date", 0, false, nil},
		{"seq of another server run", -1, true, []string{MsgSnapshot}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := startHub(t, func(o *HubOptions) { o.History = history })
			def := sceneDef("city", 20)
			state := rounds(h, def, kpis(20, 0), 10)
			last := h.Stats().Scenes["city"].Seq
			held := applyFrames(nil, snapshotOf(t, h))
			state = rounds(h, def, state, max(tc.behind, 0))
			if tc.behind < 0 {
				last = 17 // what a page kept from before a restart
			}
			c := resyncClient(t, h, tc.viaHello, last)
			var got []string
			for range tc.want {
				m := c.next()
				got = append(got, m.Type)
				held = applyFrames(held, m)
			}
			c.quiet(time.Now())
			assert.Equal(t, tc.want, got)
			assertSameState(t, state, held)
		})
	}
}

// resyncClient asks for what follows last, in the hello or in a resync.
func resyncClient(t *testing.T, h *testHub, viaHello bool, last uint64) *wsClient {
	if viaHello {
		return join(t, h.url, "lobby", map[string]uint64{"city": last})
	}
	c := join(t, h.url, "lobby", map[string]uint64{"city": h.Stats().Scenes["city"].Seq})
	c.send(ClientMessage{Type: ClientResync, LastSeq: map[string]uint64{"city": last}})
	return c
}

// snapshotOf returns the scene's snapshot as a fresh screen receives it.
func snapshotOf(t *testing.T, h *testHub) Message {
	c := join(t, h.url, "lobby", nil)
	defer c.ws.Close()
	m := c.next()
	require.Equal(t, MsgSnapshot, m.Type)
	return m
}

func assertSameState(t *testing.T, want, got map[string]json.RawMessage) {
	t.Helper()
	require.Len(t, got, len(want))
	for id, raw := range want {
		assert.JSONEq(t, string(raw), string(got[id]), id)
	}
}

// More missed deltas than half the queue come as one snapshot: the catch-up
// never fills a screen's queue by itself.
func TestHubResyncBudget(t *testing.T) {
	h := startHub(t, func(o *HubOptions) { o.SendBuffer = 8 })
	def := sceneDef("city", 20)
	state := rounds(h, def, kpis(20, 0), 2)
	last := h.Stats().Scenes["city"].Seq
	rounds(h, def, state, 5) // budget: 8/2 for one scene
	c := join(t, h.url, "lobby", map[string]uint64{"city": last})
	assert.Equal(t, MsgSnapshot, c.next().Type)
	assert.Zero(t, h.Stats().Dropped)
}

// A pinned scene replaces the playlist; unpublished ones wait for data.
func TestHubPinnedScene(t *testing.T) {
	h := startHub(t, nil)
	h.Publish(sceneDef("city", 2), kpis(2, 0), t0)
	h.Publish(sceneDef("duty", 2), kpis(2, 0), t0)
	c := join(t, h.url, "wall", nil, "duty", "duty")
	m := c.next()
	assert.Equal(t, "duty", m.Scene)
	c.quiet(time.Now())
}

// A resync names the scenes it is about; the screen's other scenes are
// left alone.
func TestHubResyncOnlyNamedScenes(t *testing.T) {
	h := startHub(t, nil)
	h.Publish(sceneDef("city", 2), kpis(2, 0), t0)
	h.Publish(sceneDef("wan", 2), kpis(2, 0), t0)
	c := join(t, h.url, "wall", nil)
	c.next()
	c.next()
	c.send(ClientMessage{Type: ClientResync, LastSeq: map[string]uint64{"wan": 0}})
	m := c.next()
	assert.Equal(t, MsgSnapshot, m.Type)
	assert.Equal(t, "wan", m.Scene)
	c.quiet(time.Now())
}
