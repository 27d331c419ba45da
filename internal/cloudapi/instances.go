package cloudapi

import (
	"net/http"
	"time"
)

// Instance is one VM with its relations and current utilisation.
type Instance struct {
	Name       string   `json:"name"`
	UUID       string   `json:"uuid"`
	Host       string   `json:"host"`
	Cluster    string   `json:"cluster"`
	System     string   `json:"system"`
	Dept       string   `json:"dept"`
	District   string   `json:"district"`
	Platform   string   `json:"platform"`
	Spec       string   `json:"spec"`
	VCPUs      *float64 `json:"vcpus"`
	MemoryGB   *float64 `json:"memory_gb"`
	PowerState string   `json:"power_state"` // running | stopped | unknown
	Agent      string   `json:"agent"`       // online | offline | missing
	Usage      Usage    `json:"utilisation"`
}

// Usage is a VM's utilisation now; a figure is null when nothing measures it.
type Usage struct {
	CPURatio    *float64 `json:"cpu_ratio"`
	MemoryRatio *float64 `json:"memory_ratio"`
	DiskRatio   *float64 `json:"disk_ratio"`
	Source      string   `json:"source"` // agent | hypervisor | none: where cpu_ratio comes from
}

// InstancePage is the answer of GET /api/cloud/v1/instances.
type InstancePage struct {
	At            time.Time  `json:"at"`
	Instances     []Instance `json:"instances"`
	NextPageToken string     `json:"next_page_token"`
}

// Instances answers GET /api/cloud/v1/instances (supervisor): every VM,
// by name, with its host, cluster, system and department and its current
// utilisation; filters system and dept; paged.
func (a *API) Instances() http.Handler {
	return a.handle("instances", []string{"system", "dept", "page_size", "page_token"}, a.instances)
}

func (a *API) instances(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	size, e := parsePageSize(q.Get("page_size"))
	if e != nil {
		return nil, e
	}
	hash := queryHash("instances", q.Get("system"), q.Get("dept"))
	after, e := decodeToken(q.Get("page_token"), hash)
	if e != nil {
		return nil, e
	}
	now := a.opts.Now()
	infos, err := a.infosNow(r.Context(), now)
	if err != nil {
		return nil, internal("hypervisor_vm_info", err)
	}
	var vms []vm
	for _, v := range a.estate(infos) {
		if (q.Get("system") == "" || v.System == q.Get("system")) && (q.Get("dept") == "" || v.Dept == q.Get("dept")) {
			vms = append(vms, v)
		}
	}
	vms, next := page(vms, func(v vm) string { return v.Name }, after, size, hash)
	out, err := a.describe(r, vms, now)
	if err != nil {
		return nil, internal("instance figures", err)
	}
	return InstancePage{At: now, Instances: out, NextPageToken: next}, nil
}

// describe reads the current figures of one page of VMs. The queries cover
// the whole estate (a PromQL selector of 500 names would be no cheaper).
func (a *API) describe(r *http.Request, vms []vm, now time.Time) ([]Instance, error) {
	qs := &queries{a: a, ctx: r.Context(), at: now}
	up, running := qs.get(agentUp, labelInst), qs.get(hvRunning, labelVM)
	vcpus, mem := qs.get(hvVCPUs, labelVM), qs.get(hvMemBytes, labelVM)
	aCPU, aMem, aDisk := qs.get(agentCPU, labelInst), qs.get(agentMemory, labelInst), qs.get(agentDisk, labelInst)
	hCPU, hMem := qs.get(hvCPU, labelVM), qs.get(hvMemory, labelVM)
	if qs.err != nil {
		return nil, qs.err
	}
	out := make([]Instance, 0, len(vms))
	for _, v := range vms {
		in := Instance{Name: v.Name, System: v.System, Dept: v.Dept, District: v.District,
			PowerState: powerState(running, v.Name), Agent: agentState(up, v)}
		if v.Info != nil {
			in.UUID, in.Host, in.Cluster, in.Platform = v.Info.UUID, v.Info.Host, v.Info.Cluster, v.Info.Platform
		}
		in.VCPUs = figure(vcpus, v.Name)
		if b, ok := mem[v.Name]; ok {
			gb := round2(b / bytesPerGB)
			in.MemoryGB = &gb
		}
		c, okC := vcpus[v.Name]
		m, okM := mem[v.Name]
		in.Spec = firstOf(v.Spec, sizeSpec(c, m, okC, okM))
		in.Usage = usageOf(v.Name, [2]map[string]float64{aCPU, hCPU}, [2]map[string]float64{aMem, hMem}, aDisk)
		out = append(out, in)
	}
	return out, nil
}

// usageOf takes each figure from the agent, else from the hypervisor.
func usageOf(name string, cpu, mem [2]map[string]float64, disk map[string]float64) Usage {
	u := Usage{Source: "none", DiskRatio: figure(disk, name)}
	switch {
	case figure(cpu[0], name) != nil:
		u.CPURatio, u.Source = figure(cpu[0], name), "agent"
	case figure(cpu[1], name) != nil:
		u.CPURatio, u.Source = figure(cpu[1], name), "hypervisor"
	}
	u.MemoryRatio = figure(mem[0], name)
	if u.MemoryRatio == nil {
		u.MemoryRatio = figure(mem[1], name)
	}
	return u
}

func powerState(running map[string]float64, name string) string {
	v, ok := running[name]
	switch {
	case !ok:
		return "unknown"
	case v == 1:
		return "running"
	}
	return "stopped"
}

// agentState: missing when no agent is in the inventory or it was never
// scraped — an agent nobody installed must not pass as online (R-A1).
func agentState(up map[string]float64, v vm) string {
	u, ok := up[v.Name]
	switch {
	case v.Target == nil || !ok:
		return "missing"
	case u == 1:
		return "online"
	}
	return "offline"
}
