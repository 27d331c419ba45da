package api

import (
	"errors"
	"maps"
	"net/http"
	"slices"
	"strconv"
)

// Metadata describes one metric family, as /api/v1/metadata reports it.
type Metadata struct {
	Type string `json:"type"` // counter, gauge, histogram, summary, unknown
	Help string `json:"help"`
	Unit string `json:"unit"`
}

// MetadataSource answers /api/v1/metadata. The app feeds it from the
// collectors (which know their families) and from the rule packs.
type MetadataSource interface {
	// Metadata returns the entries of metric, or of all metrics when metric
	// is "". limit caps the number of metric names; negative means no cap.
	Metadata(metric string, limit int) map[string][]Metadata
}

// StaticMetadata is a fixed table of metric families.
type StaticMetadata map[string][]Metadata

// Metadata implements MetadataSource; names are taken in sorted order so
// that a limit cuts the same way every time.
func (s StaticMetadata) Metadata(metric string, limit int) map[string][]Metadata {
	out := map[string][]Metadata{}
	if metric != "" {
		if md, ok := s[metric]; ok && limit != 0 {
			out[metric] = slices.Clone(md)
		}
		return out
	}
	for _, name := range slices.Sorted(maps.Keys(s)) {
		if limit >= 0 && len(out) >= limit {
			break
		}
		out[name] = slices.Clone(s[name])
	}
	return out
}

// MultiMetadata merges several sources; entries of the same metric are
// concatenated without duplicates, in source order.
type MultiMetadata []MetadataSource

// Metadata implements MetadataSource.
func (m MultiMetadata) Metadata(metric string, limit int) map[string][]Metadata {
	out := map[string][]Metadata{}
	for _, src := range m {
		for name, mds := range src.Metadata(metric, -1) {
			if _, seen := out[name]; !seen && limit >= 0 && len(out) >= limit {
				continue
			}
			for _, md := range mds {
				if !slices.Contains(out[name], md) {
					out[name] = append(out[name], md)
				}
			}
		}
	}
	return out
}

// DefaultMetadata describes the series SwanWatch itself writes: the
// runner's per-target health and the recording rules of the shipped packs.
// Help texts are read by operators in Grafana, so they are in Chinese.
func DefaultMetadata() StaticMetadata {
	gauge := func(help, unit string) []Metadata {
		return []Metadata{{Type: "gauge", Help: help, Unit: unit}}
	}
	return StaticMetadata{
		"up":                                     gauge("目标最近一轮采集是否成功:1=成功,0=失败", ""),
		"collect_duration_seconds":               gauge("目标最近一轮采集耗时(秒)", "seconds"),
		"swanwatch:agent_online:ratio":           gauge("各区县监控插件在线率(R-A1)", "ratio"),
		"swanwatch:agent_online_by_system:ratio": gauge("各区县各系统监控插件在线率(R-A1)", "ratio"),
		"swanwatch:agent_online_by_vm:ratio":     gauge("每台云服务器监控插件是否在线:1=在线,0=离线(R-A1)", "ratio"),
		"swanwatch:agent_online_city:ratio":      gauge("全市监控插件在线率(R-A1)", "ratio"),
		"swanwatch:agents_offline:count":         gauge("各区县监控插件离线的云服务器数量(R-A1)", ""),
	}
}

// metadata serves GET /api/v1/metadata with Prometheus's limit and
// limit_per_metric parameters.
func (q *Query) metadata(r *http.Request) result {
	limit, err := optionalInt(r.FormValue("limit"))
	if err != nil {
		return fail(badData(errors.New("limit must be a number")))
	}
	perMetric, err := optionalInt(r.FormValue("limit_per_metric"))
	if err != nil {
		return fail(badData(errors.New("limit_per_metric must be a number")))
	}
	// A new map: a source may hand out its own.
	out := map[string][]Metadata{}
	for name, mds := range q.opts.Metadata.Metadata(r.FormValue("metric"), limit) {
		if perMetric > 0 {
			mds = mds[:min(perMetric, len(mds))]
		}
		out[name] = mds
	}
	return result{data: out}
}

// optionalInt parses an integer parameter, -1 when absent.
func optionalInt(s string) (int, error) {
	if s == "" {
		return -1, nil
	}
	return strconv.Atoi(s)
}
