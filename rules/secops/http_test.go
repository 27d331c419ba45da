package secops

import (
	"bytes"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serve mounts the handlers as the app's route table does (without auth).
func serve(t *testing.T, s *Service) *httptest.Server {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/security/scans", s.ServeImportScan)
	mux.HandleFunc("GET /api/v1/security/scans", s.ServeScans)
	mux.HandleFunc("GET /api/v1/security/vulnerabilities", s.ServeVulnerabilities)
	mux.HandleFunc("POST /api/v1/security/vulnerabilities/{id}/state", s.ServeVulnerabilityState)
	mux.HandleFunc("POST /api/v1/security/notices", s.ServeCreateNotice)
	mux.HandleFunc("GET /api/v1/security/notices", s.ServeNotices)
	mux.HandleFunc("POST /api/v1/security/notices/{id}/response", s.ServeNoticeResponse)
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

type reply struct {
	Status string          `json:"status"`
	Error  string          `json:"error"`
	Data   json.RawMessage `json:"data"`
}

func do(t *testing.T, method, url, ctype string, body io.Reader) (int, reply) {
	t.Helper()
	req, err := http.NewRequest(method, url, body)
	require.NoError(t, err)
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	assert.Equal(t, "application/json; charset=utf-8", resp.Header.Get("Content-Type"))
	var r reply
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return resp.StatusCode, r
}

func multipartFile(t *testing.T, name string) (string, io.Reader) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	require.NoError(t, err)
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(t, err)
	_, err = fw.Write(b)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return mw.FormDataContentType(), &buf
}

func TestAPI(t *testing.T) {
	f := newFixture(t, cstTime(2026, 12, 7, 10, 0))
	f.svc.who = func(*http.Request) string { return "wang" }
	srv := serve(t, f.svc)
	api := srv.URL + "/api/v1/security/"

	// The CSV as a browser uploads it; the XML as a script posts it.
	ctype, body := multipartFile(t, "scan-2026q4.csv")
	code, r := do(t, "POST", api+"scans?scanned_at=2026-12-06T22:00:00%2B08:00&name=等保测评前扫描", ctype, body)
	require.Equal(t, http.StatusOK, code, r.Error)
	var rec ScanRecord
	require.NoError(t, json.Unmarshal(r.Data, &rec))
	assert.Equal(t, FormatCSV, rec.Format)
	assert.Equal(t, "wang", rec.ImportedBy)
	assert.Equal(t, 5, rec.Opened)
	assert.True(t, rec.ScannedAt.Equal(cstTime(2026, 12, 6, 22, 0)))
	xml, err := os.Open("testdata/gvm-2026q4.xml")
	require.NoError(t, err)
	defer xml.Close()
	code, r = do(t, "POST", api+"scans", "application/xml", xml) // sniffed as OpenVAS
	require.Equal(t, http.StatusOK, code, r.Error)
	require.NoError(t, json.Unmarshal(r.Data, &rec))
	assert.Equal(t, FormatOpenVAS, rec.Format)

	var vs []Vulnerability
	code, r = do(t, "GET", api+"vulnerabilities?severity=紧急&state=open", "", nil)
	require.Equal(t, http.StatusOK, code, r.Error)
	require.NoError(t, json.Unmarshal(r.Data, &vs))
	require.Len(t, vs, 3)
	assert.Equal(t, "紧急", vs[0].SeverityWord)
	code, r = do(t, "GET", api+"vulnerabilities?overdue=true", "", nil)
	require.Equal(t, http.StatusOK, code, r.Error)
	require.NoError(t, json.Unmarshal(r.Data, &vs))
	assert.Len(t, vs, 3, "the November scan's 紧急 and 高危 are past 7 days")
	code, r = do(t, "GET", api+"vulnerabilities?host=10.8.2.12", "", nil)
	require.Equal(t, http.StatusOK, code)
	require.NoError(t, json.Unmarshal(r.Data, &vs))
	assert.Len(t, vs, 2)

	code, r = do(t, "POST", api+"vulnerabilities/1/state", "application/json",
		strings.NewReader(`{"state":"已接受","reason":"内网隔离，待系统迁移"}`))
	require.Equal(t, http.StatusOK, code, r.Error)
	var v Vulnerability
	require.NoError(t, json.Unmarshal(r.Data, &v))
	assert.Equal(t, Accepted, v.State)
	assert.Equal(t, "wang", v.ChangedBy)

	received := time.Date(2026, 12, 7, 9, 30, 0, 0, time.FixedZone("", 8*3600)).Format(time.RFC3339)
	code, r = do(t, "POST", api+"notices", "application/json", strings.NewReader(`{"title":"关于门户网站被篡改的通报",
		"issuer":"省网信办","received_at":"`+received+`","text":"请立即处置并于24小时内反馈。","systems":["门户网站"]}`))
	require.Equal(t, http.StatusCreated, code, r.Error)
	var n Notice
	require.NoError(t, json.Unmarshal(r.Data, &n))
	assert.Equal(t, "wang", n.CreatedBy)
	assert.Equal(t, int64(30*60), n.ResponseSeconds)
	code, r = do(t, "POST", api+"notices/1/response", "application/json", strings.NewReader(`{"text":"已恢复页面并加固"}`))
	require.Equal(t, http.StatusOK, code, r.Error)
	require.NoError(t, json.Unmarshal(r.Data, &n))
	assert.Equal(t, "已答复", n.StateWord)
	assert.Equal(t, "wang", n.RespondedBy)
	code, r = do(t, "GET", api+"notices?open=true", "", nil)
	require.Equal(t, http.StatusOK, code)
	assert.JSONEq(t, `[]`, string(r.Data))
}

// Every bad request is a 4xx with the reason in Chinese, and changes nothing.
func TestAPIRejects(t *testing.T) {
	f := newFixture(t, cstTime(2026, 12, 7, 10, 0))
	srv := serve(t, f.svc)
	api := srv.URL + "/api/v1/security/"
	for _, c := range []struct {
		method, path, ctype, body string
		code                      int
		want                      string
	}{
		{"POST", "scans?format=nessus", "", "x", 400, "format \"nessus\" 无效"},
		{"POST", "scans?format=csv", "", "cve,host\n", 400, "表头缺少列"},
		{"POST", "scans", "", "<report><results><result><host>h</host>", 400, "XML 格式错误"},
		{"POST", "scans?scanned_at=yesterday", "", "", 400, "scanned_at"},
		{"POST", "scans", "multipart/form-data; boundary=x", "--x--\r\n", 400, "没有 file 字段"},
		{"GET", "vulnerabilities?state=done", "", "", 400, "状态 \"done\" 无效"},
		{"GET", "vulnerabilities?severity=urgent", "", "", 400, "等级 \"urgent\" 无效"},
		{"GET", "vulnerabilities?overdue=maybe", "", "", 400, "overdue"},
		{"POST", "vulnerabilities/x/state", "", "{}", 400, "漏洞编号须为正整数"},
		{"POST", "vulnerabilities/9/state", "", `{"state":"accepted","reason":"r"}`, 404, "没有这条记录（漏洞编号 9）"},
		{"POST", "vulnerabilities/9/state", "", `{"state":"fixed"}`, 400, "已修复须由之后的扫描证实"},
		{"POST", "vulnerabilities/9/state", "", `{"state":"accepted","why":"r"}`, 400, "unknown field"},
		{"POST", "notices", "", `{"title":"t"}`, 400, "通报须有标题"},
		{"POST", "notices", "", `{"title":"t","received_at":"today"}`, 400, "请求体须为 JSON"},
		{"POST", "notices", "", `{"text":"` + strings.Repeat("字", maxBody) + `"}`, 413, "请求体超过 256 KiB"},
		{"POST", "notices/3/response", "", `{"text":"ok"}`, 404, "没有这条记录（通报编号 3）"},
		{"POST", "notices/3/response", "", `{"text":" "}`, 400, "答复内容"},
	} {
		t.Run(c.method+" "+c.path, func(t *testing.T) {
			code, r := do(t, c.method, api+c.path, c.ctype, strings.NewReader(c.body))
			assert.Equal(t, c.code, code)
			assert.Equal(t, "error", r.Status)
			assert.Contains(t, r.Error, c.want)
		})
	}
	scans, err := f.svc.Scans(t.Context())
	require.NoError(t, err)
	assert.Empty(t, scans)
}

// A report past the bound is 413, read no further than the bound.
func TestAPIRefusesOversizedScan(t *testing.T) {
	lowerScanLimit(t)
	f := newFixture(t, cstTime(2026, 12, 7, 10, 0))
	srv := serve(t, f.svc)
	body := io.MultiReader(strings.NewReader("cve,host,severity,name,port\n"),
		strings.NewReader(strings.Repeat(",h,,,\n", 1<<20/6+1)))
	code, r := do(t, "POST", srv.URL+"/api/v1/security/scans?format=csv", "text/csv", body)
	assert.Equal(t, http.StatusRequestEntityTooLarge, code)
	assert.Contains(t, r.Error, "报告过大（上限 1 MiB）")
}
