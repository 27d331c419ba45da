package config

import (
	"cmp"
	"net"
	"time"
)

// Defaults, as docs/configuration.md lists them.
const (
	DefaultListen             = "127.0.0.1:9330"
	DefaultSessionTTL         = 12 * time.Hour
	DefaultStoragePath        = "data"
	DefaultStorageRetention   = Retention(90 * 24 * time.Hour)
	DefaultEventsRetention    = Retention(180 * 24 * time.Hour)
	DefaultEvaluationInterval = 30 * time.Second
)

// Default returns the configuration an empty file gives: every default applied,
// storage in ./data. `swanwatch demo` starts from it.
func Default() *Config {
	c := &Config{}
	c.applyDefaults()
	return c
}

func (c *Config) applyDefaults() {
	s := &c.Server
	s.Listen = cmp.Or(s.Listen, DefaultListen)
	s.SessionTTL = cmp.Or(s.SessionTTL, DefaultSessionTTL)
	if s.ExternalURL == "" {
		s.ExternalURL = defaultExternalURL(s.Listen, s.TLS.Enabled())
	}
	c.Storage.Path = cmp.Or(c.Storage.Path, DefaultStoragePath)
	c.Storage.Retention = cmp.Or(c.Storage.Retention, DefaultStorageRetention)
	for i := range c.Storage.RemoteWrite {
		c.Storage.RemoteWrite[i].applyDefaults()
	}
	c.Events.Retention = cmp.Or(c.Events.Retention, DefaultEventsRetention)
	if c.Events.Loki != nil {
		c.Events.Loki.applyDefaults()
	}
	c.Rules.EvaluationInterval = cmp.Or(c.Rules.EvaluationInterval, DefaultEvaluationInterval)
	for _, k := range c.Collectors.sections() {
		k.applyDefaults()
	}
	c.Traps.applyDefaults()
	c.Alerting.applyDefaults()
	c.Bigscreen.applyDefaults()
	c.Reports.applyDefaults()
	c.Jobs = c.Jobs.WithDefaults()
	c.Ledger = c.Ledger.WithDefaults()
	c.Inventory = c.Inventory.WithDefaults()
	c.Log.Level = cmp.Or(c.Log.Level, "info")
	c.Log.Format = cmp.Or(c.Log.Format, "text")
}

func (r *RemoteWrite) applyDefaults() {
	r.Timeout = cmp.Or(r.Timeout, 30*time.Second)
	r.BatchSize = cmp.Or(r.BatchSize, 2000)
	r.FlushInterval = cmp.Or(r.FlushInterval, 5*time.Second)
	r.MaxSpoolSize = cmp.Or(r.MaxSpoolSize, Bytes(1e9))
}

func (l *Loki) applyDefaults() {
	l.BatchSize = cmp.Or(l.BatchSize, 1000)
	l.BatchWait = cmp.Or(l.BatchWait, 2*time.Second)
	l.Timeout = cmp.Or(l.Timeout, 10*time.Second)
	l.MaxSpoolSize = cmp.Or(l.MaxSpoolSize, Bytes(512e6))
}

// defaultExternalURL links to the listen address; an unspecified host becomes
// localhost, which is right for the demo and wrong for a server (set it there).
func defaultExternalURL(listen string, tls bool) string {
	host, port, err := net.SplitHostPort(listen)
	if err != nil {
		return ""
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "localhost"
	}
	scheme := "http://"
	if tls {
		scheme = "https://"
	}
	return scheme + net.JoinHostPort(host, port)
}

func or[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}
