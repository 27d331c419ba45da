package inventory

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const exportJSON = `{"targets":[
 {"name":"vm-1","kind":"agent","address":"http://10.0.0.1:9100/metrics","district":"湖滨区","level":"county","labels":{"env":"prod"},"params":{"path":"/m"}},
 {"name":"vm-2","kind":"agent","address":"http://10.0.0.2:9100/metrics","district":"义马"},
 {"name":"vm-3","kind":"agent","address":"http://10.0.0.3:9100/metrics","district":"湖滨区","colour":"red"},
 {"name":"vm-4","kind":"agent","address":"http://10.0.0.4:9100/metrics","district":"xiandai"}
]}`

// exportServer is a fake of the control plane's export on 127.0.0.1:0: the
// fault cases (500, garbage, a 100 MB body, a hang) are ones a real control
// plane cannot be made to produce on demand.
func exportServer(t *testing.T, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL + "/export"
}

func TestHTTPSource(t *testing.T) {
	var gotAuth string
	url := exportServer(t, func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		io.WriteString(w, exportJSON)
	})
	src := HTTPSource{URL: url, BearerToken: "tok-123", Timeout: 5 * time.Second}
	ts, ps := Load(context.Background(), Config{HTTP: []HTTPSource{src}}, agentOnly)
	assert.Equal(t, "Bearer tok-123", gotAuth)
	assert.Equal(t, []string{"vm-1", "vm-4"}, names(ts))
	assert.Equal(t, url+"#targets[0]", ts[0].Source)
	assert.Equal(t, map[string]string{"path": "/m"}, ts[0].Params)
	assert.Equal(t, "现代服务业开发区", ts[1].District)
	assert.Equal(t, []string{
		url + `: targets[2]: json: unknown field "colour"`,
		url + `: targets[1] ("vm-2"): unknown district "义马" (one of 市本级 义马市 渑池县 湖滨区 陕州区 灵宝市 卢氏县 经济开发区 城乡一体化示范区 现代服务业开发区, or its ASCII slug)`,
	}, problemStrings(ps))
}

func TestHTTPSourceFailures(t *testing.T) {
	hang := make(chan struct{})
	t.Cleanup(func() { close(hang) })
	tests := []struct {
		name string
		h    http.HandlerFunc
		want string
	}{
		{"500", func(w http.ResponseWriter, r *http.Request) { http.Error(w, "boom", 500) }, "get: unexpected status 500 Internal Server Error"},
		{"garbage", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "<html>login</html>") }, "decode export: invalid character '<'"},
		{"no targets", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{"items":[]}`) }, `decode export: no "targets" list`},
		{"100 MB", func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(`{"targets":[` + strings.Repeat(" ", 1<<20))
			for i := 0; i < 100; i++ {
				if _, err := w.Write(chunk); err != nil {
					return
				}
				chunk = chunk[:0]
				chunk = append(chunk, strings.Repeat(" ", 1<<20)...)
			}
		}, "body larger than 33554432 bytes: split the export or raise the limit"},
		{"timeout", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-r.Context().Done():
			case <-hang:
			}
		}, "context deadline exceeded"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			errs := metrics.GetOrCreateCounter(`swanwatch_inventory_http_fetch_errors_total`)
			before := errs.Get()
			url := exportServer(t, tt.h)
			src := HTTPSource{URL: url, Timeout: 300 * time.Millisecond}
			if tt.name == "100 MB" {
				src.Timeout = 20 * time.Second
			}
			start := time.Now()
			ts, ps := Load(context.Background(), Config{HTTP: []HTTPSource{src}}, agentOnly)
			assert.Empty(t, ts)
			require.Len(t, ps, 1)
			assert.True(t, strings.HasPrefix(ps[0].String(), url+": "), ps[0].String())
			assert.Contains(t, ps[0].String(), tt.want)
			assert.Equal(t, before+1, errs.Get(), "counted in own metrics")
			assert.Less(t, time.Since(start), 15*time.Second)
		})
	}
}

func TestHTTPSourceRedactsURL(t *testing.T) {
	url := exportServer(t, func(w http.ResponseWriter, r *http.Request) { http.Error(w, "no", 403) })
	withPass := strings.Replace(url, "http://", "http://user:pa55word@", 1)
	_, ps := Load(context.Background(), Config{HTTP: []HTTPSource{{URL: withPass, Timeout: time.Second}}}, agentOnly)
	require.Len(t, ps, 1)
	assert.NotContains(t, ps[0].String(), "pa55word")
	assert.Contains(t, ps[0].String(), "403")
	_, ps = Load(context.Background(), Config{HTTP: []HTTPSource{{URL: "http://user:pa55word@127.0.0.1:1/x", Timeout: time.Second}}}, agentOnly)
	require.Len(t, ps, 1)
	assert.NotContains(t, fmt.Sprint(ps), "pa55word")
	assert.Contains(t, ps[0].String(), "connection refused")
}
