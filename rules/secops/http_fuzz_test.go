package secops

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzNoticeBody: whatever the body of a notice or its response, the
// answer is 201/200 or a 4xx with a reason, never a 5xx or a panic.
func FuzzNoticeBody(f *testing.F) {
	f.Add(`{"title":"关于门户网站被篡改的通报","issuer":"省网信办","received_at":"2026-12-07T09:30:00+08:00","text":"请处置","systems":["门户网站"]}`)
	f.Add(`{"text":"已处置"}`)
	f.Add(`{"title":1}`)
	db := newFixture(f, cstTime(2026, 12, 7, 10, 0))
	f.Fuzz(func(t *testing.T, body string) {
		for _, h := range []struct {
			serve func(http.ResponseWriter, *http.Request)
			id    string
		}{{db.svc.ServeCreateNotice, ""}, {db.svc.ServeNoticeResponse, "1"}, {db.svc.ServeVulnerabilityState, "1"}} {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.SetPathValue("id", h.id)
			rr := httptest.NewRecorder()
			h.serve(rr, req)
			if rr.Code >= 500 || !strings.Contains(rr.Body.String(), `"status"`) {
				t.Fatalf("%d %s", rr.Code, rr.Body.String())
			}
		}
	})
}
