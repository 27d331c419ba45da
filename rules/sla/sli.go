package sla

import (
	"errors"
	"fmt"
	"time"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/promql/parser"
)

// Default windows: an agent's or a link's up/down is accounted per minute (the
// scrape interval), so a one-minute flap costs one minute and not five; the
// link quality promises of R-B1 are stated over 5-minute windows.
const (
	windowUp      = time.Minute
	windowQuality = 5 * time.Minute
)

// linkBy keeps one series per link: the worst address family counts, as in
// the wan pack's swanwatch:link_promise_met.
const linkBy = "link, district, level, group"

// DefaultSLIs returns the shipped indicators with their contractual defaults
// (docs/sla.md lists them with their R-IDs). Each query is a plain series
// selector over a series SwanWatch records (rules/packs), read as raw samples.
func DefaultSLIs() []SLI {
	return append([]SLI{
		{Name: "agent_online", Title: "监控插件在线率", Requirement: "R-A1", Entity: "vm_agent",
			Query: `up{kind="agent"}`, EntityLabel: "instance", Good: "== 1", Window: windowUp, Target: 1},
		{Name: "link_availability", Title: "链路可用率", Requirement: "R-B6", Entity: "link",
			Query: `swanwatch:link_up`, EntityLabel: "link", Good: "== 1", Window: windowUp, Target: 0.999},
		{Name: "link_latency", Title: "链路时延达标率", Requirement: "R-B1", Entity: "link",
			Query: `swanwatch:link_latency_seconds`, EntityLabel: "link", Good: "<= 0.050", Window: windowQuality, Target: 0.99},
		{Name: "link_loss", Title: "链路丢包率达标率", Requirement: "R-B1", Entity: "link",
			Query: `swanwatch:link_loss_ratio`, EntityLabel: "link", Good: "<= 0.02", Window: windowQuality, Target: 0.99},
		{Name: "link_jitter", Title: "链路抖动达标率", Requirement: "R-B1", Entity: "link",
			Query: `swanwatch:link_jitter_seconds`, EntityLabel: "link", Good: "<= 0.020", Window: windowQuality, Target: 0.99},
		{Name: "link_ber", Title: "链路误码率达标率", Requirement: "R-B1", Entity: "link",
			Query: `swanwatch:link_ber:estimate`, EntityLabel: "link", Good: "<= 1e-7", Window: windowQuality, Target: 0.99},
	}, append(cloudSLIs(), scenicSLIs()...)...)
}

// cloudSLIs are the government cloud's agent coverage (R-A1) and
// availability (R-A4): each VM's power
// state from its platform, with its business system from the inventory
// (rules/packs/cloud.yml records it), which the monthly report gives per
// system beside the configured service checks. A VM with no platform data
// is 无数据, never up or down; 99.9 % is our default, to be set to the SLA
// the provider submits.
func cloudSLIs() []SLI {
	return []SLI{
		// R-A1 asks for every cloud server's agent: a VM the platform runs
		// with no agent target fails it here (agent_online counts only the
		// agents there are).
		{Name: "agent_coverage", Title: "监控插件覆盖率", Requirement: "R-A1", Entity: "vm_coverage",
			Query: `swanwatch:vm_agent_installed_by_vm`, EntityLabel: "vm", Good: "== 1", Window: windowUp, Target: 1},
		{Name: "vm_running", Title: "云服务器运行率", Requirement: "R-A4", Entity: "vm",
			Query: `swanwatch:vm_running_by_vm`, EntityLabel: "vm", Good: "== 1", Window: windowUp, Target: 0.999},
	}
}

// scenicSLIs are the Swan Lake scenic area's lines (R-C2, R-C3): each reads
// the raw series rules/packs/swanlake.yml records or the collector writes,
// one per camera, channel, gate or screen. The contract states the duties,
// not the figures: the targets are our defaults (docs/report.md says why),
// to be set to the SLA the provider submits. A camera is diagnosed every
// 5 minutes and a recording search looks back 5 minutes, hence their window.
func scenicSLIs() []SLI {
	return []SLI{
		{Name: "camera_online", Title: "摄像机在线率", Requirement: "R-C3", Entity: "camera",
			Query: `up{kind="camera"}`, EntityLabel: "instance", Good: "== 1", Window: windowUp, Target: 0.98},
		{Name: "camera_picture_ok", Title: "画面完好率", Requirement: "R-C2", Entity: "camera",
			Query: `swanwatch:camera_picture_ok_by_camera:ratio`, EntityLabel: "instance", Good: "== 1", Window: windowQuality, Target: 0.95},
		{Name: "recording_complete", Title: "录像完整率", Requirement: "R-C3", Entity: "nvr_channel",
			Query: `swanwatch:recording_ok_by_channel:ratio`, EntityLabel: "channel_id", Good: "== 1", Window: windowQuality, Target: 0.99},
		{Name: "gate_availability", Title: "闸机可用率", Requirement: "R-C2", Entity: "gate",
			Query: `swanwatch:gate_ok_by_gate:ratio`, EntityLabel: "gate_id", Good: "== 1", Window: windowUp, Target: 0.99},
		{Name: "barrier_availability", Title: "道闸可用率", Requirement: "R-C2", Entity: "barrier",
			Query: `swanwatch:barrier_ok_by_gate:ratio`, EntityLabel: "gate_id", Good: "== 1", Window: windowUp, Target: 0.99},
		{Name: "led_availability", Title: "LED屏可用率", Requirement: "R-C2", Entity: "led",
			Query: `led_on`, EntityLabel: "instance", Good: "== 1", Window: windowUp, Target: 0.98},
	}
}

// Validate checks what the accounting relies on: a name, an entity label, a
// parsable Good condition and query, a window that divides a day, a target in
// (0, 1].
func (s SLI) Validate() error {
	if err := s.validate(); err != nil {
		invalid("sli")
		return err
	}
	return nil
}

func (s SLI) validate() error {
	switch {
	case s.Name == "":
		return errors.New("sli: name is empty")
	case s.EntityLabel == "":
		return fmt.Errorf("sli %s: entity_label is empty", s.Name)
	case s.Window <= 0 || (24*time.Hour)%s.Window != 0 || s.Window%time.Second != 0:
		return fmt.Errorf("sli %s: window %s must be whole seconds and divide a day", s.Name, s.Window)
	case !(s.Target > 0 && s.Target <= 1):
		return fmt.Errorf("sli %s: target %v must be in (0, 1]", s.Name, s.Target)
	}
	if _, err := ParseGood(s.Good); err != nil {
		return fmt.Errorf("sli %s: %w", s.Name, err)
	}
	if _, err := selector(s.Query); err != nil {
		return fmt.Errorf("sli %s: query %q must be a series selector: %w", s.Name, s.Query, err)
	}
	return nil
}

// invalid counts rejected SLI definitions, Good conditions and
// calendars by kind.
func invalid(kind string) {
	metrics.GetOrCreateCounter(`swanwatch_sla_invalid_total{kind="` + kind + `"}`).Inc()
}

// selector parses an SLI's query: a plain series selector, read as raw
// samples (docs/sla.md says why not a computed expression).
func selector(q string) ([]*labels.Matcher, error) {
	return parser.NewParser(parser.Options{}).ParseMetricSelector(q)
}
