package config

import "reflect"

// WithRunning is c as a running server applies it on reload: the sections
// read only at start (server, storage, events, collectors, traps, syslog,
// bigscreen, log, jobs, ledger, audit, secrets) keep running's values, so the snapshot
// always says what is in effect. changed names those of them that differ in c: they take
// effect after a restart. Compared by value, not by a JSON form, which would
// mask secrets: a changed remote_write password alone is named too.
func (c Config) WithRunning(running *Config) (next Config, changed []string) {
	next = c
	for _, s := range []struct {
		name      string
		cur, keep any
		take      func()
	}{
		{"server", c.Server, running.Server, func() { next.Server = running.Server }},
		{"storage", c.Storage, running.Storage, func() { next.Storage = running.Storage }},
		{"events", c.Events, running.Events, func() { next.Events = running.Events }},
		{"collectors", c.Collectors, running.Collectors, func() { next.Collectors = running.Collectors }},
		{"traps", c.Traps, running.Traps, func() { next.Traps = running.Traps }},
		{"syslog", c.Syslog, running.Syslog, func() { next.Syslog = running.Syslog }},
		{"bigscreen", c.Bigscreen, running.Bigscreen, func() { next.Bigscreen = running.Bigscreen }},
		{"log", c.Log, running.Log, func() { next.Log = running.Log }},
		{"jobs", c.Jobs, running.Jobs, func() { next.Jobs = running.Jobs }},
		{"ledger", c.Ledger, running.Ledger, func() { next.Ledger = running.Ledger }},
		{"audit", c.Audit, running.Audit, func() { next.Audit = running.Audit }},
		{"secrets", c.Secrets, running.Secrets, func() { next.Secrets = running.Secrets }},
	} {
		if !reflect.DeepEqual(s.cur, s.keep) {
			changed = append(changed, s.name)
		}
		s.take()
	}
	return next, changed
}
