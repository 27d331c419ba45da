package logstore

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// TestSearchPageInBrowser drives the page in a real Chromium: the script loads
// under the CSP, the form's filters reach the API, rows come newest first, and
// "更多" appends the next page.
func TestSearchPageInBrowser(t *testing.T) {
	now := time.Now()
	s := openTest(t, t.TempDir(), time.Now, nil)
	var evs []Event
	for i := range 30 {
		evs = append(evs, ev(now.Add(-time.Duration(30-i)*time.Minute), fmt.Sprintf("Deny TCP 10.0.0.%d 拒绝 #%02d", i, i),
			"instance", "fw-yima", "district", "义马市", "severity", []string{"major", "info"}[i%2], "class", "fw_deny", "source", "syslog"))
	}
	evs = append(evs, ev(now.Add(-time.Minute), "其他区县的事件 deny", "instance", "fw-hubin", "district", "湖滨区", "severity", "major", "class", "fw_deny"))
	require.NoError(t, s.Append(context.Background(), evs...))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /logs", s.ServeSearchPage)
	mux.HandleFunc("GET /logs/search.js", s.ServeSearchScript)
	mux.HandleFunc("GET /api/v1/events", s.ServeEvents)
	srv := httptest.NewServer(mux)
	defer srv.Close()

	resp, err := http.Get(srv.URL + "/logs")
	require.NoError(t, err)
	resp.Body.Close()
	assert.Contains(t, resp.Header.Get("Content-Security-Policy"), "script-src 'self'")

	browser := testpeer.Chromium(t, 1280, 900)
	_, err = chromedp.Run(browser, chromedp.Navigate(srv.URL+"/logs"))
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(browser, waitFor)
	defer cancel()
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const f = document.getElementById("search");
		f.district.value = "义马市";
		f.q.value = "DENY";
		f.querySelector('input[value="major"]').checked = true;
		f.limit.innerHTML = '<option selected>10</option>';
		f.requestSubmit();
		return true; })()`))
	require.NoError(t, err)
	rowsText := `Array.from(document.querySelectorAll("#rows tr td.text")).map(td => td.textContent)`
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#rows tr").length === 10`))
	require.NoError(t, err, "the first page shows")
	first, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](rowsText))
	require.NoError(t, err)
	assert.Equal(t, "Deny TCP 10.0.0.28 拒绝 #28", first[0], "newest first, major only, 义马市 only")
	assert.Equal(t, "Deny TCP 10.0.0.10 拒绝 #10", first[9])

	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(document.getElementById("more").click(), true)`))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.querySelectorAll("#rows tr").length === 15 && document.getElementById("more").style.display === "none"`))
	require.NoError(t, err, "更多 appends the last five and hides itself")
	all, err := chromedp.Run(ctx, chromedp.Evaluate[[]string](rowsText))
	require.NoError(t, err)
	assert.Equal(t, "Deny TCP 10.0.0.0 拒绝 #00", all[14])
	sev, err := chromedp.Run(ctx, chromedp.Evaluate[string](`document.querySelector("#rows tr td:nth-child(2)").textContent`))
	require.NoError(t, err)
	assert.Equal(t, "重要", sev)

	// A bad query is explained in Chinese, not as the API's English.
	_, err = chromedp.Run(ctx, chromedp.Evaluate[bool](`(() => {
		const f = document.getElementById("search");
		f.start.value = "2026-11-27T10:00:00"; f.end.value = "2026-11-27T09:00:00";
		f.requestSubmit(); return true; })()`))
	require.NoError(t, err)
	_, err = chromedp.Run(ctx, chromedp.Poll[bool](`document.getElementById("status").textContent === "查询失败：结束时间早于开始时间"`))
	require.NoError(t, err)
}
