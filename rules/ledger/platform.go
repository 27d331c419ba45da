package ledger

import (
	"context"
	"math"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/model/value"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// State of a VM as the data shows it.
type State string

// The states; Word is the Chinese.
const (
	Running State = "running" // 运行中
	Stopped State = "stopped" // 已关机
	Unknown State = "unknown" // 未知: no current power state and no agent
)

// Word is the state as the bureau reads it.
func (s State) Word() string {
	switch s {
	case Running:
		return "运行中"
	case Stopped:
		return "已关机"
	}
	return "未知"
}

// VM is what the data shows of one VM at a time.
type VM struct {
	Name     string
	Known    bool    // a hypervisor reports it (hypervisor_vm_info or its power state)
	System   string  // the platform's tags (vm_system), "" none
	Dept     string  // vm_dept
	Host     string  // where it runs
	State    State   // the hypervisor's power state; else the agent's `up`
	StateBy  string  // Chinese: which data said so
	VCPUs    int     // configured, 0 unknown
	MemBytes float64 // configured, 0 unknown
}

// Platform tells what runs: the hypervisors' VMs and the agents' state at a
// time, by VM name.
type Platform interface {
	VMs(ctx context.Context, at time.Time) (map[string]VM, error)
}

// TSDBPlatform reads the series of docs/cloud.md: hypervisor_vm_info,
// hypervisor_vm_running, hypervisor_vm_vcpus, hypervisor_vm_memory_bytes
// (by `vm`) and the agents' up{kind="agent"} (by `instance`). The latest
// sample within the lookback before the time asked counts, as PromQL's does;
// a series that ended with a staleness marker is gone.
type TSDBPlatform struct {
	q        storage.Queryable
	lookback time.Duration
}

// DefaultLookback is PromQL's: a VM not reported for 5 minutes is gone.
const DefaultLookback = 5 * time.Minute

// NewTSDBPlatform reads from q; lookback ≤ 0 takes DefaultLookback.
func NewTSDBPlatform(q storage.Queryable, lookback time.Duration) *TSDBPlatform {
	if lookback <= 0 {
		lookback = DefaultLookback
	}
	return &TSDBPlatform{q: q, lookback: lookback}
}

// VMs implements Platform.
func (p *TSDBPlatform) VMs(ctx context.Context, at time.Time) (map[string]VM, error) {
	qr, err := p.q.Querier(at.Add(-p.lookback).UnixMilli(), at.UnixMilli())
	if err != nil {
		return nil, err
	}
	defer qr.Close()
	out := map[string]VM{}
	vm := func(name string) VM { v := out[name]; v.Name = name; return v }
	err = latest(ctx, qr, "vm", func(name string, v float64, ls labels.Labels) {
		x := vm(name)
		x.Known, x.Host, x.System, x.Dept = true, ls.Get("host"), ls.Get("vm_system"), ls.Get("vm_dept")
		out[name] = x
	}, eq(labels.MetricName, "hypervisor_vm_info"))
	if err == nil {
		err = latest(ctx, qr, "vm", func(name string, v float64, _ labels.Labels) {
			x := vm(name)
			x.Known, x.State, x.StateBy = true, Stopped, "虚拟化平台电源状态"
			if v == 1 {
				x.State = Running
			}
			out[name] = x
		}, eq(labels.MetricName, "hypervisor_vm_running"))
	}
	for series, dst := range map[string]func(*VM, float64){
		"hypervisor_vm_vcpus":        func(x *VM, v float64) { x.VCPUs = int(math.Round(v)) },
		"hypervisor_vm_memory_bytes": func(x *VM, v float64) { x.MemBytes = v },
	} {
		if err != nil {
			break
		}
		err = latest(ctx, qr, "vm", func(name string, v float64, _ labels.Labels) {
			if x, ok := out[name]; ok && v > 0 && v < 1<<50 {
				dst(&x, v)
				out[name] = x
			}
		}, eq(labels.MetricName, series))
	}
	if err == nil {
		err = latest(ctx, qr, "instance", func(name string, v float64, _ labels.Labels) {
			x := vm(name)
			if x.State == "" || x.State == Unknown {
				x.State, x.StateBy = Stopped, "监控插件离线"
				if v == 1 {
					x.State, x.StateBy = Running, "监控插件在线"
				}
			}
			out[name] = x
		}, eq(labels.MetricName, "up"), eq("kind", "agent"))
	}
	for name, x := range out {
		if x.State == "" {
			x.State = Unknown
			out[name] = x
		}
	}
	return out, err
}

func eq(name, v string) *labels.Matcher { return labels.MustNewMatcher(labels.MatchEqual, name, v) }

// latest calls f with each key's latest sample (over all the series with that
// key: a VM reported by two platform targets counts once, the newer wins);
// a key whose latest sample is a staleness marker is skipped.
func latest(ctx context.Context, qr storage.Querier, key string, f func(string, float64, labels.Labels), ms ...*labels.Matcher) error {
	type last struct {
		t  int64
		v  float64
		ls labels.Labels
	}
	found := map[string]last{}
	set := qr.Select(ctx, false, nil, ms...)
	var it chunkenc.Iterator
	for set.Next() {
		s := set.At()
		name := s.Labels().Get(key)
		if name == "" {
			continue
		}
		it = s.Iterator(it)
		l, ok := found[name]
		for it.Next() == chunkenc.ValFloat {
			t, v := it.At()
			if !ok || t >= l.t {
				l, ok = last{t, v, s.Labels()}, true
			}
		}
		if err := it.Err(); err != nil {
			return err
		}
		if ok {
			found[name] = l
		}
	}
	if err := set.Err(); err != nil {
		return err
	}
	for name, l := range found {
		if !value.IsStaleNaN(l.v) && !math.IsNaN(l.v) {
			f(name, l.v, l.ls)
		}
	}
	return nil
}
