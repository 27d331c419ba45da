package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	promapi "github.com/prometheus/client_golang/api"
	v1 "github.com/prometheus/client_golang/api/prometheus/v1"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// The ten service areas of requirements.md, as the district label carries them.
var districts = []string{
	"市本级", "义马市", "渑池县", "湖滨区", "陕州区",
	"灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区", "现代服务业开发区",
}

var systems = []string{"政务服务", "公积金", "不动产"}

// fixture is a simulated agent fleet: agent i sits in district i%10 and
// system i%3, and is offline (up 0) when offline(i) says so.
type fixture struct {
	agents   int
	start    time.Time
	step     time.Duration
	points   int
	offline  func(i int) bool
	db       *tsdb.DB
	srv      *httptest.Server
	api      v1.API
	query    *Query
	queryOpt QueryOptions
}

func (f *fixture) end() time.Time { return f.start.Add(time.Duration(f.points-1) * f.step) }

func agentLabels(i int) labels.Labels {
	return labels.FromStrings(
		"__name__", "up", "kind", "agent", "instance", fmt.Sprintf("vm-%04d:9100", i),
		"district", districts[i%len(districts)], "system", systems[i%len(systems)],
		"level", "county", "site", fmt.Sprintf("site-%d", i%7), "dept", "大数据局",
	)
}

func (f *fixture) up(i int) float64 {
	if f.offline(i) {
		return 0
	}
	return 1
}

// openDB opens a TSDB in a temp dir and appends the fleet's up series.
func (f *fixture) openDB(t testing.TB) {
	t.Helper()
	db, err := tsdb.Open(t.TempDir(), slog.New(slog.DiscardHandler), nil, tsdb.DefaultOptions(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	app := db.Appender(context.Background())
	for i := range f.agents {
		ls := agentLabels(i)
		for p := range f.points {
			ts := f.start.Add(time.Duration(p) * f.step).UnixMilli()
			_, err := app.Append(0, ls, ts, f.up(i))
			require.NoError(t, err)
		}
	}
	require.NoError(t, app.Commit())
	f.db = db
}

// serve starts the API on loopback and a client_golang client for it.
func (f *fixture) serve(t testing.TB) {
	t.Helper()
	f.queryOpt.Queryable = f.db
	f.query = NewQuery(f.queryOpt)
	mux := http.NewServeMux()
	mount(f.query, mux)
	f.srv = httptest.NewServer(mux)
	t.Cleanup(f.srv.Close)
	c, err := promapi.NewClient(promapi.Config{Address: f.srv.URL})
	require.NoError(t, err)
	f.api = v1.NewAPI(c)
}

func newFixture(t testing.TB) *fixture {
	t.Helper()
	f := &fixture{
		agents:  60,
		start:   time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC),
		step:    30 * time.Second,
		points:  21,
		offline: func(i int) bool { return i%4 == 1 },
	}
	f.openDB(t)
	f.serve(t)
	return f
}

// wantDistrictRatio computes the expected online ratio per district from the
// fixture's own definition, independently of PromQL.
func (f *fixture) wantDistrictRatio() map[string]float64 {
	sum, n := map[string]float64{}, map[string]float64{}
	for i := range f.agents {
		d := districts[i%len(districts)]
		sum[d] += f.up(i)
		n[d]++
	}
	out := map[string]float64{}
	for d := range sum {
		out[d] = sum[d] / n[d]
	}
	return out
}

// mount mounts the endpoints on the paths the route table in internal/app uses.
func mount(q *Query, mux *http.ServeMux) {
	for _, name := range []string{"query", "query_range", "series", "labels"} {
		mux.Handle("GET /api/v1/"+name, q.Endpoint(name))
		mux.Handle("POST /api/v1/"+name, q.Endpoint(name))
	}
	mux.Handle("GET /api/v1/label/{name}/values", q.Endpoint("label_values"))
	mux.Handle("POST /api/v1/label/{name}/values", q.Endpoint("label_values"))
	mux.Handle("GET /api/v1/metadata", q.Endpoint("metadata"))
	mux.Handle("GET /api/v1/status/buildinfo", q.Endpoint("buildinfo"))
	mux.Handle("GET /api/v1/status/runtimeinfo", q.Endpoint("runtimeinfo"))
}
