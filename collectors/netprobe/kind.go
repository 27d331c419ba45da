package netprobe

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the netprobe kind from its section of the configuration, as the
// server's kind table registers it.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	np, err := New(c, env.Logger)
	return collectors.Kind{Collector: np, Schedule: c.Schedule}, err
}
