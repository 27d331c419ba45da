package sim

import (
	"encoding/json"
	"net/http"
)

// Export is the control plane's inventory export, the JSON that SwanWatch's HTTP
// inventory source polls. The simulator serves its estate in this shape at
// GET /inventory.
type Export struct {
	Targets []ExportTarget `json:"targets"`
	Links   []ExportLink   `json:"links,omitempty"` // WAN links, with Options.WANScale
}

// ExportTarget is one monitored thing of the export.
type ExportTarget struct {
	Name     string            `json:"name"`
	Kind     string            `json:"kind"`    // collector kind: "agent" for a VM's monitoring agent
	Address  string            `json:"address"` // for agents, the full metrics URL
	District string            `json:"district"`
	Level    string            `json:"level"` // city, county, town or village
	Site     string            `json:"site"`
	System   string            `json:"system"`
	Dept     string            `json:"dept"`
	Parent   string            `json:"parent"` // the hypervisor host of a VM
	Labels   map[string]string `json:"labels"`
	Params   map[string]string `json:"params"`
}

// Inventory returns the estate as the control plane would export it. Addresses
// point at the listener, so call it after Start; before, they use Options.Listen.
func (s *Sim) Inventory() Export {
	base := "http://" + s.opts.Listen
	if a := s.Addr(); a != "" {
		base = "http://" + a
	}
	out := Export{Targets: make([]ExportTarget, 0, len(s.est.vms))}
	for _, v := range s.est.vms {
		out.Targets = append(out.Targets, ExportTarget{
			Name: v.Name, Kind: "agent", Address: base + "/vm/" + v.Name + "/metrics",
			District: v.District, Level: v.Level, Site: v.Site, System: v.System, Dept: v.Dept, Parent: v.Parent,
			// role and spec are what a cloud ledger records per VM (R-A3); the
			// behaviour profile (idle, zombie...) is not, findings must earn it.
			Labels: map[string]string{"role": v.Role, "spec": v.Spec},
			Params: map[string]string{},
		})
	}
	if s.wan != nil {
		s.wan.export(&out)
	}
	if s.park != nil {
		s.park.export(&out, base)
	}
	if s.cloud != nil {
		s.cloud.export(&out)
	}
	if s.logs != nil {
		s.logs.export(&out)
	}
	return out
}

// serveInventory encodes the export once: the estate never changes while the
// simulator runs.
func (s *Sim) serveInventory(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	b := s.invCache
	s.mu.Unlock()
	if b == nil {
		var err error
		if b, err = json.Marshal(s.Inventory()); err != nil { // strings and maps only: cannot fail
			http.Error(w, "encode inventory: "+err.Error(), http.StatusInternalServerError)
			return
		}
		s.mu.Lock()
		s.invCache = b
		s.mu.Unlock()
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	_, _ = w.Write(b)
}
