package bmc

// The fake part of the tests: an HTTP server that serves the DMTF
// public-rackmount1 mockup (testdata/public-rackmount1, BSD 3-Clause) as
// static files — /redfish/v1/X is X/index.json, as DMTF's own
// redfishMockupServer.py serves it — plus what a directory of JSON cannot
// do: a SessionService login (POST …/Sessions, X-Auth-Token, DELETE),
// Basic auth, 401 for unknown tokens, $expand of a collection's members
// (the mockup's root advertises ExpandQuery), edits of resources in memory,
// and a BMC that hangs.

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

const (
	mockupDir    = "testdata/public-rackmount1"
	testUser     = "monitor"
	testPassword = "Bmc-s3cret-pw!"
	sysPath      = "Systems/437XR1138R2"
	chassisPath  = "Chassis/1U"
)

type fakeBMC struct {
	srv *httptest.Server
	URL string

	mu       sync.Mutex
	overlay  map[string][]byte // resource (path after /redfish/v1/, with ?query) → body; nil body: 404
	tokens   map[string]bool
	sessions bool // offers SessionService login
	expand   bool // honours $expand
	badQuery bool // answers 400 to any query (firmware that advertises $expand and refuses it)
	hang     bool // accepts and never answers
	logins   atomic.Int64
	requests atomic.Int64
	inflight atomic.Int64
	maxIn    atomic.Int64 // most requests in flight at once
	expands  atomic.Int64 // requests that asked for $expand
	delay    time.Duration
	gets     map[string]int  // requests per path, for request-count checks
	uris     map[string]bool // every GET's path and query, for the benchmark's anchor
	// frozen: replies are computed once and served from memory, so that a
	// benchmark measures the collector rather than the fake's file reads.
	frozen bool
	cache  map[string][]byte
}

// startBMC serves the mockup; tls selects https with httptest's certificate.
func startBMC(t testing.TB, tls bool) *fakeBMC {
	t.Helper()
	f := &fakeBMC{overlay: map[string][]byte{}, tokens: map[string]bool{}, sessions: true, expand: true,
		gets: map[string]int{}}
	// The mockup's last log page link points at a page the files cannot
	// hold: the log has 2 entries, so the next page is empty.
	f.set(sysPath+"/LogServices/Log1/Entries?$skiptoken=2", `{"Members":[]}`)
	if tls {
		f.srv = httptest.NewTLSServer(f)
	} else {
		f.srv = httptest.NewServer(f)
	}
	f.URL = f.srv.URL
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeBMC) set(resource, body string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if body == "" {
		f.overlay[resource] = nil
	} else {
		f.overlay[resource] = []byte(body)
	}
}

// edit changes one resource as JSON (from the overlay or the mockup file).
func (f *fakeBMC) edit(t testing.TB, resource string, change func(m map[string]any)) {
	t.Helper()
	b, ok := f.lookup(resource)
	require.True(t, ok, "no resource %s", resource)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m))
	change(m)
	out, err := json.Marshal(m)
	require.NoError(t, err)
	f.set(resource, string(out))
}

func (f *fakeBMC) setHang(v bool)     { f.mu.Lock(); f.hang = v; f.mu.Unlock() }
func (f *fakeBMC) setExpand(v bool)   { f.mu.Lock(); f.expand = v; f.mu.Unlock() }
func (f *fakeBMC) setSessions(v bool) { f.mu.Lock(); f.sessions = v; f.mu.Unlock() }
func (f *fakeBMC) dropSessions()      { f.mu.Lock(); clear(f.tokens); f.mu.Unlock() }
func (f *fakeBMC) getCount(resource string) int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.gets[resource]
}

// lookup finds a resource body: the overlay first, then the mockup file.
func (f *fakeBMC) lookup(resource string) ([]byte, bool) {
	f.mu.Lock()
	b, ok := f.overlay[resource]
	f.mu.Unlock()
	if ok {
		return b, b != nil
	}
	if strings.Contains(resource, "..") {
		return nil, false
	}
	b, err := os.ReadFile(filepath.Join(mockupDir, filepath.FromSlash(resource), "index.json"))
	return b, err == nil
}

func (f *fakeBMC) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.requests.Add(1)
	in := f.inflight.Add(1)
	defer f.inflight.Add(-1)
	for m := f.maxIn.Load(); in > m && !f.maxIn.CompareAndSwap(m, in); m = f.maxIn.Load() {
	}
	if strings.Contains(r.URL.RawQuery, "$expand") {
		f.expands.Add(1)
	}
	f.mu.Lock()
	hang, sessions, delay := f.hang, f.sessions, f.delay
	f.mu.Unlock()
	if delay > 0 {
		time.Sleep(delay)
	}
	if hang {
		<-r.Context().Done()
		return
	}
	resource := strings.Trim(strings.TrimPrefix(r.URL.Path, "/redfish/v1"), "/")
	switch {
	case r.Method == http.MethodPost && resource == "SessionService/Sessions":
		if !sessions {
			http.Error(w, "no sessions", http.StatusMethodNotAllowed)
			return
		}
		f.login(w, r)
		return
	case r.Method == http.MethodDelete && strings.HasPrefix(resource, "SessionService/Sessions/"):
		f.mu.Lock()
		delete(f.tokens, r.Header.Get("X-Auth-Token"))
		f.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
		return
	case r.Method != http.MethodGet:
		http.Error(w, "method", http.StatusMethodNotAllowed)
		return
	case resource != "" && !f.authorized(r):
		w.Header().Set("WWW-Authenticate", `Basic realm="Redfish"`)
		http.Error(w, `{"error":{"code":"Base.1.0.NoValidSession"}}`, http.StatusUnauthorized)
		return
	}
	f.mu.Lock()
	f.gets[resource]++
	if f.uris == nil {
		f.uris = map[string]bool{}
	}
	f.uris[r.URL.RequestURI()] = true
	f.mu.Unlock()
	f.mu.Lock()
	badQuery := f.badQuery
	f.mu.Unlock()
	if badQuery && strings.Contains(r.URL.RawQuery, "$expand") {
		http.Error(w, `{"error":{"code":"Base.1.0.QueryNotSupported"}}`, http.StatusBadRequest)
		return
	}
	body, ok := f.cached(resource, r.URL.RawQuery)
	if !ok {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Write(body)
}

func (f *fakeBMC) login(w http.ResponseWriter, r *http.Request) {
	var cred struct{ UserName, Password string }
	if json.NewDecoder(r.Body).Decode(&cred) != nil || cred.UserName != testUser || cred.Password != testPassword {
		http.Error(w, `{"error":{"code":"Base.1.0.InsufficientPrivilege"}}`, http.StatusUnauthorized)
		return
	}
	f.logins.Add(1)
	b := make([]byte, 16)
	rand.Read(b)
	tok := hex.EncodeToString(b)
	f.mu.Lock()
	f.tokens[tok] = true
	f.mu.Unlock()
	w.Header().Set("X-Auth-Token", tok)
	w.Header().Set("Location", "/redfish/v1/SessionService/Sessions/"+tok[:8])
	w.WriteHeader(http.StatusCreated)
	w.Write([]byte(`{"Id":"` + tok[:8] + `"}`))
}

func (f *fakeBMC) authorized(r *http.Request) bool {
	if tok := r.Header.Get("X-Auth-Token"); tok != "" {
		f.mu.Lock()
		defer f.mu.Unlock()
		return f.tokens[tok]
	}
	u, p, ok := r.BasicAuth()
	return ok && u == testUser && p == testPassword
}

func (f *fakeBMC) cached(resource, query string) ([]byte, bool) {
	f.mu.Lock()
	frozen := f.frozen
	b, hit := f.cache[resource+"?"+query]
	f.mu.Unlock()
	if !frozen {
		return f.resolve(resource, query)
	}
	if !hit {
		b, _ = f.resolve(resource, query)
		f.mu.Lock()
		if f.cache == nil {
			f.cache = map[string][]byte{}
		}
		f.cache[resource+"?"+query] = b
		f.mu.Unlock()
	}
	return b, b != nil
}

// resolve returns a resource, a page of it named by its query, or the
// collection with its members inlined for $expand.
func (f *fakeBMC) resolve(resource, query string) ([]byte, bool) {
	if query != "" && !strings.HasPrefix(query, "$expand") {
		return f.lookup(resource + "?" + query)
	}
	body, ok := f.lookup(resource)
	f.mu.Lock()
	expand := f.expand && strings.HasPrefix(query, "$expand")
	f.mu.Unlock()
	if !ok || !expand {
		return body, ok
	}
	var coll map[string]any
	if json.Unmarshal(body, &coll) != nil {
		return body, true
	}
	ms, _ := coll["Members"].([]any)
	for i, m := range ms {
		id, _ := m.(map[string]any)["@odata.id"].(string)
		if b, ok := f.lookup(strings.Trim(strings.TrimPrefix(id, "/redfish/v1"), "/")); ok {
			ms[i] = json.RawMessage(b)
		}
	}
	out, _ := json.Marshal(coll)
	return out, true
}
