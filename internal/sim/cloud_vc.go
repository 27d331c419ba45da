package sim

import (
	"context"
	"crypto/tls"
	"fmt"
	"net/url"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/errgroup"

	"github.com/vmware/govmomi"
	"github.com/vmware/govmomi/find"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/types"
)

// vcenter is the city cloud's simulated vCenter: govmomi's simulator (a real
// implementation of the vSphere API, in process) holding the estate's
// hypervisor hosts and VMs under the same names as the agents' inventory, so
// SwanWatch's hypervisor collector and its agents see one cloud.
type vcenter struct {
	model  *simulator.Model
	server *simulator.Server
	client *govmomi.Client
	hosts  map[string]*object.HostSystem
	vms    map[string]*object.VirtualMachine
	user   *url.Userinfo
	mu     sync.Mutex        // vms, while populate places them in parallel
	ready  chan struct{}     // closed when populate ends
	dir    string            // the datastores' directories
	stores map[string]string // datastore name → directory
}

// vcDatacenter is the one datacenter of the simulated vCenter.
const vcDatacenter = "三门峡政务云"

// newVCenter creates the simulator's model; listen starts its HTTPS
// listener on 127.0.0.1 (a self-signed certificate, as a vCenter out of the
// box), which accepts user and password only. The estate is not in it yet:
// populate.
func newVCenter(user, password string) (*vcenter, error) {
	m := simulator.VPX()
	m.Datacenter, m.Host, m.Cluster, m.ClusterHost, m.Machine, m.Pool, m.Portgroup = 1, 0, 0, 0, 0, 0, 0
	if err := m.Create(); err != nil {
		return nil, fmt.Errorf("vcenter model: %w", err)
	}
	dir, err := os.MkdirTemp("", "swansim-vcenter-")
	if err != nil {
		m.Remove()
		return nil, err
	}
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(user, password)}
	vc := &vcenter{model: m, hosts: map[string]*object.HostSystem{}, vms: map[string]*object.VirtualMachine{},
		dir: dir, stores: map[string]string{}, user: m.Service.Listen.User, ready: make(chan struct{})}
	return vc, nil
}

// listen starts the HTTPS listener.
func (vc *vcenter) listen() { vc.server = vc.model.Service.NewServer() }

// url is the SDK address without credentials.
func (vc *vcenter) url() string {
	u := *vc.server.URL
	u.User = nil
	return u.String()
}

// populate logs in and builds the estate in the model: one cluster per site,
// the estate's hosts in it with a shared datastore, every VM on its host
// and powered on. 3,000 VMs take 10–20 s, so the simulator runs it in the
// background; the collector meanwhile sees a vCenter with fewer VMs.
func (vc *vcenter) populate(ctx context.Context, e *estate) error {
	defer close(vc.ready)
	c, err := govmomi.NewClient(ctx, vc.server.URL, true)
	if err != nil {
		return fmt.Errorf("vcenter login: %w", err)
	}
	vc.client = c
	return vc.build(ctx, e)
}

func (vc *vcenter) close() {
	if vc.client != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		_ = vc.client.Logout(ctx)
		cancel()
	}
	if vc.server != nil {
		vc.server.Close()
	}
	vc.model.Remove()
	_ = os.RemoveAll(vc.dir)
}

func (vc *vcenter) build(ctx context.Context, e *estate) error {
	f := find.NewFinder(vc.client.Client, false)
	dc, err := f.DefaultDatacenter(ctx)
	if err != nil {
		return err
	}
	if task, err := dc.Rename(ctx, vcDatacenter); err != nil {
		return err
	} else if err := waitTask(ctx, task); err != nil {
		return fmt.Errorf("rename the datacenter: %w", err)
	}
	f.SetDatacenter(dc)
	folders, err := dc.Folders(ctx)
	if err != nil {
		return err
	}
	bySite := map[string][]*vm{}
	for _, v := range e.vms {
		bySite[v.Site] = append(bySite[v.Site], v)
	}
	sites := make([]string, 0, len(bySite))
	for s := range bySite {
		sites = append(sites, s)
	}
	sort.Strings(sites)
	var placed []func() error
	for _, site := range sites {
		cl, err := folders.HostFolder.CreateCluster(ctx, site, types.ClusterConfigSpecEx{})
		if err != nil {
			return fmt.Errorf("cluster %s: %w", site, err)
		}
		pool, err := cl.ResourcePool(ctx)
		if err != nil {
			return err
		}
		store := site + "-存储"
		for _, v := range bySite[site] {
			if err := vc.addHost(ctx, cl, store, v.Parent); err != nil {
				return err
			}
			placed = append(placed, func() error { return vc.place(ctx, pool, folders.VmFolder, store, v) })
		}
	}
	var g errgroup.Group
	g.SetLimit(8)
	for _, p := range placed {
		g.Go(p)
	}
	if err := g.Wait(); err != nil {
		return err
	}
	vc.sizeStores(bySite)
	return nil
}

// sizeStores gives each cluster's datastore a storage array's size: 1 TB
// per VM it holds, rounded up to 10 TB, and a fill of 45–80 % that differs
// from cluster to cluster (the simulator's own are its temp directory's).
func (vc *vcenter) sizeStores(bySite map[string][]*vm) {
	byName := map[string]types.ManagedObjectReference{}
	for _, e := range vc.model.Map().All("Datastore") {
		byName[e.Entity().Name] = e.Reference()
	}
	for site, vms := range bySite {
		ref, ok := byName[site+"-存储"]
		if !ok {
			continue
		}
		const tb = int64(1) << 40
		capacity := (int64(len(vms))/10 + 1) * 10 * tb
		used := 0.45 + 0.35*float64(hash3(uint64(len(site)), uint64(len(vms)), 7)%1000)/1000
		free := int64(float64(capacity) * (1 - used))
		vc.update(ref, "summary.capacity", capacity)
		vc.update(ref, "summary.freeSpace", free)
	}
}

// addHost adds the named host to cluster cl once, with the cluster's datastore.
func (vc *vcenter) addHost(ctx context.Context, cl *object.ClusterComputeResource, store, name string) error {
	if _, ok := vc.hosts[name]; ok {
		return nil
	}
	task, err := cl.AddHost(ctx, types.HostConnectSpec{HostName: name, UserName: "root", Password: "x", Force: true}, true, nil, nil)
	if err != nil {
		return err
	}
	ref, err := taskResult(ctx, task)
	if err != nil {
		return fmt.Errorf("host %s: %w", name, err)
	}
	h := object.NewHostSystem(vc.client.Client, ref)
	vc.hosts[name] = h
	return vc.mount(ctx, h, store)
}

// taskResult waits for a task that makes an object and returns the object.
// A wait cut short (its bound, or the simulated vCenter going away) can end
// with neither a result nor an error.
func taskResult(ctx context.Context, task *object.Task) (types.ManagedObjectReference, error) {
	wctx, cancel := taskWaitContext(ctx)
	defer cancel()
	info, err := task.WaitForResult(wctx)
	if err != nil {
		return types.ManagedObjectReference{}, err
	}
	if info == nil {
		return types.ManagedObjectReference{}, fmt.Errorf("task ended without a result: %w", context.Cause(wctx))
	}
	ref, ok := info.Result.(types.ManagedObjectReference)
	if !ok {
		return types.ManagedObjectReference{}, fmt.Errorf("task result is %T, not an object", info.Result)
	}
	return ref, nil
}

// place creates v on its host and powers it on.
func (vc *vcenter) place(ctx context.Context, pool *object.ResourcePool, vmFolder *object.Folder, store string, v *vm) error {
	if err := ctx.Err(); err != nil {
		return err // stopping: leave the rest unplaced
	}
	cpus, memGB := parseSpec(v.Spec)
	spec := types.VirtualMachineConfigSpec{Name: v.Name, NumCPUs: int32(cpus), MemoryMB: int64(memGB) * 1024,
		GuestId: "centos7_64Guest", Files: &types.VirtualMachineFileInfo{VmPathName: "[" + store + "]"}}
	task, err := vmFolder.CreateVM(ctx, spec, pool, vc.hosts[v.Parent])
	if err != nil {
		return err
	}
	ref, err := taskResult(ctx, task)
	if err != nil {
		return fmt.Errorf("vm %s: %w", v.Name, err)
	}
	m := object.NewVirtualMachine(vc.client.Client, ref)
	vc.mu.Lock()
	vc.vms[v.Name] = m
	vc.mu.Unlock()
	pt, err := m.PowerOn(ctx)
	if err != nil {
		return err
	}
	return waitTask(ctx, pt)
}

// taskWaitContext is the context a task is waited for with: never cut short by
// the simulator stopping, only by a bound. A wait cancelled mid-flight makes
// govmomi destroy its property filter while the simulator still serves the
// filter's WaitForUpdatesEx, and vcsim v0.52.0 races on that (seen with -race
// in PropertyCollector.apply against RemoveReference). The simulator's tasks
// end in milliseconds; a stop is taken at the next step instead.
func taskWaitContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

// waitTask waits for a task that makes nothing (a rename, a power-on).
func waitTask(ctx context.Context, task *object.Task) error {
	wctx, cancel := taskWaitContext(ctx)
	defer cancel()
	return task.Wait(wctx)
}

// mount gives host the cluster's shared datastore (the same name on every
// host of the cluster is one datastore in the simulator), backed by a
// directory of the simulator's own.
func (vc *vcenter) mount(ctx context.Context, h *object.HostSystem, store string) error {
	dss, err := h.ConfigManager().DatastoreSystem(ctx)
	if err != nil {
		return err
	}
	dir, ok := vc.stores[store]
	if !ok {
		if dir, err = os.MkdirTemp(vc.dir, "ds-"); err != nil {
			return err
		}
		vc.stores[store] = dir
	}
	_, err = dss.CreateLocalDatastore(ctx, store, dir)
	return err
}

// parseSpec reads "8C16G" as 8 vCPUs and 16 GB; anything else as 2C4G.
func parseSpec(s string) (cpus, memGB int) {
	c, g, ok := strings.Cut(strings.TrimSuffix(strings.ToUpper(s), "G"), "C")
	cpus, err1 := strconv.Atoi(c)
	memGB, err2 := strconv.Atoi(g)
	if !ok || err1 != nil || err2 != nil || cpus <= 0 || memGB <= 0 {
		return 2, 4
	}
	return cpus, memGB
}
