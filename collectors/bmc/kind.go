package bmc

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the bmc kind from its section of the configuration, as the
// server's kind table registers it. Event-log entries and health changes go
// to env.Events.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	if err := c.Validate(); err != nil {
		return collectors.Kind{}, err
	}
	return collectors.Kind{Collector: New(c, env.Logger, WithEvents(env.Events)), Schedule: c.Schedule}, nil
}
