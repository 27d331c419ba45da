package eval

import (
	"context"
	"encoding/json"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/cst"
)

const evalParkScene = `id: park
title: 天鹅湖景区
panels:
` + `  - id: wall
    title: 视频监控
    type: cameras
    grid: {x: 0, y: 0, w: 8, h: 6}
    source: cameras
    limit: 3
  - id: plan
    title: 景区平面图
    type: plan
    grid: {x: 8, y: 0, w: 8, h: 6}
    query: min by (instance) (up{system="天鹅湖景区"})
    label: instance
    thresholds: [{value: 0.5, state: bad}]
    sort: asc
    layout:
      shapes:
        - {kind: area, style: water, name: 天鹅湖, points: [[20, 10], [60, 10], [60, 40], [20, 40]]}
      points:
        - {key: cam-1, name: 北门一号, icon: camera, x: 30, y: 5}
        - {key: gate-1, name: 北门闸机, icon: gate, x: 40, y: 5}
  - id: today
    title: 今日入园
    type: kpi
    grid: {x: 16, y: 0, w: 4, h: 2}
    query: sum(increase(gate_passages_total{direction="in"}[$today]))
`

func TestEvaluatorParkPanels(t *testing.T) {
	db := newEvalTestTSDB(t, 1e6)
	// A gate counting 5 visitors every 5 minutes since 22:00 yesterday: 840
	// of them since midnight (14:00), not the 120 of the evening before.
	day := cst.StartOfDay(evalTestAt)
	for at, v := day.Add(-2*time.Hour), 1000.0; !at.After(evalTestAt); at, v = at.Add(5*time.Minute), v+5 {
		db.add(t, at, v, "gate_passages_total", "instance", "gate-1", "direction", "in")
	}
	db.add(t, evalTestAt, 1, "up", "instance", "cam-1", "system", "天鹅湖景区")
	db.add(t, evalTestAt, 0, "up", "instance", "gate-1", "system", "天鹅湖景区")

	since := evalTestAt.Add(-10 * time.Minute)
	tiles := []scene.CameraTile{
		{Name: "cam-ok-b", Title: "南门 b", State: "ok"},
		{Name: "cam-ok-a", Title: "南门 a", State: "ok"},
		{Name: "cam-moved", Title: "湖心岛", State: "warn", Faults: []string{"画面偏移"}, Since: since},
		{Name: "cam-off", Title: "北门", State: "bad", Faults: []string{"离线"}, Since: since.Add(-time.Hour)},
	}
	pub := newEvalTestPublished()
	e, err := New(Options{Scenes: evalTestLoad(t, evalParkScene), Query: db.query, Publish: pub.publish,
		Cameras: func(context.Context) ([]scene.CameraTile, error) { return tiles, nil },
		Now:     func() time.Time { return evalTestAt }})
	require.NoError(t, err)
	e.round(context.Background(), evalTestAt)

	assert.JSONEq(t, `{"tiles":[
		{"name":"cam-off","title":"北门","state":"bad","faults":["离线"],"since":`+jsonTime(since.Add(-time.Hour))+`},
		{"name":"cam-moved","title":"湖心岛","state":"warn","faults":["画面偏移"],"since":`+jsonTime(since)+`},
		{"name":"cam-ok-a","title":"南门 a","state":"ok"}],
		"total":4,"online":3,"faulty":1}`, pub.panel("park", "wall"), "offline first, then faults, then by title; the limit cuts")
	assert.JSONEq(t, `{"rows":[{"name":"cam-1","value":1,"state":"ok"},{"name":"gate-1","value":0,"state":"bad"}]}`,
		pub.panel("park", "plan"), "every point, whatever the limit")
	assert.JSONEq(t, `{"value":840}`, pub.panel("park", "today"))
	assert.Equal(t, tiles[0].Name, "cam-ok-b", "the evaluator sorts a copy, not the feed's slice")
}

func TestEvaluatorCamerasFeedFailureKeepsLastData(t *testing.T) {
	pub := newEvalTestPublished()
	fail := false
	e, err := New(Options{Scenes: evalTestLoad(t, evalParkScene), Query: newEvalTestTSDB(t, 1e6).query,
		Publish: pub.publish, Now: func() time.Time { return evalTestAt },
		Cameras: func(context.Context) ([]scene.CameraTile, error) {
			if fail {
				return nil, errors.New("camera collector not ready")
			}
			return []scene.CameraTile{{Name: "c", Title: "c", State: "ok"}}, nil
		}})
	require.NoError(t, err)
	e.round(context.Background(), evalTestAt)
	first := pub.panel("park", "wall")
	fail = true
	e.round(context.Background(), evalTestAt.Add(time.Hour))
	assert.JSONEq(t, first, pub.panel("park", "wall"), "a failed feed keeps the last tiles")
}

func TestExpandToday(t *testing.T) {
	at := cst.StartOfDay(evalTestAt).Add(9*time.Hour + 30*time.Second)
	assert.Equal(t, "increase(x[32430s]) - increase(x[32430s] offset 7d)",
		expandQuery("increase(x[$today]) - increase(x[$today] offset 7d)", at))
	assert.Equal(t, "increase(x[60s])", expandQuery("increase(x[$today])", cst.StartOfDay(at).Add(time.Second)),
		"just after midnight the range is a minute, not empty")
	assert.Equal(t, "up", expandQuery("up", at))
	require.NoError(t, CheckQuery(`sum(increase(gate_passages_total[$today] offset 7d))`))
	require.Error(t, CheckQuery(`sum(increase(gate_passages_total[$yesterday]))`))
}

func jsonTime(t time.Time) string {
	b, _ := json.Marshal(t)
	return string(b)
}
