package nvrfake

import (
	"net/http"
	"slices"
	"time"
)

// maxRequestBody bounds a request body (an ISAPI search description is
// under a kilobyte).
const maxRequestBody = 64 << 10

// ServeHTTP answers one request as the recorder would: digest first, then the
// faults, then the vendor's endpoint.
func (n *NVR) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	n.mu.Lock()
	f := n.faults
	n.mu.Unlock()
	if !n.wait(r, f) {
		return
	}
	if ok, stale := n.auth.check(r); !ok {
		n.count(func(s *Stats) { s.Unauthorized++ })
		n.auth.challenge(w, stale)
		n.unauthorized(w)
		return
	}
	ep := n.endpoint(r)
	n.count(func(s *Stats) {
		s.Requests++
		if ep != "" {
			s.ByEndpoint[ep]++
		}
	})
	switch {
	case f.Status != 0:
		n.deviceError(w, f.Status)
	case slices.Contains(f.Unsupported, r.URL.Path):
		n.unsupported(w, r.URL.Path)
	case f.Garbage && (len(f.GarbageOn) == 0 || slices.Contains(f.GarbageOn, ep)):
		n.garbage(w)
	case n.opts.Profile == Hikvision:
		n.serveISAPI(w, r)
	default:
		n.serveCGI(w, r)
	}
}

// wait applies Hang and Delay; it reports false when the request is over. A
// request released by Close is cut off without an answer, as a recorder that
// powers down does.
func (n *NVR) wait(r *http.Request, f Faults) bool {
	if !f.Hang && f.Delay <= 0 {
		return true
	}
	var timeout <-chan time.Time
	if !f.Hang {
		t := time.NewTimer(f.Delay)
		defer t.Stop()
		timeout = t.C
	}
	select {
	case <-timeout:
		return true
	case <-r.Context().Done():
		return false
	case <-n.done:
		panic(http.ErrAbortHandler) // net/http drops the connection, silently
	}
}

func (n *NVR) count(f func(*Stats)) {
	n.mu.Lock()
	f(&n.stats)
	n.mu.Unlock()
}

func (n *NVR) endpoint(r *http.Request) Endpoint {
	switch r.URL.Path {
	case "/ISAPI/ContentMgmt/Storage", "/ISAPI/ContentMgmt/Storage/hdd", "/cgi-bin/storageDevice.cgi":
		return EndpointStorage
	case "/ISAPI/ContentMgmt/search", "/cgi-bin/mediaFileFind.cgi":
		return EndpointSearch
	}
	return ""
}

// unauthorized writes the vendor's 401 body.
func (n *NVR) unauthorized(w http.ResponseWriter) {
	if n.opts.Profile == Hikvision {
		writeXML(w, http.StatusUnauthorized, userCheck401)
		return
	}
	writeText(w, http.StatusUnauthorized, "Error\r\nInvalid Authority!\r\n")
}

// deviceError writes the vendor's error body with status.
func (n *NVR) deviceError(w http.ResponseWriter, status int) {
	if n.opts.Profile == Hikvision {
		writeXML(w, status, responseStatus("/ISAPI", 2, "Device Busy", "deviceBusy"))
		return
	}
	writeText(w, status, "Error\r\nInternal Error!\r\n")
}

// unsupported writes the vendor's answer to a resource the firmware lacks.
func (n *NVR) unsupported(w http.ResponseWriter, path string) {
	if n.opts.Profile == Hikvision {
		writeXML(w, http.StatusForbidden, responseStatus(path, 4, "Invalid Operation", "notSupport"))
		return
	}
	writeText(w, http.StatusBadRequest, cgiBadRequest)
}

// garbage writes what a recorder with broken firmware or a proxy in the way
// sends: a cut-off XML document, or text without key=value lines.
func (n *NVR) garbage(w http.ResponseWriter) {
	if n.opts.Profile == Hikvision {
		writeXML(w, http.StatusOK, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
			`<storage version="2.0" xmlns="http://www.hikvision.com/ver20/XMLSchema"><hddList><hdd><id>1</id><capac`)
		return
	}
	writeText(w, http.StatusOK, "\x00\x17\xfe<html><body>502 Bad Gateway</body></html>\r\n")
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", `application/xml; charset="UTF-8"`)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body)) // a client gone mid-body is its own problem
}

func writeText(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "text/plain;charset=utf-8")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(body))
}
