package sim

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// fuzzBMC is a BMC of the scheduled-fault server, both firmware kinds.
func fuzzBMC(t testing.TB) []*bmcServer {
	f, err := newBMCFleet(buildEstate(60, 7), t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	f.now, f.start = func() float64 { return 1.8e9 }, 1.8e9-600
	return f.servers[:2]
}

// Any request — path, query, method, credentials, login body — gets a
// Redfish answer: a known status and a JSON body (or none), never a panic;
// without credentials only the service root answers 200.
func FuzzBMCRequest(f *testing.F) {
	for _, s := range []string{"/redfish/v1/", "/redfish/v1/Systems/1/Memory/DIMM_A1/MemoryMetrics",
		"/redfish/v1/Chassis/1/ThermalSubsystem/Fans/Fan3", "/redfish/v1/Systems/1/LogServices/Log1/Entries?$skip=1",
		"/redfish/v1/Chassis/1/Sensors?$expand=.($levels=1)", "/redfish/v1/Systems/1/Storage/RAIDStorage0/Drives/Disk07",
		"/redfish/v1/Chassis/1/PowerSubsystem/PowerSupplies/PSU2/Metrics", "/redfish/v1/Systems/1/LogServices/Log1/Entries/0"} {
		f.Add("GET", s, true, "")
	}
	f.Add("POST", "/redfish/v1/SessionService/Sessions", false, `{"UserName":"monitor","Password":"x"}`)
	f.Add("DELETE", "/redfish/v1/SessionService/Sessions/1", true, "")
	f.Add("GET", "/redfish/v1/Chassis/1/Power?$skip=-3", true, "")
	bmcs := fuzzBMC(f)
	f.Fuzz(func(t *testing.T, method, target string, auth bool, body string) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") {
			return
		}
		if len(method) == 0 || len(method) > 10 || strings.ContainsAny(method, " \r\n\t:/") {
			return
		}
		for _, b := range bmcs {
			req, err := http.NewRequest(method, "https://bmc"+target, strings.NewReader(body))
			if err != nil {
				return // not a request a server would hand to its handler
			}
			if auth {
				req.SetBasicAuth(bmcUser, b.fleet.pw)
			}
			w := httptest.NewRecorder()
			b.serve(w, req)
			switch w.Code {
			case http.StatusOK, http.StatusCreated, http.StatusNoContent, http.StatusBadRequest, http.StatusUnauthorized,
				http.StatusNotFound, http.StatusMethodNotAllowed, http.StatusNotImplemented, http.StatusServiceUnavailable:
			default:
				t.Fatalf("%s %s: status %d", method, target, w.Code)
			}
			if w.Body.Len() > 0 && !json.Valid(w.Body.Bytes()) {
				t.Fatalf("%s %s: not JSON: %q", method, target, w.Body.String())
			}
			path := strings.TrimSuffix(req.URL.Path, "/")
			if !auth && w.Code == http.StatusOK && path != rfRoot && path != "/redfish" {
				t.Fatalf("%s %s answered 200 without credentials", method, target)
			}
		}
	})
}
