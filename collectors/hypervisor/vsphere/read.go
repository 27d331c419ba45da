package vsphere

import (
	"context"
	"strings"
	"time"

	"github.com/vmware/govmomi/vim25/types"
)

// round is what one Collect read, before it is turned into series and events.
type round struct {
	now    time.Time
	inv    *inventory
	rt     perfValues // realtime, hosts and VMs
	ds     dsPerf     // datastore performance, cached between historical reads
	events []types.BaseEvent
	// historical is set when the datastores' 300 s values were read this round.
	historical bool
	system     map[string]string // VM ref → system
	dept       map[string]string
}

// dsPerf is the datastores' historical values and the hosts' per-datastore
// latency, keyed by datastore ref.
type dsPerf map[string]map[string]float64

// read runs the calls of one round. The inventory is the round: without it
// the round fails. Perf and events are parts: when one fails the round
// emits what it has and logs the part (the event collector's cursor stays,
// so its events come next round). A session found gone fails the round
// with a sessionGone error, so that the caller logs in again and retries.
func (d *Driver) read(ctx context.Context) (*round, error) {
	s := d.sess
	r := &round{now: d.now()}
	var err error
	if r.inv, err = s.retrieve(ctx); err != nil {
		return nil, onSession(err, true)
	}
	if err := s.alarmNames(ctx, r.inv); err != nil {
		return nil, onSession(err, false)
	}
	if s.unknownField(r.inv) { // an attribute defined since the session began
		if err := s.readFields(ctx); err != nil {
			return nil, onSession(err, false)
		}
	}
	partial := func(part string, err error) error {
		if err = onSession(err, part == "events"); isSessionGone(err) {
			return err
		}
		d.log.Warn("vCenter round incomplete", "part", part, "err", classify(ctx, part, err))
		return nil
	}
	if r.rt, err = s.queryPerf(ctx, d.realtimeQueries(r.inv), realtimeInterval, nil, d.p.maxQueryMetrics); err != nil {
		if err := partial("realtime perf", err); err != nil {
			return nil, err
		}
	}
	r.ds = d.dsCache
	if d.dsAt.IsZero() || r.now.Sub(d.dsAt) >= d.p.historicalEvery {
		if err := d.readHistorical(ctx, r); err != nil {
			if err := partial("historical perf", err); err != nil {
				return nil, err
			}
		}
	}
	if r.events, err = s.readEvents(ctx); err != nil {
		if err := partial("events", err); err != nil {
			return nil, err
		}
	}
	r.system, r.dept = d.vmLabels(ctx, r.inv)
	return r, nil
}

// readHistorical reads the datastores' 300 s values with a look-back, as
// vCenter writes them late.
func (d *Driver) readHistorical(ctx context.Context, r *round) error {
	start := r.now.Add(-historicalLookback)
	qs := d.sess.specs(dsRefs(r.inv), datastoreCounters)
	hv, err := d.sess.queryPerf(ctx, qs, historicalInterval, &start, d.p.maxQueryMetrics)
	if err != nil {
		return err
	}
	r.ds = dsPerf{}
	for ref, m := range hv {
		r.ds[ref] = map[string]float64{}
		for k, v := range m {
			r.ds[ref][k.counter] = v
		}
	}
	r.historical = true
	return nil
}

// realtimeQueries asks for hosts that answer and VMs that run: the others
// have no realtime data and would only cost the query budget.
func (d *Driver) realtimeQueries(inv *inventory) []perfQuery {
	s := d.sess
	var qs []perfQuery
	var vms []types.ManagedObjectReference
	for _, v := range sortedVMs(inv) {
		if v.power == string(types.VirtualMachinePowerStatePoweredOn) {
			vms = append(vms, types.ManagedObjectReference{Type: "VirtualMachine", Value: v.ref})
		}
	}
	qs = append(qs, s.specs(vms, vmCounters)...)
	base := hostCounters[:2]
	for _, h := range sortedHosts(inv) {
		if h.conn != string(types.HostSystemConnectionStateConnected) {
			continue
		}
		reqs := append([]metricReq(nil), base...)
		for _, ds := range h.datastores { // latency per mounted datastore, by its uuid
			if id := dsInstance(inv.datastores[ds]); id != "" {
				reqs = append(reqs, metricReq{cDSReadLatency, id}, metricReq{cDSWriteLatency, id})
			}
		}
		qs = append(qs, s.specs([]types.ManagedObjectReference{{Type: "HostSystem", Value: h.ref}}, reqs)...)
	}
	return qs
}

// dsInstance is how host datastore counters name a datastore: the last part
// of its URL (ds:///vmfs/volumes/<uuid>/).
func dsInstance(ds *datastore) string {
	if ds == nil {
		return ""
	}
	u := strings.TrimRight(ds.url, "/")
	if i := strings.LastIndexByte(u, '/'); i >= 0 {
		return u[i+1:]
	}
	return u
}

func dsRefs(inv *inventory) []types.ManagedObjectReference {
	var out []types.ManagedObjectReference
	for _, ds := range sortedDatastores(inv) {
		out = append(out, types.ManagedObjectReference{Type: "Datastore", Value: ds.ref})
	}
	return out
}
