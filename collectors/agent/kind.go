package agent

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the agent kind from its section of the configuration, as the
// server's kind table registers it.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	return collectors.Kind{Collector: New(c, env.Logger), Schedule: c.Schedule}, nil
}
