package sla

import (
	"context"
	"testing"
	"time"

	"github.com/prometheus/prometheus/promql"
	"github.com/prometheus/prometheus/promql/parser"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/storage"
)

// A link's interface counters reset at 2026-11-12 10:00:15 CST (the router
// rebooted its line card; the link stayed up) and a real error burst at
// 15:00–15:10. The BER series is recorded as the wan pack records it, from
// rate() over the raw counters, by the real PromQL engine; the accounting
// must show the burst as Bad and the reset as nothing.
func TestFixtureCounterReset(t *testing.T) {
	s, rec := openTSDB(t), openTSDB(t)
	ctx := context.Background()
	from, to := cstAt("2026-11-11 23:00"), cstAt("2026-11-13 01:00")
	reset, burst := cstAt("2026-11-12 10:00"), period{"2026-11-12 15:00", "2026-11-12 15:10"}
	var bits, errs float64 = 9e13, 1e5 // a long-running counter before the reset
	for ts := from.Add(15 * time.Second); ts.Before(to); ts = ts.Add(time.Minute) {
		bits, errs = bits+6e9, errs+0.5 // 100 Mbit/s, BER ≈ 8e-11
		if burst.has(ts) {
			errs += 2e4 // BER ≈ 3e-6
		}
		if ts.Sub(reset) >= 0 && ts.Sub(reset) < time.Minute {
			bits, errs = 6e9, 0
		}
		require.NoError(t, s.Append(ctx, ts, []collectors.Sample{counter("if_in_bits_total", bits), counter("if_in_errors_total", errs)}))
	}
	recordBER(t, s, rec, from, to)

	sli := DefaultSLIs()[5]
	require.Equal(t, "link_ber", sli.Name)
	ents, err := ReadDay(ctx, rec.Queryable(), sli, "2026-11-12")
	require.NoError(t, err)
	require.Len(t, ents, 1)
	dayFrom, dayTo, err := DayBounds("2026-11-12")
	require.NoError(t, err)
	got, out, err := Account(sli, ents[0].Samples, dayFrom, dayTo, nil, Calendar{})
	require.NoError(t, err)

	// By hand: rate over [5m] sees the burst in samples 15:00:15 … 15:14:15,
	// so the 5-minute windows 15:00, 15:05 and 15:10 are Bad; nothing else.
	assert.Equal(t, Tally{GoodS: 86400 - 900, BadS: 900}, got)
	assert.Equal(t, []Span{{cstAt("2026-11-12 15:00"), cstAt("2026-11-12 15:15")}}, out)
}

func counter(name string, v float64) collectors.Sample {
	return collectors.Sample{Labels: []collectors.Label{{Name: "__name__", Value: name}, {Name: "link", Value: "l1"}}, Value: v}
}

func openTSDB(t *testing.T) *storage.Storage {
	s, err := storage.Open(storage.Options{Dir: t.TempDir(), Retention: 365 * 24 * time.Hour})
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, s.Close()) })
	return s
}

// recordBER evaluates the BER over raw at every minute as the rule engine
// would and appends the result to rec as swanwatch:link_ber:estimate (a
// second TSDB: the head takes a new series only near its newest time).
func recordBER(t *testing.T, raw, rec *storage.Storage, from, to time.Time) {
	t.Helper()
	eng := promql.NewEngine(promql.EngineOpts{MaxSamples: 1e7, Timeout: time.Minute, LookbackDelta: 5 * time.Minute,
		Parser: parser.NewParser(parser.Options{})})
	const expr = `sum by (link) (rate(if_in_errors_total[5m])) / (sum by (link) (rate(if_in_bits_total[5m])) > 0)`
	q, err := eng.NewRangeQuery(context.Background(), raw.Queryable(), nil, expr, from.Add(15*time.Second), to, time.Minute)
	require.NoError(t, err)
	defer q.Close()
	res := q.Exec(context.Background())
	require.NoError(t, res.Err)
	m, err := res.Matrix()
	require.NoError(t, err)
	require.Len(t, m, 1)
	name := collectors.Label{Name: "__name__", Value: "swanwatch:link_ber:estimate"}
	for _, p := range m[0].Floats {
		smp := collectors.Sample{Labels: []collectors.Label{name, {Name: "link", Value: "l1"}}, Value: p.F}
		require.NoError(t, rec.Append(context.Background(), time.UnixMilli(p.T), []collectors.Sample{smp}))
	}
}
