package app

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen"
	"github.com/swanwatch/swanwatch/bigscreen/eval"
	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/dashboards"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// wall is the video wall: the scenes, their evaluator (one schedule for all
// screens) and the hub that pushes them to the screens.
type wall struct {
	hub     *bigscreen.Hub
	eval    *eval.Evaluator
	targets atomic.Pointer[[]inventory.Target] // the current inventory, for the topology panel
}

func (s *system) openWall() error {
	scenes, err := s.loadScenes()
	if err != nil {
		return err
	}
	screens := map[string]bigscreen.ScreenConfig{}
	for _, sc := range s.config().Bigscreen.Screens {
		for _, id := range sc.Playlist {
			if !slices.ContainsFunc(scenes, func(d scene.Def) bool { return d.ID == id }) {
				return fmt.Errorf("bigscreen screen %q: scene %q is neither shipped nor in bigscreen.scene_files", sc.Name, id)
			}
		}
		screens[sc.Name] = sc
	}
	titles := make(map[string]string, len(scenes))
	for _, d := range scenes {
		titles[d.ID] = d.Title
	}
	s.wall.hub = bigscreen.NewHub(bigscreen.HubOptions{Logger: s.logger.With("part", "wall"),
		Screens:     func(name string) (bigscreen.ScreenConfig, bool) { sc, ok := screens[name]; return sc, ok },
		SceneTitles: titles, CheckOrigin: s.sameOrigin, Revalidate: s.screenStillValid})
	s.wall.eval, err = eval.New(eval.Options{Scenes: scenes, Query: s.query.Instant,
		Incidents: s.incidents, Duty: s.dutyNow, Inventory: s.currentTargets, Publish: s.wall.hub.Publish,
		Logger: s.logger.With("part", "wall")})
	return err
}

// loadScenes reads the shipped scenes and the user's scene files; a user
// scene with a shipped id replaces it, so a city can adapt 全市总览.
func (s *system) loadScenes() ([]scene.Def, error) {
	scenes, err := eval.LoadScenes(dashboards.Screens, "screens/*.yaml")
	if err != nil {
		return nil, fmt.Errorf("shipped scenes: %w", err)
	}
	for _, pattern := range s.config().Bigscreen.SceneFiles {
		mine, err := eval.LoadScenes(os.DirFS(filepath.Dir(pattern)), filepath.Base(pattern))
		if err != nil {
			return nil, fmt.Errorf("bigscreen.scene_files %s: %w", pattern, err)
		}
		for _, d := range mine {
			scenes = slices.DeleteFunc(scenes, func(o scene.Def) bool { return o.ID == d.ID })
			scenes = append(scenes, d)
		}
	}
	return scenes, nil
}

// sameOrigin lets a page open the wall's socket only from SwanWatch itself
// (its own host, or server.allowed_origins): another site an operator has
// open must not read the city's state through the operator's cookie.
func (s *system) sameOrigin(r *http.Request) bool {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return false
	}
	if slices.Contains(s.config().Server.AllowedOrigins, origin) {
		return true
	}
	u, err := url.Parse(origin)
	return err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host)
}

// screenStillValid closes a screen whose token was revoked; a state store
// fault is not a revocation, so the wall keeps showing the city through it.
func (s *system) screenStillValid(r *http.Request) error {
	err := s.auth.ScreenStillValid(r)
	if err == nil || errors.Is(err, auth.ErrBadCredentials) || errors.Is(err, auth.ErrSessionEnded) ||
		errors.Is(err, auth.ErrNoCredentials) {
		return err
	}
	s.logger.Warn("cannot recheck a wall's screen token; keeping it open", "err", err)
	return nil
}

func (s *system) currentTargets() []inventory.Target {
	if p := s.wall.targets.Load(); p != nil {
		return *p
	}
	return nil
}

// dutyNow is who is on duty at t across the rosters, and the 重保期 banner.
func (s *system) dutyNow(t time.Time) ([]scene.DutyPerson, string) {
	a := s.config().Alerting
	var out []scene.DutyPerson
	for _, r := range a.Rosters {
		until := time.Time{}
		if shifts := r.Shifts(t, t.Add(8*24*time.Hour)); len(shifts) > 0 {
			until = shifts[0].End
		}
		for _, p := range r.OnDuty(t) {
			out = append(out, scene.DutyPerson{Name: p.Name, Roster: r.Name, Phone: p.Phone, Until: until})
		}
	}
	banner := ""
	if w := a.Watches.ActiveWatch(t); w != nil {
		banner = w.Banner()
	}
	return out, banner
}

// wallActors are the evaluator and the hub.
func (s *system) wallActors() []func(context.Context) error {
	return []func(context.Context) error{s.wall.eval.Run, s.wall.hub.Run}
}
