// Package vsphere is the hypervisor driver for VMware vCenter (and ESXi)
// through govmomi: one session kept between rounds, one container view read
// by one property-collector call per round, realtime perf (20 s) for hosts
// and VMs batched within max_query_metrics, historical perf (300 s) for
// datastores every few minutes, triggered alarms, and the platform's events
// tailed with an EventHistoryCollector and completed by what the inventory
// shows (docs/cloud.md, "Hypervisors" and "Hypervisor events").
package vsphere

import (
	"context"
	"fmt"
	"log/slog"
	"net/url"
	"sync"
	"time"

	"github.com/vmware/govmomi/session"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// Platform is the `platform` param value of this driver.
const Platform = "vsphere"

// Driver reads one vCenter. Collect calls are serialised: the kind runs one
// round per target at a time, and the state below belongs to that target.
type Driver struct {
	log  *slog.Logger
	user *url.Userinfo // holds the password; never printed
	p    params
	now  func() time.Time

	mu    sync.Mutex
	vc    *vim25.Client
	stats *Stats
	sess  *sessionState // nil until logged in; rebuilt after a re-login

	inv      *inventory // the previous round's inventory
	hostDown map[string]bool
	lastOn   map[string][]vmRef // per host: the VMs on it when it last answered
	moves    map[string]move    // per VM moref: the last reported host change
	lastKey  int32              // newest platform event handled
	lastTime time.Time
	dsCache  dsPerf // datastore perf, refreshed every historicalEvery
	dsAt     time.Time
	tags     tagCache
}

// Stats counts the calls a driver makes, for the benchmark and the logs.
type Stats struct {
	mu                          sync.Mutex
	Retrieves, QueryPerf, Other int
}

func (s *Stats) count(req soap.HasFault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch req.(type) {
	case *retrieveExBody, *continueExBody:
		s.Retrieves++
	case *queryPerfBody:
		s.QueryPerf++
	default:
		s.Other++
	}
}

// Snapshot returns the counts so far.
func (s *Stats) Snapshot() (retrieves, queryPerf, other int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.Retrieves, s.QueryPerf, s.Other
}

// countingRT counts every SOAP call by method.
type countingRT struct {
	soap.RoundTripper
	stats *Stats
}

func (c countingRT) RoundTrip(ctx context.Context, req, res soap.HasFault) error {
	c.stats.count(req)
	return c.RoundTripper.RoundTrip(ctx, req, res)
}

// Open logs in to the vCenter of l.Target and checks that it answers, so a
// wrong password fails the first round with 认证失败.
func Open(ctx context.Context, l driver.Login) (driver.Driver, error) {
	return open(ctx, l)
}

func open(ctx context.Context, l driver.Login) (*Driver, error) {
	p, err := parseParams(l.Target.Address, l.Target.Params)
	if err != nil {
		return nil, err
	}
	if l.Username == "" || l.Password == "" {
		return nil, fmt.Errorf("%w: username and password_file are required", ErrParams)
	}
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Driver{log: log, user: url.UserPassword(l.Username, l.Password), p: p, now: time.Now,
		stats: &Stats{}, hostDown: map[string]bool{}, moves: map[string]move{}}
	if err := d.login(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// connect makes a fresh SOAP client: a new cookie jar, so a login after an
// expired session does not carry the dead session's cookie.
func (d *Driver) connect(ctx context.Context) error {
	d.closeIdle()
	sc := soap.NewClient(d.p.url, d.p.skipVerify)
	if d.p.caFile != "" {
		if err := sc.SetRootCAs(d.p.caFile); err != nil {
			return fmt.Errorf("%w: ca_file: %w", ErrParams, err)
		}
	}
	vc, err := vim25.NewClient(ctx, sc)
	if err != nil {
		return classify(ctx, "connect", err)
	}
	vc.RoundTripper = countingRT{RoundTripper: vc.RoundTripper, stats: d.stats}
	d.vc = vc
	d.tags.rest = nil
	return nil
}

// Stats returns the driver's call counters.
func (d *Driver) Stats() *Stats { return d.stats }

// login opens a session and the objects that live in it (the container view,
// the event collector, the counter table).
func (d *Driver) login(ctx context.Context) error {
	if err := d.connect(ctx); err != nil {
		return err
	}
	if err := session.NewManager(d.vc).Login(ctx, d.user); err != nil {
		d.closeIdle()
		return classify(ctx, "login", err)
	}
	s, err := newSession(ctx, d.vc, d.lastTime.Add(-time.Second))
	if err != nil {
		return classify(ctx, "session setup", err)
	}
	d.sess = s
	return nil
}

// Collect reads one round. A call that finds the session gone (NotAuthenticated)
// logs in again and runs the round once more.
func (d *Driver) Collect(ctx context.Context, emit collectors.Emit) ([]collectors.Event, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.sess == nil {
		if err := d.login(ctx); err != nil {
			return nil, err
		}
	}
	r, err := d.read(ctx)
	if err != nil && isSessionGone(err) {
		d.log.Info("vCenter session expired; logging in again")
		d.logout(ctx) // best effort: the session may be alive with its objects gone
		d.sess = nil
		if err := d.login(ctx); err != nil {
			return nil, err
		}
		r, err = d.read(ctx)
	}
	if err != nil {
		return nil, classify(ctx, "read", err)
	}
	events := d.finish(r)
	r.emit(emit)
	return events, nil
}

// Close logs out; the session's view and collector go with it.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.logout(context.Background())
	d.sess = nil
	d.closeIdle()
	return nil
}

// logout ends the session, briefly: vCenter keeps an idle session for
// 30 minutes, and a collector that reconnects must not pile them up.
func (d *Driver) logout(ctx context.Context) {
	if d.sess == nil {
		return
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	d.sess.destroy(ctx)
	_ = session.NewManager(d.vc).Logout(ctx)
}

func (d *Driver) closeIdle() {
	if d.vc != nil {
		d.vc.CloseIdleConnections()
	}
}

// keyOf is a moref's value, the key of every map here.
func keyOf(r types.ManagedObjectReference) string { return r.Value }
