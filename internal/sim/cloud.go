package sim

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"time"
)

// CloudOptions add the city cloud's platform (lot A) to the simulator: a
// vCenter (govmomi's simulator, in process) whose clusters, hosts and VMs
// are the estate's, under the names the agents' inventory uses.
type CloudOptions struct {
	// SecretsDir is where the vCenter's password is written, for the
	// inventory's password_file. Required.
	SecretsDir string
}

// vCenter account and the inventory name of the platform target.
const (
	vcUser   = "administrator@vsphere.local"
	vcTarget = "vcenter-zwy"
)

type cloudSim struct {
	opts    CloudOptions
	vc      *vcenter
	rooms   []*room
	pwFile  string
	failing chan struct{} // one host failure at a time
	bmcs    *bmcFleet     // the hosts' BMCs (bmc*.go)
	jobs    *jobPusher    // the backup jobs' pushes (jobs*.go)
}

func newCloud(co CloudOptions, e *estate) (*cloudSim, error) {
	if co.SecretsDir == "" {
		return nil, errors.New("cloud: SecretsDir is required (the vCenter password is written there)")
	}
	if err := os.MkdirAll(co.SecretsDir, 0o700); err != nil {
		return nil, err
	}
	buf := make([]byte, 12)
	if _, err := rand.Read(buf); err != nil {
		return nil, err
	}
	pw := hex.EncodeToString(buf)
	c := &cloudSim{opts: co, pwFile: filepath.Join(co.SecretsDir, "vcenter.password"), failing: make(chan struct{}, 1)}
	if err := os.WriteFile(c.pwFile, []byte(pw+"\n"), 0o600); err != nil {
		return nil, err
	}
	if err := os.WriteFile(c.communityFile(), []byte(community+"\n"), 0o600); err != nil {
		return nil, err
	}
	vc, err := newVCenter(vcUser, pw)
	if err != nil {
		return nil, err
	}
	c.vc, c.rooms, c.jobs = vc, newRooms(), newJobPusher()
	if c.bmcs, err = newBMCFleet(e, co.SecretsDir); err != nil {
		return nil, err
	}
	return c, nil
}

// listen starts the vCenter's listener, the rooms' SNMP agents and their
// sensor gateways; now is the simulator's clock.
func (c *cloudSim) listen(now func() float64) error {
	c.vc.listen()
	c.jobs.now = now
	if err := c.bmcs.listen(now); err != nil {
		return err
	}
	for _, r := range c.rooms {
		agents := []*roomAgent{r.ups}
		for _, rk := range r.racks {
			agents = append(agents, rk.pdus[0], rk.pdus[1])
		}
		for _, a := range agents {
			a.boot = now() - 86400*40
			a.buildMIB()
			if err := a.listen("127.0.0.1", "machine room snmp "+a.name); err != nil {
				return err
			}
		}
		if err := r.gateway.start(now); err != nil {
			return err
		}
	}
	return nil
}

// serve answers the rooms' SNMP agents until close.
func (c *cloudSim) serve(now func() float64) {
	c.bmcs.serve()
	for _, r := range c.rooms {
		agents := []*roomAgent{r.ups}
		for _, rk := range r.racks {
			agents = append(agents, rk.pdus[0], rk.pdus[1])
		}
		for _, a := range agents {
			go serveMIB(&a.udpEndpoint, a.mib, now)
		}
	}
}

// close stops everything listen started.
func (c *cloudSim) close() {
	for _, r := range c.rooms {
		r.ups.close()
		for _, rk := range r.racks {
			rk.pdus[0].close()
			rk.pdus[1].close()
		}
		r.gateway.stop()
	}
	c.bmcs.close()
	c.vc.close()
}

// run fills the vCenter with the estate, then waits for ctx and closes it.
func (c *cloudSim) run(ctx context.Context, e *estate, log func(msg string, args ...any)) {
	pushed := make(chan struct{})
	go func() { defer close(pushed); c.jobs.run(ctx) }()
	defer func() { <-pushed }()
	start := time.Now()
	if err := c.vc.populate(ctx, e); err != nil && ctx.Err() == nil {
		log("simulated vCenter incomplete", "err", err)
	} else {
		log("simulated vCenter ready", "hosts", len(c.vc.hosts), "vms", len(c.vc.vms), "took", time.Since(start).Round(time.Millisecond))
	}
	<-ctx.Done()
	c.close()
}

// export adds the platform target: the vCenter's SDK address, its account
// and the password file; the certificate is the simulator's self-signed one.
func (c *cloudSim) export(out *Export) {
	out.Targets = append(out.Targets, ExportTarget{Name: vcTarget, Kind: "hypervisor", Address: c.vc.url(),
		District: "湖滨区", Level: "city", Site: siteMain, System: "政务云平台", Dept: "市大数据管理局",
		Labels: map[string]string{"role": "vcenter"},
		Params: map[string]string{"platform": "vsphere", "username": vcUser, "password_file": c.pwFile,
			"tls_skip_verify": "true"}})
	c.exportRooms(out)
	c.bmcs.export(out)
}

func (c *cloudSim) communityFile() string { return filepath.Join(c.opts.SecretsDir, "snmp-community") }

// exportRooms adds the machine rooms' UPS, PDUs and sensors as device
// targets with the profiles of docs/cloud.md.
func (c *cloudSim) exportRooms(out *Export) {
	snmp := func(profile string) map[string]string {
		return map[string]string{"profile": profile, "version": "2c", "community_file": c.communityFile()}
	}
	for _, r := range c.rooms {
		room := func(extra map[string]string) map[string]string {
			l := map[string]string{"room": r.name}
			for k, v := range extra {
				l[k] = v
			}
			return l
		}
		out.Targets = append(out.Targets, ExportTarget{Name: r.ups.name, Kind: "device", Address: r.ups.addr(),
			District: "湖滨区", Level: "city", Site: r.site, System: "机房基础设施", Dept: "市大数据管理局",
			Labels: room(map[string]string{"vendor": "huawei"}), Params: snmp("ups-rfc1628")})
		for k, rk := range r.racks {
			for f, feed := range []string{"A", "B"} {
				p := snmp("pdu-apc-rpdu")
				p["rating_amps"] = fmt.Sprint(rk.ratingAmps)
				out.Targets = append(out.Targets, ExportTarget{Name: rk.pdus[f].name, Kind: "device", Address: rk.pdus[f].addr(),
					District: "湖滨区", Level: "city", Site: r.site, System: "机房基础设施", Dept: "市大数据管理局",
					Labels: room(map[string]string{"rack": rk.name, "feed": feed, "vendor": "apc"}), Params: p})
			}
			p := map[string]string{"profile": r.sensorMap, "unit_id": fmt.Sprint(k + 1)}
			if r.sensorMap == "th-sensor-holding" {
				p["order"] = "temperature,humidity"
			}
			out.Targets = append(out.Targets, ExportTarget{Name: "th-" + rk.name, Kind: "device", Address: r.gateway.addr,
				District: "湖滨区", Level: "city", Site: r.site, System: "机房基础设施", Dept: "市大数据管理局",
				Labels: room(map[string]string{"rack": rk.name}), Params: p})
		}
	}
}

// HostFailure shapes a host failure: HA restarts the host's VMs on the other
// hosts of its cluster from RestartAfter on, one every RestartStep; the
// last Stuck VMs are not restarted (HA gives up); the host responds again
// after Lasting, and the stuck VMs are started on it by hand.
type HostFailure struct {
	RestartAfter, RestartStep, Lasting time.Duration
	Stuck                              int
}

// DemoHost is the host the demo's story fails: the first host of the main
// data centre whose cluster has another host to restart its VMs on; ""
// when there is none or ctx ends before the vCenter is filled.
func (s *Sim) DemoHost(ctx context.Context) string {
	if s.cloud == nil {
		return ""
	}
	select {
	case <-s.cloud.vc.ready:
	case <-ctx.Done():
		return ""
	}
	main := map[string]bool{} // the main data centre's hosts come first
	for _, v := range s.est.vms {
		main[v.Parent] = main[v.Parent] || v.Site == siteMain
	}
	names := make([]string, 0, len(s.cloud.vc.hosts))
	for n := range s.cloud.vc.hosts {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool {
		if main[names[i]] != main[names[j]] {
			return main[names[i]]
		}
		return names[i] < names[j]
	})
	for _, n := range names {
		if others, err := s.cloud.vc.otherHosts(ctx, n); err == nil && len(others) > 0 {
			return n
		}
	}
	return ""
}

// FailHost fails host as vSphere HA shows it and blocks until the host is
// back (or ctx ends): the host stops responding, its VMs' agents fall
// silent, HA restarts them one by one on the cluster's other hosts (their
// agents answer again), all but the stuck ones, whose failover fails.
func (s *Sim) FailHost(ctx context.Context, host string, f HostFailure) error {
	if s.cloud == nil {
		return errors.New("the simulator has no cloud platform (Options.Cloud)")
	}
	select {
	case s.cloud.failing <- struct{}{}:
		defer func() { <-s.cloud.failing }()
	default:
		return errors.New("a host failure is already under way")
	}
	vc := s.cloud.vc
	select {
	case <-vc.ready:
	case <-ctx.Done():
		return nil
	}
	others, err := vc.otherHosts(ctx, host)
	if err != nil || len(others) == 0 {
		return fmt.Errorf("host %s has no other host in its cluster to restart on: %v", host, err)
	}
	vms, err := vc.hostFailure(ctx, host)
	if err != nil {
		return err
	}
	sort.Strings(vms)
	s.silence(vms, true)
	stuck := vms[max(0, len(vms)-f.Stuck):]
	if !sleepCtx(ctx, f.RestartAfter) {
		return nil
	}
	for i, name := range vms[:len(vms)-len(stuck)] {
		if err := vc.haRestart(ctx, name, host, others[i%len(others)]); err != nil {
			return err
		}
		s.silence([]string{name}, false)
		if !sleepCtx(ctx, f.RestartStep) {
			return nil
		}
	}
	for _, name := range stuck {
		if err := vc.haGiveUp(ctx, name, host); err != nil {
			return err
		}
	}
	if !sleepCtx(ctx, f.Lasting) {
		return nil
	}
	if err := vc.hostBack(ctx, host, stuck); err != nil {
		return err
	}
	s.silence(stuck, false)
	return nil
}

// silence makes the agents of the named VMs hang (their host is down) or
// follow their schedule again.
func (s *Sim) silence(names []string, down bool) {
	for _, n := range names {
		if v := s.est.byName[n]; v != nil {
			if down {
				v.forced.Store(forceOffline + uint32(ModeHang))
			} else {
				v.forced.Store(forceAuto)
			}
		}
	}
}
