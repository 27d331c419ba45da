package vsphere

import (
	"context"
	"fmt"

	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// props are the properties read per type, all in one RetrievePropertiesEx
// over the container view (quickStats do not notify, so they are polled).
var props = map[string][]string{
	"HostSystem": {"name", "parent", "runtime.connectionState", "runtime.powerState", "runtime.inMaintenanceMode",
		"overallStatus", "summary.hardware.cpuMhz", "summary.hardware.numCpuCores", "summary.hardware.memorySize",
		"summary.config.product", "summary.quickStats.overallCpuUsage", "summary.quickStats.overallMemoryUsage",
		"datastore", "triggeredAlarmState"},
	"VirtualMachine": {"name", "parent", "runtime.host", "runtime.powerState", "summary.config.uuid",
		"summary.config.numCpu", "summary.config.memorySizeMB", "summary.config.template",
		"summary.quickStats.guestMemoryUsage", "summary.quickStats.hostMemoryUsage", "customValue", "triggeredAlarmState"},
	"Datastore":              {"name", "parent", "summary.capacity", "summary.freeSpace", "summary.url", "triggeredAlarmState"},
	"ComputeResource":        {"name", "parent"},
	"ClusterComputeResource": {"name", "parent", "triggeredAlarmState"},
	"Folder":                 {"name", "parent"},
	"Datacenter":             {"name", "parent"},
}

type host struct {
	ref                     string
	name, parent            string
	conn, power             string
	maintenance             bool
	status                  string
	cpuMhz, cores           int64
	memBytes                int64
	version                 string
	quickCPUMhz, quickMemMB int64
	datastores              []string
	alarms                  []types.AlarmState
}

type vm struct {
	ref, name, parent, host string
	power                   string
	uuid                    string
	vcpus                   int32
	memMB                   int32
	consumedMB              int64
	custom                  map[int32]string
	alarms                  []types.AlarmState
}

type datastore struct {
	ref, name, parent, url string
	capacity, free         int64
	alarms                 []types.AlarmState
}

type container struct { // cluster, compute resource, folder or datacenter
	typ, name, parent string
	alarms            []types.AlarmState
}

// inventory is one round's view of the platform, keyed by moref value.
type inventory struct {
	hosts      map[string]*host
	vms        map[string]*vm
	datastores map[string]*datastore
	others     map[string]*container
	alarmNames map[string]string
}

func (s *sessionState) retrieve(ctx context.Context) (*inventory, error) {
	spec := types.PropertyFilterSpec{ObjectSet: []types.ObjectSpec{{
		Obj: s.view.Reference(), Skip: types.NewBool(true),
		SelectSet: []types.BaseSelectionSpec{&types.TraversalSpec{Type: "ContainerView", Path: "view"}},
	}}}
	for _, k := range viewKinds {
		spec.PropSet = append(spec.PropSet, types.PropertySpec{Type: k, PathSet: props[k]})
	}
	objs, err := mo.RetrievePropertiesEx(ctx, s.vc, types.RetrievePropertiesEx{
		This: s.vc.ServiceContent.PropertyCollector, SpecSet: []types.PropertyFilterSpec{spec}})
	if err != nil {
		return nil, fmt.Errorf("retrieve inventory: %w", err)
	}
	inv := &inventory{hosts: map[string]*host{}, vms: map[string]*vm{}, datastores: map[string]*datastore{},
		others: map[string]*container{}}
	for _, oc := range objs {
		inv.add(oc)
	}
	return inv, nil
}

func (inv *inventory) add(oc types.ObjectContent) {
	ref := keyOf(oc.Obj)
	switch oc.Obj.Type {
	case "HostSystem":
		h := &host{ref: ref}
		for _, p := range oc.PropSet {
			h.set(p.Name, p.Val)
		}
		inv.hosts[ref] = h
	case "VirtualMachine":
		v := &vm{ref: ref}
		for _, p := range oc.PropSet {
			v.set(p.Name, p.Val)
		}
		if v.power != "template" {
			inv.vms[ref] = v
		}
	case "Datastore":
		d := &datastore{ref: ref}
		for _, p := range oc.PropSet {
			d.set(p.Name, p.Val)
		}
		inv.datastores[ref] = d
	default:
		c := &container{typ: oc.Obj.Type}
		for _, p := range oc.PropSet {
			switch p.Name {
			case "name":
				c.name, _ = p.Val.(string)
			case "parent":
				c.parent = refValue(p.Val)
			case "triggeredAlarmState":
				c.alarms = alarmStates(p.Val)
			}
		}
		inv.others[ref] = c
	}
}

func (h *host) set(name string, val any) {
	switch name {
	case "name":
		h.name, _ = val.(string)
	case "parent":
		h.parent = refValue(val)
	case "runtime.connectionState":
		h.conn = enumString(val)
	case "runtime.powerState":
		h.power = enumString(val)
	case "runtime.inMaintenanceMode":
		h.maintenance, _ = val.(bool)
	case "overallStatus":
		h.status = enumString(val)
	case "summary.hardware.cpuMhz":
		h.cpuMhz = toInt(val)
	case "summary.hardware.numCpuCores":
		h.cores = toInt(val)
	case "summary.hardware.memorySize":
		h.memBytes = toInt(val)
	case "summary.config.product":
		switch a := val.(type) {
		case types.AboutInfo:
			h.version = a.Version
		case *types.AboutInfo:
			h.version = a.Version
		}
	case "summary.quickStats.overallCpuUsage":
		h.quickCPUMhz = toInt(val)
	case "summary.quickStats.overallMemoryUsage":
		h.quickMemMB = toInt(val)
	case "datastore":
		if a, ok := val.(types.ArrayOfManagedObjectReference); ok {
			for _, r := range a.ManagedObjectReference {
				h.datastores = append(h.datastores, r.Value)
			}
		}
	case "triggeredAlarmState":
		h.alarms = alarmStates(val)
	}
}

func (v *vm) set(name string, val any) {
	switch name {
	case "name":
		v.name, _ = val.(string)
	case "parent":
		v.parent = refValue(val)
	case "runtime.host":
		v.host = refValue(val)
	case "runtime.powerState":
		if v.power != "template" {
			v.power = enumString(val)
		}
	case "summary.config.uuid":
		v.uuid, _ = val.(string)
	case "summary.config.numCpu":
		v.vcpus = int32(toInt(val))
	case "summary.config.memorySizeMB":
		v.memMB = int32(toInt(val))
	case "summary.config.template":
		if b, _ := val.(bool); b {
			v.power = "template"
		}
	case "summary.quickStats.hostMemoryUsage":
		v.consumedMB = toInt(val)
	case "customValue":
		if a, ok := val.(types.ArrayOfCustomFieldValue); ok {
			v.custom = map[int32]string{}
			for _, c := range a.CustomFieldValue {
				if s, ok := c.(*types.CustomFieldStringValue); ok {
					v.custom[s.Key] = s.Value
				}
			}
		}
	case "triggeredAlarmState":
		v.alarms = alarmStates(val)
	}
}

func (d *datastore) set(name string, val any) {
	switch name {
	case "name":
		d.name, _ = val.(string)
	case "parent":
		d.parent = refValue(val)
	case "summary.capacity":
		d.capacity = toInt(val)
	case "summary.freeSpace":
		d.free = toInt(val)
	case "summary.url":
		d.url, _ = val.(string)
	case "triggeredAlarmState":
		d.alarms = alarmStates(val)
	}
}

func refValue(v any) string {
	switch r := v.(type) {
	case types.ManagedObjectReference:
		return r.Value
	case *types.ManagedObjectReference:
		if r != nil {
			return r.Value
		}
	}
	return ""
}

// enumString reads any of vSphere's string enums (they are all string kinds).
func enumString(v any) string {
	switch e := v.(type) {
	case string:
		return e
	case types.HostSystemConnectionState:
		return string(e)
	case types.HostSystemPowerState:
		return string(e)
	case types.VirtualMachinePowerState:
		return string(e)
	case types.ManagedEntityStatus:
		return string(e)
	}
	return fmt.Sprint(v)
}

func toInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int32:
		return int64(n)
	case int:
		return int64(n)
	case int16:
		return int64(n)
	}
	return 0
}

func alarmStates(v any) []types.AlarmState {
	if a, ok := v.(types.ArrayOfAlarmState); ok {
		return a.AlarmState
	}
	return nil
}

// clusterOf returns the cluster name of a host ("" for a standalone host).
func (inv *inventory) clusterOf(h *host) string {
	if c := inv.others[h.parent]; c != nil && c.typ == "ClusterComputeResource" {
		return c.name
	}
	return ""
}

// datacenterOf walks up the parents to the datacenter.
func (inv *inventory) datacenterOf(parent string) string {
	for range 64 {
		c := inv.others[parent]
		if c == nil {
			return ""
		}
		if c.typ == "Datacenter" {
			return c.name
		}
		parent = c.parent
	}
	return ""
}

func (inv *inventory) hostName(ref string) string {
	if h := inv.hosts[ref]; h != nil {
		return h.name
	}
	return ""
}
