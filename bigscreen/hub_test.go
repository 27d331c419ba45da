package bigscreen

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

var t0 = time.Date(2026, 11, 27, 6, 5, 9, 0, time.UTC)

func TestHubSnapshotAtOnce(t *testing.T) {
	h := startHub(t, nil)
	def := sceneDef("city", 20)
	h.Publish(def, kpis(20, 90), t0)
	h.Publish(sceneDef("wan", 3), kpis(3, 1), t0)

	c := join(t, h.url, "wall", nil)
	for _, id := range []string{"city", "wan"} {
		m := c.next()
		require.Equal(t, MsgSnapshot, m.Type)
		require.Equal(t, id, m.Scene)
		assert.Equal(t, h.Stats().Scenes[id].Seq, m.Seq)
		assert.True(t, m.At.Equal(t0))
		require.NotNil(t, m.Def)
		assert.Len(t, m.Def.Panels, len(m.Panels))
	}
	st := h.Stats()
	assert.Equal(t, 1, st.Screens)
	assert.Len(t, st.Scenes, 2)
}

func TestHubScreenFrame(t *testing.T) {
	h := startHub(t, nil)
	c := dial(t, h.url)
	c.send(ClientMessage{Type: ClientHello, Screen: "wall"})
	var raw map[string]any
	require.NoError(t, c.ws.ReadJSON(&raw))
	assert.Equal(t, MsgScreen, raw["type"])
	screen := raw["screen"].(map[string]any)
	assert.Equal(t, []any{"city", "wan"}, screen["playlist"])
	assert.InDelta(t, 30000, screen["dwell_ms"], 0) // the page reads milliseconds
}

// The screen frame names the screen's scenes (its tabs read 电子政务外网, not
// wan, before any snapshot) and carries its columns; a published scene is
// named by its Def, which is what the page draws.
func TestHubScreenFrameTitlesAndColumns(t *testing.T) {
	h := startHub(t, func(o *HubOptions) {
		o.SceneTitles = map[string]string{"city": "全市总览", "wan": "电子政务外网", "duty": "告警与值班"}
	})
	c := dial(t, h.url)
	c.send(ClientMessage{Type: ClientHello, Screen: "wall"})
	m := c.next()
	require.Equal(t, MsgScreen, m.Type)
	assert.Equal(t, map[string]string{"city": "全市总览", "wan": "电子政务外网"}, m.Titles, "only its own scenes")
	assert.Equal(t, 2, m.Screen.Columns)

	def := sceneDef("wan", 2)
	def.Title = "电子政务外网（新）"
	h.Publish(def, kpis(2, 1), t0)
	c = dial(t, h.url)
	c.send(ClientMessage{Type: ClientHello, Screen: "lobby", Scenes: []string{"wan"}})
	m = c.next()
	require.Equal(t, MsgScreen, m.Type)
	assert.Equal(t, map[string]string{"wan": "电子政务外网（新）"}, m.Titles)
	assert.Equal(t, 1, m.Screen.Columns, "a screen without columns has one")
}

// A screen that joins before the evaluator's first round gets the snapshot
// when it comes.
func TestHubSnapshotOnFirstPublish(t *testing.T) {
	h := startHub(t, nil)
	c := join(t, h.url, "lobby", nil)
	c.quiet(time.Now())
	h.Publish(sceneDef("city", 4), kpis(4, 1), t0)
	m := c.next()
	assert.Equal(t, MsgSnapshot, m.Type)
	assert.Len(t, m.Panels, 4)
}

func TestHubDeltas(t *testing.T) {
	h := startHub(t, nil)
	def := sceneDef("city", 20)
	state := kpis(20, 90)
	h.Publish(def, state, t0)
	c := join(t, h.url, "lobby", nil)
	seq := c.next().Seq

	steps := []struct {
		name    string
		edit    func(map[string]json.RawMessage)
		changed []string
		null    []string
	}{
		{"one panel", func(p map[string]json.RawMessage) { p["p3"] = mustJSON(scene.KPIData{State: "bad"}) },
			[]string{"p3"}, nil},
		{"nothing changes", func(map[string]json.RawMessage) {}, nil, nil},
		{"three panels", func(p map[string]json.RawMessage) {
			for _, id := range []string{"p0", "p7", "p19"} {
				p[id] = mustJSON(scene.KPIData{State: "warn"})
			}
		}, []string{"p0", "p7", "p19"}, nil},
		{"a new and a removed panel", func(p map[string]json.RawMessage) {
			delete(p, "p5")
			p["extra"] = json.RawMessage(`{"value":1}`)
		}, []string{"extra", "p5"}, []string{"p5"}},
	}
	for i, st := range steps {
		t.Run(st.name, func(t *testing.T) {
			st.edit(state)
			at := t0.Add(time.Duration(i+1) * time.Second)
			h.Publish(def, state, at)
			if st.changed == nil {
				c.quiet(time.Now())
				assert.True(t, h.Stats().Scenes["city"].At.Equal(at), "the time moves even without a change")
				return
			}
			m := c.next()
			require.Equal(t, MsgDelta, m.Type)
			seq++
			assert.Equal(t, seq, m.Seq, "consecutive seq")
			assert.True(t, m.At.Equal(at))
			assert.ElementsMatch(t, st.changed, keys(m.Panels))
			for _, id := range st.null {
				assert.Equal(t, "null", string(m.Panels[id]))
			}
		})
	}
}

func TestHubLayoutChangeSendsSnapshot(t *testing.T) {
	h := startHub(t, nil)
	h.Publish(sceneDef("city", 4), kpis(4, 1), t0)
	c := join(t, h.url, "lobby", nil)
	first := c.next()
	h.Publish(sceneDef("city", 4), kpis(4, 1), t0) // same layout, new pointer
	c.quiet(time.Now())

	h.Publish(sceneDef("city", 5), kpis(5, 1), t0)
	m := c.next()
	assert.Equal(t, MsgSnapshot, m.Type)
	assert.Equal(t, first.Seq+1, m.Seq)
	assert.Len(t, m.Def.Panels, 5)
}

// Publish does not keep the caller's map or bytes.
func TestHubPublishCopies(t *testing.T) {
	h := startHub(t, nil)
	panels := kpis(2, 1)
	h.Publish(sceneDef("city", 2), panels, t0)
	copy(panels["p0"], `{"value":9}`)
	panels["p9"] = json.RawMessage(`1`)
	c := join(t, h.url, "lobby", nil)
	m := c.next()
	assert.JSONEq(t, `{"value":1,"state":"ok"}`, string(m.Panels["p0"]))
	assert.NotContains(t, m.Panels, "p9")
}

func TestHubBadPanelSentAsNull(t *testing.T) {
	h := startHub(t, nil)
	before := counter(`swanwatch_bigscreen_bad_panels_total`)
	h.Publish(sceneDef("city", 2), map[string]json.RawMessage{"p0": json.RawMessage(`{"value":`),
		"p1": json.RawMessage(`2`)}, t0)
	c := join(t, h.url, "lobby", nil)
	m := c.next()
	assert.Equal(t, "null", string(m.Panels["p0"]))
	assert.Equal(t, "2", string(m.Panels["p1"]))
	assert.Equal(t, before+1, counter(`swanwatch_bigscreen_bad_panels_total`))
}

func TestHubHeartbeat(t *testing.T) {
	h := startHub(t, func(o *HubOptions) { o.Heartbeat = 50 * time.Millisecond })
	h.Publish(sceneDef("city", 2), kpis(2, 1), t0)
	h.Publish(sceneDef("other", 2), kpis(2, 1), t0)
	c := join(t, h.url, "lobby", nil)
	pinged := make(chan struct{}, 1)
	c.ws.SetPingHandler(func(string) error {
		select {
		case pinged <- struct{}{}:
		default:
		}
		return nil
	})
	require.Equal(t, MsgSnapshot, c.next().Type)
	m := c.nextAny()
	require.Equal(t, MsgHeartbeat, m.Type)
	assert.Equal(t, map[string]SceneStatus{"city": h.Stats().Scenes["city"]}, m.Scenes,
		"only the scenes this screen follows")
	c.nextAny() // the ping that followed the heartbeat is handled while reading on
	select {
	case <-pinged:
	default:
		t.Fatal("no ping with the heartbeat")
	}
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}
