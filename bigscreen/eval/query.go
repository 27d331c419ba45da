package eval

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// Today is the placeholder a panel's query may use for "since 00:00 today"
// (Asia/Shanghai) as a range: increase(gate_passages_total[$today]) counts
// today's visitors, and the same with offset 7d the same weekday last week.
// PromQL has no such range, and a fixed one would count yesterday evening
// into this morning.
const Today = "$today"

// expandQuery puts the range since midnight at `at` in place of $today, at
// least a minute so that a query just after midnight still has a range.
func expandQuery(expr string, at time.Time) string {
	if !strings.Contains(expr, Today) {
		return expr
	}
	since := max(at.Sub(cst.StartOfDay(at)), time.Minute)
	return strings.ReplaceAll(expr, Today, strconv.FormatInt(int64(since/time.Second), 10)+"s")
}

var promQL = parser.NewParser(parser.Options{})

// CheckQuery is the scene.QueryCheck of the wall: a panel's query must be
// PromQL that returns an instant vector (a KPI takes one series, a ranking
// one row per series).
func CheckQuery(query string) error {
	expr, err := promQL.ParseExpr(expandQuery(query, time.Time{}))
	if err != nil {
		return fmt.Errorf("query: %w", err)
	}
	if t := expr.Type(); t != parser.ValueTypeVector {
		return fmt.Errorf("query returns a %s; the wall needs an instant vector", t)
	}
	return nil
}

// LoadScenes reads and validates scene files (scene.Load) with their
// queries checked as PromQL: what the server and check-config load.
func LoadScenes(fsys fs.FS, glob string) ([]scene.Def, error) {
	return scene.Load(fsys, glob, CheckQuery)
}

// LoadAllScenes reads the shipped scenes (glob in shipped) and the user's
// scene files (bigscreen.scene_files patterns); a user scene with a shipped
// id replaces it, so a city can adapt 全市总览.
func LoadAllScenes(shipped fs.FS, glob string, patterns []string) ([]scene.Def, error) {
	scenes, err := LoadScenes(shipped, glob)
	if err != nil {
		return nil, fmt.Errorf("shipped scenes: %w", err)
	}
	for _, pattern := range patterns {
		mine, err := LoadScenes(os.DirFS(filepath.Dir(pattern)), filepath.Base(pattern))
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
