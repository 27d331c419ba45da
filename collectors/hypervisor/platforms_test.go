package hypervisor

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// The table holds the drivers in code and the REST profiles; a platform
// without a profile is refused with the ones there are.
func TestPlatformTable(t *testing.T) {
	for _, p := range []string{"vsphere", "libvirt", "zstack"} {
		assert.Contains(t, Platforms, p)
	}
	pw := passwordFile(t, "pw")
	tgt := func(platform string) collectors.Target {
		return collectors.Target{Kind: Kind, Name: "p", Address: "https://cloud.example:8080",
			Params: map[string]string{ParamPlatform: platform, ParamUsername: "u", ParamPasswordFile: pw}}
	}
	require.NoError(t, ValidateTarget(tgt("zstack")))
	err := ValidateTarget(tgt("fusioncompute"))
	require.Error(t, err)
	assert.Contains(t, err.Error(), "zstack", "the error names the platforms there are")
}
