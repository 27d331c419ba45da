package sim

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"sync"
)

// The cloud's physical servers' BMCs (带外管理, R-A9): one Redfish service
// per hypervisor host of the estate, built in Go in the shape of the DMTF
// schemas (resources linked by @odata.id, as the public mockups are), each
// on its own loopback address (127.33.x.y, one port for all) over HTTPS
// with a self-signed certificate, as a BMC out of the box. Half the servers
// are older firmware (legacy Thermal/Power, no $expand), half newer
// (ThermalSubsystem/PowerSubsystem, $expand). Faults on a schedule from the
// simulator's start show the early warnings: one DIMM's correctable ECC
// count rising over an hour, one drive predicting its failure; FailPSU
// fails a power supply on demand (bmc_faults.go).

// bmcUser is the BMCs' monitoring account; its password is written to the
// cloud's SecretsDir.
const bmcUser = "monitor"

// bmcVendor is a server model and its BMC firmware's habits.
type bmcVendor struct {
	Manufacturer, Model, Firmware string
	NewModel                      bool // ThermalSubsystem/PowerSubsystem instead of Thermal/Power
	Expand                        bool // advertises and honours $expand
}

// bmcVendors: even servers are the older legacy-model ones, odd ones newer.
var bmcVendors = []bmcVendor{
	{Manufacturer: "Huawei", Model: "2288H V5", Firmware: "3.35"},
	{Manufacturer: "H3C", Model: "UniServer R4900 G5", Firmware: "2.60", NewModel: true, Expand: true},
	{Manufacturer: "Huawei", Model: "2288H V5", Firmware: "3.35"},
	{Manufacturer: "Inspur", Model: "NF5280M6", Firmware: "4.28", NewModel: true, Expand: true},
}

// bmcFleet is every server's BMC.
type bmcFleet struct {
	servers []*bmcServer
	byHost  map[string]*bmcServer
	pwFile  string
	pw      string
	srv     *bmcListeners // from listen on
	now     func() float64
	start   float64 // the faults' schedule starts here (listen)
	ecc     *bmcServer
	drive   *bmcServer
}

// bmcServer is one physical server and its BMC.
type bmcServer struct {
	fleet                       *bmcFleet
	host, site, district, level string
	rack, room                  string
	idx                         int
	vendor                      bmcVendor
	dimms, drives               int
	seed                        uint64
	addr                        string // host:port once listening

	mu       sync.Mutex
	psuDown  bool
	sel      []selEntry // entries written by controls, oldest first
	sessions map[string]*bmcSession
	nextSess int
}

// bmcHost is what the estate says of one hypervisor host.
type bmcHost struct{ name, site, district string }

// estateHosts lists the estate's hypervisor hosts, sorted by name.
func estateHosts(e *estate) []bmcHost {
	seen := map[string]bool{}
	var out []bmcHost
	for _, v := range e.vms {
		if v.Parent == "" || seen[v.Parent] {
			continue
		}
		seen[v.Parent] = true
		out = append(out, bmcHost{name: v.Parent, site: v.Site, district: v.District})
	}
	sort.Slice(out, func(a, b int) bool { return out[a].name < out[b].name })
	return out
}

// newBMCFleet lays out one BMC per host and writes the account's password.
func newBMCFleet(e *estate, secretsDir string) (*bmcFleet, error) {
	buf := make([]byte, 12)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	f := &bmcFleet{byHost: map[string]*bmcServer{}, pwFile: filepath.Join(secretsDir, "bmc.password"),
		pw: hex.EncodeToString(buf)}
	if err := os.WriteFile(f.pwFile, []byte(f.pw+"\n"), 0o600); err != nil {
		return nil, err
	}
	perSite := map[string]int{}
	for i, h := range estateHosts(e) {
		k := perSite[h.site]
		perSite[h.site]++
		s := &bmcServer{fleet: f, host: h.name, site: h.site, idx: i, vendor: bmcVendors[i%len(bmcVendors)],
			seed: hostSeed(h.name), sessions: map[string]*bmcSession{}}
		s.dimms = 8 + 4*int(s.seed%3)   // 8, 12 or 16
		s.drives = 2 + int(s.seed>>8%3) // 2 to 4
		s.placeInRoom(h, k)
		f.servers = append(f.servers, s)
		f.byHost[h.name] = s
	}
	if n := len(f.servers); n > 0 {
		f.ecc, f.drive = f.servers[n/3], f.servers[(2*n)/3]
	}
	return f, nil
}

// placeInRoom puts the k-th host of its site in a rack: the data centres'
// hosts in their rooms' racks (those of room.go), a county room's hosts
// four to a rack.
func (s *bmcServer) placeInRoom(h bmcHost, k int) {
	s.district, s.level = h.district, "county"
	switch h.site {
	case siteMain:
		s.room, s.rack, s.district, s.level = "主中心A机房", fmt.Sprintf("A%02d", k%roomRacks+1), "湖滨区", "city"
	case siteDR:
		s.room, s.rack, s.district, s.level = "灾备中心机房", fmt.Sprintf("B%02d", k%roomRacks+1), "湖滨区", "city"
	default:
		s.room, s.rack = h.site, fmt.Sprintf("R%02d", k/4+1)
	}
}

func hostSeed(name string) uint64 {
	h := fnv.New64a()
	_, _ = h.Write([]byte(name))
	return mix(h.Sum64())
}

// target is the BMC's inventory name.
func (s *bmcServer) target() string { return "bmc-" + s.host }

// export adds one bmc target per server (docs/cloud.md, kind bmc).
func (f *bmcFleet) export(out *Export) {
	for _, s := range f.servers {
		out.Targets = append(out.Targets, ExportTarget{Name: s.target(), Kind: "bmc", Address: "https://" + s.address(),
			District: s.district, Level: s.level, Site: s.site, System: "机房基础设施", Dept: "市大数据管理局",
			Labels: map[string]string{"server": s.host, "rack": s.rack, "room": s.room, "vendor": s.vendor.Manufacturer},
			Params: map[string]string{"username": bmcUser, "password_file": f.pwFile, "tls_skip_verify": "true"}})
	}
}

// address is host:port, or the address it will bind before listen.
func (s *bmcServer) address() string {
	if s.addr != "" {
		return s.addr
	}
	return bmcIP(s.idx) + ":443"
}

// bmcIP is server i's own loopback address, 127.33.0.1 onwards (the WAN's
// agents use 127.32/16).
func bmcIP(i int) string {
	n := uint32(i + 1)
	return fmt.Sprintf("127.%d.%d.%d", 33+n>>16, n>>8&255, n&255)
}

// FailPSU fails the second power supply of host's server: its health turns
// Critical, it draws nothing, and the BMC's event log records the loss of
// input. RestorePSU puts it back.
func (s *Sim) FailPSU(host string) error { return s.setPSU(host, true) }

// RestorePSU repairs what FailPSU broke.
func (s *Sim) RestorePSU(host string) error { return s.setPSU(host, false) }

func (s *Sim) setPSU(host string, down bool) error {
	if s.cloud == nil || s.cloud.bmcs == nil {
		return fmt.Errorf("the simulator has no cloud (Options.Cloud)")
	}
	b := s.cloud.bmcs.byHost[host]
	if b == nil {
		return fmt.Errorf("no server %q with a BMC", host)
	}
	b.setPSU(down, s.now())
	return nil
}

// BMCHosts names the servers whose BMCs run a scheduled fault: the DIMM
// whose correctable errors rise and the drive that predicts its failure.
func (s *Sim) BMCHosts() (ecc, drive string) {
	if s.cloud == nil || s.cloud.bmcs == nil || s.cloud.bmcs.ecc == nil {
		return "", ""
	}
	return s.cloud.bmcs.ecc.host, s.cloud.bmcs.drive.host
}
