package restprofile

import (
	"bytes"
	"errors"
	"fmt"
	"io"

	"go.yaml.in/yaml/v3"
)

// maxProfileBytes bounds a profile file: a profile is a page of YAML.
const maxProfileBytes = 256 << 10

// Profile describes one REST platform.
type Profile struct {
	Name    string            `yaml:"name"`
	Headers map[string]string `yaml:"headers"` // sent with every request (Accept, a version)
	Login   Login             `yaml:"login"`
	// MaxReplyBytes bounds one reply (default 32 MiB): a hostile or broken
	// platform must not fill the collector's memory.
	MaxReplyBytes int64      `yaml:"max_reply_bytes"`
	Hosts         *Endpoint  `yaml:"hosts"`
	VMs           *Endpoint  `yaml:"vms"`
	Datastores    *Endpoint  `yaml:"datastores"`
	Events        EventRules `yaml:"events"`

	file string
}

// Login is how a session is opened.
type Login struct {
	// Kind: "json" (a request whose reply carries a token), "basic" (HTTP
	// Basic on every request, no session).
	Kind   string `yaml:"kind"`
	Method string `yaml:"method"` // json: POST (default) or PUT
	Path   string `yaml:"path"`   // json: the login path
	// Body is the JSON body; {{username}} and {{password}} are replaced by
	// the JSON-quoted values.
	Body string `yaml:"body"`
	// PasswordHash: "" (as is), "sha256-hex", "sha512-hex" — what the
	// platform wants in place of the password.
	PasswordHash string `yaml:"password_hash"`
	TokenPath    string `yaml:"token_path"`   // gjson path of the token in the reply body
	TokenHeader  string `yaml:"token_header"` // or: the reply header holding it
	SendHeader   string `yaml:"send_header"`  // the request header the token goes in
	SendPrefix   string `yaml:"send_prefix"`  // e.g. "OAuth "
	// ReloginStatus: replies that mean the session expired (default 401).
	ReloginStatus []int `yaml:"relogin_status"`
	// ReloginCodePath and ReloginCodes: a platform that reports an expired
	// session in the body (ZStack: HTTP 503 with error.code ID.1001).
	ReloginCodePath string   `yaml:"relogin_code_path"`
	ReloginCodes    []string `yaml:"relogin_codes"`
}

// Endpoint lists one kind of object.
type Endpoint struct {
	Path   string            `yaml:"path"`
	List   string            `yaml:"list"` // gjson path of the array in the reply
	Paging *Paging           `yaml:"paging"`
	Fields map[string]*Field `yaml:"fields"`
}

// Paging: offset/limit query parameters; a page shorter than Size is the last.
type Paging struct {
	LimitParam  string `yaml:"limit_param"`
	OffsetParam string `yaml:"offset_param"`
	Size        int    `yaml:"size"`
	MaxPages    int    `yaml:"max_pages"` // default 100
}

// Field reads one value of an object. In YAML it is a path, or a mapping.
type Field struct {
	Path     string             `yaml:"path"`
	Subtract string             `yaml:"subtract"` // path of a value subtracted (used = total - available)
	Scale    float64            `yaml:"scale"`    // multiplier to docs/cloud.md's unit (default 1)
	Map      map[string]float64 `yaml:"map"`      // a platform's state strings → value
	Unmapped *float64           `yaml:"unmapped"` // value of a string not in Map (else: skipped)
}

// UnmarshalYAML accepts a bare path for a field.
func (f *Field) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		f.Path = n.Value
		return nil
	}
	type plain Field
	var p plain
	if err := n.Decode(&p); err != nil {
		return err
	}
	*f = Field(p)
	return nil
}

// EventRules: which state changes between rounds become events.
type EventRules struct {
	VMPower   bool `yaml:"vm_power"`   // vm_started / vm_stopped
	HostState bool `yaml:"host_state"` // host_failed / host_recovered
}

// ParseProfile reads and validates one profile; errors name the file and field.
func ParseProfile(r io.Reader, file string) (*Profile, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxProfileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("%s: read: %w", file, err)
	}
	if len(data) > maxProfileBytes {
		return nil, fmt.Errorf("%s: larger than %d bytes", file, maxProfileBytes)
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var p Profile
	if err := dec.Decode(&p); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, fmt.Errorf("%s: empty profile", file)
		}
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	p.file = file
	if err := p.check(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return &p, nil
}
