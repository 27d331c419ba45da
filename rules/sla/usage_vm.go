package sla

import (
	"fmt"
	"math"
	"strings"
	"time"

	"github.com/prometheus/prometheus/model/labels"
	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb/chunkenc"
)

// point is one raw sample, compact: an agent's day is ~20,000 of them.
type point struct {
	t int64 // Unix ms
	v float64
}

// usageClass is which usage figure a series feeds.
type usageClass int

const (
	classNone usageClass = iota
	classCPU
	classMemory
	classDisk
	numClasses
)

func (c usageClass) String() string { return [...]string{"none", "cpu", "memory", "disk"}[c] }

// pseudoFS are the filesystem types that are not the VM's own disk: memory
// and kernel filesystems, read-only images and network shares. A real
// node_exporter reports tmpfs (/run, /run/user/…) by default.
var pseudoFS = map[string]bool{
	"tmpfs": true, "devtmpfs": true, "ramfs": true, "overlay": true, "squashfs": true, "erofs": true,
	"iso9660": true, "udf": true, "proc": true, "sysfs": true, "cgroup": true, "cgroup2": true,
	"devpts": true, "mqueue": true, "hugetlbfs": true, "debugfs": true, "tracefs": true,
	"securityfs": true, "pstore": true, "bpf": true, "configfs": true, "fusectl": true,
	"binfmt_misc": true, "rpc_pipefs": true, "selinuxfs": true, "efivarfs": true, "autofs": true,
	"nsfs": true, "fuse.lxcfs": true, "nfs": true, "nfs4": true, "cifs": true, "smb3": true,
	"fuse.sshfs": true, "ceph": true, "glusterfs": true,
}

func classOf(ls labels.Labels) usageClass {
	switch ls.Get(labels.MetricName) {
	case metricCPU:
		return classCPU
	case metricMemTotal, metricMemAvail:
		return classMemory
	case metricFSSize, metricFSAvail:
		if !pseudoFS[ls.Get("fstype")] {
			return classDisk
		}
	}
	return classNone
}

// life is what the reader learned about one class's lifetime in the day.
type life struct {
	first, last int64 // first and last usable sample in the day, Unix ms
	has         bool  // any usable sample in the day
	before      bool  // a usable sample in the ReadContext before the day
	after       bool  // one at or after 24:00
}

// span is the lifetime in the day as the SLIs define it (docs/sla.md §6):
// [first sample, last sample + Staleness], from 00:00 if the class had a
// sample before the day, to 24:00 if it has one after.
func (l life) span(from, to time.Time) Span {
	lo, hi := from, to
	if !l.before {
		lo = maxT(time.UnixMilli(l.first).Truncate(time.Second), from)
	}
	if !l.after {
		hi = minT(time.UnixMilli(l.last).Add(Staleness).Truncate(time.Second), to)
	}
	return Span{lo, hi}
}

// usageSeries is one raw series of the agent, its samples of the day.
type usageSeries struct {
	name  string
	class usageClass
	lset  labels.Labels
	pts   []point
}

// vmDay is one agent's usage series of one day. The reader reuses it from
// agent to agent, and the samples' buffers with it.
type vmDay struct {
	entity   string
	from     int64 // 00:00 CST of the day, Unix ms
	series   []usageSeries
	life     [numClasses]life
	labels   labels.Labels // of the series with the latest sample
	labelsAt int64
	it       chunkenc.Iterator
}

func (vm *vmDay) reset(entity string, from int64) {
	vm.entity, vm.from = entity, from
	vm.series = vm.series[:0]
	vm.life = [numClasses]life{}
	vm.labels, vm.labelsAt = labels.EmptyLabels(), math.MinInt64
}

// add reads one series of the day.
func (vm *vmDay) add(s storage.Series, to int64) error {
	ls := s.Labels()
	c := classOf(ls)
	if c == classNone {
		return nil
	}
	var buf []point
	if n := len(vm.series); n < cap(vm.series) {
		buf = vm.series[:n+1][n].pts[:0]
	}
	vm.it = s.Iterator(vm.it)
	pts, after, err := readPoints(buf, vm.it, vm.from, to, c)
	if err != nil {
		return fmt.Errorf("read %s: %w", ls.Get(labels.MetricName), err)
	}
	vm.series = append(vm.series, usageSeries{name: ls.Get(labels.MetricName), class: c, lset: ls, pts: pts})
	vm.note(c, pts, after, ls)
	return nil
}

// note extends the class's lifetime by the series' samples.
func (vm *vmDay) note(c usageClass, pts []point, after bool, ls labels.Labels) {
	l := &vm.life[c]
	l.after = l.after || after
	if len(pts) == 0 {
		return
	}
	first, last := pts[0].t, pts[len(pts)-1].t
	if !l.has || first < l.first {
		l.first = first
	}
	if !l.has || last > l.last {
		l.last = last
	}
	l.has = true
	if last > vm.labelsAt {
		vm.labels, vm.labelsAt = ls, last
	}
}

// seriesLabels are the labels of one family's series that are not the
// agent's: the CPU mode and number, the filesystem.
var seriesLabels = []string{labels.MetricName, "mode", "cpu", "device", "fstype", "mountpoint"}

// targetLabels are the agent's labels (district, system, site, …) as its
// latest series carried them, copied out of the querier's memory.
func (vm *vmDay) targetLabels() map[string]string {
	out := map[string]string{}
	vm.labels.Range(func(l labels.Label) {
		for _, s := range seriesLabels {
			if l.Name == s {
				return
			}
		}
		if l.Value != "" {
			out[strings.Clone(l.Name)] = strings.Clone(l.Value)
		}
	})
	return out
}

// interval is the index of the 5-minute interval of the day holding t.
func (vm *vmDay) interval(t int64) int {
	return int((t - vm.from) / UsageInterval.Milliseconds())
}

// pairKey identifies a series apart from its name, so that a filesystem's
// avail series meets its size series and MemAvailable meets MemTotal.
func pairKey(ls labels.Labels) string {
	return labels.NewBuilder(ls).Del(labels.MetricName).Labels().String()
}
