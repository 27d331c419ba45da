// Package inventory owns the estate as targets: what SwanWatch watches and the
// labels every series and event carries (district, level, site, system, dept,
// parent). It reads four sources — targets inline in swanwatch.yaml, YAML files,
// Excel sheets as operations teams keep them, and the control plane's HTTP JSON
// export — checks every entry, reports bad ones with their exact place (file,
// sheet, row, column) and loads the rest. A Watcher keeps the set current.
package inventory

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// Target is one thing to watch, as the inventory describes it.
type Target struct {
	Name    string `yaml:"name" json:"name"`
	Kind    string `yaml:"kind" json:"kind"`
	Address string `yaml:"address" json:"address"`

	District string `yaml:"district,omitempty" json:"district,omitempty"` // Chinese name, one of Districts
	Level    string `yaml:"level,omitempty" json:"level,omitempty"`       // city, county, town or village
	Site     string `yaml:"site,omitempty" json:"site,omitempty"`
	System   string `yaml:"system,omitempty" json:"system,omitempty"`
	Dept     string `yaml:"dept,omitempty" json:"dept,omitempty"`
	Parent   string `yaml:"parent,omitempty" json:"parent,omitempty"` // upstream site or link, for topology

	Labels map[string]string `yaml:"labels,omitempty" json:"labels,omitempty"`
	Params map[string]string `yaml:"params,omitempty" json:"params,omitempty"`

	// Source says where the entry came from, e.g. "estate.xlsx:资产清单!R12" or
	// "swanwatch.yaml:40"; it is set by the loader, never read from input.
	Source string `yaml:"-" json:"-"`
}

// Key identifies a target: names are unique within a kind.
func (t Target) Key() string { return t.Kind + "/" + t.Name }

// AllLabels returns the inventory labels of t: the fixed ones (district, level,
// site, system, dept, parent) and the extra labels; empty values are omitted.
func (t Target) AllLabels() map[string]string {
	out := make(map[string]string, 6+len(t.Labels))
	for k, v := range t.Labels {
		if v != "" {
			out[k] = v
		}
	}
	for _, kv := range [...][2]string{
		{"district", t.District}, {"level", t.Level}, {"site", t.Site},
		{"system", t.System}, {"dept", t.Dept}, {"parent", t.Parent},
	} {
		if kv[1] != "" {
			out[kv[0]] = kv[1]
		}
	}
	return out
}

// Config is the `inventory` section of swanwatch.yaml. internal/config resolves
// relative paths and *_file secrets before the inventory sees it.
type Config struct {
	Targets []Target      `yaml:"targets,omitempty"` // inline in swanwatch.yaml
	Links   []Link        `yaml:"links,omitempty"`   // inline in swanwatch.yaml
	Files   []string      `yaml:"files,omitempty"`   // YAML files with `targets:` and `links:` lists
	Excel   []ExcelSource `yaml:"excel,omitempty"`
	HTTP    []HTTPSource  `yaml:"http,omitempty"`
}

// ExcelSource is one sheet of one workbook. The workbook's sheet 链路清单
// (LinkSheet), when it has one, is read as links as well.
type ExcelSource struct {
	Path  string `yaml:"path"`
	Sheet string `yaml:"sheet,omitempty"` // empty: the first sheet
}

// HTTPSource is the control plane's JSON export, polled on Interval.
type HTTPSource struct {
	URL             string        `yaml:"url"`
	Interval        time.Duration `yaml:"interval,omitempty"`
	Timeout         time.Duration `yaml:"timeout,omitempty"`
	BearerToken     secret.Secret `yaml:"bearer_token,omitempty"`
	BearerTokenFile string        `yaml:"bearer_token_file,omitempty"`
}

// Source defaults.
const (
	DefaultHTTPInterval = 5 * time.Minute
	DefaultHTTPTimeout  = 30 * time.Second
	DefaultMaxBodyBytes = 32 << 20
)

// WithDefaults returns c with the HTTP sources' interval and timeout filled in.
func (c Config) WithDefaults() Config {
	c.HTTP = append([]HTTPSource(nil), c.HTTP...)
	for i := range c.HTTP {
		if c.HTTP[i].Interval == 0 {
			c.HTTP[i].Interval = DefaultHTTPInterval
		}
		if c.HTTP[i].Timeout == 0 {
			c.HTTP[i].Timeout = DefaultHTTPTimeout
		}
	}
	return c
}

// Options are what the caller knows and the inventory does not.
type Options struct {
	// Kinds are the collector kinds the binary has; any other kind is a problem.
	// A link makes targets only of the kinds listed here (nil: all of them),
	// so a build without the netprobe kind still loads its links.
	Kinds []string
	// Logger receives reload and fetch messages; nil discards them.
	Logger *slog.Logger
	// Client fetches HTTP sources; nil uses a plain client (per-source timeouts apply).
	Client *http.Client
	// PollInterval is how often the Watcher checks files for changes (default 5s).
	PollInterval time.Duration
	// MaxBodyBytes bounds an HTTP answer and an Excel file (default 32 MiB).
	MaxBodyBytes int64
}

func (o Options) withDefaults() Options {
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Client == nil {
		o.Client = &http.Client{}
	}
	if o.PollInterval <= 0 {
		o.PollInterval = 5 * time.Second
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = DefaultMaxBodyBytes
	}
	return o
}

// Problem is one bad entry or one failed source. It prints as
// `estate.xlsx:资产清单!C12: unknown district "义马"`, `estate.yaml:14: ...` or
// `http://cp/export: ...`.
type Problem struct {
	Source string // file name or URL
	Sheet  string // Excel only
	Row    int    // sheet row, or line in a YAML file; 0 for JSON (Msg names the entry)
	Column string // Excel column letter
	Msg    string
}

func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.Source)
	switch {
	case p.Sheet != "" && p.Column == "" && p.Row > 0:
		fmt.Fprintf(&b, ":%s!%d:%d", p.Sheet, p.Row, p.Row) // a whole row, as Excel writes it
	case p.Sheet != "":
		fmt.Fprintf(&b, ":%s!%s", p.Sheet, p.Column)
		if p.Row > 0 {
			fmt.Fprintf(&b, "%d", p.Row)
		}
	case p.Row > 0:
		fmt.Fprintf(&b, ":%d", p.Row)
	}
	b.WriteString(": ")
	b.WriteString(p.Msg)
	return b.String()
}

// Error lets a Problem travel as an error.
func (p Problem) Error() string { return p.String() }
