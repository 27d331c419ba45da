package nvr

import (
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors/nvr/nvrfake"
	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// The recorder's SNMP agent is the real net-snmp snmpd, whose
// HOST-RESOURCES-MIB describes this machine: its root filesystem is a fixed
// disk of hrStorageTable, and the figures must match statfs.
func TestSNMPDHostResources(t *testing.T) {
	peer := testpeer.SNMPD(t)
	srv := startNVR(t, nvrfake.Hikvision)
	recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
	c := newTestCollector(t, nil)
	tgt := nvrTarget(t, "nvr", srv, ParamSNMP, peer.Addr, ParamCommunityFile, secretFile(t, testpeer.SNMPDCommunity))
	rec, err := poll(t, c, tgt, 20*time.Second)
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	assert.Equal(t, 0.0, value(t, rec, `nvr_errors{stage="snmp"}`))

	var fs syscall.Statfs_t
	require.NoError(t, syscall.Statfs("/", &fs))
	size := float64(fs.Blocks) * float64(fs.Frsize)
	free := float64(fs.Bfree) * float64(fs.Frsize)
	gotSize := value(t, rec, `nvr_disk_capacity_bytes{disk="/"}`)
	gotFree := value(t, rec, `nvr_disk_free_bytes{disk="/"}`)
	t.Logf("snmpd / : %.0f of %.0f bytes free; statfs: %.0f of %.0f", gotFree, gotSize, free, size)
	assert.InEpsilon(t, size, gotSize, 0.001, "hrStorageSize × units is the filesystem's size")
	assert.InEpsilon(t, free, gotFree, 0.05, "free space (the machine writes meanwhile)")
	// The recorder's own disks come from HTTP beside the agent's.
	assert.Equal(t, 1.0, value(t, rec, `nvr_disk_ok{disk="hdd1"}`))
	_, ok := rec.Value(`nvr_disk_capacity_bytes{disk="Physical memory"}`)
	assert.False(t, ok, "memory rows of hrStorageTable are not disks")
}

// A wrong community makes the agent silent: the SNMP stage fails, the
// recorder's round does not.
func TestSNMPDWrongCommunity(t *testing.T) {
	peer := testpeer.SNMPD(t)
	srv := startNVR(t, nvrfake.Dahua)
	recordAll(srv.NVR, time.Now().Add(-24*time.Hour))
	c := newTestCollector(t, nil, func(c *Config) { c.RequestTimeout = 500 * time.Millisecond })
	tgt := nvrTarget(t, "nvr", srv, ParamSNMP, peer.Addr, ParamCommunityFile, secretFile(t, "not-the-community"))
	rec, err := poll(t, c, tgt, 10*time.Second)
	require.NoError(t, err)
	assert.Equal(t, 1.0, value(t, rec, `nvr_errors{stage="snmp"}`))
	assert.Equal(t, 1.0, value(t, rec, "nvr_channel_recording"+ch("1", "cam-01")))
}
