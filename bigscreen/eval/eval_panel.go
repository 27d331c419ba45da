package eval

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"sync"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
)

// evalQueryTimeout bounds one query of a round; a slower one fails the
// panels that need it, which keep their last data.
const evalQueryTimeout = 30 * time.Second

// Default number of rows a panel keeps when its scene gives no limit.
const (
	defaultRankingLimit = 10
	defaultTableLimit   = 20
	defaultBoardLimit   = 50
)

// evalRound is one round's shared reads: every query (by expression) and
// every incident list runs at most once per round, whichever and however
// many panels and scenes need it.
type evalRound struct {
	ctx   context.Context
	e     *Evaluator
	at    time.Time
	mu    sync.Mutex
	reads map[string]*roundRead
}

type roundRead struct {
	once sync.Once
	val  any
	err  error
}

func newEvalRound(ctx context.Context, e *Evaluator, at time.Time) *evalRound {
	return &evalRound{ctx: ctx, e: e, at: at, reads: map[string]*roundRead{}}
}

// once runs read the first time key is asked for in this round.
func (r *evalRound) once(key string, read func(ctx context.Context) (any, error)) (any, error) {
	r.mu.Lock()
	rd := r.reads[key]
	if rd == nil {
		rd = &roundRead{}
		r.reads[key] = rd
	}
	r.mu.Unlock()
	rd.once.Do(func() {
		ctx, cancel := context.WithTimeout(r.ctx, evalQueryTimeout)
		defer cancel()
		rd.val, rd.err = read(ctx)
	})
	return rd.val, rd.err
}

// query runs expr at the round's time; the vector is shared: read only.
func (r *evalRound) query(expr string) (promql.Vector, error) {
	v, err := r.once("q:"+expr, func(ctx context.Context) (any, error) {
		evalQueries.Inc()
		return r.e.opts.Query(ctx, expandQuery(expr, r.at), r.at)
	})
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", expr, err)
	}
	return v.(promql.Vector), nil
}

// panel computes a panel's data; kind names the error kind for the metrics.
func (r *evalRound) panel(p *scene.Panel) (any, string, error) {
	switch p.Source {
	case scene.SourceIncidents:
		v, err := r.board(p)
		return v, "incidents", err
	case scene.SourceIncidentStats:
		v, err := r.incidentStats(p)
		return v, "incidents", err
	case scene.SourceDuty:
		return r.duty(), "", nil
	case scene.SourceTopology:
		v, err := r.topology()
		return v, "query", err
	case scene.SourceCameras:
		v, err := r.cameras(p)
		return v, "cameras", err
	}
	vec, err := r.query(p.Query)
	if err != nil {
		return nil, "query", err
	}
	v, err := r.fromVector(p, vec)
	return v, "shape", err
}

// fromVector shapes a query result for the panel's type.
func (r *evalRound) fromVector(p *scene.Panel, vec promql.Vector) (any, error) {
	switch p.Type {
	case scene.PanelKPI, scene.PanelGauge:
		return kpiFromVector(p, vec)
	case scene.PanelMap:
		return r.mapFromVector(p, vec), nil
	case scene.PanelPlan:
		// every point of the plan, whatever the limit: a row per device
		return scene.RowsData{Rows: rowsFromVector(p, vec)}, nil
	}
	limit := p.Limit
	if limit == 0 {
		limit = defaultRankingLimit
		if p.Type == scene.PanelTable {
			limit = defaultTableLimit
		}
	}
	rows := rowsFromVector(p, vec)
	sortRows(rows, p.Sort)
	return scene.RowsData{Rows: rows[:min(limit, len(rows))]}, nil
}

func kpiFromVector(p *scene.Panel, vec promql.Vector) (scene.KPIData, error) {
	switch len(vec) {
	case 0:
		return scene.KPIData{State: "unknown"}, nil // no data: null, never 0
	case 1:
		v := number(vec[0].F)
		return scene.KPIData{Value: v, State: stateOf(v, p)}, nil
	}
	return scene.KPIData{}, fmt.Errorf("query %q returned %d series; a %s panel shows one (aggregate it)",
		p.Query, len(vec), p.Type)
}

// rowsFromVector makes one row per series, named by the panel's label; the
// other labels (but the name and the rule's requirement) go along for tables.
func rowsFromVector(p *scene.Panel, vec promql.Vector) []scene.Row {
	rows := make([]scene.Row, 0, len(vec))
	for _, s := range vec {
		v := number(s.F)
		row := scene.Row{Name: s.Metric.Get(p.Label), Value: v, State: stateOf(v, p)}
		if row.Name == "" {
			row.Name = "未知"
		}
		s.Metric.Range(func(l labels.Label) {
			if l.Name == labels.MetricName || l.Name == p.Label || l.Name == "requirement" {
				return
			}
			if row.Labels == nil {
				row.Labels = map[string]string{}
			}
			row.Labels[l.Name] = l.Value
		})
		rows = append(rows, row)
	}
	return rows
}

// sortRows orders by value (asc or desc; by name when unsorted), rows
// without a value last, ties by name so that the order is stable.
func sortRows(rows []scene.Row, order string) {
	sort.SliceStable(rows, func(i, j int) bool {
		a, b := rows[i], rows[j]
		switch {
		case order == "":
		case a.Value == nil || b.Value == nil:
			if (a.Value == nil) != (b.Value == nil) {
				return b.Value == nil
			}
		case *a.Value != *b.Value:
			return (*a.Value < *b.Value) == (order == "asc")
		}
		return a.Name < b.Name
	})
}

// number is v as a JSON value: NaN (0/0) and ±Inf are no data, null.
func number(v float64) *float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return nil
	}
	return &v
}

// stateRank orders the states from none to the worst.
var stateRank = map[string]int{"": 0, "ok": 1, "unknown": 2, "warn": 3, "bad": 4}

// worse returns the worse of two states.
func worse(a, b string) string {
	if stateRank[b] > stateRank[a] {
		return b
	}
	return a
}

// stateOf applies the panel's thresholds: the worst state among those the
// value reaches (at or below with sort asc, where low is bad; at or above
// otherwise), ok when it reaches none. No value is unknown; no thresholds,
// no state.
func stateOf(v *float64, p *scene.Panel) string {
	if v == nil {
		return "unknown"
	}
	if len(p.Thresholds) == 0 {
		return ""
	}
	st := "ok"
	for _, t := range p.Thresholds {
		if (p.Sort == "asc" && *v <= t.Value) || (p.Sort != "asc" && *v >= t.Value) {
			st = worse(st, t.State)
		}
	}
	return st
}

// emptyPanel is a panel's data before its first evaluation: no values, never
// zeros, in the shape the page expects for the type.
func emptyPanel(p *scene.Panel) json.RawMessage {
	var v any
	switch p.Type {
	case scene.PanelKPI, scene.PanelGauge:
		v = scene.KPIData{State: "unknown"}
	case scene.PanelBoard:
		v = scene.BoardData{Rows: []scene.BoardRow{}}
	case scene.PanelDuty:
		v = scene.DutyData{People: []scene.DutyPerson{}}
	case scene.PanelTopology:
		v = scene.TopologyData{Nodes: []scene.TopoNode{}, Links: []scene.TopoLink{}}
	default:
		v = scene.RowsData{Rows: []scene.Row{}}
	}
	b, _ := json.Marshal(v) // fixed shapes of our own types: cannot fail
	return b
}
