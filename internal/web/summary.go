package web

import (
	"fmt"
	"math"
	"net/http"
	"sort"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Districts are the ten service areas of requirements.md in the order the bureau
// lists them; pages show them in this order.
var Districts = []string{"市本级", "义马市", "渑池县", "湖滨区", "陕州区", "灵宝市", "卢氏县", "经济开发区", "城乡一体化示范区", "现代服务业开发区"}

// DistrictRate is the agent online rate of one district (or of the whole city).
type DistrictRate struct {
	District string  `json:"district"`
	Total    int     `json:"total"`
	Online   int     `json:"online"`
	Offline  int     `json:"offline"`
	Unknown  int     `json:"unknown"` // no round finished yet: neither up nor down
	Ratio    float64 `json:"ratio"`   // online / (online + offline); NaN-free: 0 when nothing known
}

// OfflineAgent is one VM whose monitoring agent is offline, and since when.
type OfflineAgent struct {
	Name      string    `json:"name"`
	District  string    `json:"district"`
	System    string    `json:"system"`
	Dept      string    `json:"dept"`
	Site      string    `json:"site"`
	Since     time.Time `json:"since"`
	LastError string    `json:"last_error"`
}

// AgentRates returns the rate per district (in Districts order, then any other
// district seen) and the city total.
func AgentRates(st []collectors.TargetStatus) (perDistrict []DistrictRate, city DistrictRate) {
	by := map[string]*DistrictRate{}
	city.District = "全市"
	for _, s := range st {
		if s.Target.Kind != "agent" {
			continue
		}
		d := s.Target.Labels["district"]
		r := by[d]
		if r == nil {
			r = &DistrictRate{District: d}
			by[d] = r
		}
		r.add(s.State)
		city.add(s.State)
	}
	for _, d := range orderedDistricts(by) {
		by[d].finish()
		perDistrict = append(perDistrict, *by[d])
	}
	city.finish()
	return perDistrict, city
}

func (r *DistrictRate) add(s collectors.State) {
	r.Total++
	switch s {
	case collectors.StateUp:
		r.Online++
	case collectors.StateDown:
		r.Offline++
	default:
		r.Unknown++
	}
}

func (r *DistrictRate) finish() {
	if known := r.Online + r.Offline; known > 0 {
		r.Ratio = float64(r.Online) / float64(known)
	}
}

func orderedDistricts(by map[string]*DistrictRate) []string {
	var out []string
	seen := map[string]bool{}
	for _, d := range Districts {
		if by[d] != nil {
			out = append(out, d)
			seen[d] = true
		}
	}
	var rest []string
	for d := range by {
		if !seen[d] {
			rest = append(rest, d)
		}
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// OfflineAgents lists offline agents, longest offline first.
func OfflineAgents(st []collectors.TargetStatus) []OfflineAgent {
	var out []OfflineAgent
	for _, s := range st {
		if s.Target.Kind != "agent" || s.State != collectors.StateDown {
			continue
		}
		l := s.Target.Labels
		out = append(out, OfflineAgent{Name: s.Target.Name, District: l["district"], System: l["system"],
			Dept: l["dept"], Site: l["site"], Since: s.Since, LastError: s.LastError})
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Since.Before(out[j].Since) })
	return out
}

// FormatPercent renders a ratio with two decimals, truncated, never rounded up:
// 0.99996 is "99.99%", so a page never shows 100% for a month that missed it.
func FormatPercent(ratio float64) string {
	// The epsilon absorbs binary representation error (0.29*10000 = 2899.9999…).
	v := math.Floor(ratio*10000+1e-9) / 100
	return fmt.Sprintf("%.2f%%", v)
}

// RateAPI answers the agent online rate (插件在线率) of the city and of each district.
func (w *Web) RateAPI(rw http.ResponseWriter, _ *http.Request) {
	per, city := AgentRates(w.lister.Targets())
	writeJSON(rw, map[string]any{"city": city, "districts": per})
}

// OfflineAPI lists the VMs whose agent is offline, with since-when.
func (w *Web) OfflineAPI(rw http.ResponseWriter, _ *http.Request) {
	writeJSON(rw, map[string]any{"agents": OfflineAgents(w.lister.Targets())})
}
