package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// openState loads the configuration and opens its state store, for the
// administrative subcommands that run beside (or instead of) the server.
func openState(configFile string) (*statestore.DB, error) {
	cfg, err := config.Load(configFile)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", configFile, err)
	}
	if err := os.MkdirAll(cfg.Storage.Path, 0o750); err != nil {
		return nil, fmt.Errorf("create %s: %w", cfg.Storage.Path, err)
	}
	db, err := statestore.Open(cfg.Storage.StateFile(), slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("open state store: %w", err)
	}
	return db, nil
}

// AddUser creates a user (`swanwatch user add`). There is no default account:
// the first administrator is made this way.
func AddUser(ctx context.Context, configFile, name, role, password string) error {
	r, err := auth.ParseRole(role)
	if err != nil {
		return err
	}
	db, err := openState(configFile)
	if err != nil {
		return err
	}
	defer db.Close()
	return auth.New(db, auth.Options{}).AddUser(ctx, name, r, password)
}

// Backup writes an online copy of the state store (`swanwatch backup`).
func Backup(ctx context.Context, configFile, out string) error {
	db, err := openState(configFile)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Backup(ctx, out)
}
