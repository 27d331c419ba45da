// Package libvirt is the hypervisor driver for KVM hosts managed by libvirt
// (platform `libvirt`), over libvirt's RPC protocol with
// github.com/digitalocean/go-libvirt: a unix socket, or libvirtd's TCP or
// TLS listener.
//
// One round asks ConnectGetAllDomainStats for every stats group and fills
// what the daemon left out with per-domain calls (DomainGetInfo,
// DomainBlockStats, DomainInterfaceStats, DomainMemoryStats): libvirt's
// test driver, which the tests run against, answers only the state group.
// Rates come from counter deltas between rounds. vm_started and vm_stopped
// come from state changes between rounds, host_failed and host_recovered
// from the connection.
package libvirt

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"sync"
	"syscall"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// Driver reads one libvirt host. Rounds are serialised: the rates need
// the previous round's counters.
type Driver struct {
	target  collectors.Target
	ep      endpoint
	tlsConf *tls.Config
	log     *slog.Logger

	mu     sync.Mutex
	lv     *golibvirt.Libvirt
	dial   *dialer
	sub    *lifecycle // nil: the daemon refused lifecycle events
	fresh  bool       // no round yet on this connection: compare states over the gap
	lost   bool       // the connection dropped; host_recovered is due on reconnect
	hostNm string
	last   *round // the previous round: counters for rates, states for events
	descs  map[string]cachedDesc
	rounds int
	warned bool // the daemon's refusal of GetAllDomainStats was logged
}

var _ driver.Opener = Open

// Open checks the target's address and params, connects and opens the
// connect URI, so that a wrong address fails the first round clearly.
func Open(ctx context.Context, l driver.Login) (driver.Driver, error) {
	ep, err := parseEndpoint(l.Target.Address, l.Target.Params)
	if err != nil {
		return nil, fmt.Errorf("%w: %w", ErrParams, err)
	}
	if l.Username != "" || l.Password != "" {
		return nil, fmt.Errorf("%w: libvirt: username/password (SASL) is not supported; use the unix socket or tls:// with a client certificate", ErrParams)
	}
	d := &Driver{target: l.Target, ep: ep, log: l.Logger, descs: map[string]cachedDesc{}}
	if d.log == nil {
		d.log = slog.New(slog.DiscardHandler)
	}
	if ep.tls {
		if d.tlsConf, err = tlsConfig(ep); err != nil {
			return nil, fmt.Errorf("%w: %w", ErrParams, err)
		}
	}
	if err := d.connect(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// connect dials libvirtd and opens the connect URI.
func (d *Driver) connect(ctx context.Context) error {
	dl := &dialer{ctx: ctx, ep: d.ep, tlsConf: d.tlsConf}
	lv := golibvirt.NewWithDialer(dl)
	stop := context.AfterFunc(ctx, dl.close)
	err := lv.ConnectToURI(golibvirt.ConnectURI(d.ep.uri))
	var sub *lifecycle
	var subErr error
	if err == nil {
		sub, subErr = subscribe(lv)
	}
	if !stop() && err == nil { // the deadline closed the connection meanwhile
		err = ctx.Err()
		if sub != nil {
			sub.stop()
		}
		_ = lv.Disconnect()
	}
	if err != nil {
		if ctx.Err() != nil {
			err = ctx.Err()
		} else if b := dl.broken(); b != nil {
			err = b
		}
		return connectReason(ctx, fmt.Errorf("libvirt %s: connect to %s (uri %s): %w", d.target.Address, d.ep.addr, d.ep.uri, err))
	}
	if subErr != nil {
		d.log.Warn("libvirt: no lifecycle events, comparing states between rounds", "target", d.target.Name, "err", subErr)
	}
	d.lv, d.dial, d.sub, d.fresh = lv, dl, sub, true
	return nil
}

// Collect reads one round. A connection found lost fails the round with
// the host_failed event; the next round reconnects and reports
// host_recovered. The kind should store events returned with an error.
func (d *Driver) Collect(ctx context.Context, emit collectors.Emit) ([]collectors.Event, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	var events []collectors.Event
	if d.lv != nil && !d.lv.IsConnected() {
		return d.lose(errors.New("closed between rounds"))
	}
	if d.lv == nil {
		if err := d.connect(ctx); err != nil {
			return nil, err
		}
		if d.lost {
			d.lost = false
			events = append(events, d.hostEvent("host_recovered", "与宿主机 libvirtd 的连接已恢复", time.Now()))
		}
	}
	d.dial.setCtx(ctx)
	stop := context.AfterFunc(ctx, d.dial.close)
	r, err := d.read()
	stop()
	if err != nil {
		return d.roundFailed(ctx, events, err)
	}
	d.emit(r, emit)
	events = append(events, d.vmEvents(r)...)
	d.last, d.fresh = r, false
	return events, nil
}

// vmEvents are vm_started and vm_stopped since the previous round: from
// the lifecycle subscription while it covered the whole interval, else
// (first round on a connection, or no subscription) from the states.
func (d *Driver) vmEvents(r *round) []collectors.Event {
	if d.sub == nil {
		return d.stateEvents(r)
	}
	msgs, dropped := d.sub.take()
	if dropped > 0 {
		d.log.Warn("libvirt: lifecycle events dropped", "target", d.target.Name, "dropped", dropped)
	}
	if d.fresh {
		return d.stateEvents(r)
	}
	return d.lifecycleToEvents(msgs)
}

// roundFailed sorts a failed round: cut by its deadline (we closed the
// connection), connection lost (host_failed), or a refused call (the
// connection stays).
func (d *Driver) roundFailed(ctx context.Context, events []collectors.Event, err error) ([]collectors.Event, error) {
	if ctx.Err() != nil {
		d.drop()
		return events, fmt.Errorf("%w: libvirt %s: round cut short: %w", ErrTimeout, d.target.Address, ctx.Err())
	}
	if b := d.dial.broken(); b != nil {
		d.drop()
		return events, fmt.Errorf("%w: libvirt %s: %w", ErrProtocol, d.target.Address, b)
	}
	if !d.lv.IsConnected() || transportLost(err) {
		ev, err := d.lose(err)
		return append(events, ev...), err
	}
	return events, fmt.Errorf("%w: libvirt %s: %w", ErrPlatform, d.target.Address, err)
}

// transportLost reports an error of the connection itself: the call could
// not be written or its answer read. go-libvirt marks itself disconnected
// only once its reader sees the end, which can come after a write already
// failed with a broken pipe (seen on a loaded machine after libvirtd died).
func transportLost(err error) bool {
	return errors.Is(err, syscall.EPIPE) || errors.Is(err, syscall.ECONNRESET) || errors.Is(err, io.EOF) ||
		errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, net.ErrClosed)
}

// lose drops a lost connection and reports host_failed once per outage.
func (d *Driver) lose(cause error) ([]collectors.Event, error) {
	d.drop()
	err := fmt.Errorf("%w: libvirt %s: connection to libvirtd lost: %w", ErrLost, d.target.Address, cause)
	if d.lost || d.hostNm == "" {
		return nil, err
	}
	d.lost = true
	return []collectors.Event{d.hostEvent("host_failed", "与宿主机 libvirtd 的连接中断", time.Now())}, err
}

// drop forgets the connection; the next round dials again.
func (d *Driver) drop() {
	if d.lv != nil {
		d.dial.close()
		d.stopSub()
		_ = d.lv.Disconnect()
	}
	d.lv, d.dial = nil, nil
}

func (d *Driver) stopSub() {
	if d.sub != nil {
		d.sub.stop()
		d.sub = nil
	}
}

// closeWait bounds Close: go-libvirt's goodbye call takes no context.
const closeWait = 5 * time.Second

// Resilient marks the driver as one the kind keeps after a failed round:
// it re-dials libvirtd itself (driver.Resilient).
func (d *Driver) Resilient() {}

// Close ends the session.
func (d *Driver) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.lv == nil {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), closeWait)
	defer cancel()
	d.dial.setCtx(ctx)
	stop := context.AfterFunc(ctx, d.dial.close)
	defer stop()
	d.stopSub()
	err := d.lv.Disconnect()
	d.dial.close()
	d.lv, d.dial = nil, nil
	return err
}
