package sim

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// The BMCs' HTTP side: Redfish's rules of DSP0266 that a client meets — the
// service root open to all, everything else behind a session (POST
// SessionService/Sessions, X-Auth-Token, DELETE to log out) or Basic auth,
// 401 otherwise; errors as Redfish error objects; $expand of a collection's
// members where the firmware advertises it; paging of the event log by
// $skip.

var (
	bmcRequests  = metrics.NewCounter(`swanwatch_sim_bmc_requests_total`)
	bmcLoginsBad = metrics.NewCounter(`swanwatch_sim_bmc_logins_total{result="refused"}`)
	bmcLoginsOK  = metrics.NewCounter(`swanwatch_sim_bmc_logins_total{result="ok"}`)
)

const (
	bmcMaxSessions = 16               // a BMC has few session slots
	bmcSessionIdle = 30 * time.Minute // SessionTimeout
	bmcMaxBody     = 4 << 10          // a login is small
)

// bmcSession is one open session.
type bmcSession struct {
	id   string
	last time.Time
}

type bmcHandler struct{ byAddr map[string]*bmcServer }

func (h *bmcHandler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	bmcRequests.Inc()
	addr, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	s := (*bmcServer)(nil)
	if addr != nil {
		s = h.byAddr[addr.String()]
	}
	if s == nil {
		redfishError(w, http.StatusNotFound, "Base.1.8.ResourceMissingAtURI", "no BMC at this address")
		return
	}
	s.serve(w, r)
}

func (s *bmcServer) serve(w http.ResponseWriter, r *http.Request) {
	path := strings.TrimSuffix(r.URL.Path, "/")
	w.Header().Set("OData-Version", "4.0")
	switch {
	case path == "/redfish":
		writeRedfish(w, map[string]any{"v1": "/redfish/v1/"})
		return
	case path == rfRoot && r.Method == http.MethodGet:
		writeRedfish(w, s.serviceRoot())
		return
	case path == rfRoot+"/SessionService/Sessions" && r.Method == http.MethodPost:
		s.login(w, r)
		return
	}
	if !s.authorized(r) {
		w.Header().Set("WWW-Authenticate", `Basic realm="Redfish"`)
		redfishError(w, http.StatusUnauthorized, "Base.1.8.NoValidSession",
			"There is no valid session established with the implementation.")
		return
	}
	switch {
	case r.Method == http.MethodDelete && strings.HasPrefix(path, rfRoot+"/SessionService/Sessions/"):
		s.logout(w, path[strings.LastIndex(path, "/")+1:])
	case r.Method != http.MethodGet:
		w.Header().Set("Allow", "GET")
		redfishError(w, http.StatusMethodNotAllowed, "Base.1.8.OperationNotAllowed", "The service is read-only to this account.")
	default:
		s.get(w, r, path)
	}
}

// get answers a GET of any resource but the root.
func (s *bmcServer) get(w http.ResponseWriter, r *http.Request, path string) {
	q := r.URL.Query()
	if q.Has("$expand") && !s.vendor.Expand {
		redfishError(w, http.StatusNotImplemented, "Base.1.8.QueryNotSupported", "Querying is not supported by the implementation.")
		return
	}
	res := s.resource(path, s.fleet.now())
	if res == nil {
		redfishError(w, http.StatusNotFound, "Base.1.8.ResourceMissingAtURI",
			"The resource at the URI "+clipText(path, 200)+" was not found.")
		return
	}
	if skip := q.Get("$skip"); skip != "" {
		n, err := strconv.Atoi(skip)
		if err != nil || n < 0 {
			redfishError(w, http.StatusBadRequest, "Base.1.8.QueryParameterValueTypeError", "$skip must be a non-negative integer.")
			return
		}
		res = page(res, path, n)
	} else {
		res = page(res, path, 0)
	}
	if q.Has("$expand") {
		res = s.expand(res)
	}
	writeRedfish(w, res)
}

// rfPageSize is how many log entries one page holds.
const rfPageSize = 50

// page cuts a long collection (the event log) into pages linked by
// Members@odata.nextLink.
func page(res map[string]any, path string, skip int) map[string]any {
	ms, ok := res["Members"].([]any)
	if !ok || (len(ms) <= rfPageSize && skip == 0) {
		return res
	}
	out := make(map[string]any, len(res)+1)
	for k, v := range res {
		out[k] = v
	}
	end := min(len(ms), skip+rfPageSize)
	out["Members"] = ms[min(skip, len(ms)):end]
	if end < len(ms) {
		out["Members@odata.nextLink"] = path + "?$skip=" + strconv.Itoa(end)
	}
	return out
}

// expand inlines a collection's members ($expand=.($levels=1)).
func (s *bmcServer) expand(res map[string]any) map[string]any {
	ms, ok := res["Members"].([]any)
	if !ok {
		return res
	}
	now := s.fleet.now()
	out := make([]any, len(ms))
	for i, m := range ms {
		out[i] = m
		if l, ok := m.(map[string]any); ok {
			if id, _ := l["@odata.id"].(string); id != "" && len(l) == 1 {
				if full := s.resource(id, now); full != nil {
					out[i] = full
				}
			}
		}
	}
	cp := make(map[string]any, len(res))
	for k, v := range res {
		cp[k] = v
	}
	cp["Members"] = out
	return cp
}

// authorized checks the X-Auth-Token or Basic credentials.
func (s *bmcServer) authorized(r *http.Request) bool {
	if t := r.Header.Get("X-Auth-Token"); t != "" {
		s.mu.Lock()
		defer s.mu.Unlock()
		sess := s.sessions[t]
		if sess == nil || time.Since(sess.last) > bmcSessionIdle {
			delete(s.sessions, t)
			return false
		}
		sess.last = time.Now()
		return true
	}
	user, pw, ok := r.BasicAuth()
	return ok && s.fleet.credentialsOK(user, pw)
}

func (f *bmcFleet) credentialsOK(user, pw string) bool {
	u := subtle.ConstantTimeCompare([]byte(user), []byte(bmcUser))
	p := subtle.ConstantTimeCompare([]byte(pw), []byte(f.pw))
	return u&p == 1
}

// login opens a session (POST SessionService/Sessions): 201 with the token
// in X-Auth-Token and the session in Location; 401 for wrong credentials;
// 503 when every slot is taken.
func (s *bmcServer) login(w http.ResponseWriter, r *http.Request) {
	var in struct{ UserName, Password string }
	body, err := io.ReadAll(io.LimitReader(r.Body, bmcMaxBody))
	if err != nil || json.Unmarshal(body, &in) != nil {
		redfishError(w, http.StatusBadRequest, "Base.1.8.MalformedJSON", "The request body submitted was malformed JSON.")
		return
	}
	if !s.fleet.credentialsOK(in.UserName, in.Password) {
		bmcLoginsBad.Inc()
		redfishError(w, http.StatusUnauthorized, "Base.1.8.ResourceAtUriUnauthorized", "Invalid username or password.")
		return
	}
	s.mu.Lock()
	for t, sess := range s.sessions {
		if time.Since(sess.last) > bmcSessionIdle {
			delete(s.sessions, t)
		}
	}
	if len(s.sessions) >= bmcMaxSessions {
		s.mu.Unlock()
		redfishError(w, http.StatusServiceUnavailable, "Base.1.8.SessionLimitExceeded",
			"The session establishment failed due to the number of simultaneous sessions exceeding the limit of the implementation.")
		return
	}
	s.nextSess++
	id := strconv.Itoa(s.nextSess)
	tok := newToken()
	s.sessions[tok] = &bmcSession{id: id, last: time.Now()}
	s.mu.Unlock()
	bmcLoginsOK.Inc()
	loc := rfRoot + "/SessionService/Sessions/" + id
	w.Header().Set("X-Auth-Token", tok)
	w.Header().Set("Location", loc)
	w.WriteHeader(http.StatusCreated)
	_ = json.NewEncoder(w).Encode(map[string]any{"@odata.id": loc, "@odata.type": "#Session.v1_6_0.Session",
		"Id": id, "Name": "User Session", "UserName": bmcUser})
}

// logout deletes a session by its id.
func (s *bmcServer) logout(w http.ResponseWriter, id string) {
	s.mu.Lock()
	found := ""
	for t, sess := range s.sessions {
		if sess.id == id {
			found = t
		}
	}
	if found != "" {
		delete(s.sessions, found)
	}
	s.mu.Unlock()
	if found == "" {
		redfishError(w, http.StatusNotFound, "Base.1.8.ResourceMissingAtURI", "No such session.")
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func newToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

func writeRedfish(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_ = json.NewEncoder(w).Encode(v)
}

// redfishError answers code with a Redfish error object.
func redfishError(w http.ResponseWriter, code int, id, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	_ = json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{"code": id, "message": msg,
		"@Message.ExtendedInfo": []any{map[string]any{"@odata.type": "#Message.v1_1_1.Message", "MessageId": id,
			"Message": msg, "Severity": "Critical"}}}})
}

func clipText(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
