package sim

import (
	"fmt"
	"math/rand/v2"
	"sort"
	"sync/atomic"
)

// vm is one simulated cloud server with its monitoring agent.
type vm struct {
	Name, District, Level, Site, System, Dept, Parent, Role, Spec string

	idx   int
	key   uint64
	group int // index into estate.groups: its host, or its whole site for a county room
	params
	body   *bodyTemplate // label prefixes rendered once
	forced atomic.Uint32 // a forceState set through /control
}

// group is what fails together: a hypervisor host (~20 VMs) in the city's data
// centres, or a county machine room as a whole.
type group struct {
	Name    string
	Kind    string // "host" or "site"
	Members []int
}

type estate struct {
	vms    []*vm
	byName map[string]*vm
	groups []group
	// offlineBase is the per-slot outage chance that makes the mean share of
	// agents offline from their own schedule equal Options.OfflineShare.
	offlineBase float64
}

// vmsPerHost matches the reference estate: 3,000 VMs on 150 hypervisor hosts.
const vmsPerHost = 20

func buildEstate(n int, seed int64) *estate {
	e := &estate{byName: make(map[string]*vm, n)}
	names := map[string]int{}
	for di, count := range allocate(n) {
		g := rand.New(rand.NewPCG(uint64(seed), uint64(di)+1))
		for count > 0 {
			count -= e.deploy(g, seed, districts[di], names, count)
		}
	}
	e.placeOnHosts(seed)
	return e
}

// allocate splits n VMs over the districts by weight (largest remainder), giving
// every district at least one VM when there are enough.
func allocate(n int) []int {
	counts := make([]int, len(districts))
	type rem struct {
		i int
		r float64
	}
	rems := make([]rem, len(districts))
	left := n
	for i, d := range districts {
		x := d.Weight * float64(n)
		counts[i] = int(x)
		left -= counts[i]
		rems[i] = rem{i, x - float64(counts[i])}
	}
	sort.SliceStable(rems, func(a, b int) bool { return rems[a].r > rems[b].r })
	for k := 0; k < left; k++ {
		counts[rems[k%len(rems)].i]++
	}
	for i := range counts {
		if counts[i] == 0 && counts[0] > 1 {
			counts[i]++
			counts[0]--
		}
	}
	return counts
}

// deployment is one business system's copy in one district and site.
type deployment struct {
	sys               system
	district          district
	site, level, dept string
	prefix            string // of VM names: zwy-[county-]code-
	retired           bool   // replaced years ago, its VMs still run
}

// deploy adds one deployment of a business system to district d, at most max
// VMs, and returns how many it added.
func (e *estate) deploy(g *rand.Rand, seed int64, d district, names map[string]int, max int) int {
	sys, roles := chooseSystem(g, d)
	dp := deployment{sys: sys, district: d, site: chooseSite(g, d), retired: g.Float64() < 0.05,
		level: "city", dept: sys.Dept, prefix: "zwy-" + sys.Code + "-"}
	if d.Slug != "" {
		dp.level, dp.dept, dp.prefix = "county", countyDept(d, sys.Dept), "zwy-"+d.Slug+"-"+sys.Code+"-"
	}
	n := min(max, len(roles))
	for _, role := range roles[:n] {
		base := dp.prefix + role
		names[base]++
		e.add(g, seed, dp, role, fmt.Sprintf("%s-%02d", base, names[base]))
	}
	return n
}

func (e *estate) add(g *rand.Rand, seed int64, dp deployment, role, name string) {
	p := profiles[role]
	if dp.retired {
		p = profiles["zombie"]
	} else if g.Float64() < 0.08 {
		p = profiles["idle"] // oversized for what it does
	}
	v := &vm{Name: name, District: dp.district.Name, Level: dp.level, Site: dp.site,
		System: dp.sys.Name, Dept: dp.dept, Role: role, idx: len(e.vms)}
	v.key = hash3(uint64(seed), uint64(v.idx), saltParam)
	v.params = newParams(g, v.key, p)
	v.Spec = fmt.Sprintf("%dC%dG", v.cpus, v.memGiB)
	v.offlineFactor *= dp.district.Flaky
	e.vms = append(e.vms, v)
	e.byName[v.Name] = v
}

func chooseSystem(g *rand.Rand, d district) (system, []string) {
	total := 0.0
	for _, s := range systems {
		if d.Slug == "" || s.County {
			total += s.Weight
		}
	}
	x := g.Float64() * total
	for _, s := range systems {
		if d.Slug != "" && !s.County {
			continue
		}
		if x -= s.Weight; x < 0 {
			size := s.Size
			if d.Slug != "" && size > 0 && size < 3 {
				size-- // a county runs a smaller copy
			}
			return s, templates[size]
		}
	}
	return systems[0], templates[systems[0].Size]
}

func chooseSite(g *rand.Rand, d district) string {
	x := g.Float64()
	switch {
	case d.Slug == "" && x < 0.15, d.Slug != "" && d.Room == "" && x < 0.05:
		return siteDR
	case d.Room != "" && x < 0.2:
		return d.Room
	}
	return siteMain
}

// placeOnHosts spreads each site's VMs over hypervisor hosts of vmsPerHost VMs
// and forms the failure groups.
func (e *estate) placeOnHosts(seed int64) {
	bySite := map[string][]int{}
	var order []string
	for _, v := range e.vms {
		if _, ok := bySite[v.Site]; !ok {
			order = append(order, v.Site)
		}
		bySite[v.Site] = append(bySite[v.Site], v.idx)
	}
	for si, site := range order {
		members := bySite[site]
		g := rand.New(rand.NewPCG(uint64(seed), uint64(1000+si)))
		g.Shuffle(len(members), func(a, b int) { members[a], members[b] = members[b], members[a] })
		room := site != siteMain && site != siteDR
		if room {
			e.addGroup(group{Name: site, Kind: "site", Members: members})
		}
		for h := 0; h*vmsPerHost < len(members); h++ {
			end := min((h+1)*vmsPerHost, len(members))
			host := fmt.Sprintf("%s-cvk-%03d", hostPrefix(site, e.vms[members[0]]), h+1)
			for _, i := range members[h*vmsPerHost : end] {
				e.vms[i].Parent = host
			}
			if !room {
				e.addGroup(group{Name: host, Kind: "host", Members: members[h*vmsPerHost : end]})
			}
		}
	}
}

func (e *estate) addGroup(gr group) {
	for _, i := range gr.Members {
		e.vms[i].group = len(e.groups)
	}
	e.groups = append(e.groups, gr)
}

func hostPrefix(site string, v *vm) string {
	switch site {
	case siteMain:
		return "zwy-zx"
	case siteDR:
		return "zwy-zb"
	}
	for _, d := range districts {
		if d.Name == v.District {
			return "zwy-" + d.Slug
		}
	}
	return "zwy-x"
}
