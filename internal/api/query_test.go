package api

import (
	"context"
	"io"
	"net/http"
	"runtime"
	"slices"
	"testing"
	"time"

	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestQueryInstantPerDistrict(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	val, warns, _, err := f.api.Query(ctx, `avg by (district) (up{kind="agent"})`, f.end())
	require.NoError(t, err)
	assert.Empty(t, warns)
	vec, ok := val.(model.Vector)
	require.True(t, ok, "got %T", val)
	want := f.wantDistrictRatio()
	require.Len(t, vec, len(want))
	for _, s := range vec {
		d := string(s.Metric["district"])
		assert.InDelta(t, want[d], float64(s.Value), 1e-9, d)
		assert.Equal(t, f.end().UnixMilli(), int64(s.Timestamp))
	}
}

func TestQueryScalar(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		query string
		typ   model.ValueType
		want  string
	}{
		{"1+1", model.ValScalar, "2"},
	}
	for _, tt := range tests {
		t.Run(tt.query, func(t *testing.T) {
			val, _, _, err := f.api.Query(context.Background(), tt.query, f.end())
			require.NoError(t, err)
			require.Equal(t, tt.typ, val.Type())
			assert.Equal(t, tt.want, val.(*model.Scalar).Value.String())
		})
	}
}

func TestQueryRange(t *testing.T) {
	f := newFixture(t)
	r := v1.Range{Start: f.start, End: f.end(), Step: time.Minute}
	val, _, _, err := f.api.QueryRange(context.Background(), `sum(up{kind="agent"})`, r)
	require.NoError(t, err)
	m, ok := val.(model.Matrix)
	require.True(t, ok, "got %T", val)
	require.Len(t, m, 1)
	wantPoints := int(f.end().Sub(f.start)/time.Minute) + 1
	require.Len(t, m[0].Values, wantPoints)
	var online float64
	for i := range f.agents {
		online += f.up(i)
	}
	for _, p := range m[0].Values {
		assert.InDelta(t, online, float64(p.Value), 1e-9)
	}
	assert.Equal(t, f.start.UnixMilli(), int64(m[0].Values[0].Timestamp))
}

func TestQueryLimitTruncates(t *testing.T) {
	f := newFixture(t)
	val, warns, _, err := f.api.Query(context.Background(), `up{kind="agent"}`, f.end(), v1.WithLimit(5))
	require.NoError(t, err)
	assert.Len(t, val.(model.Vector), 5)
	assert.Contains(t, warns, "results truncated due to limit")
}

func TestSeries(t *testing.T) {
	f := newFixture(t)
	tests := []struct {
		name    string
		matches []string
		want    int
	}{
		{"one district", []string{`up{district="灵宝市"}`}, f.agents / len(districts)},
		{"two sets merge", []string{`up{district="灵宝市"}`, `up{district="卢氏县"}`}, 2 * f.agents / len(districts)},
		{"overlapping sets dedupe", []string{`up{district="灵宝市"}`, `{__name__="up",district=~"灵宝.*"}`}, f.agents / len(districts)},
		{"nothing", []string{`up{district="北京"}`}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _, _, err := f.api.Series(context.Background(), tt.matches, f.start, f.end())
			require.NoError(t, err)
			require.Len(t, got, tt.want)
			for _, ls := range got {
				assert.Equal(t, model.LabelValue("agent"), ls["kind"])
			}
		})
	}
}

func TestSeriesLimit(t *testing.T) {
	f := newFixture(t)
	got, warns, _, err := f.api.Series(context.Background(), []string{"up"}, f.start, f.end(), v1.WithLimit(7))
	require.NoError(t, err)
	assert.Len(t, got, 7)
	assert.Contains(t, warns, "results truncated due to limit")
}

func TestLabelNamesAndValues(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	names, _, _, err := f.api.LabelNames(ctx, nil, f.start, f.end())
	require.NoError(t, err)
	assert.Equal(t, model.LabelNames{"__name__", "dept", "district", "instance", "kind", "level", "site", "system"}, names)

	vals, _, _, err := f.api.LabelValues(ctx, "district", nil, f.start, f.end())
	require.NoError(t, err)
	want := slices.Clone(districts)
	slices.Sort(want)
	got := make([]string, len(vals))
	for i, v := range vals {
		got[i] = string(v)
	}
	assert.Equal(t, want, got)

	vals, _, _, err = f.api.LabelValues(ctx, "system", []string{`up{district="市本级"}`}, f.start, f.end())
	require.NoError(t, err)
	assert.Len(t, vals, len(systems))

	vals, warns, _, err := f.api.LabelValues(ctx, "instance", nil, f.start, f.end(), v1.WithLimit(3))
	require.NoError(t, err)
	assert.Len(t, vals, 3)
	assert.Contains(t, warns, "results truncated due to limit")
}

func TestMetadataDefault(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	md, err := f.api.Metadata(ctx, "up", "")
	require.NoError(t, err)
	require.Len(t, md["up"], 1)
	assert.Equal(t, v1.MetricTypeGauge, md["up"][0].Type)

	all, err := f.api.Metadata(ctx, "", "")
	require.NoError(t, err)
	assert.Contains(t, all, "swanwatch:agent_online:ratio")
	assert.Len(t, all, len(DefaultMetadata()))

	two, err := f.api.Metadata(ctx, "", "2")
	require.NoError(t, err)
	assert.Len(t, two, 2)
}

func TestStatusForGrafana(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	bi, err := f.api.Buildinfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, runtime.Version(), bi.GoVersion)
	assert.NotEmpty(t, bi.Version)

	ri, err := f.api.Runtimeinfo(ctx)
	require.NoError(t, err)
	assert.Equal(t, runtime.GOMAXPROCS(0), ri.GOMAXPROCS)
	assert.Positive(t, ri.GoroutineCount)
	assert.WithinDuration(t, f.query.started, ri.StartTime, time.Millisecond)
}

func TestRuntimeInfoHook(t *testing.T) {
	f := &fixture{agents: 1, start: time.Unix(0, 0), step: time.Second, points: 1, offline: func(int) bool { return false }}
	f.openDB(t)
	f.queryOpt.Runtime = func(ri *RuntimeInfo) {
		ri.ReloadConfigSuccess = false
		ri.StorageRetention = "90d"
	}
	f.queryOpt.Version = "1.2.3"
	f.serve(t)
	ri, err := f.api.Runtimeinfo(context.Background())
	require.NoError(t, err)
	assert.False(t, ri.ReloadConfigSuccess)
	assert.Equal(t, "90d", ri.StorageRetention)
	bi, err := f.api.Buildinfo(context.Background())
	require.NoError(t, err)
	assert.Equal(t, "1.2.3", bi.Version)
}

// client_golang cannot decode string results, so this one is checked raw.
func TestQueryStringJSON(t *testing.T) {
	f := newFixture(t)
	resp, err := f.srv.Client().Get(f.srv.URL + `/api/v1/query?time=1800000000.5&query="%E4%B8%89%E9%97%A8%E5%B3%A1"`)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.JSONEq(t, `{"status":"success","data":{"resultType":"string","result":[1800000000.5,"三门峡"]}}`, string(b))
}
