package ledger

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/inventory"
)

// switchable serves the export while ok is set, 503 otherwise, and counts
// the requests.
type switchable struct {
	ok    atomic.Bool
	hits  atomic.Int32
	body  string
	serve *httptest.Server
}

func newSwitchable(t *testing.T, body string) *switchable {
	s := &switchable{body: body}
	s.ok.Store(true)
	s.serve = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.hits.Add(1)
		if !s.ok.Load() {
			http.Error(w, "down", http.StatusServiceUnavailable)
			return
		}
		_, _ = w.Write([]byte(s.body))
	}))
	t.Cleanup(s.serve.Close)
	return s
}

const export = `{"entries": [
	{"vm": "vm-small", "spec": "8C16G", "system": "不动产登记系统", "dept": "市自然资源局", "term_end": "2027-12-31"},
	{"vm": "vm-expired", "spec": "2C4G", "system": "社保系统", "dept": "市人社局", "term_end": "2026-11-01"},
	{"vm": "vm-retired", "spec": "4C8G", "system": "旧档案系统", "dept": "市档案馆"},
	{"vm": "", "spec": "4C8G"}
]}`

func newLedger(t *testing.T, now *time.Time, sources ...Source) *Ledger {
	t.Helper()
	db := openTSDB(t)
	hvVM(t, db, "vm-small", true, 4, 8, "", "")
	hvVM(t, db, "vm-expired", true, 2, 4, "", "")
	hvVM(t, db, "vm-tag", true, 2, 2, "公积金系统", "市住房公积金中心")
	l, err := New(Options{Sources: sources, Platform: NewTSDBPlatform(db, 0),
		Targets: func() []inventory.Target {
			return []inventory.Target{agent("vm-small", "", "不动产登记系统", "市自然资源局")}
		},
		Now: func() time.Time { return *now }})
	require.NoError(t, err)
	return l
}

func kindsOf(fs []Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, string(f.Kind)+" "+f.VM)
	}
	return out
}

func TestLedgerRefreshAndFailure(t *testing.T) {
	now := at
	srv := newSwitchable(t, export)
	l := newLedger(t, &now, &HTTPSource{URL: srv.serve.URL})

	res, err := l.Findings(context.Background(), at)
	require.NoError(t, err)
	assert.Equal(t, 3, res.Entries)
	assert.Equal(t, []string{"missing vm-tag", "no_vm vm-retired", "spec_mismatch vm-small", "expired_running vm-expired"}, kindsOf(res.Findings))
	assert.Equal(t, map[Kind]int{Missing: 1, NoVM: 1, SpecMismatch: 1, ExpiredRunning: 1, Expiring: 0}, res.Counts)
	require.Len(t, res.Problems, 1)
	assert.Equal(t, srv.serve.URL+" 第4条：云服务器名称为空", res.Problems[0].String())

	// Within Refresh the read is reused.
	now = at.Add(time.Minute)
	_, err = l.Findings(context.Background(), at)
	require.NoError(t, err)
	assert.EqualValues(t, 1, srv.hits.Load())

	// The source goes down: its last good read is used, and said so.
	srv.ok.Store(false)
	now = at.Add(DefaultRefresh)
	res, err = l.Findings(context.Background(), at)
	require.NoError(t, err)
	assert.EqualValues(t, 2, srv.hits.Load())
	assert.Equal(t, 3, res.Entries)
	require.Len(t, res.Problems, 2)
	assert.Equal(t, srv.serve.URL+"：本次读取失败，沿用 2026-11-15 12:00:00 的台账：台账导出 "+srv.serve.URL+"：返回 503 Service Unavailable",
		res.Problems[0].String())
	assert.Equal(t, "台账导出 "+srv.serve.URL+"：返回 503 Service Unavailable", res.Sources[0].Error)
	assert.True(t, res.Sources[0].ReadAt.Equal(at))
}

func TestLedgerNeverRead(t *testing.T) {
	now := at
	srv := newSwitchable(t, export)
	srv.ok.Store(false)
	l := newLedger(t, &now, &HTTPSource{URL: srv.serve.URL})
	_, err := l.Findings(context.Background(), at)
	assert.ErrorIs(t, err, ErrNoLedger)
	assert.ErrorContains(t, err, "返回 503")
}

// Two sources listing one VM: the first wins, the second is a problem.
func TestLedgerSourcesMerge(t *testing.T) {
	now := at
	a := newSwitchable(t, `{"entries": [{"vm": "vm-small", "spec": "4C8G"}]}`)
	path := writeBook(t, "台账", [][]any{{"云服务器名称", "规格"}, {"vm-small", "8C16G"}, {"vm-expired", "2C4G"}})
	l := newLedger(t, &now, &HTTPSource{URL: a.serve.URL}, &ExcelSource{Path: path})
	res, err := l.Findings(context.Background(), at)
	require.NoError(t, err)
	assert.Equal(t, 2, res.Entries)
	assert.Equal(t, []string{"missing vm-tag"}, kindsOf(res.Findings), "vm-small is 4C8G as the first source says")
	require.Len(t, res.Problems, 1)
	assert.Equal(t, path+"：云服务器 vm-small 重复（"+a.serve.URL+" 第1条 已登记），"+path+" 第2行 跳过", res.Problems[0].String())
}

func TestMonth(t *testing.T) {
	now := at
	srv := newSwitchable(t, export)
	l := newLedger(t, &now, &HTTPSource{URL: srv.serve.URL})
	// The running month is judged now: the fixture's VMs are there.
	res, err := l.Month(context.Background(), "2026-11")
	require.NoError(t, err)
	assert.True(t, res.At.Equal(at))
	assert.Len(t, res.Findings, 4)
	// October is judged at its last instant, when the platform had no data:
	// the entries are 有账无机 (a term is not judged without its VM), all
	// but vm-small, whose agent the inventory has.
	res, err = l.Month(context.Background(), "2026-10")
	require.NoError(t, err)
	assert.Equal(t, "2026-10-31 23:59:59.999 +0800 CST", res.At.String())
	assert.Equal(t, []string{"no_vm vm-retired", "no_vm vm-expired"}, kindsOf(res.Findings))
	_, err = l.Month(context.Background(), "2026-13")
	assert.Error(t, err)
}

func TestAPI(t *testing.T) {
	now := at
	srv := newSwitchable(t, export)
	l := newLedger(t, &now, &HTTPSource{URL: srv.serve.URL})
	get := func(q url.Values) (int, map[string]any) {
		w := httptest.NewRecorder()
		l.List(w, httptest.NewRequest(http.MethodGet, "/api/v1/ledger/findings?"+q.Encode(), nil))
		var body map[string]any
		require.NoError(t, json.Unmarshal(w.Body.Bytes(), &body))
		return w.Code, body
	}
	vmsOf := func(body map[string]any) []string {
		var out []string
		for _, f := range body["data"].(map[string]any)["findings"].([]any) {
			out = append(out, f.(map[string]any)["vm"].(string))
		}
		return out
	}
	code, body := get(nil)
	require.Equal(t, http.StatusOK, code)
	assert.Equal(t, []string{"vm-tag", "vm-retired", "vm-small", "vm-expired"}, vmsOf(body))
	f := body["data"].(map[string]any)["findings"].([]any)[3].(map[string]any)
	assert.Equal(t, map[string]any{"kind": "expired_running", "kind_word": "已到期仍在运行", "vm": "vm-expired", "system": "社保系统",
		"dept": "市人社局", "state": "running", "state_word": "运行中", "ledger_spec": "2C4G", "term_end": "2026-11-01",
		"days_left": -14.0, "where": srv.serve.URL + " 第2条", "detail": "使用期限已于 2026-11-01 到期（已过 14 天），仍在运行（虚拟化平台电源状态）"}, f)

	_, body = get(url.Values{"kind": {"台账缺失"}})
	assert.Equal(t, []string{"vm-tag"}, vmsOf(body))
	assert.EqualValues(t, 1, body["data"].(map[string]any)["counts"].(map[string]any)["no_vm"], "counts before the filter")
	_, body = get(url.Values{"kind": {"spec_mismatch"}})
	assert.Equal(t, []string{"vm-small"}, vmsOf(body))
	_, body = get(url.Values{"system": {"社保系统"}})
	assert.Equal(t, []string{"vm-expired"}, vmsOf(body))
	_, body = get(url.Values{"dept": {"市档案馆"}, "kind": {"no_vm"}})
	assert.Equal(t, []string{"vm-retired"}, vmsOf(body))
	_, body = get(url.Values{"dept": {"无此部门"}})
	assert.Equal(t, []any{}, body["data"].(map[string]any)["findings"], "an empty list, not null")

	code, body = get(url.Values{"kind": {"过期"}})
	assert.Equal(t, http.StatusBadRequest, code)
	assert.Contains(t, body["error"], `类型 "过期" 无效`)
}

func TestAPIWithoutLedger(t *testing.T) {
	now := at
	srv := newSwitchable(t, export)
	srv.ok.Store(false)
	l := newLedger(t, &now, &HTTPSource{URL: srv.serve.URL})
	w := httptest.NewRecorder()
	l.List(w, httptest.NewRequest(http.MethodGet, "/api/v1/ledger/findings", nil))
	assert.Equal(t, http.StatusServiceUnavailable, w.Code)
	assert.Contains(t, w.Body.String(), "资源台账尚未成功读取")
}

type failingPlatform struct{}

func (failingPlatform) VMs(context.Context, time.Time) (map[string]VM, error) {
	return nil, errors.New("disk I/O error")
}

func TestNewAndPlatformFailure(t *testing.T) {
	_, err := New(Options{})
	assert.Error(t, err)
	srv := newSwitchable(t, export)
	l, err := New(Options{Sources: []Source{&HTTPSource{URL: srv.serve.URL}}, Platform: failingPlatform{},
		Targets: func() []inventory.Target { return nil }})
	require.NoError(t, err)
	_, err = l.Findings(context.Background(), at)
	assert.ErrorContains(t, err, "读取虚拟化平台数据：disk I/O error")
	w := httptest.NewRecorder()
	l.List(w, httptest.NewRequest(http.MethodGet, "/api/v1/ledger/findings", nil))
	assert.Equal(t, http.StatusInternalServerError, w.Code)
}

func TestProblemJSON(t *testing.T) {
	b, err := json.Marshal(Problem{Source: "http://cp/export", Row: 3, JSON: true, VM: "vm-a", Reason: "云服务器名称为空"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"source": "http://cp/export", "row": 3, "vm": "vm-a", "reason": "云服务器名称为空",
		"text": "http://cp/export 第3条：云服务器名称为空"}`, string(b))
}
