package alertmanager

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/internal/testpeer"
	"github.com/swanwatch/swanwatch/rules/alerting/channels"
	"github.com/swanwatch/swanwatch/rules/alerting/notice"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// webhook is the part of Alertmanager's webhook payload the tests read.
type webhook struct {
	Status string `json:"status"`
	Alerts []struct {
		Status      string            `json:"status"`
		Labels      map[string]string `json:"labels"`
		Annotations map[string]string `json:"annotations"`
	} `json:"alerts"`
}

// sink collects the webhook calls Alertmanager makes.
type sink struct {
	mu    sync.Mutex
	calls []webhook
}

func (s *sink) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	var wh webhook
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(&wh); err == nil {
		s.mu.Lock()
		s.calls = append(s.calls, wh)
		s.mu.Unlock()
	}
}

func (s *sink) seen(status string) *webhook {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.calls {
		if s.calls[i].Status == status {
			return &s.calls[i]
		}
	}
	return nil
}

func notification(resolved bool) notice.Notification {
	return notice.Notification{
		ID: "inc-7/step-0/am", Resolved: resolved, Severity: notice.Major,
		Alerts: []notice.Alert{{
			Labels:      map[string]string{"alertname": "LinkDown", "severity": "major", "district": "灵宝市"},
			Annotations: map[string]string{"summary": "链路中断"},
			Firing:      !resolved, StartsAt: time.Now().Add(-time.Minute),
		}},
	}
}

func newSender(t *testing.T, url string) *Sender {
	t.Helper()
	s, err := New(Config{URL: url, Timeout: 5 * time.Second}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	return s
}

func TestForwardToRealAlertmanager(t *testing.T) {
	hook := &sink{}
	srv := httptest.NewServer(hook)
	defer srv.Close()
	am := testpeer.Alertmanager(t, srv.URL+"/alerts")
	s := newSender(t, am.URL)
	ctx := context.Background()

	require.NoError(t, s.Send(ctx, notification(false)))
	var got *webhook
	require.Eventually(t, func() bool { got = hook.seen("firing"); return got != nil }, 15*time.Second, 100*time.Millisecond)
	require.Len(t, got.Alerts, 1)
	assert.Equal(t, "灵宝市", got.Alerts[0].Labels["district"])
	assert.Equal(t, "LinkDown", got.Alerts[0].Labels["alertname"])
	assert.Equal(t, "链路中断", got.Alerts[0].Annotations["summary"])

	require.NoError(t, s.Send(ctx, notification(true)))
	require.Eventually(t, func() bool { got = hook.seen("resolved"); return got != nil }, 15*time.Second, 100*time.Millisecond)
	assert.Equal(t, "resolved", got.Alerts[0].Status)
	assert.Equal(t, "major", got.Alerts[0].Labels["severity"])

	t.Run("invalid label name is rejected permanently", func(t *testing.T) {
		n := notification(false)
		n.Alerts[0].Labels = map[string]string{"bad-name": "x"}
		err := s.Send(ctx, n)
		require.Error(t, err)
		assert.True(t, channels.IsPermanent(err), "%v", err)
		assert.Contains(t, err.Error(), "status 400")
	})
}

func TestSendFailures(t *testing.T) {
	down := httptest.NewServer(http.NotFoundHandler())
	downURL := down.URL
	down.Close()
	busy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	}))
	defer busy.Close()
	empty := notification(false)
	empty.Alerts = nil
	tests := []struct {
		name      string
		url       string
		n         notice.Notification
		permanent bool
	}{
		{"server down is retryable", downURL, notification(false), false},
		{"503 is retryable", busy.URL, notification(false), false},
		{"no alerts is permanent", busy.URL, empty, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := newSender(t, tc.url).Send(context.Background(), tc.n)
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err), "%v", err)
		})
	}
}

func TestAuthHeaderAndEncoding(t *testing.T) {
	var auth string
	var body []postableAlert
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		auth = r.Header.Get("Authorization")
		assert.Equal(t, "/am/api/v2/alerts", r.URL.Path)
		assert.NoError(t, json.NewDecoder(r.Body).Decode(&body))
	}))
	defer srv.Close()
	s, err := New(Config{URL: srv.URL + "/am/", BearerToken: "tok-123"}, slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	before := time.Now()
	require.NoError(t, s.Send(context.Background(), notification(true)))
	after := time.Now()
	assert.Equal(t, "Bearer tok-123", auth)
	require.Len(t, body, 1)
	assert.False(t, body[0].EndsAt.IsZero(), "resolved alert needs endsAt")
	assert.False(t, body[0].EndsAt.Before(before) || body[0].EndsAt.After(after),
		"endsAt %s is the moment of the send, between %s and %s", body[0].EndsAt, before, after)
}

func TestNewValidates(t *testing.T) {
	tests := []struct {
		name string
		cfg  Config
	}{
		{"empty url", Config{}},
		{"no scheme", Config{URL: "alertmanager:9093"}},
		{"ftp", Config{URL: "ftp://am:9093"}},
		{"user in url", Config{URL: "http://u:p@am:9093"}},
		{"query in url", Config{URL: "http://am:9093/?token=p"}},
		{"two auths", Config{URL: "http://am:9093", BearerToken: "t", Username: "u", Password: secret.Secret("p")}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, slog.New(slog.DiscardHandler))
			require.Error(t, err)
			assert.NotContains(t, err.Error(), ":p@")
		})
	}
}
