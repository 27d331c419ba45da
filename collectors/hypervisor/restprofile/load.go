package restprofile

import (
	"embed"
	"fmt"
	"sort"
	"sync"

	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

//go:embed profiles/*.yaml
var shipped embed.FS

var (
	loadOnce sync.Once
	loaded   map[string]*Profile
	loadErr  error
)

// Profiles returns the shipped profiles by name. They are checked by the
// tests, so an error here is a build defect, reported, never a panic.
func Profiles() (map[string]*Profile, error) {
	loadOnce.Do(func() { loaded, loadErr = loadShipped() })
	return loaded, loadErr
}

func loadShipped() (map[string]*Profile, error) {
	entries, err := shipped.ReadDir("profiles")
	if err != nil {
		return nil, fmt.Errorf("read shipped profiles: %w", err)
	}
	out := map[string]*Profile{}
	for _, e := range entries {
		name := "profiles/" + e.Name()
		f, err := shipped.Open(name)
		if err != nil {
			return nil, fmt.Errorf("open %s: %w", name, err)
		}
		p, err := ParseProfile(f, name)
		f.Close()
		if err != nil {
			return nil, err
		}
		if _, dup := out[p.Name]; dup {
			return nil, fmt.Errorf("%s: profile name %q given twice", name, p.Name)
		}
		out[p.Name] = p
	}
	return out, nil
}

// Openers maps each shipped profile's name (the target's `platform` param)
// to its opener, for the hypervisor kind's platform table.
func Openers() map[string]driver.Opener {
	ps, err := Profiles()
	out := map[string]driver.Opener{}
	if err != nil {
		return out // TestShippedProfiles fails the build's tests on this
	}
	for n, p := range ps {
		out[n] = opener(p)
	}
	return out
}

// Names lists the shipped profiles, sorted.
func Names() []string {
	ps, _ := Profiles()
	out := make([]string, 0, len(ps))
	for n := range ps {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}
