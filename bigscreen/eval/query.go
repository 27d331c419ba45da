package eval

import (
	"fmt"
	"io/fs"

	"github.com/prometheus/prometheus/promql/parser"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

var promQL = parser.NewParser(parser.Options{})

// CheckQuery is the scene.QueryCheck of the wall: a panel's query must be
// PromQL that returns an instant vector (a KPI takes one series, a ranking
// one row per series).
func CheckQuery(query string) error {
	expr, err := promQL.ParseExpr(query)
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
