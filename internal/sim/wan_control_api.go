package sim

import (
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"

	"github.com/VictoriaMetrics/metrics"
)

var (
	badUnknownLink = metrics.NewCounter(`swanwatch_sim_bad_requests_total{kind="unknown_link"}`)
	errBadLinkPath = errors.New("want /control/link/{a~b}/down|up|auto")
)

// LinkInfo is one link that ForceLink accepts: every cable between two
// simulated devices and every WAN circuit (carrier circuits included).
type LinkInfo struct {
	Name     string `json:"name"` // a_device~b_device
	Level    string `json:"level"`
	District string `json:"district"`
	Group    string `json:"group,omitempty"` // redundancy group; "" is a single path
	ADevice  string `json:"a_device"`
	BDevice  string `json:"b_device"` // a carrier (isp-ct, isp-cu, isp-cm) when not ours
	WAN      bool   `json:"wan"`      // a WAN link of the inventory
	Forced   string `json:"forced"`   // auto, up or down
}

// ForceLink forces link name down or up, or hands it back to the timetable
// ("auto"). While a link is down its ports read down and count nothing, and
// every device left with no path to the city stops answering SNMP; a change of
// oper status sends linkDown/linkUp traps to Options.TrapTarget.
func (s *Sim) ForceLink(name, state string) error {
	if s.wan == nil {
		return fmt.Errorf("force link %s: %w", truncate(name, 80), errNoWAN)
	}
	return s.wan.forceLink(name, state)
}

// Links lists the links ForceLink accepts, sorted by name; nil without a WAN.
func (s *Sim) Links() []LinkInfo {
	if s.wan == nil {
		return nil
	}
	n := s.wan.net
	out := make([]LinkInfo, 0, len(n.linkByName))
	for name, l := range n.linkByName {
		out = append(out, LinkInfo{Name: name, Level: l.Level, District: l.District, Group: l.Group,
			ADevice: n.devs[l.A.dev].Name, BDevice: name[len(n.devs[l.A.dev].Name)+1:], WAN: l.WAN,
			Forced: n.force.forced(l.idx)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// CutOff lists the devices that have no path to the city now, sorted.
func (s *Sim) CutOff() []string {
	if s.wan == nil {
		return nil
	}
	var out []string
	for _, d := range s.wan.net.devs {
		if s.wan.net.force.cutOff(d.idx) {
			out = append(out, d.Name)
		}
	}
	sort.Strings(out)
	return out
}

// Behind lists the devices that link name alone being down would cut off,
// sorted: for a single-homed uplink, everything downstream of it; for one
// link of a redundant group, nothing.
func (s *Sim) Behind(name string) ([]string, error) {
	if s.wan == nil {
		return nil, fmt.Errorf("behind %s: %w", truncate(name, 80), errNoWAN)
	}
	l := s.wan.net.linkByName[name]
	if l == nil {
		return nil, fmt.Errorf("behind %s: %w", truncate(name, 80), errUnknownLink)
	}
	return s.wan.net.behind(l.idx), nil
}

func (n *wanNet) behind(link int) []string {
	cut, _ := n.unreachable(func(l int) bool { return l == link })
	var out []string
	for i, c := range cut {
		if c {
			out = append(out, n.devs[i].Name)
		}
	}
	sort.Strings(out)
	return out
}

// DemoUplink picks, deterministically for a seed and scale, the single-homed
// 乡 town uplink with the lowest name that has villages behind it, and lists
// the devices its failure cuts off (town router and switch, villages and their
// switches). It returns "" when the WAN has none.
func (s *Sim) DemoUplink() (link string, behind []string) {
	if s.wan == nil {
		return "", nil
	}
	n := s.wan.net
	for _, li := range s.Links() {
		l := n.linkByName[li.Name]
		if !l.WAN || l.Group != "" || l.B.dev < 0 || n.devs[l.B.dev].Role != roleTown {
			continue
		}
		b := n.behind(l.idx)
		for _, name := range b {
			if n.byName[name].Role == roleVillage {
				return li.Name, b
			}
		}
	}
	return "", nil
}

// parseLinkPath splits /control/link/{a~b}/{state}. Link names join two device
// names (see validName) with "~"; anything else is rejected before a lookup.
func parseLinkPath(p string) (name, state string, err error) {
	rest, ok := strings.CutPrefix(p, "/control/link/")
	if !ok {
		return "", "", errBadLinkPath
	}
	name, state, ok = strings.Cut(rest, "/")
	a, b, two := strings.Cut(name, "~")
	if !ok || !two || !validName(a) || !validName(b) {
		return "", "", fmt.Errorf("bad link name %q: %w", truncate(name, 80), errBadLinkPath)
	}
	switch state {
	case LinkDown, LinkUp, LinkAuto:
		return name, state, nil
	}
	return "", "", fmt.Errorf("bad state %q: %w", truncate(state, 40), errBadLinkPath)
}

// serveLinkControl answers POST /control/link/{name}/{state}.
func (s *Sim) serveLinkControl(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		badMethod.Inc()
		writeJSON(w, http.StatusMethodNotAllowed, map[string]string{"error": "use POST"})
		return
	}
	name, state, err := parseLinkPath(r.URL.Path)
	if err != nil {
		badPath.Inc()
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	if err := s.ForceLink(name, state); err != nil {
		badUnknownLink.Inc() // the path parsed: the link is unknown or there is no WAN
		writeJSON(w, http.StatusNotFound, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"name": name, "state": state})
}

// forcedLinks maps each link not on auto to its forced state.
func (s *Sim) forcedLinks() map[string]string {
	out := map[string]string{}
	for _, l := range s.Links() {
		if l.Forced != LinkAuto {
			out[l.Name] = l.Forced
		}
	}
	return out
}
