package restprofile

import (
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"

	"github.com/tidwall/gjson"
)

var nameRE = regexp.MustCompile(`^[a-z][a-z0-9-]{0,39}$`)

// Fields each endpoint may read; a key not listed is a typo, refused.
var (
	hostFields = set("name", "id", "cluster", "version", "up", "maintenance", "health",
		"cpu_capacity_hz", "cpu_used_hz", "memory_capacity_bytes", "memory_used_bytes")
	vmFields = set("name", "uuid", "host_id", "cluster", "running", "vcpus", "memory_bytes",
		"cpu_usage_ratio", "memory_used_bytes")
	dsFields = set("name", "datacenter", "capacity_bytes", "free_bytes")
	// label fields are read as strings, the others as numbers
	labelFields = set("name", "id", "cluster", "version", "uuid", "host_id", "datacenter")
)

func set(s ...string) map[string]bool {
	m := make(map[string]bool, len(s))
	for _, v := range s {
		m[v] = true
	}
	return m
}

func (p *Profile) check() error {
	if !nameRE.MatchString(p.Name) {
		return fmt.Errorf("name %q: want lower-case letters, digits and '-' (e.g. zstack)", p.Name)
	}
	if p.MaxReplyBytes < 0 {
		return errors.New("max_reply_bytes: must not be negative")
	}
	if p.MaxReplyBytes == 0 {
		p.MaxReplyBytes = 32 << 20
	}
	for k, v := range p.Headers {
		if k == "" || strings.ContainsAny(k+v, "\r\n") {
			return fmt.Errorf("headers.%s: empty name or a line break", k)
		}
	}
	if err := p.Login.check(); err != nil {
		return fmt.Errorf("login.%w", err)
	}
	if p.Hosts == nil && p.VMs == nil && p.Datastores == nil {
		return errors.New("hosts, vms, datastores: at least one endpoint is needed")
	}
	for _, e := range []struct {
		name   string
		ep     *Endpoint
		fields map[string]bool
	}{{"hosts", p.Hosts, hostFields}, {"vms", p.VMs, vmFields}, {"datastores", p.Datastores, dsFields}} {
		if e.ep == nil {
			continue
		}
		if err := e.ep.check(e.fields); err != nil {
			return fmt.Errorf("%s.%w", e.name, err)
		}
	}
	if p.Events.VMPower && (p.VMs == nil || p.VMs.Fields["running"] == nil) {
		return errors.New("events.vm_power: needs vms.fields.running")
	}
	if p.Events.HostState && (p.Hosts == nil || p.Hosts.Fields["up"] == nil) {
		return errors.New("events.host_state: needs hosts.fields.up")
	}
	return nil
}

func (l *Login) check() error {
	switch l.Kind {
	case "basic":
		return nil
	case "json":
	default:
		return fmt.Errorf("kind %q: want json or basic", l.Kind)
	}
	if l.Method == "" {
		l.Method = http.MethodPost
	}
	if l.Method != http.MethodPost && l.Method != http.MethodPut {
		return fmt.Errorf("method %q: want POST or PUT", l.Method)
	}
	if !strings.HasPrefix(l.Path, "/") {
		return fmt.Errorf("path %q: want an absolute path", l.Path)
	}
	if l.Body != "" {
		probe := strings.NewReplacer("{{username}}", `"u"`, "{{password}}", `"p"`).Replace(l.Body)
		if !gjson.Valid(probe) {
			return errors.New("body: not JSON once {{username}} and {{password}} are filled in")
		}
	}
	switch l.PasswordHash {
	case "", "sha256-hex", "sha512-hex":
	default:
		return fmt.Errorf("password_hash %q: want sha256-hex, sha512-hex or nothing", l.PasswordHash)
	}
	if (l.TokenPath == "") == (l.TokenHeader == "") {
		return errors.New("token_path, token_header: give exactly one")
	}
	if l.SendHeader == "" || strings.ContainsAny(l.SendHeader+l.SendPrefix, "\r\n") {
		return errors.New("send_header: missing or has a line break")
	}
	if len(l.ReloginStatus) == 0 {
		l.ReloginStatus = []int{http.StatusUnauthorized}
	}
	if (l.ReloginCodePath == "") != (len(l.ReloginCodes) == 0) {
		return errors.New("relogin_code_path, relogin_codes: give both or neither")
	}
	for _, s := range l.ReloginStatus {
		if s < 400 || s > 599 {
			return fmt.Errorf("relogin_status %d: want a 4xx or 5xx status", s)
		}
	}
	return nil
}

func (e *Endpoint) check(allowed map[string]bool) error {
	if !strings.HasPrefix(e.Path, "/") || strings.ContainsAny(e.Path, " \r\n#") {
		return fmt.Errorf("path %q: want an absolute path without spaces", e.Path)
	}
	if e.List == "" {
		return errors.New("list: the JSON path of the array is missing (use @this for a bare array)")
	}
	if pg := e.Paging; pg != nil {
		if pg.LimitParam == "" || pg.OffsetParam == "" || pg.Size < 1 || pg.Size > 10000 {
			return errors.New("paging: limit_param, offset_param and a size of 1..10000 are needed")
		}
		if pg.MaxPages == 0 {
			pg.MaxPages = 100
		}
		if pg.MaxPages < 0 {
			return errors.New("paging.max_pages: must not be negative")
		}
	}
	if e.Fields["name"] == nil {
		return errors.New("fields.name: missing (every object needs a name)")
	}
	keys := make([]string, 0, len(e.Fields))
	for k := range e.Fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !allowed[k] {
			return fmt.Errorf("fields.%s: unknown field (want one of %s)", k, names(allowed))
		}
		if err := e.Fields[k].check(labelFields[k]); err != nil {
			return fmt.Errorf("fields.%s: %w", k, err)
		}
	}
	return nil
}

func (f *Field) check(label bool) error {
	if f == nil || f.Path == "" {
		return errors.New("path missing")
	}
	if label && (f.Subtract != "" || f.Scale != 0 || f.Map != nil || f.Unmapped != nil) {
		return errors.New("a label takes only a path")
	}
	if f.Scale < 0 {
		return errors.New("scale: must not be negative")
	}
	if f.Scale == 0 {
		f.Scale = 1
	}
	if f.Unmapped != nil && f.Map == nil {
		return errors.New("unmapped: only with map")
	}
	return nil
}

func names(m map[string]bool) string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return strings.Join(out, ", ")
}
