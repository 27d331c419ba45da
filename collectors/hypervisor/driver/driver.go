// Package driver is what a hypervisor platform's driver implements
// (collectors/hypervisor/vsphere, …/libvirt, …/restprofile) and what the
// hypervisor collector kind drives. It is a leaf: drivers import it, the
// kind imports the drivers, and the kind's platform table maps a target's
// `platform` param to a driver's Open.
package driver

import (
	"context"
	"log/slog"

	"github.com/swanwatch/swanwatch/collectors"
)

// Driver reads one platform. The collector keeps one per target between
// rounds (a vCenter session is expensive to open) and closes it when the
// target leaves or its address or credentials change.
type Driver interface {
	// Collect reads one round: it emits the series of docs/cloud.md and
	// returns the events (docs/cloud.md, "Hypervisor events") seen since the
	// previous round. A driver that cannot reach its platform returns an
	// error; one that reached it but misses a part (no perf data yet)
	// emits what it has.
	Collect(ctx context.Context, emit collectors.Emit) ([]collectors.Event, error)
	Close() error
}

// Login is what a driver needs to open a session, secrets already read
// from their files.
type Login struct {
	Target   collectors.Target
	Username string
	Password string // never logged, never in an error
	Logger   *slog.Logger
}

// Opener opens a driver for one target: it logs in and checks that the
// platform answers, so that a wrong password fails the first round with a
// clear error.
type Opener func(ctx context.Context, l Login) (Driver, error)

// Resilient is a Driver that mends itself after a failed round (libvirt's
// re-dials its connection on the next Collect and reports the outage as
// host_failed, then host_recovered). The kind keeps it, and with it the
// previous round's counters and states, where it would close another
// driver and open a new one.
type Resilient interface {
	Driver
	Resilient()
}
