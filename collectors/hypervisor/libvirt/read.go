package libvirt

import (
	"fmt"
	"time"

	golibvirt "github.com/digitalocean/go-libvirt"
)

// descEvery is how many rounds a domain's parsed XML is kept: its devices
// and metadata rarely change, and a restart (new domain id) refreshes it.
const descEvery = 10

// round is everything one round read.
type round struct {
	host  hostInfo
	doms  []*domain
	pools []pool
}

type pool struct {
	name            string
	capacity, avail uint64
}

type cachedDesc struct {
	desc  *description
	id    int32
	round int
}

// read asks libvirtd for one round. Errors of single domains (one that
// went away meanwhile) are logged and skipped; a lost connection is not.
func (d *Driver) read() (*round, error) {
	d.rounds++
	r := &round{}
	var err error
	if r.host, err = d.readHost(); err != nil {
		return nil, err
	}
	if r.doms, err = d.readDomains(); err != nil {
		return nil, err
	}
	if r.pools, err = d.readPools(); err != nil {
		return nil, err
	}
	if !r.host.hasUsed {
		r.host.usedKiB = activeMemory(r.doms)
		r.host.hasUsed = true
	}
	return r, nil
}

// readDomains reads every domain, defined or running.
func (d *Driver) readDomains() ([]*domain, error) {
	var doms []*domain
	recs, err := d.lv.ConnectGetAllDomainStats(nil, uint32(statGroups), 0)
	if err == nil {
		for _, rec := range recs {
			dm := newDomain(rec.Dom)
			dm.fromRecord(rec.Params)
			doms = append(doms, dm)
		}
	} else {
		if !d.lv.IsConnected() {
			return nil, fmt.Errorf("domain stats: %w", err)
		}
		if !d.warned {
			d.warned = true
			d.log.Warn("libvirt: GetAllDomainStats refused, reading each domain", "target", d.target.Name, "err", err)
		}
		list, _, err := d.lv.ConnectListAllDomains(1, golibvirt.ConnectListDomainsActive|golibvirt.ConnectListDomainsInactive)
		if err != nil {
			return nil, fmt.Errorf("list domains: %w", err)
		}
		for _, ld := range list {
			doms = append(doms, newDomain(ld))
		}
	}
	out := doms[:0]
	for _, dm := range doms {
		ok, err := d.fill(dm)
		if err != nil {
			return nil, err
		}
		if ok {
			out = append(out, dm)
		}
	}
	return out, nil
}

// fill completes a domain with per-domain calls where the stats record
// lacked a group. It reports false for a domain that went away meanwhile.
func (d *Driver) fill(dm *domain) (bool, error) {
	dom := dm.ref
	start := time.Now()
	if dm.state < 0 || !dm.hasCPU || dm.vcpus == 0 || dm.maxMemKiB == 0 {
		state, maxMem, mem, nvcpu, cpuNs, err := d.lv.DomainGetInfo(dom)
		if err != nil {
			return false, d.domainErr(dm, "info", err)
		}
		dm.state, dm.maxMemKiB, dm.curMemKiB, dm.vcpus = int32(state), maxMem, mem, uint64(nvcpu)
		if dm.active() && !dm.hasCPU {
			dm.cpuNs, dm.hasCPU = cpuNs, true
		}
	}
	if err := d.describe(dom, dm); err != nil {
		return false, d.domainErr(dm, "XML", err)
	}
	if dm.active() {
		if err := d.fillCounters(dom, dm); err != nil {
			return false, err
		}
	}
	// the counters were read over [start, now]: the middle is the best
	// single time for them on a loaded machine
	dm.at = start.Add(time.Since(start) / 2)
	return true, nil
}

// fillCounters reads block, interface and memory counters the stats record lacked.
func (d *Driver) fillCounters(dom golibvirt.Domain, dm *domain) error {
	if len(dm.disks) == 0 {
		for _, dev := range dm.desc.disks {
			_, rd, _, wr, _, err := d.lv.DomainBlockStats(dom, dev)
			if err != nil {
				if e := d.domainErr(dm, "block stats "+dev, err); e != nil {
					return e
				}
				continue
			}
			dm.disks[dev] = disk{rdBytes: uint64(max(rd, 0)), wrBytes: uint64(max(wr, 0))}
		}
	}
	if !dm.hasNet {
		for _, dev := range dm.desc.nics {
			rx, _, _, _, tx, _, _, _, err := d.lv.DomainInterfaceStats(dom, dev)
			if err != nil {
				if e := d.domainErr(dm, "interface stats "+dev, err); e != nil {
					return e
				}
				continue
			}
			dm.rx, dm.tx, dm.hasNet = dm.rx+uint64(max(rx, 0)), dm.tx+uint64(max(tx, 0)), true
		}
	}
	if !dm.hasRSS {
		stats, err := d.lv.DomainMemoryStats(dom, 13, 0)
		if err != nil {
			return d.domainErr(dm, "memory stats", err)
		}
		for _, s := range stats {
			if s.Tag == int32(golibvirt.DomainMemoryStatRss) {
				dm.rssKiB, dm.hasRSS = s.Val, true
			}
		}
	}
	return nil
}

// describe gets the domain's parsed XML, from the cache while it is fresh.
func (d *Driver) describe(dom golibvirt.Domain, dm *domain) error {
	if c, ok := d.descs[dm.uuid]; ok && c.id == dm.id && d.rounds-c.round < descEvery {
		dm.desc = c.desc
		return nil
	}
	doc, err := d.lv.DomainGetXMLDesc(dom, 0)
	if err != nil {
		return err
	}
	desc, err := describe(doc)
	if err != nil {
		d.log.Warn("libvirt: unreadable domain XML", "target", d.target.Name, "vm", dm.name, "err", err)
		desc = &description{}
	}
	d.descs[dm.uuid] = cachedDesc{desc: desc, id: dm.id, round: d.rounds}
	dm.desc = desc
	return nil
}

// domainErr passes a lost connection on and logs anything else: one
// domain's trouble (gone, stopped meanwhile) must not fail the host's round.
func (d *Driver) domainErr(dm *domain, what string, err error) error {
	if !d.lv.IsConnected() {
		return fmt.Errorf("domain %s %s: %w", dm.name, what, err)
	}
	d.log.Debug("libvirt: domain call failed", "target", d.target.Name, "vm", dm.name, "call", what, "err", err)
	return nil
}

// readPools reads active storage pools as datastores.
func (d *Driver) readPools() ([]pool, error) {
	list, _, err := d.lv.ConnectListAllStoragePools(1, golibvirt.ConnectListStoragePoolsActive)
	if err != nil {
		if !d.lv.IsConnected() {
			return nil, fmt.Errorf("storage pools: %w", err)
		}
		d.log.Debug("libvirt: storage pools unavailable", "target", d.target.Name, "err", err)
		return nil, nil
	}
	var out []pool
	for _, p := range list {
		state, capa, _, avail, err := d.lv.StoragePoolGetInfo(p)
		if err != nil {
			if !d.lv.IsConnected() {
				return nil, fmt.Errorf("storage pool %s: %w", p.Name, err)
			}
			continue
		}
		if golibvirt.StoragePoolState(state) == golibvirt.StoragePoolRunning {
			out = append(out, pool{name: p.Name, capacity: capa, avail: avail})
		}
	}
	return out, nil
}
