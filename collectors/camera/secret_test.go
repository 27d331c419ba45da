package camera

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestPasswordNeverShown: the password (from a file, and one left in the address) reaches no
// error, log line, series, status or picture API, whatever the round's outcome.
func TestPasswordNeverShown(t *testing.T) {
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	var logs bytes.Buffer
	cfg := testConfig(func(c *Config) { c.FFmpegPath = NoDecoder })
	store, err := NewStore(t.TempDir(), cfg.PicturesBudget)
	require.NoError(t, err)
	c := New(cfg, store, slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { c.Close() })

	const filePW, urlPW = "FilePw-7QxZ", "UrlPw-9KmW"
	right := secretFile(t, testpeer.RTSPPassword)
	wrong := secretFile(t, filePW)
	host := strings.TrimPrefix(peer.URL(""), "rtsp://")
	targets := []collectors.Target{
		camTargetFor("ok", peer.URL("/auth"), map[string]string{"username": testpeer.RTSPUser, "password_file": right}),
		camTargetFor("wrong", peer.URL("/auth"), map[string]string{"username": testpeer.RTSPUser, "password_file": wrong}),
		camTargetFor("in-url", "rtsp://admin:"+urlPW+"@"+host+"auth", nil),
		camTargetFor("bad-url", "rtsp://admin:"+urlPW+"@"+host+":x/auth", nil),
		camTargetFor("refused", "rtsp://admin:"+urlPW+"@"+strings.TrimPrefix(closedRTSP(t), "rtsp://"), nil),
		camTargetFor("snap", peer.URL("/cam1"), map[string]string{"username": "admin", "password_file": wrong,
			"snapshot_url": newISAPISnapshot(t, "admin", "other", parkView(64, 36, 0)).URL()}),
	}
	var seen []string
	for _, tgt := range targets {
		rec, err := round(t, c, tgt, 10*time.Second)
		if err != nil {
			seen = append(seen, err.Error())
		}
		seen = append(seen, rec.Series()...)
	}
	status, _ := json.Marshal(c.Status())
	seen = append(seen, string(status), logs.String())
	for _, path := range []string{"/status", "/thumb?camera=ok", "/reference?camera=wrong"} {
		w := httptest.NewRecorder()
		c.ServeStatus(w, httptest.NewRequest(http.MethodGet, path, nil))
		seen = append(seen, w.Body.String())
	}
	all := strings.Join(seen, "\n")
	assert.Contains(t, all, "认证失败", "the wrong password was told")
	for _, pw := range []string{filePW, urlPW, testpeer.RTSPPassword} {
		assert.NotContains(t, all, pw)
	}
}

// TestPasswordFileRotation: the password file is read every round.
func TestPasswordFileRotation(t *testing.T) {
	peer := testpeer.RTSP(t, testpeer.RTSPOptions{})
	c := newTestCollector(t, testConfig(func(c *Config) { c.FFmpegPath = NoDecoder }))
	pw := secretFile(t, "old-password")
	tgt := camTargetFor("rot", peer.URL("/auth"), map[string]string{"username": testpeer.RTSPUser, "password_file": pw})
	_, err := round(t, c, tgt, 10*time.Second)
	assert.Equal(t, FailAuth, KindOf(err))
	require.NoError(t, writeFile(pw, testpeer.RTSPPassword))
	_, err = round(t, c, tgt, 10*time.Second)
	require.NoError(t, err)
	err = c.Collect(context.Background(), camTargetFor("nofile", peer.URL("/auth"),
		map[string]string{"password_file": "/nonexistent/pw"}), func(string, float64, ...string) {})
	assert.ErrorContains(t, err, "password_file")
}
