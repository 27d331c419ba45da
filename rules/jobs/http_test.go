package jobs

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve mounts the handlers as the app's route table does.
func serve(t *testing.T, svc *Service) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/jobs/{name}/runs", svc.ServePush)
	mux.HandleFunc("GET /api/v1/jobs", svc.ServeList)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

// curlPush pushes body as a backup script does, with curl (its headers from
// a file, so the token is not on the command line), and returns the status
// and the answer.
func curlPush(t *testing.T, url, token, body string) (int, string) {
	t.Helper()
	curl, err := exec.LookPath("curl")
	require.NoError(t, err, "curl is needed (apt-get install curl; scripts/install-peers.sh)")
	dir := t.TempDir()
	headers := filepath.Join(dir, "headers")
	h := "Content-Type: application/json\n"
	if token != "" {
		h += "Authorization: Bearer " + token + "\n"
	}
	require.NoError(t, os.WriteFile(headers, []byte(h), 0o600))
	out := filepath.Join(dir, "answer")
	cmd := exec.Command(curl, "-sS", "--max-time", "10", "-o", out, "-w", "%{http_code}",
		"-H", "@"+headers, "--data-binary", "@-", url)
	cmd.Stdin = strings.NewReader(body)
	code, err := cmd.Output()
	require.NoError(t, err, "curl: %s", code)
	n, err := strconv.Atoi(string(code))
	require.NoError(t, err)
	answer, err := os.ReadFile(out)
	require.NoError(t, err)
	return n, string(answer)
}

func TestPushWithCurl(t *testing.T) {
	f := newFixture(t, at(2026, 12, 7, 2, 50))
	srv := serve(t, f.svc)
	url := srv.URL + "/api/v1/jobs/oa-db-backup/runs"

	code, answer := curlPush(t, url, testToken, `{"status":"success","started_at":"2026-12-07T02:00:03+08:00",
		"finished_at":"2026-12-07T02:41:09+08:00","bytes":81604378624,"message":"full backup"}`)
	require.Equal(t, http.StatusOK, code, answer)
	var got struct {
		Data struct {
			Run       Run  `json:"run"`
			Duplicate bool `json:"duplicate"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal([]byte(answer), &got))
	assert.Equal(t, StatusSuccess, got.Data.Run.Status)
	assert.True(t, got.Data.Run.StartedAt.Equal(at(2026, 12, 7, 2, 0).Add(3*time.Second)))
	assert.Equal(t, int64(81604378624), got.Data.Run.Bytes)
	assert.False(t, got.Data.Duplicate)

	evs := f.events.take()
	require.Equal(t, []string{EventSucceeded}, kinds(evs))
	assert.Equal(t, map[string]string{"source": "job", "job": "oa-db-backup", "system": "协同办公",
		"event": "succeeded", "requirement": "R-A9", "job_kind": "backup", "severity": "info"}, evs[0].Labels)
	assert.Equal(t, "作业成功：协同办公 的备份作业 oa-db-backup 于 2026-12-07 02:00:03 开始，用时 41分6秒，数据量 76 GiB。full backup", evs[0].Text)

	v, ok := f.series.get(seriesLastStatus, "oa-db-backup")
	assert.True(t, ok && v == 1, "job_last_status written at the change")
	v, _ = f.series.get(seriesLastBytes, "oa-db-backup")
	assert.Equal(t, 81604378624.0, v)
	v, _ = f.series.get(seriesLastDuration, "oa-db-backup")
	assert.Equal(t, 2466.0, v)

	// The script's retry of the same run is taken once.
	code, answer = curlPush(t, url, testToken, `{"status":"success","started_at":1796580003,"finished_at":1796582469}`)
	require.Equal(t, http.StatusOK, code, answer)
	assert.Contains(t, answer, `"duplicate":true`)
	assert.Empty(t, f.events.take(), "a retried push raises nothing again")
}

func TestPushRejections(t *testing.T) {
	f := newFixture(t, at(2026, 12, 7, 2, 50))
	srv := serve(t, f.svc)
	url := srv.URL + "/api/v1/jobs/oa-db-backup/runs"
	good := `{"status":"failed","duration_seconds":60}`

	auth, unknown, bad, large := mRejectAuth.Get(), mRejectUnknown.Get(), mRejectBad.Get(), mRejectLarge.Get()
	code, answer := curlPush(t, url, "", good)
	assert.Equal(t, http.StatusUnauthorized, code, answer)
	code, answer = curlPush(t, url, testToken+"x", good)
	assert.Equal(t, http.StatusUnauthorized, code, answer)
	code, answer = curlPush(t, url, strings.ToUpper(testToken), good)
	assert.Equal(t, http.StatusUnauthorized, code, answer)
	assert.NotContains(t, answer, testToken)
	assert.Equal(t, auth+3, mRejectAuth.Get(), "every refused token is counted")

	code, _ = curlPush(t, srv.URL+"/api/v1/jobs/no-such-job/runs", testToken, good)
	assert.Equal(t, http.StatusNotFound, code)
	assert.Equal(t, unknown+1, mRejectUnknown.Get())

	for _, tc := range []struct{ body, reason string }{
		{`{"status":"done"}`, `status \"done\" must be success, failed or running`},
		{`{"status":"success"}`, "started_at is required"},
		{`{"status":"success","started_at":1796580003000}`, "milliseconds"},
		{`{"status":"success","started_at":"yesterday"}`, "want RFC 3339"},
		{`{"status":"success","finished_at":"2026-12-07T02:41:09+08:00","duration_seconds":5}`, "not both"},
		{`{"status":"running","duration_seconds":5}`, "a running run has no finished_at"},
		{`{"status":"success","started_at":"2026-12-07T09:00:00+08:00","duration_seconds":5}`, "in the future"},
		{`{"status":"success","duration_seconds":5,"bytes":-1}`, "bytes -1"},
		{`{"status":"success"} {"status":"failed"}`, "data after the JSON object"},
		{`[1,2]`, "not a JSON run object"},
	} {
		code, answer := curlPush(t, url, testToken, tc.body)
		assert.Equal(t, http.StatusBadRequest, code, tc.body)
		assert.Contains(t, answer, tc.reason, tc.body)
	}
	assert.Equal(t, bad+10, mRejectBad.Get())

	code, _ = curlPush(t, url, testToken, `{"status":"success","message":"`+strings.Repeat("x", MaxBodyBytes)+`"}`)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	assert.Equal(t, large+1, mRejectLarge.Get())
	assert.Empty(t, f.events.take(), "nothing refused raised an event")
}

// A rotated token applies without a restart; an unreadable file refuses
// every push (and is not the token).
func TestPushTokenRotation(t *testing.T) {
	f := newFixture(t, at(2026, 12, 7, 2, 50))
	srv := serve(t, f.svc)
	url := srv.URL + "/api/v1/jobs/oa-db-backup/runs"
	body := `{"status":"failed","duration_seconds":60}`
	path := f.svc.jobs["oa-db-backup"].cfg.TokenFile
	require.NoError(t, os.WriteFile(path, []byte("a-brand-new-token-of-2027\n"), 0o600))
	future := time.Now().Add(time.Hour)
	require.NoError(t, os.Chtimes(path, future, future)) // a new mtime even within the file system's granularity
	code, _ := curlPush(t, url, testToken, body)
	assert.Equal(t, http.StatusUnauthorized, code)
	code, answer := curlPush(t, url, "a-brand-new-token-of-2027", body)
	assert.Equal(t, http.StatusOK, code, answer)
	require.NoError(t, os.Remove(path))
	code, _ = curlPush(t, url, "a-brand-new-token-of-2027", body)
	assert.Equal(t, http.StatusUnauthorized, code)
}

func TestListShowsLastRunAndState(t *testing.T) {
	f := newFixture(t, at(2026, 12, 7, 2, 50))
	srv := serve(t, f.svc)
	f.report(t, "oa-db-backup", Report{Status: StatusFailed, StartedAt: at(2026, 12, 7, 2, 0),
		FinishedAt: at(2026, 12, 7, 2, 10), Message: "disk full"})
	resp, err := http.Get(srv.URL + "/api/v1/jobs")
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusOK, resp.StatusCode)
	raw, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	assert.NotContains(t, string(raw), testToken)
	assert.NotContains(t, string(raw), ".token", "no token path either")
	var got struct {
		Data struct {
			Jobs []JobView `json:"jobs"`
		} `json:"data"`
	}
	require.NoError(t, json.Unmarshal(raw, &got))
	require.Len(t, got.Data.Jobs, 1)
	j := got.Data.Jobs[0]
	assert.Equal(t, "oa-db-backup", j.Name)
	assert.Equal(t, "failed", j.State)
	assert.Equal(t, "作业失败", j.StateText)
	require.NotNil(t, j.LastRun)
	assert.Equal(t, "disk full", j.LastRun.Message)
	assert.True(t, j.NextRun.Equal(at(2026, 12, 8, 2, 0)), j.NextRun)
	assert.Equal(t, "2小时24分", j.Grace, "grace defaults to 10 % of the period, a day")
}
