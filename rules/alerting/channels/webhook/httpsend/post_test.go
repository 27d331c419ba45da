package httpsend

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/rules/alerting/channels"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPostJSONCountsAndBounds(t *testing.T) {
	tests := []struct {
		name      string
		status    int
		body      string
		kind      string
		permanent bool
	}{
		{"rate limited", 429, "slow down", "rate_limit", false},
		{"server error, huge body", 500, strings.Repeat("错误", 1<<20), "http_5xx", false},
		{"client error", 403, "forbidden", "http_4xx", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.WriteHeader(tc.status)
				io.WriteString(w, tc.body)
			}))
			defer srv.Close()
			c := metrics.GetOrCreateCounter(`swanwatch_channel_errors_total{channel="test",kind="` + tc.kind + `"}`)
			before := c.Get()
			_, err := PostJSON(context.Background(), srv.Client(), Request{Channel: "test", URL: srv.URL + "/?key=k-secret", Body: map[string]string{"a": "b"}})
			require.Error(t, err)
			assert.Equal(t, tc.permanent, channels.IsPermanent(err))
			assert.Equal(t, before+1, c.Get())
			assert.Less(t, len(err.Error()), 2*maxDetail)
			assert.NotContains(t, err.Error(), "k-secret")
		})
	}
}

func TestPostJSONSendsHeadersAndReturnsBody(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Header.Get("X-Test") != "1" || string(b) != `{"标题":"告警"}` {
			http.Error(w, "bad", http.StatusBadRequest)
			return
		}
		io.WriteString(w, `{"errcode":0}`)
	}))
	defer srv.Close()
	body, err := PostJSON(context.Background(), srv.Client(), Request{
		Channel: "test", URL: srv.URL, Header: http.Header{"X-Test": {"1"}}, Body: map[string]string{"标题": "告警"},
	})
	require.NoError(t, err)
	assert.Equal(t, `{"errcode":0}`, string(body))
}
