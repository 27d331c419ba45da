package config

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestBigscreenDefaultsAndProblems(t *testing.T) {
	cfg, err := Parse("swanwatch.yaml", []byte("storage: {path: data}\n"))
	require.NoError(t, err)
	require.Len(t, cfg.Bigscreen.Screens, 1)
	s := cfg.Bigscreen.Screens[0]
	assert.Equal(t, []string{"city", "wan", "cloud", "rooms", "swanlake", "duty"}, s.Playlist)
	assert.Equal(t, time.Minute, s.Dwell)
	assert.Equal(t, "height", s.Fit)

	cfg, err = Parse("swanwatch.yaml", []byte(`storage: {path: data}
bigscreen:
  screens:
    - {name: 主屏, playlist: [city], dwell: 20s, fit: width, reload_every: 12h, stale_after: 1m}
`))
	require.NoError(t, err)
	assert.Equal(t, 20*time.Second, cfg.Bigscreen.Screens[0].Dwell)
	assert.Equal(t, 12*time.Hour, cfg.Bigscreen.Screens[0].ReloadEvery)

	_, err = Parse("swanwatch.yaml", []byte(`storage: {path: data}
bigscreen:
  screens:
    - {name: 主屏, dwell: 1s, fit: zoom, reload_every: 1m}
    - {name: 主屏, stale_after: 1s}
`))
	require.Error(t, err)
	for _, want := range []string{
		"swanwatch.yaml:4: bigscreen.screens[0].fit", "bigscreen.screens[0].dwell: 1s is below the minimum 5s",
		"bigscreen.screens[0].reload_every: 1m0s is below the minimum 10m", `swanwatch.yaml:5: bigscreen.screens[1].name: screen "主屏" is defined twice`,
		"bigscreen.screens[1].stale_after",
	} {
		assert.Contains(t, err.Error(), want)
	}
}

// A wall wider than 16:9 shows several scenes side by side: columns defaults
// to 1, goes up to 4 and needs a scene per column in the playlist.
func TestBigscreenColumns(t *testing.T) {
	cfg, err := Parse("swanwatch.yaml", []byte(`storage: {path: data}
bigscreen:
  screens:
    - {name: 主屏}
    - {name: 拼接屏, columns: 2}
    - {name: 长条屏, columns: 3, playlist: [city, wan, cloud]}
`))
	require.NoError(t, err)
	got := []int{}
	for _, s := range cfg.Bigscreen.Screens {
		got = append(got, s.Columns)
	}
	assert.Equal(t, []int{1, 2, 3}, got)

	_, err = Parse("swanwatch.yaml", []byte(`storage: {path: data}
bigscreen:
  screens:
    - {name: a, columns: 5}
    - {name: b, columns: -1}
    - {name: c, columns: 3, playlist: [city, wan]}
    - {name: d, columns: 4}
`))
	require.Error(t, err)
	for _, want := range []string{
		"swanwatch.yaml:4: bigscreen.screens[0].columns: 5 is outside 1–4",
		"swanwatch.yaml:5: bigscreen.screens[1].columns: -1 is outside 1–4",
		"swanwatch.yaml:6: bigscreen.screens[2].columns: 3 columns need at least 3 scenes in the playlist, which has 2",
	} {
		assert.Contains(t, err.Error(), want)
	}
	assert.NotContains(t, err.Error(), "screens[3]", "four columns over the default four scenes are fine")
}
