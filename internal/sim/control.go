package sim

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"
)

// OfflineAgent is one agent that does not answer at a given instant.
type OfflineAgent struct {
	Name     string    `json:"name"`
	District string    `json:"district"`
	Site     string    `json:"site"`
	Parent   string    `json:"parent"`
	Reason   string    `json:"reason"` // one of the Reason* constants
	Mode     string    `json:"mode"`   // 503, hang or close
	Since    time.Time `json:"since,omitzero"`
	Until    time.Time `json:"until,omitzero"`
}

// shanghai is Asia/Shanghai as a fixed zone (no DST since 1991, no tzdata needed).
var shanghai = time.FixedZone("CST", int(shanghaiOffset))

func unixTime(x float64) time.Time {
	if x == 0 {
		return time.Time{}
	}
	return time.Unix(0, int64(x*1e9)).In(shanghai)
}

// Offline lists the agents that are offline at the instant at, sorted by name.
func (s *Sim) Offline(at time.Time) []OfflineAgent {
	t := float64(at.UnixNano()) / 1e9
	var out []OfflineAgent
	for _, v := range s.est.vms {
		st := s.state(v, t)
		if st.Mode == ModeUp {
			continue
		}
		out = append(out, OfflineAgent{Name: v.Name, District: v.District, Site: v.Site, Parent: v.Parent,
			Reason: st.Reason, Mode: st.Mode.String(), Since: unixTime(st.Since), Until: unixTime(st.Until)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// controlState is the GET /control answer.
type controlState struct {
	Time         time.Time         `json:"time"`
	VMs          int               `json:"vms"`
	OfflineCount int               `json:"offline_count"`
	Offline      []OfflineAgent    `json:"offline"`
	Forced       map[string]string `json:"forced"` // VM name → online or offline/<mode>
	// With a WAN: link name → down or up for links not on auto, and the
	// devices those leave with no path to the city.
	ForcedLinks map[string]string `json:"forced_links,omitempty"`
	CutOff      []string          `json:"cut_off,omitempty"`
}

func (s *Sim) serveControl(w http.ResponseWriter, _ *http.Request) {
	now := s.opts.Now()
	st := controlState{Time: now.In(shanghai), VMs: len(s.est.vms), Offline: s.Offline(now), Forced: map[string]string{}}
	st.OfflineCount = len(st.Offline)
	if s.wan != nil {
		st.ForcedLinks, st.CutOff = s.forcedLinks(), s.CutOff()
	}
	for _, v := range s.est.vms {
		switch f := v.forced.Load(); {
		case f == forceOnline:
			st.Forced[v.Name] = "online"
		case f > forceOffline:
			st.Forced[v.Name] = "offline/" + Mode(f-forceOffline).String()
		}
	}
	writeJSON(w, http.StatusOK, st)
}

var errBadControlPath = errors.New("want /control/vm/{name}/offline|online|auto")

// parseControlPath splits /control/vm/{name}/{action}. Names are what the estate
// generates ([a-z0-9-], at most 100 bytes), so anything else is rejected here
// before a lookup.
func parseControlPath(p string) (name, action string, err error) {
	rest, ok := strings.CutPrefix(p, "/control/vm/")
	if !ok {
		return "", "", errBadControlPath
	}
	name, action, ok = strings.Cut(rest, "/")
	if !ok || !validName(name) {
		return "", "", fmt.Errorf("bad VM name %q: %w", truncate(name, 40), errBadControlPath)
	}
	switch action {
	case "offline", "online", "auto":
		return name, action, nil
	}
	return "", "", fmt.Errorf("bad action %q: %w", truncate(action, 40), errBadControlPath)
}

func validName(n string) bool {
	if n == "" || len(n) > 100 {
		return false
	}
	for i := 0; i < len(n); i++ {
		c := n[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// parseMode reads ?mode= of a forced outage; 503 when absent.
func parseMode(q string) (Mode, error) {
	switch q {
	case "", "503":
		return Mode503, nil
	case "hang":
		return ModeHang, nil
	case "close":
		return ModeClose, nil
	}
	return ModeUp, fmt.Errorf("bad mode %q: want 503, hang or close", truncate(q, 40))
}

func (s *Sim) serveControlAction(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		badMethod.Inc()
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	name, action, err := parseControlPath(r.URL.Path)
	if err != nil {
		badPath.Inc()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	v := s.est.byName[name]
	if v == nil {
		badUnknownVM.Inc()
		writeJSON(w, http.StatusNotFound, map[string]string{"error": "unknown VM " + name})
		return
	}
	if err := s.Force(name, action, r.URL.Query().Get("mode")); err != nil {
		badMode.Inc()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	s.log.Info("agent state forced", "vm", name, "action", action)
	writeJSON(w, http.StatusOK, map[string]string{"name": name, "state": action})
}

// Force sets a VM's agent offline (mode 503, hang or close; "" is 503), online
// regardless of the schedule, or back to the schedule ("auto").
func (s *Sim) Force(name, action, mode string) error {
	v := s.est.byName[name]
	if v == nil {
		return fmt.Errorf("force %s: unknown VM", truncate(name, 40))
	}
	switch action {
	case "online":
		v.forced.Store(forceOnline)
	case "auto":
		v.forced.Store(forceAuto)
	case "offline":
		m, err := parseMode(mode)
		if err != nil {
			return fmt.Errorf("force %s: %w", name, err)
		}
		v.forced.Store(forceOffline + uint32(m))
	default:
		return fmt.Errorf("force %s: bad action %q", name, truncate(action, 40))
	}
	forcedTotal.Inc()
	return nil
}

func writeJSON(w http.ResponseWriter, code int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(code)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client may have gone; nothing to do about it
}
