package logparse

import (
	"embed"
	"fmt"
	"io/fs"
	"sort"
	"sync"
)

//go:embed profiles/*.yaml
var embedded embed.FS

// Set is a compiled, immutable list of vendor families; it is safe for
// concurrent use by any number of receivers.
type Set struct {
	families []*family
}

var (
	defaultOnce sync.Once
	defaultSet  *Set
)

// Default returns the embedded profiles, compiled once. A broken embedded
// profile is a build mistake the package's tests catch, so it panics.
func Default() *Set {
	defaultOnce.Do(func() {
		fams, err := embeddedFamilies()
		if err != nil {
			panic("logparse: embedded profiles: " + err.Error())
		}
		defaultSet = &Set{families: fams}
	})
	return defaultSet
}

// Load returns the embedded profiles plus an operator's YAML file (one vendor
// family per document, documents separated by ---). The operator's families
// are tried first, and an operator profile named like an embedded one
// replaces it. Errors name the line.
func Load(extra []byte) (*Set, error) {
	base := Default()
	if len(extra) == 0 {
		return base, nil
	}
	specs, err := decodeSpecs(extra)
	if err != nil {
		return nil, fmt.Errorf("operator profiles: %w", err)
	}
	total := 0
	for _, f := range specs {
		total += len(f.Profiles)
	}
	if total > maxProfiles {
		return nil, fmt.Errorf("operator profiles: %d profiles, more than %d", total, maxProfiles)
	}
	var own []*family
	names := map[string]bool{}
	for _, f := range specs {
		fam, err := compileFamily(f, "operator profiles")
		if err != nil {
			return nil, err
		}
		for _, p := range fam.profiles {
			if names[p.name] {
				return nil, fmt.Errorf("operator profiles: profile %q is defined twice", p.name)
			}
			names[p.name] = true
		}
		own = append(own, fam)
	}
	return &Set{families: append(own, withoutNames(base.families, names)...)}, nil
}

// embeddedFamilies compiles profiles/*.yaml in file-name order; profile names
// must be unique across them.
func embeddedFamilies() ([]*family, error) {
	paths, err := fs.Glob(embedded, "profiles/*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(paths)
	var fams []*family
	names := map[string]string{}
	for _, path := range paths {
		b, err := embedded.ReadFile(path)
		if err != nil {
			return nil, err
		}
		specs, err := decodeSpecs(b)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		for _, s := range specs {
			fam, err := compileFamily(s, path)
			if err != nil {
				return nil, err
			}
			for _, p := range fam.profiles {
				if prev, ok := names[p.name]; ok {
					return nil, fmt.Errorf("%s: profile %q already defined in %s", path, p.name, prev)
				}
				names[p.name] = path
			}
			fams = append(fams, fam)
		}
	}
	return fams, nil
}

// withoutNames copies families leaving out the named profiles (and a family
// left with none).
func withoutNames(fams []*family, drop map[string]bool) []*family {
	out := make([]*family, 0, len(fams))
	for _, f := range fams {
		kept := *f
		kept.profiles = nil
		for _, p := range f.profiles {
			if !drop[p.name] {
				kept.profiles = append(kept.profiles, p)
			}
		}
		if len(kept.profiles) > 0 {
			out = append(out, &kept)
		}
	}
	return out
}

// Profiles lists vendor/profile names in the order they are tried.
func (s *Set) Profiles() []string {
	var out []string
	for _, f := range s.families {
		for _, p := range f.profiles {
			out = append(out, f.vendor+"/"+p.name)
		}
	}
	return out
}
