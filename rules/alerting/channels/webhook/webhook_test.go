package webhook

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

// The payload follows Alertmanager's webhook_config body, version 4
// (https://prometheus.io/docs/alerting/latest/configuration/#webhook_config).

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type receiver struct {
	mu     sync.Mutex
	bodies []map[string]any
	hdrs   []http.Header
	status int
}

func (r *receiver) ServeHTTP(w http.ResponseWriter, req *http.Request) {
	var m map[string]any
	b, _ := io.ReadAll(req.Body)
	if req.Method != http.MethodPost || req.URL.Path != "/hook" || json.Unmarshal(b, &m) != nil {
		http.Error(w, "bad request", http.StatusBadRequest)
		return
	}
	r.mu.Lock()
	r.bodies, r.hdrs = append(r.bodies, m), append(r.hdrs, req.Header.Clone())
	r.mu.Unlock()
	if r.status != 0 {
		w.WriteHeader(r.status)
	}
	io.WriteString(w, "ok")
}

func start(t *testing.T, r http.Handler, cfg Config) *Sender {
	t.Helper()
	srv := httptest.NewServer(r)
	t.Cleanup(srv.Close)
	cfg.URL = secret.Secret(srv.URL + "/hook")
	s, err := New(cfg, srv.Client(), nil)
	require.NoError(t, err)
	return s
}

var since = time.Date(2026, 11, 28, 6, 15, 9, 0, time.UTC) // 14:15:09 Asia/Shanghai

func sample() notice.Notification {
	lbl := func(inst string) map[string]string {
		return map[string]string{"alertname": "LinkDown", "severity": "major", "district": "灵宝市", "site": "函谷关镇", "instance": inst}
	}
	return notice.Notification{
		ID: "7-2-webhook", IncidentID: 7, Step: 2, Severity: notice.Major,
		Title: "【重要】灵宝市 链路中断", Text: "区县：灵宝市\n开始时间：2026-11-28 14:15:09",
		URL: "https://swanwatch.example/incidents/7", AckURL: "https://swanwatch.example/incidents/7/ack",
		Alerts: []notice.Alert{
			{Fingerprint: "a1", Labels: lbl("10.1.0.1"), Annotations: map[string]string{"summary": "链路中断"}, Firing: true, StartsAt: since},
			{Fingerprint: "a2", Labels: lbl("10.1.0.2"), Annotations: map[string]string{"summary": "链路中断"}, StartsAt: since, EndsAt: since.Add(time.Hour)},
		},
	}
}

func keys(m map[string]any) []string {
	var ks []string
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}

func TestPayloadIsAlertmanagerV4(t *testing.T) {
	r := &receiver{}
	s := start(t, r, Config{Receiver: "city-ops", ExternalURL: "https://swanwatch.example", BearerToken: "tok-123"})
	require.NoError(t, s.Send(context.Background(), sample()))
	require.Len(t, r.bodies, 1)
	b := r.bodies[0]
	assert.Equal(t, []string{"alerts", "commonAnnotations", "commonLabels", "externalURL", "groupKey", "groupLabels",
		"receiver", "status", "swanwatch", "truncatedAlerts", "version"}, keys(b))
	assert.Equal(t, "4", b["version"])
	assert.Equal(t, "firing", b["status"])
	assert.Equal(t, "city-ops", b["receiver"])
	assert.Equal(t, map[string]any{"alertname": "LinkDown", "district": "灵宝市", "site": "函谷关镇"}, b["groupLabels"])
	assert.NotContains(t, b["commonLabels"], "instance", "instances differ")
	assert.Equal(t, "major", b["commonLabels"].(map[string]any)["severity"])
	alerts := b["alerts"].([]any)
	require.Len(t, alerts, 2)
	a0, a1 := alerts[0].(map[string]any), alerts[1].(map[string]any)
	assert.Equal(t, []string{"annotations", "endsAt", "fingerprint", "generatorURL", "labels", "startsAt", "status"}, keys(a0))
	assert.Equal(t, "firing", a0["status"])
	assert.Equal(t, "0001-01-01T00:00:00Z", a0["endsAt"])
	assert.Equal(t, "resolved", a1["status"])
	assert.Equal(t, "2026-11-28T07:15:09Z", a1["endsAt"])
	sw := b["swanwatch"].(map[string]any)
	assert.Equal(t, "【重要】灵宝市 链路中断", sw["title"])
	assert.Equal(t, float64(2), sw["step"])
	assert.Equal(t, "https://swanwatch.example/incidents/7/ack", sw["ack_url"])
	h := r.hdrs[0]
	assert.Equal(t, "7-2-webhook", h.Get("Idempotency-Key"))
	assert.Equal(t, "Bearer tok-123", h.Get("Authorization"))
}

func TestBasicAuthAndResolved(t *testing.T) {
	r := &receiver{}
	s := start(t, r, Config{BasicAuth: &BasicAuth{Username: "ops", Password: "p@ss"}})
	n := sample()
	n.Resolved = true
	require.NoError(t, s.Send(context.Background(), n))
	req := http.Request{Header: r.hdrs[0]}
	user, pass, ok := req.BasicAuth()
	require.True(t, ok)
	assert.Equal(t, "ops", user)
	assert.Equal(t, "p@ss", pass)
	assert.Equal(t, "resolved", r.bodies[0]["status"])
	assert.Equal(t, "swanwatch", r.bodies[0]["receiver"])
}

func TestMaxAlertsTruncates(t *testing.T) {
	r := &receiver{}
	require.NoError(t, start(t, r, Config{MaxAlerts: 1}).Send(context.Background(), sample()))
	assert.Len(t, r.bodies[0]["alerts"], 1)
	assert.Equal(t, float64(1), r.bodies[0]["truncatedAlerts"])
}

func TestNoAlertsSendsEmptyObjects(t *testing.T) {
	r := &receiver{}
	n := sample()
	n.Alerts = nil
	require.NoError(t, start(t, r, Config{}).Send(context.Background(), n))
	assert.Equal(t, map[string]any{}, r.bodies[0]["commonLabels"])
	assert.Equal(t, []any{}, r.bodies[0]["alerts"])
}

func TestStatusMapping(t *testing.T) {
	for _, tc := range []struct {
		status    int
		wantErr   bool
		permanent bool
	}{
		{200, false, false}, {204, false, false}, {500, true, false}, {503, true, false},
		{429, true, false}, {400, true, true}, {401, true, true}, {404, true, true},
	} {
		t.Run(http.StatusText(tc.status), func(t *testing.T) {
			err := start(t, &receiver{status: tc.status}, Config{BearerToken: "tok-secret-9"}).Send(context.Background(), sample())
			if !tc.wantErr {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), err)
			assert.NotContains(t, err.Error(), "tok-secret-9")
		})
	}
}

func TestHangingReceiverHonoursDeadline(t *testing.T) {
	release := make(chan struct{})
	s := start(t, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { <-release }), Config{})
	defer close(release)
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	err := s.Send(ctx, sample())
	require.ErrorIs(t, err, context.DeadlineExceeded)
	assert.False(t, channels.IsPermanent(err))
}

func TestURLSecretsRedacted(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	addr := srv.URL
	srv.Close()
	s, err := New(Config{URL: secret.Secret("http://user:pw-in-url@" + addr[len("http://"):] + "/hook?token=qs-secret")}, nil, nil)
	require.NoError(t, err)
	err = s.Send(context.Background(), sample())
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "pw-in-url")
	assert.NotContains(t, err.Error(), "qs-secret")
}

func TestNewValidates(t *testing.T) {
	for name, cfg := range map[string]Config{
		"no url":       {},
		"both auths":   {URL: "https://h/x", BearerToken: "t", BasicAuth: &BasicAuth{Username: "u"}},
		"no username":  {URL: "https://h/x", BasicAuth: &BasicAuth{Password: "p"}},
		"negative max": {URL: "https://h/x", MaxAlerts: -1},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := New(cfg, nil, nil)
			assert.Error(t, err)
		})
	}
}
