package vsphere

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/vim25/types"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

// TestConversions checks the unit conversions on values vcsim does not give:
// percent in hundredths → ratio, ready ms → ratio per vCPU, KB → bytes, KBps →
// bytes/s, ms → seconds, per-disk values summed, datastore latency the worst
// of the hosts.
func TestConversions(t *testing.T) {
	inv := &inventory{
		hosts: map[string]*host{
			"host-1": {ref: "host-1", name: "esx-01", parent: "domain-c1", conn: "connected", power: "poweredOn",
				status: "yellow", cpuMhz: 2000, cores: 16, memBytes: 256 << 30},
			"host-2": {ref: "host-2", name: "esx-02", parent: "domain-c1", conn: "notResponding", power: "poweredOn",
				status: "gray", cpuMhz: 2000, cores: 16, memBytes: 256 << 30},
		},
		vms: map[string]*vm{"vm-1": {ref: "vm-1", name: "社保-web-01", host: "host-1", power: "poweredOn", uuid: "u-1",
			vcpus: 2, memMB: 4096}},
		datastores: map[string]*datastore{"ds-1": {ref: "ds-1", name: "存储-A", parent: "group-s1",
			url: "ds:///vmfs/volumes/5f1c-aa/", capacity: 10 << 40, free: 4 << 40}},
		others: map[string]*container{
			"domain-c1": {typ: "ClusterComputeResource", name: "集群1", parent: "group-h1"},
			"group-h1":  {typ: "Folder", name: "host", parent: "dc-1"},
			"group-s1":  {typ: "Folder", name: "datastore", parent: "dc-1"},
			"dc-1":      {typ: "Datacenter", name: "政务云A"},
		},
	}
	r := &round{now: time.Now(), inv: inv, rt: perfValues{
		"vm-1": {
			{cCPUUsage, ""}: 504, {cCPUReady, ""}: 2000, {cMemConsumed, ""}: 1048576,
			{cVDiskRead, "scsi0:0"}: 100, {cVDiskRead, "scsi0:1"}: 28, {cVDiskWrite, "scsi0:0"}: 10,
			{cDiskMaxLatency, ""}: 25, {cNetRx, ""}: 1, {cNetTx, ""}: 2,
		},
		"host-1": {{cCPUUsageMHz, ""}: 8000, {cMemConsumed, ""}: 2097152,
			{cDSReadLatency, "5f1c-aa"}: 7, {cDSWriteLatency, "5f1c-aa"}: 3},
		"host-2": {{cDSReadLatency, "5f1c-aa"}: 12},
	}, ds: dsPerf{"ds-1": {cDSRead: 2, cDSWrite: 4, cDSReadIOPS: 150, cDSWriteIOPS: 90}}}
	tgt := collectors.Target{Kind: "hypervisor", Name: "vc"}
	rec := collectortest.NewRecorder(tgt)
	r.emit(rec.Emit)
	rec.Close()
	require.Empty(t, rec.Problems())
	want := map[string]float64{
		`hypervisor_vm_cpu_usage_ratio{vm="社保-web-01"}`:                           0.0504,
		`hypervisor_vm_cpu_ready_ratio{vm="社保-web-01"}`:                           0.05,
		`hypervisor_vm_memory_used_bytes{vm="社保-web-01"}`:                         1 << 30,
		`hypervisor_vm_memory_bytes{vm="社保-web-01"}`:                              4 << 30,
		`hypervisor_vm_disk_read_bytes_per_second{vm="社保-web-01"}`:                128 * 1024,
		`hypervisor_vm_disk_write_bytes_per_second{vm="社保-web-01"}`:               10 * 1024,
		`hypervisor_vm_disk_latency_seconds{vm="社保-web-01"}`:                      0.025,
		`hypervisor_vm_network_receive_bytes_per_second{vm="社保-web-01"}`:          1024,
		`hypervisor_vm_network_transmit_bytes_per_second{vm="社保-web-01"}`:         2048,
		`hypervisor_host_cpu_used_hz{cluster="集群1",host="esx-01"}`:                8e9,
		`hypervisor_host_cpu_capacity_hz{cluster="集群1",host="esx-01"}`:            32e9,
		`hypervisor_host_memory_used_bytes{cluster="集群1",host="esx-01"}`:          2 << 30,
		`hypervisor_host_up{cluster="集群1",host="esx-01"}`:                         1,
		`hypervisor_host_up{cluster="集群1",host="esx-02"}`:                         0,
		`hypervisor_host_health{host="esx-01"}`:                                   1,
		`hypervisor_host_health{host="esx-02"}`:                                   -1,
		`hypervisor_host_vms_running{host="esx-01"}`:                              1,
		`hypervisor_datastore_read_latency_seconds{datastore="存储-A"}`:             0.012,
		`hypervisor_datastore_write_latency_seconds{datastore="存储-A"}`:            0.003,
		`hypervisor_datastore_read_iops{datastore="存储-A"}`:                        150,
		`hypervisor_datastore_write_bytes_per_second{datastore="存储-A"}`:           4096,
		`hypervisor_datastore_capacity_bytes{datacenter="政务云A",datastore="存储-A"}`: 10 << 40,
		`hypervisor_host_info{cluster="集群1",datacenter="政务云A",host="esx-01"}`:     1,
	}
	for key, v := range want {
		got, ok := rec.Value(key)
		if assert.True(t, ok, key) {
			assert.InDelta(t, v, got, 1e-9*max(1, v), key)
		}
	}
	_, ok := rec.Value(`hypervisor_host_cpu_used_hz{cluster="集群1",host="esx-02"}`)
	assert.False(t, ok, "no usage for a host that does not answer")
}

// TestKeepToleratesUnknownCounters: vcsim adds counter 10042 with no
// PerfCounterInfo; -1 is "no data"; the newest valid sample wins.
func TestKeepToleratesUnknownCounters(t *testing.T) {
	s := &sessionState{counters: newCounterTable([]types.PerfCounterInfo{{Key: 2, RollupType: "average",
		GroupInfo: &types.ElementDescription{Key: "cpu"}, NameInfo: &types.ElementDescription{Key: "usage"}}})}
	now := time.Now()
	out := perfValues{}
	s.keep(out, []types.BasePerfEntityMetricBase{&types.PerfEntityMetric{
		PerfEntityMetricBase: types.PerfEntityMetricBase{Entity: types.ManagedObjectReference{Type: "VirtualMachine", Value: "vm-1"}},
		SampleInfo:           []types.PerfSampleInfo{{Timestamp: now.Add(-40 * time.Second)}, {Timestamp: now.Add(-20 * time.Second)}, {Timestamp: now}},
		Value: []types.BasePerfMetricSeries{
			&types.PerfMetricIntSeries{PerfMetricSeries: types.PerfMetricSeries{Id: types.PerfMetricId{CounterId: 2}}, Value: []int64{100, 200, -1}},
			&types.PerfMetricIntSeries{PerfMetricSeries: types.PerfMetricSeries{Id: types.PerfMetricId{CounterId: 10042}}, Value: []int64{1, 2, 3}},
		},
	}})
	assert.Equal(t, perfValues{"vm-1": {{cCPUUsage, ""}: 200}}, out)
}
