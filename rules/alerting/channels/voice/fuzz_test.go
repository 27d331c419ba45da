package voice

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

var fuzzNow = time.Date(2026, 12, 7, 3, 0, 0, 0, shanghai)

// checkItems holds what every parser promises: a time always set, and,
// once cleaned, keys of digits * # only and a short valid status.
func checkItems(t *testing.T, items []item) {
	t.Helper()
	for _, it := range items {
		if it.At.IsZero() {
			t.Fatalf("report without a time: %+v", it)
		}
		r := it.Report
		r.clean()
		if strings.Trim(r.Keys, "0123456789*#") != "" || len(r.Keys) > 32 {
			t.Fatalf("keys %q", r.Keys)
		}
		if len(r.Status) > 64 || !utf8.ValidString(r.Status) {
			t.Fatalf("status %q", r.Status)
		}
	}
}

func FuzzAliyunReport(f *testing.F) {
	f.Add([]byte(`[{"call_id":"1^2","status_code":"200000","out_id":"c1","dtmf":"1","end_time":"2026-12-07 03:14:25","duration":"20"}]`))
	f.Add([]byte(`{"status_code":"300000","dtmf":"1#","status_time":"2023-03-06 16:21:12","out_id":"x"}`))
	f.Add([]byte(`[{"status_code":200003,"duration":"10秒","start_time":null}]`))
	f.Add([]byte(`[{"status_code":"200102"}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := parseAliyun(body, fuzzNow)
		if err != nil {
			return
		}
		checkItems(t, items)
	})
}

func FuzzTencentReport(f *testing.F) {
	f.Add([]byte(`{"voiceprompt_callback":{"result":"0","callid":"a","end_calltime":"1470197221"}}`))
	f.Add([]byte(`{"voicekey_callback":{"callid":"a","keypress":"1"}}`))
	f.Add([]byte(`{"voice_failure_callback":{"callid":"a","failure_code":8,"failure_reason":"空号"}}`))
	f.Add([]byte(`[{"voicecode_callback":{"result":"2","callid":"b"}}]`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := parseTencent(body, fuzzNow)
		if err != nil {
			return
		}
		checkItems(t, items)
		for _, it := range items {
			if it.callID == "" {
				t.Fatalf("accepted a callback without callid: %s", body)
			}
		}
	})
}

func FuzzGenericReport(f *testing.F) {
	format := genericConfig("http://x").Generic.Report
	f.Add([]byte(`{"records":[{"ref":"c1","state":"ANSWERED","digits":"1","endTime":"2026-12-07T03:14:25+08:00"}]}`))
	f.Add([]byte(`{"records":{"callId":"gw-1","state":"NO_ANSWER","endTime":1796584500}}`))
	f.Add([]byte(`{"records":[{"state":null},{"state":{"a":1}}]}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		items, err := parseGeneric(body, format, fuzzNow)
		if err != nil {
			return
		}
		checkItems(t, items)
	})
}

// FuzzReceiver drives the whole handler: any body answers 200, 400, 403 or
// 413, never a panic or a 500 (onReport here never fails otherwise).
func FuzzReceiver(f *testing.F) {
	s, err := New(aliyunConfig("http://127.0.0.1:1/"), nil, quiet())
	if err != nil {
		f.Fatal(err)
	}
	rec := newRecorder("c1")
	h, err := s.Receiver(rec.onReport)
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(`[{"status_code":"200000","out_id":"c1"}]`))
	f.Add([]byte(`[{"status_code":"200000","out_id":"forged"}]`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, body []byte) {
		req := httptest.NewRequest(http.MethodPost, "/hooks/voice/duty?token="+hookTok, strings.NewReader(string(body)))
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req.WithContext(context.Background()))
		switch w.Code {
		case http.StatusOK, http.StatusBadRequest, http.StatusForbidden, http.StatusRequestEntityTooLarge:
		default:
			t.Fatalf("status %d for %q", w.Code, body)
		}
	})
}
