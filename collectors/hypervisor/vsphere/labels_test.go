package vsphere

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/vmware/govmomi/object"
	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vapi/tags"
	"github.com/vmware/govmomi/vim25/types"
)

// TestSystemAndDept: system and department come from a tag category, a
// custom attribute or the VM's folder, as the target's params say.
func TestSystemAndDept(t *testing.T) {
	vc := startVC(t, simulator.VPX())
	ctx := context.Background()
	vms := vc.all("VirtualMachine")
	v0, v1 := vms[0].(*simulator.VirtualMachine), vms[1].(*simulator.VirtualMachine)

	// Tags: category 业务系统, tag 社保系统 on v0.
	rc := rest.NewClient(vc.admin.Client)
	require.NoError(t, rc.Login(ctx, url.UserPassword(testUser, testPassword)))
	tm := tags.NewManager(rc)
	cat, err := tm.CreateCategory(ctx, &tags.Category{Name: "业务系统", Cardinality: "SINGLE",
		AssociableTypes: []string{"VirtualMachine"}})
	require.NoError(t, err)
	tag, err := tm.CreateTag(ctx, &tags.Tag{Name: "社保系统", CategoryID: cat})
	require.NoError(t, err)
	require.NoError(t, tm.AttachTag(ctx, tag, v0.Self))

	// Attribute 部门 = 人社局 on v0.
	cfm, err := object.GetCustomFieldsManager(vc.admin.Client)
	require.NoError(t, err)
	def, err := cfm.Add(ctx, "部门", "VirtualMachine", nil, nil)
	require.NoError(t, err)
	require.NoError(t, cfm.Set(ctx, v0.Self, def.Key, "人社局"))

	// Folder 医保局 holding v1.
	dc := vc.all("Datacenter")[0].(*simulator.Datacenter)
	vmFolder := object.NewFolder(vc.admin.Client, dc.VmFolder)
	f, err := vmFolder.CreateFolder(ctx, "医保局")
	require.NoError(t, err)
	task, err := f.MoveInto(ctx, []types.ManagedObjectReference{v1.Self})
	require.NoError(t, err)
	require.NoError(t, task.Wait(ctx))

	d, err := vc.open(t, testPassword, ParamDeptFrom, "attribute:部门")
	require.NoError(t, err)
	rec, _ := collect(t, d)
	info := func(v *simulator.VirtualMachine) string {
		for _, s := range rec.Series() {
			if strings.HasPrefix(s, "hypervisor_vm_info{") && strings.Contains(s, `vm="`+v.Name+`"`) {
				return s
			}
		}
		return ""
	}
	assert.Contains(t, info(v0), `vm_system="社保系统"`)
	assert.Contains(t, info(v0), `vm_dept="人社局"`)
	assert.NotContains(t, info(v1), `vm_system=`)

	d2, err := vc.open(t, testPassword, ParamSystemFrom, "folder", ParamDeptFrom, "tag:部门")
	require.NoError(t, err)
	rec, _ = collect(t, d2)
	assert.Contains(t, info(v1), `vm_system="医保局"`)
	assert.NotContains(t, info(v0), `vm_dept=`)
}
