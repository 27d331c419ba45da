package issue

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// serveReports routes the handlers as the server's route table does.
func serveReports(t *testing.T, s *Service) func(path string) *http.Response {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/v1/reports/sla", s.Months)
	mux.HandleFunc("GET /api/v1/reports/sla/{month}", s.MonthReport)
	mux.HandleFunc("GET /api/v1/reports/inspection/{date}", s.Inspection)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return func(path string) *http.Response {
		resp, err := http.Get(srv.URL + path)
		require.NoError(t, err)
		t.Cleanup(func() { resp.Body.Close() })
		return resp
	}
}

func body(t *testing.T, resp *http.Response) string {
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return string(b)
}

// A month's report in every format, as an attachment with its Chinese file
// name; a month not frozen is provisional.
func TestMonthReportDownload(t *testing.T) {
	f := newReportFixture(t)
	get := serveReports(t, f.s)
	for format, ctype := range contentTypes {
		resp := get("/api/v1/reports/sla/2026-10?format=" + format)
		require.Equal(t, http.StatusOK, resp.StatusCode, format)
		assert.Equal(t, ctype, resp.Header.Get("Content-Type"))
		assert.Equal(t, `attachment; filename="report.`+format+`"; filename*=UTF-8''SLA%E6%9C%88%E6%8A%A5-2026-10.`+format,
			resp.Header.Get("Content-Disposition"))
		assert.Equal(t, "no-store", resp.Header.Get("Cache-Control"))
		b := body(t, resp)
		assert.NotEmpty(t, b)
		if format == "html" {
			assert.Contains(t, b, "临时报告")
		}
	}
	assert.Equal(t, "application/pdf", get("/api/v1/reports/sla/2026-10").Header.Get("Content-Type"), "pdf by default")
}

func TestReportRequestsRefused(t *testing.T) {
	f := newReportFixture(t)
	get := serveReports(t, f.s)
	for _, c := range []struct {
		path, err string
		code      int
	}{
		{"/api/v1/reports/sla/2026-13?format=pdf", `not a calendar date: \"2026-13\", want 2006-01`, http.StatusBadRequest},
		{"/api/v1/reports/sla/2026-10?format=docx", `format \"docx\": want pdf, xlsx or html`, http.StatusBadRequest},
		{"/api/v1/reports/sla/2999-01", "report of 2999-01: the month has not begun", http.StatusNotFound},
		{"/api/v1/reports/inspection/2020-01-01", "no inspection report for 2020-01-01", http.StatusNotFound},
		{"/api/v1/reports/inspection/..%2F..%2Fetc%2Fpasswd", "want a date YYYY-MM-DD and format html or pdf", http.StatusBadRequest},
		{"/api/v1/reports/inspection/2026-11-01?format=xlsx", "want a date YYYY-MM-DD and format html or pdf", http.StatusBadRequest},
	} {
		resp := get(c.path)
		assert.Equal(t, c.code, resp.StatusCode, c.path)
		assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
		assert.Equal(t, `{"error":"`+c.err+`","status":"error"}`+"\n", body(t, resp), c.path)
	}
	f.s.busy <- struct{}{}
	resp := get("/api/v1/reports/sla/2026-10")
	<-f.s.busy
	assert.Equal(t, http.StatusServiceUnavailable, resp.StatusCode, "one report at a time")
	assert.Equal(t, "30", resp.Header.Get("Retry-After"))
}

// The months: the current one first (nothing closed yet), then the ledger's.
func TestMonthsList(t *testing.T) {
	f := newReportFixture(t)
	f.closeAndFreeze(t) // the clock is now 2026-11-04
	var got struct {
		Status string      `json:"status"`
		Data   []monthView `json:"data"`
	}
	resp := serveReports(t, f.s)("/api/v1/reports/sla")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&got))
	assert.Equal(t, "success", got.Status)
	require.Len(t, got.Data, 2)
	assert.Equal(t, monthView{Month: "2026-11", Days: 30}, got.Data[0])
	oct := got.Data[1]
	assert.Equal(t, "2026-10", oct.Month)
	assert.Equal(t, 31, oct.Days)
	assert.Equal(t, 31, oct.ClosedDays)
	assert.True(t, oct.Frozen)
	assert.True(t, oct.FrozenAt.Equal(time.Date(2026, 11, 4, 0, 10, 0, 0, cst.Location)), oct.FrozenAt)
	assert.Len(t, oct.InputSHA256, 64)
}

// A kept inspection report is served as kept; today's, not kept yet, is
// built on the spot.
func TestInspectionDownload(t *testing.T) {
	f := newReportFixture(t)
	get := serveReports(t, f.s)
	f.setClock(time.Date(2026, 10, 31, 12, 0, 0, 0, cst.Location))
	resp := get("/api/v1/reports/inspection/2026-10-31")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "text/html; charset=utf-8", resp.Header.Get("Content-Type"))
	assert.Contains(t, resp.Header.Get("Content-Disposition"), "filename*=UTF-8''%E5%B7%A1%E6%A3%80%E6%8A%A5%E5%91%8A-2026-10-31.html")
	assert.Contains(t, body(t, resp), "日常巡检报告")

	dir := f.getSettings().Dir
	require.NoError(t, os.MkdirAll(dir, 0o750))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "巡检报告-2026-10-30.pdf"), []byte("%PDF-kept"), 0o640))
	resp = get("/api/v1/reports/inspection/2026-10-30?format=pdf")
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "application/pdf", resp.Header.Get("Content-Type"))
	assert.Equal(t, "%PDF-kept", body(t, resp))
}
