package cloudapi

import (
	"fmt"
	"net/http"
	"slices"
	"time"
)

// Range bounds of GET /utilisation.
const (
	minRange     = 5 * time.Minute
	maxRange     = 31 * 24 * time.Hour
	defaultRange = 24 * time.Hour
	fineStep     = 5 * time.Minute // ranges up to fineUpTo
	coarseStep   = time.Hour       // longer ranges: 744 points a month
	fineUpTo     = 7 * 24 * time.Hour
)

// Stats are one figure over a range; null when nothing measured it.
type Stats struct {
	Avg *float64 `json:"avg"`
	P95 *float64 `json:"p95"`
}

// UsageRow is one instance, system or department over the range.
type UsageRow struct {
	Key       string `json:"key"`
	System    string `json:"system"`
	Dept      string `json:"dept"`
	Instances int    `json:"instances"`
	CPU       Stats  `json:"cpu"`
	Memory    Stats  `json:"memory"`
	Disk      Stats  `json:"disk"`
}

// UsagePage is the answer of GET /api/cloud/v1/utilisation.
type UsagePage struct {
	By            string     `json:"by"`
	Start         time.Time  `json:"start"`
	End           time.Time  `json:"end"`
	StepSeconds   int        `json:"step_seconds"`
	Rows          []UsageRow `json:"rows"`
	NextPageToken string     `json:"next_page_token"`
}

// Utilisation answers GET /api/cloud/v1/utilisation (supervisor):
// ?by=instance|system|dept&start=&end= — each VM's average and P95 of CPU,
// memory and disk use over the range, sampled every step (5 min up to 7 days,
// 1 h beyond); a group's avg and p95 are the means of its VMs' figures.
func (a *API) Utilisation() http.Handler {
	return a.handle("utilisation", []string{"by", "start", "end", "page_size", "page_token"}, a.utilisation)
}

// usageParams are the parsed parameters of /utilisation.
type usageParams struct {
	by         string
	start, end time.Time
	step       time.Duration
}

func parseUsage(get func(string) string, now time.Time) (usageParams, *apiError) {
	p := usageParams{by: firstOf(get("by"), "instance"), end: now}
	if !slices.Contains([]string{"instance", "system", "dept"}, p.by) {
		return p, invalid("by 应为 instance、system 或 dept，收到 %q", clip(p.by))
	}
	var e *apiError
	if s := get("end"); s != "" {
		if p.end, e = parseInstant("end", s, now); e != nil {
			return p, e
		}
	}
	p.start = p.end.Add(-defaultRange)
	if s := get("start"); s != "" {
		if p.start, e = parseInstant("start", s, now); e != nil {
			return p, e
		}
	}
	d := p.end.Sub(p.start)
	if d < minRange || d > maxRange {
		return p, invalid("start 应早于 end，且时间范围在 5 分钟到 31 天之间（当前 %s）", d.Round(time.Second))
	}
	p.step = fineStep
	if d > fineUpTo {
		p.step = coarseStep
	}
	return p, nil
}

func (a *API) utilisation(r *http.Request) (any, *apiError) {
	q := r.URL.Query()
	p, e := parseUsage(q.Get, a.opts.Now())
	if e != nil {
		return nil, e
	}
	size, e := parsePageSize(q.Get("page_size"))
	if e != nil {
		return nil, e
	}
	hash := queryHash("utilisation", p.by, p.start.UTC().Format(time.RFC3339Nano), p.end.UTC().Format(time.RFC3339Nano))
	after, e := decodeToken(q.Get("page_token"), hash)
	if e != nil {
		return nil, e
	}
	rows, err := a.usageRows(r, p)
	if err != nil {
		return nil, internal("utilisation", err)
	}
	rows, next := page(rows, func(u UsageRow) string { return u.Key }, after, size, hash)
	return UsagePage{By: p.by, Start: p.start, End: p.end, StepSeconds: int(p.step.Seconds()),
		Rows: nonNil(rows), NextPageToken: next}, nil
}

// overRange wraps a per-VM expression into its mean or P95 over the range.
func overRange(expr, fn string, p usageParams) string {
	sub := fmt.Sprintf("(%s)[%ds:%ds]", expr, int64(p.end.Sub(p.start).Seconds()), int64(p.step.Seconds()))
	if fn == "p95" {
		return "quantile_over_time(0.95, " + sub + ")"
	}
	return "avg_over_time(" + sub + ")"
}

// vmStats are one VM's figures over the range: avg and p95 of cpu, memory, disk.
type vmStats [3][2]*float64

func (a *API) usageRows(r *http.Request, p usageParams) ([]UsageRow, error) {
	infos, err := a.infos(r.Context(), fmt.Sprintf("last_over_time(%s[%ds])", hvInfo, int64(p.end.Sub(p.start).Seconds())), p.end)
	if err != nil {
		return nil, err
	}
	qs := &queries{a: a, ctx: r.Context(), at: p.end}
	var fig [3][2][2]map[string]float64 // metric × (avg, p95) × (agent, hypervisor)
	for i, pair := range [3][2]string{{agentCPU, hvCPU}, {agentMemory, hvMemory}, {agentDisk, ""}} {
		for j, fn := range []string{"avg", "p95"} {
			fig[i][j][0] = qs.get(overRange(pair[0], fn, p), labelInst)
			if pair[1] != "" {
				fig[i][j][1] = qs.get(overRange(pair[1], fn, p), labelVM)
			}
		}
	}
	if qs.err != nil {
		return nil, qs.err
	}
	groups := map[string]*usageGroup{}
	for _, v := range a.estate(infos) {
		s, any := statsOf(v.Name, fig)
		k := v.group(p.by)
		g := groups[k]
		if g == nil {
			g = &usageGroup{row: UsageRow{Key: k}}
			groups[k] = g
		}
		g.add(v, p.by, s, any)
	}
	rows := make([]UsageRow, 0, len(groups))
	for _, g := range groups {
		rows = append(rows, g.finish())
	}
	slices.SortFunc(rows, func(x, y UsageRow) int { return compareStrings(x.Key, y.Key) })
	return rows, nil
}

// statsOf takes each of a VM's figures from its agent, else its hypervisor.
func statsOf(name string, fig [3][2][2]map[string]float64) (vmStats, bool) {
	var s vmStats
	any := false
	for i := range fig {
		src := 0
		if figure(fig[i][0][0], name) == nil {
			src = 1
		}
		for j := range fig[i] {
			s[i][j] = figure(fig[i][j][src], name)
			any = any || s[i][j] != nil
		}
	}
	return s, any
}

// usageGroup sums its VMs' figures; each mean is over the VMs that have it.
type usageGroup struct {
	row UsageRow
	sum [3][2]float64
	n   [3][2]int
}

func (g *usageGroup) add(v vm, by string, s vmStats, measured bool) {
	if by == "instance" {
		g.row.System, g.row.Dept = v.System, v.Dept
	} else if by == "system" {
		g.row.System = g.row.Key
	} else {
		g.row.Dept = g.row.Key
	}
	if measured {
		g.row.Instances++
	}
	for i := range s {
		for j := range s[i] {
			if s[i][j] != nil {
				g.sum[i][j] += *s[i][j]
				g.n[i][j]++
			}
		}
	}
}

func (g *usageGroup) finish() UsageRow {
	mean := func(i, j int) *float64 {
		if g.n[i][j] == 0 {
			return nil
		}
		v := round4(g.sum[i][j] / float64(g.n[i][j]))
		return &v
	}
	g.row.CPU = Stats{Avg: mean(0, 0), P95: mean(0, 1)}
	g.row.Memory = Stats{Avg: mean(1, 0), P95: mean(1, 1)}
	g.row.Disk = Stats{Avg: mean(2, 0), P95: mean(2, 1)}
	return g.row
}
