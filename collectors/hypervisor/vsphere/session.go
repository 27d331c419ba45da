package vsphere

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/vmware/govmomi/view"
	"github.com/vmware/govmomi/vim25"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

type (
	retrieveExBody = methods.RetrievePropertiesExBody
	continueExBody = methods.ContinueRetrievePropertiesExBody
	queryPerfBody  = methods.QueryPerfBody
)

// sessionState is what lives in one vCenter session: a view, an event
// collector and the counter ids, which differ between vCenter versions.
type sessionState struct {
	vc       *vim25.Client
	view     *view.ContainerView
	events   types.ManagedObjectReference // EventHistoryCollector
	perf     types.ManagedObjectReference
	counters counterTable
	fields   map[int32]string  // custom field key → name
	alarms   map[string]string // alarm moref → its name
}

// viewKinds are the managed object types the container view holds.
var viewKinds = []string{"HostSystem", "VirtualMachine", "Datastore", "ComputeResource", "ClusterComputeResource",
	"Folder", "Datacenter"}

func newSession(ctx context.Context, vc *vim25.Client, since time.Time) (*sessionState, error) {
	s := &sessionState{vc: vc, perf: *vc.ServiceContent.PerfManager}
	var err error
	s.view, err = view.NewManager(vc).CreateContainerView(ctx, vc.ServiceContent.RootFolder, viewKinds, true)
	if err != nil {
		return nil, fmt.Errorf("create container view: %w", err)
	}
	var pm mo.PerformanceManager
	if err := mo.RetrieveProperties(ctx, vc, vc.ServiceContent.PropertyCollector, s.perf, &pm); err != nil {
		return nil, fmt.Errorf("read counter table: %w", err)
	}
	s.counters = newCounterTable(pm.PerfCounter)
	if err := s.readFields(ctx); err != nil {
		return nil, err
	}
	if since.Year() < 2000 {
		since = time.Now().Add(-time.Minute)
	}
	if err := s.openEvents(ctx, since); err != nil {
		return nil, err
	}
	return s, nil
}

// readFields reads the custom field definitions (attribute names).
func (s *sessionState) readFields(ctx context.Context) error {
	s.fields = map[int32]string{}
	if s.vc.ServiceContent.CustomFieldsManager == nil {
		return nil
	}
	var cfm mo.CustomFieldsManager
	if err := mo.RetrieveProperties(ctx, s.vc, s.vc.ServiceContent.PropertyCollector,
		*s.vc.ServiceContent.CustomFieldsManager, &cfm); err != nil {
		return fmt.Errorf("read custom fields: %w", err)
	}
	for _, f := range cfm.Field {
		s.fields[f.Key] = f.Name
	}
	return nil
}

// unknownField reports a custom attribute key no field definition names.
func (s *sessionState) unknownField(inv *inventory) bool {
	for _, v := range inv.vms {
		for k := range v.custom {
			if _, ok := s.fields[k]; !ok {
				return true
			}
		}
	}
	return false
}

// eventTypeIDs are the events asked for. vCenter matches EventTypeId
// exactly, so the HA ids are listed in the spellings the catalogue uses;
// ExtendedEvent is listed because some servers (vcsim) filter those by type
// name. The driver matches case-insensitively afterwards.
var eventTypeIDs = []string{
	"com.vmware.vc.HA.DasHostFailedEvent", "com.vmware.vc.ha.DasHostFailedEvent", "DasHostFailedEvent",
	"com.vmware.vc.HA.DasHostIsolatedEvent", "com.vmware.vc.ha.DasHostIsolatedEvent", "DasHostIsolatedEvent",
	"com.vmware.vc.ha.VmRestartedByHAEvent", "com.vmware.vc.HA.VmRestartedByHAEvent", "VmRestartedOnAlternateHostEvent",
	"VmFailoverFailed", "VmMaxRestartCountReached",
	"HostConnectionLostEvent", "HostConnectedEvent",
	"VmMigratedEvent", "DrsVmMigratedEvent", "VmRelocatedEvent",
	"ExtendedEvent",
}

func (s *sessionState) openEvents(ctx context.Context, since time.Time) error {
	req := types.CreateCollectorForEvents{This: *s.vc.ServiceContent.EventManager, Filter: types.EventFilterSpec{
		EventTypeId: eventTypeIDs,
		MaxCount:    1000, // the page kept between two reads (vCenter allows up to 1000)
		Time:        &types.EventFilterSpecByTime{BeginTime: &since},
	}}
	res, err := methods.CreateCollectorForEvents(ctx, s.vc, &req)
	if err != nil {
		return fmt.Errorf("create event collector: %w", err)
	}
	s.events = res.Returnval
	return nil
}

// readEvents reads what the collector has gathered since the last call.
func (s *sessionState) readEvents(ctx context.Context) ([]types.BaseEvent, error) {
	var out []types.BaseEvent
	for range 20 { // 20 pages of 500: a storm beyond that waits for the next round
		res, err := methods.ReadNextEvents(ctx, s.vc, &types.ReadNextEvents{This: s.events, MaxCount: 500})
		if err != nil {
			return out, fmt.Errorf("read events: %w", err)
		}
		out = append(out, res.Returnval...)
		if len(res.Returnval) < 500 {
			break
		}
	}
	return out, nil
}

func (s *sessionState) destroy(ctx context.Context) {
	if s.view != nil {
		_ = s.view.Destroy(ctx)
	}
	if s.events.Value != "" {
		_, _ = methods.DestroyCollector(ctx, s.vc, &types.DestroyCollector{This: s.events})
	}
}

// counterTable maps "group.name.rollup" to a counter id and back.
type counterTable struct {
	byName map[string]int32
	byID   map[int32]string
}

func newCounterTable(infos []types.PerfCounterInfo) counterTable {
	t := counterTable{byName: map[string]int32{}, byID: map[int32]string{}}
	for _, c := range infos {
		name := CounterName(c)
		t.byName[name] = c.Key
		t.byID[c.Key] = name
	}
	return t
}

// CounterName is vCenter's "group.name.rollup" of a counter.
func CounterName(c types.PerfCounterInfo) string {
	var g, n string
	if c.GroupInfo != nil {
		g = c.GroupInfo.GetElementDescription().Key
	}
	if c.NameInfo != nil {
		n = c.NameInfo.GetElementDescription().Key
	}
	return g + "." + n + "." + strings.ToLower(string(c.RollupType))
}
