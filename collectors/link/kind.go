package link

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the link kind from its section of the configuration, as the
// server's kind table registers it.
func NewKind(c Config, _ collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	return collectors.Kind{Collector: New(c), Schedule: c.Schedule}, nil
}
