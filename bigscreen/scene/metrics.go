package scene

import "github.com/VictoriaMetrics/metrics"

// Scene files rejected, by what was wrong: a fixed set of kinds, never a
// file name.
var sceneErrors = func() map[string]*metrics.Counter {
	out := map[string]*metrics.Counter{}
	for _, k := range []string{"glob", "read", "yaml", "validate"} {
		out[k] = metrics.NewCounter(`swanwatch_bigscreen_scene_invalid_total{kind="` + k + `"}`)
	}
	return out
}()

// sceneInvalid counts a rejected scene file or scene set by kind.
func sceneInvalid(kind string) { sceneErrors[kind].Inc() }
