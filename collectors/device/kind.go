package device

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the device kind from its section of the configuration, as the
// server's kind table registers it.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	d, err := New(c, env.Logger)
	return collectors.Kind{Collector: d, Schedule: c.Schedule}, err
}
