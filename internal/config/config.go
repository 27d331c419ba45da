// Package config owns swanwatch.yaml: its schema, defaults and validation. The
// file is strict — an unknown field or a bad type is a problem naming the file
// and line — and every problem is reported at once, each as `file:line: message`.
// Secrets use the secret.Secret type and may come from a sibling *_file; relative
// paths are resolved against the config file's directory.
package config

import (
	"path/filepath"
	"time"

	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/collectors/bmc"
	"github.com/swanwatch/swanwatch/collectors/camera"
	"github.com/swanwatch/swanwatch/collectors/device"
	"github.com/swanwatch/swanwatch/collectors/hypervisor"
	"github.com/swanwatch/swanwatch/collectors/link"
	"github.com/swanwatch/swanwatch/collectors/netprobe"
	"github.com/swanwatch/swanwatch/collectors/nvr"
	"github.com/swanwatch/swanwatch/collectors/snmp"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/rules/jobs"
	"github.com/swanwatch/swanwatch/rules/ledger"
)

// Secret is re-exported so that callers need not import the tiny package.
type Secret = secret.Secret

// Config is the whole of swanwatch.yaml.
type Config struct {
	Server     Server           `yaml:"server"`
	Storage    Storage          `yaml:"storage"`
	Events     Events           `yaml:"events"`
	Rules      Rules            `yaml:"rules"`
	Collectors Collectors       `yaml:"collectors"`
	Traps      Traps            `yaml:"traps"`
	Syslog     *Syslog          `yaml:"syslog,omitempty"` // the syslog receiver; absent: off
	Alerting   Alerting         `yaml:"alerting"`
	Bigscreen  Bigscreen        `yaml:"bigscreen"`
	Reports    Reports          `yaml:"reports"`
	Jobs       jobs.Config      `yaml:"jobs"`   // backups and other scheduled jobs watched (rules/jobs)
	Ledger     ledger.Config    `yaml:"ledger"` // the control plane's resource ledger, joined with what runs (R-A3)
	SLA        SLA              `yaml:"sla"`
	Inventory  inventory.Config `yaml:"inventory"`
	Log        Log              `yaml:"log"`
	Audit      Audit            `yaml:"audit"`   // the audit trail's keyed chain (MLPS 3)
	Secrets    Secrets          `yaml:"secrets"` // the key of sealed secret files

	// File is the name the config was parsed from; Dir the directory its relative
	// paths were resolved against ("" for Default).
	File string `yaml:"-"`
	Dir  string `yaml:"-"`
}

// Server is the HTTP side: web pages, APIs, the big screen.
type Server struct {
	Listen         string        `yaml:"listen"`
	ExternalURL    string        `yaml:"external_url"`
	TLS            TLS           `yaml:"tls"`
	SessionTTL     time.Duration `yaml:"session_ttl"`
	AllowedOrigins []string      `yaml:"allowed_origins"`
}

// TLS enables HTTPS when both files are set.
type TLS struct {
	CertFile string `yaml:"cert_file"`
	KeyFile  string `yaml:"key_file"`
}

// Enabled reports whether HTTPS is configured.
func (t TLS) Enabled() bool { return t.CertFile != "" }

// Storage is the embedded TSDB and its optional remote_write targets.
type Storage struct {
	Path        string        `yaml:"path"`
	Retention   Retention     `yaml:"retention"`
	MaxSize     Bytes         `yaml:"max_size"`
	RemoteWrite []RemoteWrite `yaml:"remote_write"`
}

// RemoteWrite is one Prometheus remote_write receiver (VictoriaMetrics, ...).
type RemoteWrite struct {
	Name            string        `yaml:"name"`
	URL             string        `yaml:"url"`
	Username        string        `yaml:"username,omitempty"`
	Password        Secret        `yaml:"password,omitempty"`
	PasswordFile    string        `yaml:"password_file,omitempty"`
	BearerToken     Secret        `yaml:"bearer_token,omitempty"`
	BearerTokenFile string        `yaml:"bearer_token_file,omitempty"`
	Timeout         time.Duration `yaml:"timeout"`
	BatchSize       int           `yaml:"batch_size"`
	FlushInterval   time.Duration `yaml:"flush_interval"`
	MaxSpoolSize    Bytes         `yaml:"max_spool_size"`
}

// Events is the embedded event/log store and the optional Loki push.
type Events struct {
	Retention Retention `yaml:"retention"`
	// MaxSize bounds the event store on disk (0: no bound): over it the
	// oldest days go first, never today, and a bound that cuts below the
	// retention is warned about at each deletion. Size it by docs/logs-sizing.md.
	MaxSize Bytes `yaml:"max_size"`
	// MaxScanEvents and QueryTimeout bound one search from the API or the
	// 日志检索 page (0: logstore's defaults, 20,000,000 events and 20s).
	MaxScanEvents int64         `yaml:"max_scan_events"`
	QueryTimeout  time.Duration `yaml:"query_timeout"`
	Loki          *Loki         `yaml:"loki,omitempty"`
}

// Loki pushes events to a Loki-protocol receiver (Loki, VictoriaLogs).
type Loki struct {
	URL             string            `yaml:"url"`
	Username        string            `yaml:"username,omitempty"`
	Password        Secret            `yaml:"password,omitempty"`
	PasswordFile    string            `yaml:"password_file,omitempty"`
	BearerToken     Secret            `yaml:"bearer_token,omitempty"`
	BearerTokenFile string            `yaml:"bearer_token_file,omitempty"`
	TenantID        string            `yaml:"tenant_id,omitempty"`
	BatchSize       int               `yaml:"batch_size"`
	BatchWait       time.Duration     `yaml:"batch_wait"`
	Timeout         time.Duration     `yaml:"timeout"`
	MaxSpoolSize    Bytes             `yaml:"max_spool_size"`
	ExtraLabels     map[string]string `yaml:"extra_labels,omitempty"`
}

// Rules are Prometheus rule files, evaluated in process.
type Rules struct {
	EvaluationInterval time.Duration `yaml:"evaluation_interval"`
	Files              []string      `yaml:"files"`
}

// Collectors holds each collector kind's section. A new kind adds its
// field here and its line in sections; the server's kind table
// (internal/app/kinds.go) builds the collector from it.
type Collectors struct {
	Agent      agent.Config      `yaml:"agent"`
	Link       link.Config       `yaml:"link"`
	Netprobe   netprobe.Config   `yaml:"netprobe"`
	SNMP       snmp.Config       `yaml:"snmp"`
	Camera     camera.Config     `yaml:"camera"`
	NVR        nvr.Config        `yaml:"nvr"`
	Device     device.Config     `yaml:"device"`
	BMC        bmc.Config        `yaml:"bmc"`
	Hypervisor hypervisor.Config `yaml:"hypervisor"`
}

// kindSection is what config does with every collector section: fill in its
// defaults and validate it. Each kind's package owns both.
type kindSection struct {
	name          string
	applyDefaults func()
	validate      func() error
}

// section binds a kind's section to its package's WithDefaults and Validate.
func section[C interface {
	WithDefaults() C
	Validate() error
}](name string, p *C) kindSection {
	return kindSection{name: name, applyDefaults: func() { *p = (*p).WithDefaults() },
		validate: func() error { return (*p).Validate() }}
}

func (c *Collectors) sections() []kindSection {
	return []kindSection{
		section("agent", &c.Agent), section("link", &c.Link),
		section("netprobe", &c.Netprobe), section("snmp", &c.SNMP),
		section("camera", &c.Camera), section("nvr", &c.NVR), section("device", &c.Device),
		section("bmc", &c.BMC), section("hypervisor", &c.Hypervisor),
	}
}

// Log configures the process log.
type Log struct {
	Level  string `yaml:"level"`  // debug, info, warn, error
	Format string `yaml:"format"` // text, json
}

// The data directory (storage.path) holds everything a backup needs; these
// are its parts, named once.

// TSDBDir is the metrics database.
func (s Storage) TSDBDir() string { return filepath.Join(s.Path, "tsdb") }

// EventsDir is the event store (traps, state changes, the audit copy).
func (s Storage) EventsDir() string { return filepath.Join(s.Path, "events") }

// StateFile is the state database (incidents, outbox, users, audit, ledger).
func (s Storage) StateFile() string { return filepath.Join(s.Path, "state.db") }

// ReportsDir keeps the issued monthly and inspection reports.
func (s Storage) ReportsDir() string { return filepath.Join(s.Path, "reports") }

// PicturesDir holds the cameras' pictures: the last frame of each (the wall's
// thumbnails), the frames that showed a fault (kept with the incident) and
// the confirmed 基准画面.
func (s Storage) PicturesDir() string { return filepath.Join(s.Path, "pictures") }
