package camera

import "github.com/swanwatch/swanwatch/collectors"

// NewKind builds the camera kind from its section of the configuration, as the
// server's kind table registers it.
func NewKind(c Config, env collectors.Env) (collectors.Kind, error) {
	c = c.WithDefaults()
	store, err := NewStore(env.Pictures, c.PicturesBudget)
	if err != nil {
		return collectors.Kind{}, err
	}
	return collectors.Kind{Collector: New(c, store, env.Logger), Schedule: c.Schedule}, nil
}
