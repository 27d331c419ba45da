package sim

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The e-government WAN is four levels deep (R-B*): two core switches in the
// city's data centre with an internet egress router on three carriers; two
// aggregation switches per district, each on its own 10G path to one core; a
// router and an access switch per town, dual-homed on 1G to both aggregation
// switches (a 乡 gets one 100M uplink); and per village a router on 100M or 10M
// to its town, some with an access switch. Links that leave a site are the WAN
// links of the inventory; cables inside a site (core to core, router to its
// access switch) and user-facing ports carry traffic and LLDP but are not WAN
// links. At WANScale 1 this gives ~2,500 devices, ~20,000 interfaces and ~1,800
// WAN links, the reference estate.

// wanDevice is one simulated network device with its SNMP agent.
type wanDevice struct {
	Name, District, Level, Site, Parent, Role string

	idx    int
	key    uint64
	vendor *vendor
	ports  []wanPort // ifIndex = position + 1
	cpu    signal    // share of CPU busy
	memory float64   // share of memory used, plus a slow wave
	temp   float64   // °C at idle
}

// wanPort is one interface.
type wanPort struct {
	Name, Descr, Alias string
	Type               int     // IANAifType: 6 ethernetCsmacd, 1 other, 24 softwareLoopback, 136 l3ipvlan
	Speed              float64 // bits/s
	Admin              int     // 1 up, 2 down
	link               int     // index into wanNet.links; -1 for none
	side               int     // 0: the link's A end, 1: its B end
}

// linkEnd is one side of a link; dev is -1 for a carrier or a user's machine.
type linkEnd struct{ dev, port int }

// wanLink is a cable or circuit between two ports.
type wanLink struct {
	Name, Level, District, Group, ISP string
	A, B                              linkEnd
	Bandwidth                         float64 // contracted bits/s
	WAN                               bool    // a WAN link of the inventory
	IPv4, IPv6                        string
	V4, V6                            pathQuality

	idx         int
	key         uint64
	flow        [2]signal  // A→B and B→A utilisation of Bandwidth
	pktSize     [2]float64 // mean bytes per packet in each direction
	errRatio    float64    // errored share of packets outside bursts
	downChance  float64    // of a flap per week
	burstChance float64    // of an error burst per week
}

// pathQuality is the configured "true" latency, loss and jitter of one address
// family on a link, exported for a simulated probe.
type pathQuality struct{ RTT, Loss, Jitter float64 }

// wanNet is the whole simulated WAN.
type wanNet struct {
	devs   []*wanDevice
	byName map[string]*wanDevice
	links  []*wanLink
	seed   int64
	faults faultPlan

	force      linkControl         // forced link states and what they cut off
	linkByName map[string]*wanLink // links that can be forced
	adj        [][]hop             // per device: its neighbours over links
}

// builder carries what placing the WAN needs.
type builder struct {
	n    *wanNet
	g    *rand.Rand
	seed uint64
}

// buildWAN places the WAN for scale (villages per town scale with it).
func buildWAN(seed int64, scale float64) (*wanNet, error) {
	towns, err := loadTowns()
	if err != nil {
		return nil, err
	}
	b := &builder{n: &wanNet{byName: map[string]*wanDevice{}, seed: seed},
		g: rand.New(rand.NewPCG(uint64(seed), 0x5741_4e)), seed: uint64(seed)}
	c1, c2, eg := b.city()
	for di, d := range districts {
		a1, a2 := b.district(di, d, c1, c2)
		for _, t := range towns[d.Name] {
			b.town(d, t, a1, a2, scale)
		}
		b.spares(a1, 24, 1e9)
		b.spares(a2, 24, 1e9)
	}
	b.spares(c1, 24, 10e9)
	b.spares(c2, 24, 10e9)
	b.spares(eg, 8, 1e9)
	b.n.initControl()
	return b.n, nil
}

// city places the core pair and the internet egress.
func (b *builder) city() (*wanDevice, *wanDevice, *wanDevice) {
	d := districts[0]
	c1 := b.device("smx-core-01", roleCore, d.Name, "city", siteMain, "")
	c2 := b.device("smx-core-02", roleCore, d.Name, "city", siteMain, "")
	eg := b.device("smx-egress-01", roleEgress, d.Name, "city", siteMain, c1.Name)
	b.link(c1, c2, 10e9, linkSpec{level: "city", district: d.Name})
	b.link(c1, eg, 10e9, linkSpec{level: "city", district: d.Name})
	b.link(c2, eg, 10e9, linkSpec{level: "city", district: d.Name})
	for _, isp := range []struct{ code, name string }{{"ct", "电信"}, {"cu", "联通"}, {"cm", "移动"}} {
		b.link(eg, nil, 1e9, linkSpec{level: "city", district: d.Name, wan: true, group: "internet-exit",
			isp: isp.name, remote: "isp-" + isp.code})
	}
	return c1, c2, eg
}

// district places the aggregation pair, each on its own path to one core.
func (b *builder) district(di int, d district, c1, c2 *wanDevice) (*wanDevice, *wanDevice) {
	slug := wanSlug(d)
	site := d.Room
	if site == "" {
		site = d.Name + "政务外网汇聚机房"
	}
	if di == 0 {
		site = siteMain
	}
	a1 := b.device(slug+"-agg-01", roleAgg, d.Name, "county", site, c1.Name)
	a2 := b.device(slug+"-agg-02", roleAgg, d.Name, "county", site, c2.Name)
	a2.vendor = a1.vendor // a redundant pair is bought together
	b.link(c1, a1, 10e9, linkSpec{level: "county", district: d.Name, wan: true, group: slug + "-uplink"})
	b.link(c2, a2, 10e9, linkSpec{level: "county", district: d.Name, wan: true, group: slug + "-uplink"})
	b.link(a1, a2, 10e9, linkSpec{level: "county", district: d.Name})
	return a1, a2
}

// town places a town's router and switch, its uplinks and its villages.
func (b *builder) town(d district, t town, a1, a2 *wanDevice, scale float64) {
	prefix := fmt.Sprintf("%s-t%s", wanSlug(d), t.Code[len(t.Code)-3:])
	rt := b.device(prefix+"-rt", roleTown, d.Name, "town", t.Name, a1.Name)
	sw := b.device(prefix+"-sw", roleTownSw, d.Name, "town", t.Name, rt.Name)
	if t.Kind == "乡" { // one 100M uplink, alternating between the pair
		up := a1
		if b.g.IntN(2) == 1 {
			up, rt.Parent = a2, a2.Name
		}
		b.link(up, rt, 100e6, linkSpec{level: "town", district: d.Name, wan: true})
	} else {
		b.link(a1, rt, 1e9, linkSpec{level: "town", district: d.Name, wan: true, group: prefix + "-uplink"})
		b.link(a2, rt, 1e9, linkSpec{level: "town", district: d.Name, wan: true, group: prefix + "-uplink"})
	}
	b.link(rt, sw, 1e9, linkSpec{level: "town", district: d.Name})
	b.edges(sw, 16, 1e9, 0.7)
	for v := 1; v <= villagesOf(b.g, t.Kind, scale); v++ {
		b.village(d, t, rt, fmt.Sprintf("%s-v%02d", prefix, v), v)
	}
	b.spares(rt, 8, 1e9)
}

// villagesPerTown is the mean per kind of town at scale 1: a 街道 has few
// villages (its 社区 hang off the city LAN), a 乡 many.
var villagesPerTown = map[string]float64{"乡": 30, "镇": 26, "街道": 10, "other": 14}

func villagesOf(g *rand.Rand, kind string, scale float64) int {
	mean := villagesPerTown[kind] * scale
	return int(mean*(0.7+0.6*g.Float64()) + 0.5)
}

// village places a village router (and maybe a switch) under its town router.
func (b *builder) village(d district, t town, up *wanDevice, name string, n int) {
	site := fmt.Sprintf("%s村级站点%02d", t.Name, n)
	rt := b.device(name+"-rt", roleVillage, d.Name, "village", site, up.Name)
	bw := 100e6
	if b.g.Float64() < 0.3 {
		bw = 10e6
	}
	b.link(up, rt, bw, linkSpec{level: "village", district: d.Name, wan: true})
	if b.g.Float64() < 0.4 {
		sw := b.device(name+"-sw", roleVillageS, d.Name, "village", site, rt.Name)
		b.link(rt, sw, 1e9, linkSpec{level: "village", district: d.Name})
		b.edges(sw, 7, 1e9, 0.5)
	}
	b.edges(rt, 1, 1e9, 0.8)
	b.spares(rt, 2, 1e9)
}

// device adds a device with its logical interfaces.
func (b *builder) device(name, role, district, level, site, parent string) *wanDevice {
	vs, ws := vendorsFor(role)
	x := b.g.Float64()
	v := vs[len(vs)-1]
	for i, w := range ws {
		if x -= w; x < 0 {
			v = vs[i]
			break
		}
	}
	d := &wanDevice{Name: name, District: district, Level: level, Site: site, Parent: parent, Role: role,
		idx: len(b.n.devs), vendor: v}
	d.key = hash3(b.seed, uint64(d.idx), saltParam)
	d.cpu = signal{base: 0.04 + 0.06*b.g.Float64(), amp: 0.05 + 0.25*b.g.Float64(), curve: office,
		waves: [2]wave{{0.01, 2 * math.Pi / 1800, b.g.Float64() * 6}, {0, 1, 0}}, jitter: 0.02, key: d.key}
	d.memory = 0.3 + 0.4*b.g.Float64()
	d.temp = 32 + 14*b.g.Float64()
	for i, n := range v.logical {
		if i == 1 && (role == roleTownSw || role == roleVillageS) {
			continue // a layer-2 access switch has no loopback
		}
		typ := [3]int{1, 24, 136}[i]
		d.ports = append(d.ports, wanPort{Name: n, Descr: n, Type: typ, Admin: 1, link: -1})
	}
	b.n.devs = append(b.n.devs, d)
	b.n.byName[name] = d
	return d
}
