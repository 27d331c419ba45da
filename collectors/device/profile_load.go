package device

import (
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
)

//go:embed profiles/*.yaml
var shippedProfiles embed.FS

// LoadProfiles returns the shipped profiles, replaced or extended (by name)
// by the YAML files given, each a file or a directory of *.yaml files.
func LoadProfiles(paths []string) (map[string]*Profile, error) {
	out := map[string]*Profile{}
	entries, err := shippedProfiles.ReadDir("profiles")
	if err != nil {
		return nil, fmt.Errorf("read shipped profiles: %w", err)
	}
	var errs []error
	for _, e := range entries {
		errs = append(errs, loadOne(out, func(n string) (io.ReadCloser, error) { return shippedProfiles.Open(n) },
			"profiles/"+e.Name()))
	}
	for _, p := range paths {
		errs = append(errs, loadPath(out, p))
	}
	return out, errors.Join(errs...)
}

func loadPath(out map[string]*Profile, path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("profile path: %w", err)
	}
	files := []string{path}
	if st.IsDir() {
		if files, err = filepath.Glob(filepath.Join(path, "*.yaml")); err != nil {
			return fmt.Errorf("list profiles in %s: %w", path, err)
		}
	}
	var errs []error
	for _, f := range files {
		errs = append(errs, loadOne(out, func(n string) (io.ReadCloser, error) { return os.Open(n) }, f))
	}
	return errors.Join(errs...)
}

func loadOne(out map[string]*Profile, open func(string) (io.ReadCloser, error), name string) error {
	f, err := open(name)
	if err != nil {
		return fmt.Errorf("open profile %s: %w", name, err)
	}
	defer f.Close()
	p, err := ParseProfile(f, name)
	if err != nil {
		return err
	}
	out[p.Name] = &p
	return nil
}
