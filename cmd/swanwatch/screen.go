package main

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"github.com/swanwatch/swanwatch/internal/app"
	"github.com/swanwatch/swanwatch/internal/auth"
)

// cmdScreen manages the video wall's screen tokens:
//
//	swanwatch screen token  --config FILE --name 大屏1 [--screen NAME] [--scene ID]
//	swanwatch screen revoke --config FILE --name 大屏1
//
// Like `user add` it works on the state store directly (beside a running
// server or without one) and records the change in the audit trail as the
// console.
func cmdScreen(ctx context.Context, args []string, io cmdIO) error {
	if len(args) == 0 {
		return errUsage
	}
	switch args[0] {
	case "token":
		return cmdScreenToken(ctx, args[1:], io)
	case "revoke":
		return cmdScreenRevoke(ctx, args[1:], io)
	}
	return fmt.Errorf("unknown screen command %q: %w", args[0], errUsage)
}

func cmdScreenToken(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("screen token", io)
	file := fs.String("config", "swanwatch.yaml", "configuration file (state store path, external_url)")
	name := fs.String("name", "", "the token's name, e.g. 大屏1")
	screen := fs.String("screen", "", "the screen (playlist) in the configuration's bigscreen.screens")
	scene := fs.String("scene", "", "pin one scene instead of the playlist (city, wan, cloud, duty)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("--name is required: %w", errUsage)
	}
	for _, n := range []string{*screen, *scene} {
		if err := checkOptionalName(n); err != nil {
			return fmt.Errorf("screen or scene %q: %w", n, err)
		}
	}
	c, err := app.OpenConsole(ctx, *file)
	if err != nil {
		return err
	}
	defer c.Close()
	token, err := c.Auth.CreateScreenToken(ctx, *name)
	if err != nil {
		return err
	}
	fmt.Fprintf(io.err, "screen token %s created; the URL below is shown once "+
		"(revoke with: swanwatch screen revoke --name %s)\n", *name, *name)
	fmt.Fprintln(io.out, wallLoginURL(c.Config.Server.ExternalURL, token, *screen, *scene))
	return nil
}

func cmdScreenRevoke(ctx context.Context, args []string, io cmdIO) error {
	fs := newFlags("screen revoke", io)
	file := fs.String("config", "swanwatch.yaml", "configuration file (for the state store path)")
	name := fs.String("name", "", "the token's name, e.g. 大屏1")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *name == "" {
		return fmt.Errorf("--name is required: %w", errUsage)
	}
	c, err := app.OpenConsole(ctx, *file)
	if err != nil {
		return err
	}
	defer c.Close()
	if err := c.Auth.RevokeScreenToken(ctx, *name); err != nil {
		return err
	}
	fmt.Fprintf(io.out, "screen token %s revoked; its screen is refused at its next request\n", *name)
	return nil
}

func checkOptionalName(n string) error {
	if n == "" {
		return nil
	}
	return auth.CheckUserName(n)
}

// wallLoginURL is the address a wall browser opens once: it logs the screen
// in and redirects to the page without the token.
func wallLoginURL(external, token, screen, scene string) string {
	u := strings.TrimRight(external, "/") + "/wall/login?token=" + url.QueryEscape(token)
	if screen != "" {
		u += "&screen=" + url.QueryEscape(screen)
	}
	if scene != "" {
		u += "&scene=" + url.QueryEscape(scene)
	}
	return u
}
