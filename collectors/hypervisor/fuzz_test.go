package hypervisor

import (
	"strings"
	"testing"

	"github.com/swanwatch/swanwatch/collectors"
)

// FuzzTarget: any address and platform param give a platform or a clear
// error, never a panic, and the password file's content never shows.
func FuzzTarget(f *testing.F) {
	f.Add("https://vc.example/sdk", "")
	f.Add("tcp://kvm-01:16509", "")
	f.Add("https://cloud.example:8443", "fusioncompute")
	f.Add("%zz", "vsphere")
	f.Fuzz(func(t *testing.T, addr, platform string) {
		pw := passwordFile(t, "Fuzz-pw-77")
		tgt := collectors.Target{Kind: Kind, Name: "x", Address: addr,
			Params: map[string]string{ParamPlatform: platform, ParamUsername: "u", ParamPasswordFile: pw}}
		l, err := parseTarget(tgt, Platforms)
		if err != nil {
			if strings.Contains(err.Error(), "Fuzz-pw-77") {
				t.Fatalf("password in error: %v", err)
			}
			return
		}
		if _, ok := Platforms[l.platform]; !ok {
			t.Fatalf("accepted unknown platform %q", l.platform)
		}
	})
}
