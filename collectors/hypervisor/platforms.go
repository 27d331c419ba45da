package hypervisor

import (
	"maps"
	"net/url"
	"sort"
	"strings"

	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/libvirt"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/restprofile"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/vsphere"
)

// Platforms maps the `platform` param to a driver: vSphere and libvirt are
// code; the REST platforms (zstack …) are YAML profiles
// (collectors/hypervisor/restprofile).
var Platforms = func() map[string]driver.Opener {
	t := map[string]driver.Opener{vsphere.Platform: vsphere.Open, libvirt.Platform: libvirt.Open}
	maps.Copy(t, restprofile.Openers())
	return t
}()

// platformOf is the target's `platform` param, or the one its address
// implies: vSphere's web service answers on …/sdk, libvirt on a socket or
// its TCP/TLS ports.
func platformOf(address string, params map[string]string) string {
	if p := strings.TrimSpace(params[ParamPlatform]); p != "" {
		return p
	}
	u, err := url.Parse(address)
	if err != nil {
		return ""
	}
	switch {
	case (u.Scheme == "https" || u.Scheme == "http") && strings.HasSuffix(strings.TrimRight(u.Path, "/"), "/sdk"):
		return vsphere.Platform
	case u.Scheme == "unix" || u.Scheme == "tcp" || u.Scheme == "tls":
		return libvirt.Platform
	}
	return ""
}

func platformNames(table map[string]driver.Opener) string {
	names := make([]string, 0, len(table))
	for n := range table {
		names = append(names, n)
	}
	sort.Strings(names)
	return strings.Join(names, ", ")
}
