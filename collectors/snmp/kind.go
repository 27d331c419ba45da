package snmp

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the snmp kind from its section of the configuration, as the
// server's kind table registers it.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	sn, err := New(c, env.Logger, WithEvents(env.Events))
	return collectors.Kind{Collector: sn, Schedule: c.Schedule}, err
}
