// Package api owns SwanWatch's HTTP API. This part is the Prometheus-compatible
// query API (/api/v1/query, query_range, series, labels, label values,
// metadata, status/buildinfo and status/runtimeinfo) over the embedded TSDB,
// with Prometheus's JSON shapes, error types and status codes, so that
// Grafana's Prometheus data source and client_golang's API client work
// unchanged. It deliberately does not import Prometheus's web/api/v1, which
// links scrape, notifier, remote storage and the cloud SDKs.
package api

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/prometheus/prometheus/storage"
)

// Defaults match Prometheus's command-line defaults.
const (
	DefaultTimeout       = 2 * time.Minute
	DefaultMaxSamples    = 50_000_000
	DefaultLookbackDelta = 5 * time.Minute
)

// QueryOptions configures the query API.
type QueryOptions struct {
	Queryable     storage.Queryable // the embedded TSDB or a fanout over it
	Logger        *slog.Logger
	Timeout       time.Duration // upper bound per query; default 2m
	MaxSamples    int           // samples one query may hold in memory; default 50M
	LookbackDelta time.Duration // default 5m
	Metadata      MetadataSource
	// Version is reported by /api/v1/status/buildinfo; default from the
	// binary's build information.
	Version string
	// Runtime, when set, fills what the app knows about itself (config
	// reloads, retention) into /api/v1/status/runtimeinfo.
	Runtime func(*RuntimeInfo)
}

// Query serves the Prometheus-compatible query endpoints.
type Query struct {
	opts      QueryOptions
	log       *slog.Logger
	engine    *promql.Engine
	parser    parser.Parser
	queryable storage.Queryable
	started   time.Time
	now       func() time.Time
}

// NewQuery builds the query API with its own PromQL engine.
func NewQuery(opts QueryOptions) *Query {
	opts = withDefaults(opts)
	p := parser.NewParser(parser.Options{})
	q := &Query{
		opts: opts, log: opts.Logger, parser: p, queryable: opts.Queryable,
		started: time.Now(), now: time.Now,
	}
	q.engine = promql.NewEngine(promql.EngineOpts{
		Logger:               opts.Logger,
		MaxSamples:           opts.MaxSamples,
		Timeout:              opts.Timeout,
		LookbackDelta:        opts.LookbackDelta,
		EnableAtModifier:     true,
		EnableNegativeOffset: true,
		Parser:               p,
	})
	return q
}

func withDefaults(o QueryOptions) QueryOptions {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxSamples <= 0 {
		o.MaxSamples = DefaultMaxSamples
	}
	if o.LookbackDelta <= 0 {
		o.LookbackDelta = DefaultLookbackDelta
	}
	if o.Metadata == nil {
		o.Metadata = DefaultMetadata()
	}
	return o
}

// Endpoint is the handler of one endpoint by its name in the Prometheus
// HTTP API: query, query_range, series, labels, label_values, metadata,
// buildinfo or runtimeinfo. The route table in internal/app mounts each
// (query, query_range, series, labels and label_values on GET and POST, as
// Grafana calls them). An unknown name panics: a wiring bug, caught by the
// route table's test.
func (q *Query) Endpoint(name string) http.Handler {
	f, ok := map[string]apiFunc{
		"query": q.instant, "query_range": q.rangeQuery, "series": q.series, "labels": q.labelNames,
		"label_values": q.labelValues, "metadata": q.metadata, "buildinfo": q.buildInfo,
		"runtimeinfo": q.runtimeInfo,
	}[name]
	if !ok {
		panic(fmt.Sprintf("api: no endpoint %q", name))
	}
	return q.handle(name, f)
}

// queryData is the "data" of a query response.
type queryData struct {
	ResultType parser.ValueType `json:"resultType"`
	Result     parser.Value     `json:"result"`
}

func (q *Query) instant(r *http.Request) result {
	limit, err := parseLimit(r.FormValue("limit"))
	if err != nil {
		return fail(invalidParam("limit", err))
	}
	ts, err := parseTimeParam(r, "time", q.now())
	if err != nil {
		return fail(invalidParam("time", err))
	}
	ctx, cancel, aerr := q.context(r)
	if aerr != nil {
		return fail(aerr)
	}
	defer cancel()
	opts, aerr := q.queryOpts(r)
	if aerr != nil {
		return fail(aerr)
	}
	qry, err := q.engine.NewInstantQuery(ctx, q.queryable, opts, r.FormValue("query"), ts)
	if err != nil {
		return fail(constructionError(err))
	}
	return exec(ctx, qry, limit)
}

func (q *Query) rangeQuery(r *http.Request) result {
	limit, err := parseLimit(r.FormValue("limit"))
	if err != nil {
		return fail(invalidParam("limit", err))
	}
	p, aerr := parseRange(r)
	if aerr != nil {
		return fail(aerr)
	}
	ctx, cancel, aerr := q.context(r)
	if aerr != nil {
		return fail(aerr)
	}
	defer cancel()
	opts, aerr := q.queryOpts(r)
	if aerr != nil {
		return fail(aerr)
	}
	qry, err := q.engine.NewRangeQuery(ctx, q.queryable, opts, r.FormValue("query"), p.start, p.end, p.step)
	if err != nil {
		return fail(constructionError(err))
	}
	return exec(ctx, qry, limit)
}

// context applies the request's own timeout; the engine's Timeout still caps it.
func (q *Query) context(r *http.Request) (context.Context, context.CancelFunc, *apiError) {
	d, aerr := parseTimeout(r)
	if aerr != nil {
		return nil, nil, aerr
	}
	if d == 0 {
		ctx, cancel := context.WithCancel(r.Context())
		return ctx, cancel, nil
	}
	ctx, cancel := context.WithTimeout(r.Context(), d)
	return ctx, cancel, nil
}

// queryOpts honours lookback_delta per request, as Prometheus does.
func (q *Query) queryOpts(r *http.Request) (promql.QueryOpts, *apiError) {
	v := r.FormValue("lookback_delta")
	if v == "" {
		return nil, nil
	}
	d, err := parseDuration(v)
	if err != nil || d < 0 {
		return nil, invalidParam("lookback_delta", errors.Join(err, errors.New("must be a non-negative duration")))
	}
	return promql.NewPrometheusQueryOpts(false, d, nil), nil
}

// constructionError: a query the engine cannot even build is the user's to fix.
func constructionError(err error) *apiError {
	var pe parser.ParseErrors
	if errors.As(err, &pe) {
		return badData(err)
	}
	return invalidParam("query", err)
}

// exec runs a built query. On success the engine's memory backs the result,
// so the query is closed by finalize after the response is written.
func exec(ctx context.Context, qry promql.Query, limit int) result {
	res := qry.Exec(ctx)
	if res.Err != nil {
		qry.Close()
		return result{err: engineError(res.Err), warnings: res.Warnings}
	}
	warnings := res.Warnings
	if truncate(res, limit) {
		warnings.Add(errors.New("results truncated due to limit"))
	}
	return result{
		data:     queryData{ResultType: res.Value.Type(), Result: res.Value},
		warnings: warnings,
		finalize: qry.Close,
	}
}

// truncate cuts vectors and matrices to limit series (0: no limit).
func truncate(res *promql.Result, limit int) bool {
	if limit <= 0 {
		return false
	}
	switch v := res.Value.(type) {
	case promql.Vector:
		if len(v) > limit {
			res.Value = v[:limit]
			return true
		}
	case promql.Matrix:
		if len(v) > limit {
			res.Value = v[:limit]
			return true
		}
	}
	return false
}
