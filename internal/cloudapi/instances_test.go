package cloudapi

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func ptr(v float64) *float64 { return &v }

// At 00:10 on Dec 1: vm-a is off (agent registered, never scraped), vm-b
// measured by its agent (the platform's 0.3 is not used), vm-c's agent is
// down and no platform knows it, vm-d is known only to the platform.
func TestInstancesRelationsAndUsage(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	code, body := call(t, f.api, router, Prefix+"instances")
	require.Equal(t, http.StatusOK, code, "%s", body)
	var p InstancePage
	decode(t, body, &p)
	assert.Empty(t, p.NextPageToken)
	assert.Equal(t, []Instance{
		{Name: "vm-a", UUID: "uuid-vm-a", Host: "esx-01", Cluster: "c1", System: "公积金", Dept: "住建局",
			District: "湖滨区", Platform: "vcenter-1", Spec: "8C16G", VCPUs: ptr(8), MemoryGB: ptr(16),
			PowerState: "stopped", Agent: "missing", Usage: Usage{Source: "none"}},
		{Name: "vm-b", UUID: "uuid-vm-b", Host: "esx-02", Cluster: "c1", System: "政务服务", Dept: "大数据局",
			District: "市本级", Platform: "vcenter-1", Spec: "4C8G", VCPUs: ptr(4), MemoryGB: ptr(8),
			PowerState: "running", Agent: "online",
			Usage: Usage{CPURatio: ptr(0.25), MemoryRatio: ptr(0.25), DiskRatio: ptr(0.6), Source: "agent"}},
		{Name: "vm-c", District: "陕州区", Spec: "6C12G", PowerState: "unknown", Agent: "offline",
			Usage: Usage{Source: "none"}},
		{Name: "vm-d", UUID: "uuid-vm-d", Host: "esx-02", Cluster: "c1", System: "政务服务", Dept: "大数据局",
			Platform: "vcenter-1", Spec: "2C4G", VCPUs: ptr(2), MemoryGB: ptr(4), PowerState: "running",
			Agent: "missing", Usage: Usage{CPURatio: ptr(0.1), MemoryRatio: ptr(0.25), Source: "hypervisor"}},
	}, p.Instances)
}

func TestInstancesFilters(t *testing.T) {
	f := newFixture(t)
	_, router := loadSpec(t)
	for q, want := range map[string][]string{
		"?system=政务服务":          {"vm-b", "vm-d"},
		"?dept=住建局":             {"vm-a"},
		"?system=政务服务&dept=住建局": {},
	} {
		code, body := call(t, f.api, router, Prefix+"instances"+q)
		require.Equal(t, http.StatusOK, code, "%s", body)
		var p InstancePage
		decode(t, body, &p)
		names := []string{}
		for _, in := range p.Instances {
			names = append(names, in.Name)
		}
		assert.Equal(t, want, names, q)
	}
}

// Paging walks every VM exactly once, whatever the page size, and a token
// cannot be reused with other filters or forged.
func TestInstancesPaging(t *testing.T) {
	f := newFixture(t)
	for i := range 23 {
		f.targets = append(f.targets, agentTarget(i))
	}
	_, router := loadSpec(t)
	for _, size := range []int{1, 2, 5, 26, 27, 500} {
		seen := walk(t, f.api, router, Prefix+"instances", size, func(body []byte) ([]string, string) {
			var p InstancePage
			decode(t, body, &p)
			var names []string
			for _, in := range p.Instances {
				names = append(names, in.Name)
			}
			return names, p.NextPageToken
		})
		assert.Len(t, seen, 27, "page_size %d", size)
	}
	code, body := call(t, f.api, router, Prefix+"instances?page_size=2")
	require.Equal(t, http.StatusOK, code)
	var p InstancePage
	decode(t, body, &p)
	require.NotEmpty(t, p.NextPageToken)
	code, body = call(t, f.api, router, Prefix+"instances?system=公积金&page_token="+p.NextPageToken)
	assert.Equal(t, http.StatusBadRequest, code, "%s", body)
	assert.Contains(t, string(body), "另一组查询条件")
	for _, bad := range []string{"x", "eyJ2IjoyfQ", "%ZZ", "eyJ2IjoxLCJmIjoiIiwiayI6IiJ9"} {
		code, body = call(t, f.api, router, Prefix+"instances?page_token="+bad)
		assert.Equal(t, http.StatusBadRequest, code, "%s: %s", bad, body)
	}
	for _, bad := range []string{"0", "501", "-1", "x", "1.5"} {
		code, _ = call(t, f.api, router, Prefix+"instances?page_size="+bad)
		assert.Equal(t, http.StatusBadRequest, code, bad)
	}
	code, _ = call(t, f.api, router, Prefix+"instances?sytem=公积金")
	assert.Equal(t, http.StatusBadRequest, code, "a misspelt filter must not return everything")
}
