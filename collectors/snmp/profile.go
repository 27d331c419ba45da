package snmp

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/collectors"
)

// Profile describes what a family of devices serves beyond IF-MIB, sysUpTime and
// LLDP-MIB (which every device gets, because their counter semantics need code):
// entity CPU, memory, temperature and optical power, as numeric OIDs. Adding a
// vendor is adding a YAML file, not code.
type Profile struct {
	Name string `yaml:"name"`
	// Match lists sysObjectID prefixes; the longest matching prefix over all
	// profiles wins, and a device that matches none gets "generic".
	Match   []string        `yaml:"match"`
	Metrics []ProfileMetric `yaml:"metrics"`
}

// ProfileMetric is one table column turned into one gauge per row.
type ProfileMetric struct {
	// ID names the walk in snmp_errors{stage="profile:<profile>-<id>"}.
	ID   string `yaml:"id"`
	Name string `yaml:"name"` // a snmp_* name of the naming contract
	Type string `yaml:"type"` // only "gauge" today
	OID  string `yaml:"oid"`  // the table column; the row index is the rest of the OID
	// Scale multiplies the raw value (0.01 turns a percentage into a ratio).
	Scale float64 `yaml:"scale"`
	// Label is the label the row is told apart by: "entity" or "ifname".
	Label string `yaml:"label"`
	// LabelFrom says where its value comes from: "index" (the row index),
	// "entity_name" (ENTITY-MIB entPhysicalName of the index) or "if_name"
	// (IF-MIB ifName of the index).
	LabelFrom string `yaml:"label_from"`
	// LabelOID, when set, is a text column of the same table (e.g.
	// hrStorageDescr) whose value labels the row; it wins over LabelFrom.
	LabelOID string `yaml:"label_oid"`
	// DivideBy lists columns of the same table whose sum is the denominator
	// (e.g. used / (used + free)); Scale applies after the division.
	DivideBy []string `yaml:"divide_by"`
	// Filter keeps only rows whose column has one of the values (e.g.
	// entPhySensorType 8 = celsius).
	Filter *ProfileFilter `yaml:"filter"`
	// Convert is applied after Scale: "uw_to_dbm" turns microwatts into dBm
	// (10·log10(µW/1000)); a value ≤ 0 then means no reading.
	Convert string `yaml:"convert"`
	// Skip lists raw values that mean "not present" (e.g. 2147483647 on H3C).
	Skip []float64 `yaml:"skip"`
}

// ProfileFilter keeps rows whose OID column holds one of Values, compared as
// text: a number in decimal, an OBJECT IDENTIFIER dotted with a leading dot.
type ProfileFilter struct {
	OID    string   `yaml:"oid"`
	Values []string `yaml:"values"`
}

// Label sources of ProfileMetric.LabelFrom.
const (
	labelFromIndex      = "index"
	labelFromEntityName = "entity_name"
	labelFromIfName     = "if_name"

	convertUWToDBm = "uw_to_dbm"

	oidEntPhysicalName = ".1.3.6.1.2.1.47.1.1.1.1.7"
	genericProfile     = "generic"
)

//go:embed profiles/*.yaml
var builtinProfiles embed.FS

// maxProfileBytes bounds one profile file: a profile is a few kB.
const maxProfileBytes = 1 << 20

// ParseProfile reads one profile strictly: an unknown field or a bad value is an
// error that names the line.
func ParseProfile(r io.Reader) (Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return Profile{}, fmt.Errorf("read profile: %w", err)
	}
	if len(data) > maxProfileBytes {
		return Profile{}, fmt.Errorf("profile is larger than %d bytes", maxProfileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		return Profile{}, fmt.Errorf("decode profile: %w", err)
	}
	p.normalise()
	if err := p.Validate(); err != nil {
		return Profile{}, fmt.Errorf("profile %q: %w", p.Name, err)
	}
	return p, nil
}

// normalise writes every OID with one leading dot, as gosnmp returns them, and
// fills defaults.
func (p *Profile) normalise() {
	for i := range p.Match {
		p.Match[i] = normOID(p.Match[i])
	}
	for i := range p.Metrics {
		m := &p.Metrics[i]
		m.OID = normOID(m.OID)
		for j := range m.DivideBy {
			m.DivideBy[j] = normOID(m.DivideBy[j])
		}
		if m.Filter != nil {
			m.Filter.OID = normOID(m.Filter.OID)
		}
		if m.LabelOID != "" {
			m.LabelOID = normOID(m.LabelOID)
		}
		if m.Type == "" {
			m.Type = "gauge"
		}
		if m.Scale == 0 {
			m.Scale = 1
		}
		if m.LabelFrom == "" {
			m.LabelFrom = labelFromIndex
		}
	}
}

// normOID returns oid with exactly one leading dot and no trailing dot.
func normOID(oid string) string {
	return "." + strings.Trim(strings.TrimSpace(oid), ".")
}

// Validate reports every problem of a normalised profile.
func (p Profile) Validate() error {
	var errs []error
	if !collectors.ValidLabelName(p.Name) {
		errs = append(errs, fmt.Errorf("name %q must be a plain identifier", p.Name))
	}
	for i, m := range p.Match {
		if !validOID(m) {
			errs = append(errs, fmt.Errorf("match[%d]: %q is not a numeric OID", i, m))
		}
	}
	ids := map[string]bool{}
	for i, m := range p.Metrics {
		if err := m.validate(); err != nil {
			errs = append(errs, fmt.Errorf("metrics[%d] (%s): %w", i, m.ID, err))
		}
		if ids[m.ID] {
			errs = append(errs, fmt.Errorf("metrics[%d]: id %q used twice", i, m.ID))
		}
		ids[m.ID] = true
	}
	return errors.Join(errs...)
}

func (m ProfileMetric) validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if !validID(m.ID) {
		add("id %q must be 1-32 of a-z, 0-9, _ and -", m.ID)
	}
	if !strings.HasPrefix(m.Name, "snmp_") || !collectors.ValidMetricName(m.Name) || coreMetric(m.Name) {
		add("name %q must be a snmp_* metric name that IF-MIB does not already own", m.Name)
	}
	if m.Convert != "" && m.Convert != convertUWToDBm {
		add("convert %q: only uw_to_dbm is supported", m.Convert)
	}
	if m.Type != "gauge" {
		add("type %q: only gauge is supported", m.Type)
	}
	if !validOID(m.OID) {
		add("oid %q is not a numeric OID", m.OID)
	}
	if m.Label != "entity" && m.Label != "ifname" {
		add("label %q must be entity or ifname", m.Label)
	}
	if !slices.Contains([]string{labelFromIndex, labelFromEntityName, labelFromIfName}, m.LabelFrom) {
		add("label_from %q must be index, entity_name or if_name", m.LabelFrom)
	}
	if m.LabelOID != "" && !validOID(m.LabelOID) {
		add("label_oid %q is not a numeric OID", m.LabelOID)
	}
	for _, d := range m.DivideBy {
		if !validOID(d) {
			add("divide_by %q is not a numeric OID", d)
		}
	}
	if m.Filter != nil && (!validOID(m.Filter.OID) || len(m.Filter.Values) == 0) {
		add("filter needs a numeric oid and at least one value")
	}
	return errors.Join(errs...)
}

// validOID accepts a normalised numeric OID of at least two arcs.
func validOID(oid string) bool {
	if len(oid) < 4 || oid[0] != '.' || strings.Count(oid, ".") < 2 {
		return false
	}
	for _, arc := range strings.Split(oid[1:], ".") {
		if arc == "" || len(arc) > 10 || strings.Trim(arc, "0123456789") != "" {
			return false
		}
	}
	return true
}

// LoadProfiles returns the built-in profiles overridden (by name) by the YAML
// files given, each a file or a directory of *.yaml files.
func LoadProfiles(paths []string) (map[string]Profile, error) {
	out := map[string]Profile{}
	entries, err := builtinProfiles.ReadDir("profiles")
	if err != nil {
		return nil, fmt.Errorf("read built-in profiles: %w", err)
	}
	for _, e := range entries {
		if err := loadOne(out, builtinProfiles.Open, "profiles/"+e.Name()); err != nil {
			return nil, err
		}
	}
	var errs []error
	for _, p := range paths {
		errs = append(errs, loadPath(out, p))
	}
	if _, ok := out[genericProfile]; !ok {
		errs = append(errs, errors.New("no generic profile"))
	}
	return out, errors.Join(errs...)
}

func loadPath(out map[string]Profile, path string) error {
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
		errs = append(errs, loadOne(out, func(name string) (io.ReadCloser, error) { return os.Open(name) }, f))
	}
	return errors.Join(errs...)
}

func loadOne[F io.ReadCloser](out map[string]Profile, open func(string) (F, error), name string) error {
	f, err := open(name)
	if err != nil {
		return fmt.Errorf("open profile %s: %w", name, err)
	}
	defer f.Close()
	p, err := ParseProfile(f)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	out[p.Name] = p
	return nil
}

// coreMetric reports whether name is one of the series the collector itself
// emits for every device; a profile may not emit them too.
func coreMetric(name string) bool {
	return strings.HasPrefix(name, "snmp_if_") || slices.Contains([]string{"snmp_sys_uptime_seconds",
		"snmp_device_restarts_total", "snmp_lldp_neighbor_info", "snmp_errors"}, name)
}

// validID accepts the short names that make up snmp_errors stage values.
func validID(s string) bool {
	return len(s) >= 1 && len(s) <= 32 && strings.Trim(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == ""
}
