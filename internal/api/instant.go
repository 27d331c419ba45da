package api

import (
	"context"
	"fmt"
	"time"

	"github.com/prometheus/prometheus/promql"
)

// Instant evaluates expr at one instant for SwanWatch's own readers (the
// video wall's scenes): the same engine, limits and lookback as the HTTP
// API. A scalar comes back as a one-sample vector without labels.
func (q *Query) Instant(ctx context.Context, expr string, at time.Time) (promql.Vector, error) {
	ctx, cancel := context.WithTimeout(ctx, q.opts.Timeout)
	defer cancel()
	qry, err := q.engine.NewInstantQuery(ctx, q.queryable, nil, expr, at)
	if err != nil {
		return nil, fmt.Errorf("query %q: %w", expr, err)
	}
	defer qry.Close()
	res := qry.Exec(ctx)
	if res.Err != nil {
		return nil, fmt.Errorf("query %q: %w", expr, res.Err)
	}
	switch v := res.Value.(type) {
	case promql.Vector:
		return v, nil
	case promql.Scalar:
		return promql.Vector{{T: v.T, F: v.V}}, nil
	default:
		return nil, fmt.Errorf("query %q: a %s, want an instant vector or a scalar", expr, res.Value.Type())
	}
}
