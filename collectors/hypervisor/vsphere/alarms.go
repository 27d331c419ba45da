package vsphere

import (
	"context"
	"fmt"
	"slices"

	"github.com/vmware/govmomi/property"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// alarmNames reads the names of alarms not seen before in this session, in
// one call; alarm definitions rarely change, so this costs nothing most rounds.
func (s *sessionState) alarmNames(ctx context.Context, inv *inventory) error {
	if s.alarms == nil {
		s.alarms = map[string]string{}
	}
	var missing []types.ManagedObjectReference
	seen := map[string]bool{}
	inv.eachAlarm(func(_, _ string, a types.AlarmState) {
		k := keyOf(a.Alarm)
		if _, ok := s.alarms[k]; !ok && !seen[k] {
			seen[k] = true
			missing = append(missing, a.Alarm)
		}
	})
	if len(missing) == 0 {
		return nil
	}
	var alarms []mo.Alarm
	if err := property.DefaultCollector(s.vc).Retrieve(ctx, missing, []string{"info.name"}, &alarms); err != nil {
		return fmt.Errorf("read alarm names: %w", err)
	}
	for _, a := range alarms {
		s.alarms[keyOf(a.Self)] = a.Info.Name
	}
	for _, m := range missing { // deleted meanwhile: keep the moref as its name
		if _, ok := s.alarms[keyOf(m)]; !ok {
			s.alarms[keyOf(m)] = m.Value
		}
	}
	inv.alarmNames = s.alarms
	return nil
}

// eachAlarm calls f for every alarm triggered on an entity itself; vCenter
// repeats a triggered alarm on every parent up to the root folder, and those
// copies are skipped so an alarm counts once.
func (inv *inventory) eachAlarm(f func(entityType, entity string, a types.AlarmState)) {
	own := func(ref string, states []types.AlarmState, typ, name string) {
		for _, a := range states {
			if keyOf(a.Entity) == ref {
				f(typ, name, a)
			}
		}
	}
	for _, h := range sortedHosts(inv) {
		own(h.ref, h.alarms, "host", h.name)
	}
	for _, v := range sortedVMs(inv) {
		own(v.ref, v.alarms, "vm", v.name)
	}
	for _, d := range sortedDatastores(inv) {
		own(d.ref, d.alarms, "datastore", d.name)
	}
	refs := make([]string, 0, len(inv.others))
	for ref, c := range inv.others {
		if c.typ == "ClusterComputeResource" {
			refs = append(refs, ref)
		}
	}
	slices.Sort(refs)
	for _, ref := range refs {
		c := inv.others[ref]
		own(ref, c.alarms, "cluster", c.name)
	}
}
