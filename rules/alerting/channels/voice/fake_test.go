package voice

// Fakes of the two providers' call APIs. They follow the published pages —
// aliyun "SingleCallByTts" and "签名机制" (RPC, signature 1.0); tencent
// "指定模板发送语音通知" (SendTtsVoice, 2020-09-02) and "签名方法 v3" — and
// check what the platforms check (credentials, timestamp window, nonce
// reuse, required fields, the signature) with this file's own signing code,
// never the sender's.

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// --- independent signing (test code) ---

// rfc3986 percent-encodes as the aliyun page describes: A-Z a-z 0-9 - _ . ~
// stay, every other byte is %XX upper-case.
func rfc3986(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || strings.IndexByte("-_.~", c) >= 0 {
			b.WriteByte(c)
			continue
		}
		fmt.Fprintf(&b, "%%%02X", c)
	}
	return b.String()
}

// aliyunSignature recomputes signature 1.0 over every parameter but Signature.
func aliyunSignature(method string, params url.Values, secret string) string {
	var names []string
	for k := range params {
		if k != "Signature" {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	var pairs []string
	for _, k := range names {
		pairs = append(pairs, rfc3986(k)+"="+rfc3986(params.Get(k)))
	}
	toSign := method + "&" + rfc3986("/") + "&" + rfc3986(strings.Join(pairs, "&"))
	m := hmac.New(sha1.New, []byte(secret+"&"))
	io.WriteString(m, toSign)
	return base64.StdEncoding.EncodeToString(m.Sum(nil))
}

// tc3Signature recomputes TC3-HMAC-SHA256 for a POST with the signed headers
// content-type and host.
func tc3Signature(key, service, host, contentType string, payload []byte, ts int64) (sig, date string) {
	date = time.Unix(ts, 0).UTC().Format("2006-01-02")
	ph := sha256.Sum256(payload)
	canonical := strings.Join([]string{"POST", "/", "", "content-type:" + contentType, "host:" + host, "",
		"content-type;host", hex.EncodeToString(ph[:])}, "\n")
	ch := sha256.Sum256([]byte(canonical))
	toSign := strings.Join([]string{"TC3-HMAC-SHA256", strconv.FormatInt(ts, 10), date + "/" + service + "/tc3_request",
		hex.EncodeToString(ch[:])}, "\n")
	mac := func(k []byte, msg string) []byte {
		h := hmac.New(sha256.New, k)
		io.WriteString(h, msg)
		return h.Sum(nil)
	}
	k := mac(mac(mac([]byte("TC3"+key), date), service), "tc3_request")
	return hex.EncodeToString(mac(k, toSign)), date
}

// --- aliyun ---

type aliyunCall struct {
	Params url.Values
	Vars   map[string]string // TtsParam decoded
}

type aliyunFake struct {
	t      *testing.T
	id     string
	secret string
	srv    *httptest.Server

	mu     sync.Mutex
	nonces map[string]bool
	calls  []aliyunCall
	// next, if set, answers instead of success (after all checks passed):
	// the error code to return, consumed one per request.
	next []string
	// refuse, if set, may answer an error code for a request that passed
	// every check (a per-callee flow control, say).
	refuse func(p url.Values) string
}

func newAliyunFake(t *testing.T, id, secret string) *aliyunFake {
	f := &aliyunFake{t: t, id: id, secret: secret, nonces: map[string]bool{}}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *aliyunFake) serve(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		f.fail(w, 400, "MissingParameter", "bad form")
		return
	}
	p := r.Form
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, name := range []string{"AccessKeyId", "Action", "Format", "Version", "SignatureMethod", "SignatureVersion",
		"SignatureNonce", "Timestamp", "Signature", "CalledNumber", "TtsCode"} {
		if p.Get(name) == "" {
			f.fail(w, 400, "MissingParameter", "missing "+name)
			return
		}
	}
	ts, err := time.Parse("2006-01-02T15:04:05Z", p.Get("Timestamp"))
	switch {
	case p.Get("AccessKeyId") != f.id:
		f.fail(w, 404, "InvalidAccessKeyId.NotFound", "Specified access key is not found.")
	case p.Get("Action") != "SingleCallByTts" || p.Get("Version") != "2017-05-25":
		f.fail(w, 400, "InvalidAction.NotFound", "unknown action or version")
	case p.Get("SignatureMethod") != "HMAC-SHA1" || p.Get("SignatureVersion") != "1.0":
		f.fail(w, 400, "InvalidSignatureMethod", "want HMAC-SHA1 1.0")
	case err != nil || time.Since(ts).Abs() > 15*time.Minute:
		f.fail(w, 400, "InvalidTimeStamp.Expired", "timestamp out of window")
	case f.nonces[p.Get("SignatureNonce")]:
		f.fail(w, 400, "SignatureNonceUsed", "nonce reused")
	case aliyunSignature(r.Method, p, f.secret) != p.Get("Signature"):
		f.fail(w, 400, "SignatureDoesNotMatch", "Specified signature is not matched with our calculation. server string to sign is:"+f.secret)
	case strings.HasPrefix(p.Get("CalledNumber"), "+"):
		f.fail(w, 400, "isv.MOBILE_NUMBER_ILLEGAL", "number with +")
	default:
		f.nonces[p.Get("SignatureNonce")] = true
		var vars map[string]string
		if err := json.Unmarshal([]byte(p.Get("TtsParam")), &vars); err != nil {
			f.fail(w, 400, "isv.INVALID_PARAMETERS", "TtsParam is not JSON")
			return
		}
		if len(f.next) > 0 {
			code := f.next[0]
			f.next = f.next[1:]
			f.fail(w, 200, code, "scripted")
			return
		}
		if f.refuse != nil {
			if code := f.refuse(p); code != "" {
				f.fail(w, 200, code, "触发号码分钟级流控")
				return
			}
		}
		f.calls = append(f.calls, aliyunCall{Params: p, Vars: vars})
		json.NewEncoder(w).Encode(map[string]string{"Code": "OK", "Message": "OK", "RequestId": "R-" + strconv.Itoa(len(f.calls)),
			"CallId": fmt.Sprintf("1000016165%02d^10000187%04d", len(f.calls), len(f.calls))})
	}
}

func (f *aliyunFake) fail(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"Code": code, "Message": msg, "RequestId": "R-err"})
}

func (f *aliyunFake) script(codes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next = append(f.next, codes...)
}

func (f *aliyunFake) got() []aliyunCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]aliyunCall(nil), f.calls...)
}

// --- tencent ---

type tencentCall struct {
	TemplateId, CalledNumber, VoiceSdkAppid, SessionContext string
	TemplateParamSet                                        []string
	PlayTimes                                               int
	CallID                                                  string
}

type tencentFake struct {
	t        *testing.T
	id, key  string
	srv      *httptest.Server
	mu       sync.Mutex
	calls    []tencentCall
	next     []string
	lastAuth string
}

func newTencentFake(t *testing.T, id, key string) *tencentFake {
	f := &tencentFake{t: t, id: id, key: key}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *tencentFake) serve(w http.ResponseWriter, r *http.Request) {
	payload, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	defer f.mu.Unlock()
	f.lastAuth = r.Header.Get("Authorization")
	if err := f.check(r, payload); err != "" {
		code, msg, _ := strings.Cut(err, ": ")
		f.fail(w, code, msg)
		return
	}
	var c tencentCall
	if json.Unmarshal(payload, &c) != nil || c.TemplateId == "" || c.VoiceSdkAppid == "" || c.TemplateParamSet == nil {
		f.fail(w, "MissingParameter", "TemplateId, VoiceSdkAppid and TemplateParamSet are required")
		return
	}
	if !strings.HasPrefix(c.CalledNumber, "+86") || len(c.CalledNumber) < 8 {
		f.fail(w, "InvalidParameterValue.CalledNumberVerifyFail", "CalledNumber must be e.164")
		return
	}
	if len(f.next) > 0 {
		code := f.next[0]
		f.next = f.next[1:]
		f.fail(w, code, "scripted")
		return
	}
	c.CallID = fmt.Sprintf("12582bce-403c-11eb-96b8-5254004760%02d", len(f.calls))
	f.calls = append(f.calls, c)
	fmt.Fprintf(w, `{"Response":{"SendStatus":{"CallId":%q,"SessionContext":%q},"RequestId":"req-%d"}}`,
		c.CallID, c.SessionContext, len(f.calls))
}

// check verifies the common headers and the signature; it returns "Code:
// message" for a refusal.
func (f *tencentFake) check(r *http.Request, payload []byte) string {
	ts, err := strconv.ParseInt(r.Header.Get("X-TC-Timestamp"), 10, 64)
	switch {
	case r.Method != http.MethodPost || r.URL.Path != "/":
		return "InvalidParameter: POST / only"
	case r.Header.Get("X-TC-Action") != "SendTtsVoice" || r.Header.Get("X-TC-Version") != "2020-09-02":
		return "InvalidAction: unknown action or version"
	case r.Header.Get("X-TC-Region") == "":
		return "MissingParameter: X-TC-Region"
	case err != nil || time.Since(time.Unix(ts, 0)).Abs() > 5*time.Minute:
		return "AuthFailure.SignatureExpire: timestamp out of window"
	}
	const prefix = "TC3-HMAC-SHA256 Credential="
	auth, ok := strings.CutPrefix(r.Header.Get("Authorization"), prefix)
	if !ok {
		return "AuthFailure.InvalidAuthorization: not TC3-HMAC-SHA256"
	}
	parts := strings.Split(auth, ", ")
	if len(parts) != 3 || parts[1] != "SignedHeaders=content-type;host" {
		return "AuthFailure.InvalidAuthorization: malformed"
	}
	cred := strings.Split(parts[0], "/")
	if len(cred) != 4 || cred[0] != f.id || cred[2] != "vms" || cred[3] != "tc3_request" {
		return "AuthFailure.SecretIdNotFound: unknown SecretId or scope"
	}
	want, date := tc3Signature(f.key, "vms", r.Host, r.Header.Get("Content-Type"), payload, ts)
	if cred[1] != date || parts[2] != "Signature="+want {
		return "AuthFailure.SignatureFailure: signature mismatch"
	}
	return ""
}

func (f *tencentFake) fail(w http.ResponseWriter, code, msg string) {
	fmt.Fprintf(w, `{"Response":{"Error":{"Code":%q,"Message":%q},"RequestId":"req-err"}}`, code, msg)
}

func (f *tencentFake) script(codes ...string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next = append(f.next, codes...)
}

func (f *tencentFake) got() []tencentCall {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]tencentCall(nil), f.calls...)
}
