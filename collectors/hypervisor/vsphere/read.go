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

// read runs the calls of one round. Any error fails the round (and an expired
// session is retried by the caller), so a half-read round never emits.
func (d *Driver) read(ctx context.Context) (*round, error) {
	s := d.sess
	r := &round{now: d.now()}
	var err error
	if r.inv, err = s.retrieve(ctx); err != nil {
		return nil, err
	}
	if err := s.alarmNames(ctx, r.inv, d.inv); err != nil {
		return nil, err
	}
	if s.unknownField(r.inv) { // an attribute defined since the session began
		if err := s.readFields(ctx); err != nil {
			return nil, err
		}
	}
	if r.rt, err = s.queryPerf(ctx, d.realtimeQueries(r.inv), realtimeInterval, nil, d.p.maxQueryMetrics); err != nil {
		return nil, err
	}
	r.ds = d.dsCache
	if d.dsAt.IsZero() || r.now.Sub(d.dsAt) >= d.p.historicalEvery {
		start := r.now.Add(-historicalLookback)
		qs := s.specs(dsRefs(r.inv), datastoreCounters)
		hv, err := s.queryPerf(ctx, qs, historicalInterval, &start, d.p.maxQueryMetrics)
		if err != nil {
			return nil, err
		}
		r.ds = dsPerf{}
		for ref, m := range hv {
			r.ds[ref] = map[string]float64{}
			for k, v := range m {
				r.ds[ref][k.counter] = v
			}
		}
		r.historical = true
	}
	if r.events, err = s.readEvents(ctx); err != nil {
		return nil, err
	}
	r.system, r.dept, err = d.vmLabels(ctx, r.inv)
	if err != nil {
		return nil, err
	}
	return r, nil
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
