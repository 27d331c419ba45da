package app

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/bigscreen"
	"github.com/swanwatch/swanwatch/bigscreen/eval"
	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/collectors/camera"
	"github.com/swanwatch/swanwatch/dashboards"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting/oncall"
)

// wall is the video wall: the scenes, their evaluator (one schedule for all
// screens) and the hub that pushes them to the screens.
type wall struct {
	hub     *bigscreen.Hub
	eval    *eval.Evaluator
	targets atomic.Pointer[[]inventory.Target] // the current inventory, for the topology panel
}

func (s *system) openWall() error {
	scenes, err := eval.LoadAllScenes(dashboards.Screens, "screens/*.yaml", s.config().Bigscreen.SceneFiles)
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
		SceneTitles: titles, Revalidate: s.auth.RecheckScreen,
		CheckOrigin: func(r *http.Request) bool { return auth.SameOrigin(r, s.config().Server.AllowedOrigins) }})
	s.wall.eval, err = eval.New(eval.Options{Scenes: scenes, Query: s.query.Instant,
		Incidents: s.incidents, Duty: s.dutyNow, Inventory: s.currentTargets, Cameras: s.cameraTiles,
		Publish: s.wall.hub.Publish,
		Logger:  s.logger.With("part", "wall")})
	return err
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
	people, banner := oncall.DutyAt(a.Rosters, a.Watches, t)
	out := make([]scene.DutyPerson, len(people))
	for i, p := range people {
		out[i] = scene.DutyPerson(p)
	}
	return out, banner
}

// wallActors are the evaluator and the hub.
func (s *system) wallActors() []func(context.Context) error {
	return []func(context.Context) error{s.wall.eval.Run, s.wall.hub.Run}
}

// cameraTiles is the camera wall's feed: the camera collector's tiles, each
// camera's site named as the inventory names it.
func (s *system) cameraTiles(context.Context) ([]scene.CameraTile, error) {
	c, ok := s.kinds[camera.Kind].Collector.(*camera.Collector)
	if !ok {
		return nil, nil
	}
	sites := map[string]string{}
	for _, t := range s.currentTargets() {
		if t.Kind == camera.Kind {
			sites[t.Name] = t.Site
		}
	}
	return c.Tiles(sites), nil
}
