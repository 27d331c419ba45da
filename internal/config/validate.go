package config

import (
	"fmt"
	"net"
	"net/url"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Limits that validation enforces, with the requirement behind them.
const (
	MinStorageRetention = Retention(time.Hour)
	MinEventsRetention  = Retention(180 * 24 * time.Hour) // R-A7: logs kept at least 6 months
)

var (
	nameRE  = regexp.MustCompile(`^[a-z0-9_-]+$`)
	labelRE = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)
)

// validate checks a defaulted, resolved config and collects every problem.
func (c *collector) validate(cfg *Config) {
	c.server(cfg.Server)
	c.storage(cfg.Storage)
	c.events(cfg.Events)
	c.rules(cfg.Rules)
	for _, k := range cfg.Collectors.sections() {
		c.sub("collectors."+k.name, k.validate())
	}
	c.traps(cfg.Traps)
	c.syslog(cfg.Syslog)
	c.alerting(&cfg.Alerting)
	c.bigscreen(&cfg.Bigscreen)
	c.reports(cfg.Reports, cfg.Alerting.Receivers)
	c.sla(&cfg.SLA)
	c.sub("jobs", cfg.Jobs.Validate())
	c.sub("ledger", cfg.Ledger.Validate())
	c.inventory(cfg)
	c.oneOf("log.level", cfg.Log.Level, "debug", "info", "warn", "error")
	c.oneOf("log.format", cfg.Log.Format, "text", "json")
}

func (c *collector) server(s Server) {
	if host, port, err := net.SplitHostPort(s.Listen); err != nil {
		c.at("server.listen", "%q is not host:port (e.g. 127.0.0.1:9330 or :9330)", s.Listen)
	} else if n, err := strconv.Atoi(port); err != nil || n < 0 || n > 65535 {
		// 0 picks a free port, logged at start: for tests and throwaway runs.
		c.at("server.listen", "port %q is not a number between 0 and 65535", port)
	} else if host != "" && strings.ContainsAny(host, " /") {
		c.at("server.listen", "host %q is not an address", host)
	}
	if s.ExternalURL != "" { // empty only when listen is bad, reported above
		c.httpURL("server.external_url", s.ExternalURL)
	}
	if (s.TLS.CertFile == "") != (s.TLS.KeyFile == "") {
		c.at("server.tls", "set both cert_file and key_file, or neither")
	}
	c.fileExists("server.tls.cert_file", s.TLS.CertFile)
	c.fileExists("server.tls.key_file", s.TLS.KeyFile)
	if s.SessionTTL < time.Minute {
		c.at("server.session_ttl", "%s is below the 1m minimum", s.SessionTTL)
	}
	for i, o := range s.AllowedOrigins {
		path := fmt.Sprintf("server.allowed_origins[%d]", i)
		if u, err := url.Parse(o); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || strings.Trim(u.Path, "/") != "" {
			c.at(path, "%q is not an origin such as https://screen.example.cn", o)
		}
	}
}

func (c *collector) storage(s Storage) {
	if s.Retention < MinStorageRetention {
		c.at("storage.retention", "%s is below the 1h minimum", s.Retention)
	}
	names := map[string]int{}
	for i, rw := range s.RemoteWrite {
		path := fmt.Sprintf("storage.remote_write[%d]", i)
		if !nameRE.MatchString(rw.Name) {
			c.at(path+".name", "%q must be non-empty and use only a-z, 0-9, _ and -", rw.Name)
		} else if j, dup := names[rw.Name]; dup {
			c.at(path+".name", "%q is already used by remote_write[%d]", rw.Name, j)
		} else {
			names[rw.Name] = i
		}
		c.httpURL(path+".url", rw.URL)
		c.auth(path, rw.Username, rw.Password, rw.BearerToken)
		c.positive(path+".timeout", rw.Timeout)
		c.positive(path+".flush_interval", rw.FlushInterval)
		c.atLeast(path+".batch_size", rw.BatchSize, 1)
		c.minBytes(path+".max_spool_size", rw.MaxSpoolSize)
	}
}

func (c *collector) events(e Events) {
	if e.Retention < MinEventsRetention {
		c.at("events.retention", "%s is below 180d: logs must be kept at least 6 months (R-A7)", e.Retention)
	}
	if e.MaxScanEvents < 0 || e.QueryTimeout < 0 || e.MaxSize < 0 {
		c.at("events", "max_size, max_scan_events and query_timeout cannot be negative (0 is the default)")
	}
	l := e.Loki
	if l == nil {
		return
	}
	c.httpURL("events.loki.url", l.URL)
	c.auth("events.loki", l.Username, l.Password, l.BearerToken)
	c.atLeast("events.loki.batch_size", l.BatchSize, 1)
	c.positive("events.loki.batch_wait", l.BatchWait)
	c.positive("events.loki.timeout", l.Timeout)
	c.minBytes("events.loki.max_spool_size", l.MaxSpoolSize)
	for k := range l.ExtraLabels {
		if !labelRE.MatchString(k) || strings.HasPrefix(k, "__") {
			c.at("events.loki.extra_labels."+k, "%q is not a valid label name", k)
		}
	}
}

func (c *collector) rules(r Rules) {
	if r.EvaluationInterval < time.Second {
		c.at("rules.evaluation_interval", "%s is below the 1s minimum", r.EvaluationInterval)
	}
	for i, f := range r.Files {
		if _, err := filepath.Match(f, ""); err != nil {
			c.at(fmt.Sprintf("rules.files[%d]", i), "bad glob %q: %v", f, err)
		}
	}
}

// sub adds the problems of a section's own Validate, each on the line of the
// field its message starts with ("interval 500ms is below ..." → .interval).
func (c *collector) sub(section string, err error) {
	for _, e := range flatten(err) {
		msg := e.Error()
		field, _, _ := strings.Cut(msg, " ")
		path := section
		if _, ok := c.lines[section+"."+field]; ok {
			path = section + "." + field
		}
		c.list = append(c.list, Problem{File: c.file, Line: c.line(path), Msg: section + ": " + msg})
	}
}

// flatten splits errors.Join trees into their leaves.
func flatten(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		var out []error
		for _, e := range j.Unwrap() {
			out = append(out, flatten(e)...)
		}
		return out
	}
	return []error{err}
}
