package snmptrap

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"text/template"

	"go.yaml.in/yaml/v3"
)

// Profile names one trap OID and says how an operator reads it.
type Profile struct {
	OID      string `yaml:"oid"`      // numeric, e.g. 1.3.6.1.6.3.1.1.5.3
	Name     string `yaml:"name"`     // symbolic, e.g. linkDown
	Severity string `yaml:"severity"` // critical, major, minor, warning, info
	// Text is a text/template in Chinese over TextData, e.g.
	// "设备 {{.Device}}{{with .IfName}} 接口 {{.}}{{end}} 链路中断 (linkDown)".
	Text string `yaml:"text"`
}

// TextData is what a profile's Text template can use.
type TextData struct {
	Device, Address, Name, OID string
	IfName, Entity, Summary    string
	IfIndex                    int
	Vars                       map[string]string // varbind value by numeric OID
}

//go:embed profiles.yaml
var defaultProfilesYAML []byte

// DefaultProfiles returns the embedded profiles: the standard traps of RFC 3418
// and RFC 2863 and common Huawei, H3C and Cisco entity traps.
func DefaultProfiles() []Profile {
	ps, err := LoadProfiles(defaultProfilesYAML)
	if err != nil {
		panic(fmt.Sprintf("embedded trap profiles: %v", err)) // a build defect, caught by tests
	}
	return ps
}

var severities = map[string]bool{"critical": true, "major": true, "minor": true, "warning": true, "info": true}

// maxProfilesBytes bounds a profile file; the shipped one is ~5 KiB.
const maxProfilesBytes = 1 << 20

// LoadProfiles parses a profile file (`traps:` list), strictly, and checks
// every entry.
func LoadProfiles(data []byte) ([]Profile, error) {
	if len(data) > maxProfilesBytes {
		return nil, fmt.Errorf("profile file of %d bytes exceeds %d", len(data), maxProfilesBytes)
	}
	var doc struct {
		Traps []Profile `yaml:"traps"`
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&doc); err != nil {
		return nil, fmt.Errorf("parse trap profiles: %w", err)
	}
	var errs []error
	seen := map[string]bool{}
	for i, p := range doc.Traps {
		if err := p.check(); err != nil {
			errs = append(errs, fmt.Errorf("traps[%d] %s: %w", i, p.Name, err))
		}
		if seen[p.OID] {
			errs = append(errs, fmt.Errorf("traps[%d]: oid %s appears twice", i, p.OID))
		}
		seen[p.OID] = true
	}
	return doc.Traps, errors.Join(errs...)
}

func (p Profile) check() error {
	var errs []error
	if !validOID(p.OID) {
		errs = append(errs, fmt.Errorf("oid %q is not numeric", p.OID))
	}
	if p.Name == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	if !severities[p.Severity] {
		errs = append(errs, fmt.Errorf("severity %q is not one of critical, major, minor, warning, info", p.Severity))
	}
	if _, err := parseText(p.Text); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

func parseText(s string) (*template.Template, error) {
	if strings.TrimSpace(s) == "" {
		return nil, errors.New("text is empty")
	}
	t, err := template.New("text").Option("missingkey=zero").Parse(s)
	if err != nil {
		return nil, fmt.Errorf("parse text: %w", err)
	}
	return t, nil
}

// compiled is a profile with its parsed template.
type compiled struct {
	Profile
	text *template.Template
}

// compileProfiles merges extra over the defaults by OID and parses the texts.
func compileProfiles(extra []Profile) (map[string]compiled, error) {
	out := map[string]compiled{}
	var errs []error
	for i, p := range append(DefaultProfiles(), extra...) {
		p.OID = strings.TrimPrefix(p.OID, ".")
		if err := p.check(); err != nil {
			errs = append(errs, fmt.Errorf("profile %d (%s): %w", i, p.Name, err))
			continue
		}
		t, _ := parseText(p.Text)
		out[p.OID] = compiled{Profile: p, text: t}
	}
	return out, errors.Join(errs...)
}
