package restprofile

import (
	"context"
	"fmt"
	"log/slog"
	"strings"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// Driver reads one REST platform through its profile.
type Driver struct {
	c      *client
	target collectors.Target
	log    *slog.Logger
	last   *round // previous round, for the events
}

// opener returns the driver.Opener of one profile.
func opener(p *Profile) driver.Opener {
	return func(ctx context.Context, l driver.Login) (driver.Driver, error) { return Open(ctx, p, l) }
}

// Open logs in, so that a wrong password fails the first round with a
// clear error (认证失败) that never holds the password.
func Open(ctx context.Context, p *Profile, l driver.Login) (*Driver, error) {
	base, err := parseBase(l.Target.Address)
	if err != nil {
		return nil, err
	}
	if strings.TrimSpace(l.Username) == "" {
		return nil, fmt.Errorf("%w: username missing (param username)", ErrParams)
	}
	hc, err := newHTTP(l.Target.Params)
	if err != nil {
		return nil, err
	}
	log := l.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	d := &Driver{c: &client{prof: p, base: base, http: hc, username: l.Username, password: l.Password},
		target: l.Target, log: log.With("platform", p.Name, "target", l.Target.Name)}
	if err := d.check(ctx); err != nil {
		hc.CloseIdleConnections()
		return nil, err
	}
	return d, nil
}

// check logs in; with Basic, which has no login, it reads the first page
// of the first endpoint instead, so a wrong password shows at once.
func (d *Driver) check(ctx context.Context) error {
	p := d.c.prof
	if p.Login.Kind != "basic" {
		return d.c.login(ctx)
	}
	for _, ep := range []*Endpoint{p.Hosts, p.VMs, p.Datastores} {
		if ep != nil {
			_, err := d.c.get(ctx, ep.Path, firstPage(ep))
			return err
		}
	}
	return nil
}

// Collect reads one round (driver.Driver).
func (d *Driver) Collect(ctx context.Context, emit collectors.Emit) ([]collectors.Event, error) {
	r, err := d.read(ctx)
	if err != nil {
		return nil, err
	}
	if r.skipped > 0 {
		d.log.Warn("values of the wrong type or unknown state skipped", "count", r.skipped)
	}
	d.emit(r, emit)
	evs := d.events(r)
	d.last = r
	return evs, nil
}

// Close drops idle connections; sessions time out on the platform.
func (d *Driver) Close() error {
	d.c.http.CloseIdleConnections()
	return nil
}
