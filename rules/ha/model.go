// Package ha is the HA proof (R-A9 "VMs restart or migrate automatically
// when their host fails"): it follows the hypervisor collector's events
// (docs/cloud.md, "Hypervisor events") and turns each host failure into one
// record and one alert (HostFailure) listing every VM of the host, whether it
// came back, where, and how long it was down. Records live in the state
// database, so an open failure survives a restart and the monthly report
// counts them (Month).
package ha

import (
	"slices"
	"time"
)

// Outcome is what became of one VM of a failed host.
type Outcome string

// The outcomes. A VM is back once restarted, migrated, recovered in place or
// started by hand; failover_failed and not_recovered keep the failure open.
const (
	Pending        Outcome = "pending"         // 等待恢复: not back yet, deadline not reached
	Restarted      Outcome = "restarted"       // HA已重启 (vm_restarted)
	Migrated       Outcome = "migrated"        // HA已迁移 (vm_migrated off the failed host)
	InPlace        Outcome = "in_place"        // 原机恢复: started again on the failed host once it was back; not HA
	Manual         Outcome = "manual"          // 手工恢复: started on another host without an HA event
	FailoverFailed Outcome = "failover_failed" // HA重启失败 (vm_failover_failed)
	NotRecovered   Outcome = "not_recovered"   // 未恢复: not back by the deadline
)

// Back tells whether the VM runs again.
func (o Outcome) Back() bool {
	return o == Restarted || o == Migrated || o == InPlace || o == Manual
}

// ByHA tells whether HA (or DRS) brought the VM back by itself: what R-A9 promises.
func (o Outcome) ByHA() bool { return o == Restarted || o == Migrated }

// Text is the outcome as an operator reads it.
func (o Outcome) Text() string {
	switch o {
	case Restarted:
		return "HA已重启"
	case Migrated:
		return "HA已迁移"
	case InPlace:
		return "原机恢复"
	case Manual:
		return "手工恢复"
	case FailoverFailed:
		return "HA重启失败"
	case NotRecovered:
		return "超时未恢复"
	}
	return "等待恢复"
}

// VM is one VM of a failed host.
type VM struct {
	Name    string  `json:"name"`
	Outcome Outcome `json:"outcome"`
	// ToHost is where it runs again (the failed host itself for InPlace).
	ToHost string    `json:"to_host,omitempty"`
	BackAt time.Time `json:"back_at,omitzero"`
	// Downtime is BackAt − the host's failure time; 0 while not back.
	Downtime time.Duration `json:"downtime_ns,omitempty"`
	// GaveUpAt is when HA gave up (failover failed) or the deadline passed.
	GaveUpAt time.Time `json:"gave_up_at,omitzero"`
}

// Failure is one host failure (host_failed or host_isolated) with its VMs.
type Failure struct {
	ID       int64     `json:"id"`
	Instance string    `json:"instance"` // the platform target
	Host     string    `json:"host"`
	Cluster  string    `json:"cluster,omitempty"`
	Kind     string    `json:"kind"` // host_failed or host_isolated
	FailedAt time.Time `json:"failed_at"`
	// RecoveredAt is when the host came back; zero while it is down.
	RecoveredAt time.Time `json:"recovered_at,omitzero"`
	// ClosedAt is when the host and every VM were back: the alert's end.
	ClosedAt time.Time `json:"closed_at,omitzero"`
	VMs      []VM      `json:"vms"` // by name
}

// Open tells whether the failure still rings: the host or a VM is not back.
func (f *Failure) Open() bool { return f.ClosedAt.IsZero() }

// allBack tells whether every VM runs again.
func (f *Failure) allBack() bool {
	for i := range f.VMs {
		if !f.VMs[i].Outcome.Back() {
			return false
		}
	}
	return true
}

// clone is a deep copy, for callers outside the lock.
func (f *Failure) clone() Failure {
	c := *f
	c.VMs = slices.Clone(f.VMs)
	return c
}

// tally counts a failure's VMs per outcome.
func (f *Failure) tally() map[Outcome]int {
	n := map[Outcome]int{}
	for i := range f.VMs {
		n[f.VMs[i].Outcome]++
	}
	return n
}
