package main

import (
	"context"

	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/demo"
)

// runDemo runs the real server on a prepared demo city until ctx ends.
func runDemo(ctx context.Context, o demo.Options) error {
	city, err := demo.Prepare(ctx, o)
	if err != nil {
		return err
	}
	defer city.Close()
	extra := make([]app.Actor, len(city.Actors))
	for i, a := range city.Actors {
		extra[i] = app.Actor(a)
	}
	return app.Run(ctx, app.Options{Config: city.Config, Logger: o.Logger, Reload: o.Reload,
		Ready: city.Ready, Extra: extra})
}
