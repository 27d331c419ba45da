package config

import (
	"cmp"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen"
)

// Bigscreen is the video wall (大屏): the screens and their playlists, and
// extra scene files next to the shipped ones (dashboards/screens).
type Bigscreen struct {
	Screens    []bigscreen.ScreenConfig `yaml:"screens,omitempty"`
	SceneFiles []string                 `yaml:"scene_files,omitempty"` // YAML scenes; globs allowed
}

// DefaultScreen is the wall a fresh install shows: the four shipped scenes.
var DefaultScreen = bigscreen.ScreenConfig{Name: "大屏", Playlist: []string{"city", "wan", "cloud", "rooms", "swanlake", "duty"},
	Dwell: time.Minute, Fit: "height", Columns: 1, ReloadEvery: 6 * time.Hour, StaleAfter: 30 * time.Second}

func (b *Bigscreen) applyDefaults() {
	if len(b.Screens) == 0 {
		b.Screens = []bigscreen.ScreenConfig{DefaultScreen}
		b.Screens[0].Playlist = append([]string(nil), DefaultScreen.Playlist...)
	}
	for i := range b.Screens {
		s := &b.Screens[i]
		s.Dwell = cmp.Or(s.Dwell, DefaultScreen.Dwell)
		s.Fit = cmp.Or(s.Fit, DefaultScreen.Fit)
		s.Columns = cmp.Or(s.Columns, DefaultScreen.Columns)
		s.StaleAfter = cmp.Or(s.StaleAfter, DefaultScreen.StaleAfter)
		if len(s.Playlist) == 0 {
			s.Playlist = append([]string(nil), DefaultScreen.Playlist...)
		}
	}
}

// bigscreen checks the screens; that the playlists name existing scenes is
// checked when the scenes load (the server and check-config).
func (c *collector) bigscreen(b *Bigscreen) {
	names := map[string]bool{}
	for i, s := range b.Screens {
		path := fmt.Sprintf("bigscreen.screens[%d]", i)
		c.uniqueName(path+".name", "screen", s.Name, names)
		c.oneOf(path+".fit", s.Fit, "width", "height", "stretch")
		c.columns(path, s)
		if s.Dwell < 5*time.Second {
			c.at(path+".dwell", "%s is below the minimum 5s", s.Dwell)
		}
		if s.ReloadEvery != 0 && s.ReloadEvery < 10*time.Minute {
			c.at(path+".reload_every", "%s is below the minimum 10m (0 turns reloads off)", s.ReloadEvery)
		}
		if s.StaleAfter < 5*time.Second {
			c.at(path+".stale_after", "%s is below the minimum 5s", s.StaleAfter)
		}
	}
}

// columns checks a screen's columns: each column shows a scene of its own,
// so the playlist needs at least as many scenes as the wall has columns.
func (c *collector) columns(path string, s bigscreen.ScreenConfig) {
	switch {
	case s.Columns < 1 || s.Columns > bigscreen.MaxColumns:
		c.at(path+".columns", "%d is outside 1–%d (1 for a 16:9 wall, 2 for 32:9, 3 for 48:9)",
			s.Columns, bigscreen.MaxColumns)
	case len(s.Playlist) < s.Columns:
		c.at(path+".columns", "%d columns need at least %d scenes in the playlist, which has %d",
			s.Columns, s.Columns, len(s.Playlist))
	}
}
