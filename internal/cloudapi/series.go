package cloudapi

import (
	"context"
	"math"
	"strings"
	"time"
)

// The PromQL of a VM's utilisation, one sample per VM: from its monitoring
// agent (kind agent, keyed by instance = the VM's name) and from the
// hypervisor (keyed by vm), which stands in where the agent is missing.
// Ratios are 0–1 and clamped, so a counter reset cannot show 130 %.
const (
	agentCPU = `clamp(1 - sum by (instance) (rate(node_cpu_seconds_total{kind="agent",mode="idle"}[5m]))` +
		` / sum by (instance) (rate(node_cpu_seconds_total{kind="agent"}[5m])), 0, 1)`
	agentMemory = `clamp(1 - max by (instance) (node_memory_MemAvailable_bytes{kind="agent"})` +
		` / max by (instance) (node_memory_MemTotal_bytes{kind="agent"}), 0, 1)`
	agentDisk = `clamp(max by (instance) (1 - node_filesystem_avail_bytes{kind="agent",fstype!~"` + pseudoFS + `"}` +
		` / node_filesystem_size_bytes{kind="agent",fstype!~"` + pseudoFS + `"}), 0, 1)`
	agentUp      = `max by (instance) (up{kind="agent"})`
	hvCPU        = `clamp(max by (vm) (hypervisor_vm_cpu_usage_ratio), 0, 1)`
	hvMemory     = `clamp(max by (vm) (hypervisor_vm_memory_used_bytes) / max by (vm) (hypervisor_vm_memory_bytes), 0, 1)`
	hvInfo       = `hypervisor_vm_info`
	hvRunning    = `max by (vm) (hypervisor_vm_running)`
	hvVCPUs      = `max by (vm) (hypervisor_vm_vcpus)`
	hvMemBytes   = `max by (vm) (hypervisor_vm_memory_bytes)`
	bytesPerGB   = 1 << 30 // the contract's G: GiB, as the hypervisors size memory
	pseudoFS     = `tmpfs|devtmpfs|ramfs|proc|sysfs|cgroup2?|devpts|mqueue|hugetlbfs|debugfs|tracefs|securityfs|pstore|bpf|configfs|fusectl|binfmt_misc|rpc_pipefs|selinuxfs|efivarfs|autofs|nsfs|fuse\\.lxcfs|overlay|squashfs|erofs|iso9660|udf|nfs4?|cifs|smb3|fuse\\.sshfs|ceph|glusterfs`
	labelVM      = "vm"
	labelInst    = "instance"
	unregistered = "未登记" // a VM without system or department
)

// byKey runs expr and returns its samples by the value of label key; of two
// samples with the same key (a VM seen by two platforms) the larger wins,
// so the answer does not depend on the order of the engine's output.
func (a *API) byKey(ctx context.Context, expr, key string, at time.Time) (map[string]float64, error) {
	v, err := a.opts.Query(ctx, expr, at)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(v))
	for _, s := range v {
		k := s.Metric.Get(key)
		if k == "" || math.IsNaN(s.F) || math.IsInf(s.F, 0) {
			continue
		}
		if old, ok := out[k]; !ok || s.F > old {
			out[k] = s.F
		}
	}
	return out, nil
}

// vmInfo is what hypervisor_vm_info says of a VM.
type vmInfo struct {
	UUID, Host, Cluster, System, Dept, Platform string
}

// infos reads hypervisor_vm_info (or an expression over it keeping its
// labels) by vm. Of two series of one VM (two platforms, or a move caught
// between rounds) the one whose labels sort first is kept: stable.
func (a *API) infos(ctx context.Context, expr string, at time.Time) (map[string]vmInfo, error) {
	v, err := a.opts.Query(ctx, expr, at)
	if err != nil {
		return nil, err
	}
	out := map[string]vmInfo{}
	keep := map[string]string{}
	for _, s := range v {
		vm := s.Metric.Get(labelVM)
		if vm == "" {
			continue
		}
		if k, ok := keep[vm]; ok && strings.Compare(k, s.Metric.String()) <= 0 {
			continue
		}
		keep[vm] = s.Metric.String()
		out[vm] = vmInfo{UUID: s.Metric.Get("uuid"), Host: s.Metric.Get("host"), Cluster: s.Metric.Get("cluster"),
			System: s.Metric.Get("vm_system"), Dept: s.Metric.Get("vm_dept"), Platform: s.Metric.Get(labelInst)}
	}
	return out, nil
}

// queries runs several byKey queries, stopping at the first error.
type queries struct {
	a   *API
	ctx context.Context
	at  time.Time
	err error
}

func (q *queries) get(expr, key string) map[string]float64 {
	if q.err != nil {
		return nil
	}
	m, err := q.a.byKey(q.ctx, expr, key, q.at)
	q.err = err
	return m
}

// figure is a value that may be missing (JSON null).
func figure(m map[string]float64, k string) *float64 {
	v, ok := m[k]
	if !ok {
		return nil
	}
	r := round4(v)
	return &r
}
