package restprofile

import (
	"crypto/sha512"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"testing"
)

// fakeZStack answers as ZStack's management node documents it (profiles/
// zstack.yaml cites the pages): PUT /zstack/v1/accounts/login with a
// logInByAccount body and a SHA-512 hex password → {"inventory":{"uuid"}};
// queries need "Authorization: OAuth <uuid>" and page by limit/start into
// {"inventories":[…]}.
type fakeZStack struct {
	t        *testing.T
	srv      *httptest.Server
	user, pw string

	mu      sync.Mutex
	session string
	// expiredStatus answers a request whose session is gone
	expiredStatus int
	logins        int
	starts        map[string][]int // path → start values seen
	hosts         []map[string]any
	vms           []map[string]any
	stores        []map[string]any
	raw           map[string]func(w http.ResponseWriter) // path → hostile answer
}

func newFakeZStack(t *testing.T) *fakeZStack {
	f := &fakeZStack{t: t, user: "admin", pw: "s3cret-口令", starts: map[string][]int{}, raw: map[string]func(http.ResponseWriter){},
		expiredStatus: http.StatusServiceUnavailable}
	f.hosts = []map[string]any{
		{"name": "host-1", "uuid": "h1", "clusterUuid": "c1", "state": "Enabled", "status": "Connected",
			"totalCpuCapacity": 40, "totalMemoryCapacity": 8186290176.0, "availableMemoryCapacity": 4965064704.0},
		{"name": "host-2", "uuid": "h2", "clusterUuid": "c1", "state": "Maintenance", "status": "Disconnected",
			"totalMemoryCapacity": 1840414720},
	}
	f.vms = []map[string]any{
		{"name": "vm-a", "uuid": "va", "hostUuid": "h1", "clusterUuid": "c1", "state": "Running", "cpuNum": 4.0, "memorySize": 8.589934592e9},
		{"name": "vm-b", "uuid": "vb", "hostUuid": "h1", "clusterUuid": "c1", "state": "Running", "cpuNum": 2.0, "memorySize": 4294967296},
		{"name": "vm-c", "uuid": "vc", "hostUuid": "h2", "clusterUuid": "c1", "state": "Stopped", "cpuNum": 1.0, "memorySize": 1073741824},
		{"name": "vm-d", "uuid": "vd", "lastHostUuid": "h2", "clusterUuid": "c1", "state": "Paused", "cpuNum": 1.0, "memorySize": 1073741824},
		{"name": "vm-e", "uuid": "ve", "hostUuid": "h1", "clusterUuid": "c1", "state": "Running", "cpuNum": 8.0, "memorySize": 17179869184},
	}
	f.stores = []map[string]any{
		{"name": "PS1", "uuid": "p1", "type": "LocalStorage", "state": "Enabled", "status": "Connected",
			"totalCapacity": 1.073741824e12, "availableCapacity": 9.73078528e11,
			"totalPhysicalCapacity": 1.073741824e12, "availablePhysicalCapacity": 5.0e11},
	}
	f.srv = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeZStack) serve(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if r.URL.Path == "/zstack/v1/accounts/login" {
		f.login(w, r)
		return
	}
	if h := f.raw[r.URL.Path]; h != nil {
		h(w)
		return
	}
	if f.session == "" || r.Header.Get("Authorization") != "OAuth "+f.session {
		w.WriteHeader(f.expiredStatus) // ZStack: 503, an API error with the code in the body
		fmt.Fprint(w, `{"error":{"code":"ID.1001","description":"invalid session","details":"Session expired"}}`)
		return
	}
	var list []map[string]any
	switch r.URL.Path {
	case "/zstack/v1/hosts":
		list = f.hosts
	case "/zstack/v1/vm-instances":
		list = f.vms
	case "/zstack/v1/primary-storage":
		list = f.stores
	default:
		http.NotFound(w, r)
		return
	}
	start, _ := strconv.Atoi(r.URL.Query().Get("start"))
	limit, err := strconv.Atoi(r.URL.Query().Get("limit"))
	if err != nil || limit <= 0 {
		limit = len(list)
	}
	f.starts[r.URL.Path] = append(f.starts[r.URL.Path], start)
	end := min(start+limit, len(list))
	start = min(start, end)
	json.NewEncoder(w).Encode(map[string]any{"inventories": list[start:end]})
}

func (f *fakeZStack) login(w http.ResponseWriter, r *http.Request) {
	var body struct {
		LogInByAccount struct{ AccountName, Password string } `json:"logInByAccount"`
	}
	sum := sha512.Sum512([]byte(f.pw))
	if r.Method != http.MethodPut || json.NewDecoder(r.Body).Decode(&body) != nil ||
		body.LogInByAccount.AccountName != f.user || body.LogInByAccount.Password != hex.EncodeToString(sum[:]) {
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprint(w, `{"error":{"code":"ID.1000","description":"wrong account name or password"}}`)
		return
	}
	f.logins++
	f.session = fmt.Sprintf("%032x", f.logins)
	fmt.Fprintf(w, `{"inventory":{"uuid":%q,"accountUuid":"36c27e8ff05c4780bf6d2fa65700f22e"}}`, f.session)
}

// expire forgets the session, as the platform does after its timeout.
func (f *fakeZStack) expire() {
	f.mu.Lock()
	f.session = ""
	f.mu.Unlock()
}

func (f *fakeZStack) set(fn func(f *fakeZStack)) {
	f.mu.Lock()
	fn(f)
	f.mu.Unlock()
}
