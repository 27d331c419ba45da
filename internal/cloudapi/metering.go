package cloudapi

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/swanwatch/swanwatch/internal/pricelist"
)

// How metering counts (the spec's metering description says the same in Chinese):
// every whole hour of the month (CST) each VM is looked at once; running then
// (hypervisor_vm_running == 1, or for a VM no hypervisor reports its agent's
// up == 1) makes that an instance-hour, with its vCPUs and memory at that hour
// as vCPU-hours and GB-hours. Yuan = the monthly price cap of the VM's spec ×
// its running hours ÷ the hours in the month.
const (
	meterStep = time.Hour
	// The add-on units of the price list price a VM that is no fixed spec.
	categoryVCPUUnit   = "云主机服务-单独核(vCPU)"
	categoryMemoryUnit = "云主机服务-单独内存"
)

// Meter is one department's or system's month.
type Meter struct {
	Key           string  `json:"key"`
	Instances     int     `json:"instances"`
	InstanceHours float64 `json:"instance_hours"`
	VCPUHours     float64 `json:"vcpu_hours"`
	MemoryGBHours float64 `json:"memory_gb_hours"`
	Yuan          float64 `json:"yuan"`
	// UnitPriced counts the VMs priced by the add-on units (no fixed spec
	// matched), UnpricedInstances those with no known size at all (0 yuan).
	UnitPriced        int `json:"unit_priced_instances"`
	UnpricedInstances int `json:"unpriced_instances"`
}

// MeterReport is the answer of GET /api/cloud/v1/metering.
type MeterReport struct {
	Month         string    `json:"month"`
	By            string    `json:"by"`
	Start         time.Time `json:"start"`
	End           time.Time `json:"end"`
	HoursInMonth  int       `json:"hours_in_month"`
	HoursMeasured int       `json:"hours_measured"`
	Estimate      bool      `json:"estimate"`
	Method        string    `json:"method"`
	Rows          []Meter   `json:"rows"`
	Total         Meter     `json:"total"`
}

const meterMethod = "每个整点（北京时间）对每台云服务器采样一次：运行中（虚拟化平台 hypervisor_vm_running=1；平台未上报的云服务器以监控插件 up=1 计）" +
	"计1实例小时，并按当时的vCPU数与内存(GB)计vCPU小时与GB小时。费用=该云服务器规格的合同月度最高限价×运行小时数÷当月小时数；" +
	"规格取资源清单的spec，无则取平台配置；非合同固定规格按单独核(31元/vCPU/月)与单独内存(8元/GB/月)计；当月已删除的云服务器照常计入。" +
	"合同价为最高限价，结果为估算，不作结算依据。"

// Metering answers GET /api/cloud/v1/metering (supervisor): ?month=YYYY-MM
// &by=dept|system — the month's instance-hours, vCPU-hours, GB-hours and
// yuan per department or system (all rows, no paging: one per group).
func (a *API) Metering() http.Handler {
	return a.handle("metering", []string{"month", "by"}, a.metering)
}

func (a *API) metering(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	start, end, e := parseMonth(q.Get("month"))
	if e != nil {
		return nil, e
	}
	by := firstOf(q.Get("by"), "dept")
	if by != "dept" && by != "system" {
		return nil, invalid("by 应为 dept 或 system，收到 %q", clip(by))
	}
	now := a.opts.Now()
	if !start.Before(now) {
		return nil, invalid("month %s 尚未开始", q.Get("month"))
	}
	// The last instant looked at: the month's last hour, or now for the
	// current month; 1 ms early, so the hour that starts the next month is not counted.
	at := minTime(end, now).Add(-time.Millisecond)
	vms, err := a.meterVMs(r, start, at)
	if err != nil {
		return nil, internal("metering", err)
	}
	rep := MeterReport{Month: q.Get("month"), By: by, Start: start, End: end,
		HoursInMonth: int(end.Sub(start) / time.Hour), HoursMeasured: int(at.Sub(start)/time.Hour) + 1,
		Estimate: true, Method: meterMethod}
	rep.Rows, rep.Total = a.meterRows(vms, by, rep.HoursInMonth)
	return rep, nil
}

func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// vmMonth is one VM's month.
type vmMonth struct {
	vm                  vm
	hours, vcpuH, memGH float64
	vcpus, memGB        float64 // last configured size; 0 unknown
}

func (a *API) meterVMs(r *http.Request, start, at time.Time) ([]vmMonth, error) {
	rng := fmt.Sprintf("%dms", at.Sub(start).Milliseconds()+1)
	sub := func(expr string) string {
		return fmt.Sprintf("sum_over_time((%s)[%s:%s])", expr, rng, "1h")
	}
	running := "(" + hvRunning + " == bool 1)"
	qs := &queries{a: a, ctx: r.Context(), at: at}
	hvHours := qs.get(sub(running), labelVM)
	hvVCPUH := qs.get(sub(hvVCPUs+" * on (vm) "+running), labelVM)
	hvMemGH := qs.get(sub(hvMemBytes+fmt.Sprintf(" / %d * on (vm) ", bytesPerGB)+running), labelVM)
	agHours := qs.get(sub("("+agentUp+" == bool 1)"), labelInst)
	lastC := qs.get(fmt.Sprintf("max by (vm) (last_over_time(hypervisor_vm_vcpus[%s]))", rng), labelVM)
	lastM := qs.get(fmt.Sprintf("max by (vm) (last_over_time(hypervisor_vm_memory_bytes[%s]))", rng), labelVM)
	if qs.err != nil {
		return nil, qs.err
	}
	infos, err := a.infos(r.Context(), fmt.Sprintf("last_over_time(%s[%s])", hvInfo, rng), at)
	if err != nil {
		return nil, err
	}
	vms := a.estate(infos)
	gone, err := a.departed(r, vms, agHours, rng, at)
	if err != nil {
		return nil, err
	}
	var out []vmMonth
	for _, v := range append(vms, gone...) {
		m := vmMonth{vm: v, vcpus: lastC[v.Name], memGB: lastM[v.Name] / bytesPerGB}
		if c, g, err := pricelist.ParseSpec(v.Spec); err == nil {
			m.vcpus, m.memGB = float64(c), float64(g) // the register's spec is what is paid for
		}
		if h, ok := hvHours[v.Name]; ok {
			m.hours, m.vcpuH, m.memGH = h, hvVCPUH[v.Name], hvMemGH[v.Name]
		} else if h, ok := agHours[v.Name]; ok {
			m.hours, m.vcpuH, m.memGH = h, h*m.vcpus, h*m.memGB
		}
		if m.hours > 0 {
			out = append(out, m)
		}
	}
	return out, nil
}

// monthlyYuan is a VM's monthly price cap: its fixed spec's, or the add-on
// units' for a size the contract has no spec for; ok false without a size.
func (a *API) monthlyYuan(vcpus, memGB float64) (yuan float64, units, ok bool) {
	if vcpus <= 0 || memGB <= 0 {
		return 0, false, false
	}
	if vcpus == float64(int(vcpus)) && memGB == float64(int(memGB)) {
		if s, found := a.opts.Prices.Lookup(int(vcpus), int(memGB)); found {
			return float64(s.Yuan), false, true
		}
	}
	var perVCPU, perGB float64
	for _, row := range a.opts.Prices.Rows() {
		switch row.Category {
		case categoryVCPUUnit:
			perVCPU = row.Yuan
		case categoryMemoryUnit:
			perGB = row.Yuan
		}
	}
	if perVCPU == 0 || perGB == 0 {
		return 0, false, false
	}
	return perVCPU*vcpus + perGB*memGB, true, true
}

func (a *API) meterRows(vms []vmMonth, by string, hoursInMonth int) ([]Meter, Meter) {
	groups := map[string]*Meter{}
	total := Meter{Key: "合计"}
	for _, m := range vms {
		k := m.vm.group(by)
		g := groups[k]
		if g == nil {
			g = &Meter{Key: k}
			groups[k] = g
		}
		yuan, units, ok := a.monthlyYuan(m.vcpus, m.memGB)
		for _, t := range []*Meter{g, &total} {
			t.Instances++
			t.InstanceHours += m.hours
			t.VCPUHours += m.vcpuH
			t.MemoryGBHours += m.memGH
			t.Yuan += yuan * m.hours / float64(hoursInMonth)
			if units {
				t.UnitPriced++
			}
			if !ok {
				t.UnpricedInstances++
			}
		}
	}
	rows := make([]Meter, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, rounded(*g))
	}
	slices.SortFunc(rows, func(x, y Meter) int { return compareStrings(x.Key, y.Key) })
	return rows, rounded(total)
}

func rounded(m Meter) Meter {
	m.InstanceHours, m.VCPUHours, m.MemoryGBHours, m.Yuan = round2(m.InstanceHours), round2(m.VCPUHours),
		round2(m.MemoryGBHours), round2(m.Yuan)
	return m
}

// departed are the VMs whose agent ran in the month but which are in
// neither the inventory nor a hypervisor now (deleted since): they still
// count, under the labels their agent's up series carried (the runner
// copies the inventory's system, dept and spec onto it).
func (a *API) departed(r *http.Request, known []vm, agHours map[string]float64, rng string, at time.Time) ([]vm, error) {
	seen := make(map[string]bool, len(known))
	for _, v := range known {
		seen[v.Name] = true
	}
	missing := false
	for name := range agHours {
		missing = missing || !seen[name]
	}
	if !missing {
		return nil, nil
	}
	res, err := a.opts.Query(r.Context(), fmt.Sprintf(`last_over_time(up{kind="agent"}[%s])`, rng), at)
	if err != nil {
		return nil, err
	}
	var out []vm
	for _, s := range res {
		name := s.Metric.Get(labelInst)
		if name == "" || seen[name] {
			continue
		}
		seen[name] = true
		out = append(out, vm{Name: name, System: s.Metric.Get("system"), Dept: s.Metric.Get("dept"),
			District: s.Metric.Get("district"), Spec: s.Metric.Get("spec")})
	}
	return out, nil
}
