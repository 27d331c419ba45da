package app

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// openState opens cfg's state store, for the administrative subcommands
// that run beside (or instead of) the server.
func openState(cfg *config.Config) (*statestore.DB, error) {
	if err := os.MkdirAll(cfg.Storage.Path, 0o750); err != nil {
		return nil, fmt.Errorf("create %s: %w", cfg.Storage.Path, err)
	}
	db, err := statestore.Open(cfg.Storage.StateFile(), slog.New(slog.DiscardHandler))
	if err != nil {
		return nil, fmt.Errorf("open state store: %w", err)
	}
	return db, nil
}

// Console is what an administrative subcommand works with: the
// configuration, its state store, the audit trail keyed as the server keys
// it, and the accounts writing to that trail. Close it when done.
type Console struct {
	Config *config.Config
	Auth   *auth.Service
	Audit  *audit.Log
	db     *statestore.DB
}

// OpenConsole opens configFile's state for a console command. It refuses
// when the trail could not record what the command does (a keyed trail and
// no audit.key_file here): nothing is done unaudited.
func OpenConsole(ctx context.Context, configFile string) (*Console, error) {
	cfg, err := config.Load(configFile)
	if err != nil {
		return nil, fmt.Errorf("load %s: %w", configFile, err)
	}
	aopts, err := auditOptions(cfg)
	if err != nil {
		return nil, err
	}
	sealer, err := authSealer(cfg)
	if err != nil {
		return nil, err
	}
	db, err := openState(cfg)
	if err != nil {
		return nil, err
	}
	c := &Console{Config: cfg, db: db, Audit: audit.New(db, nil, aopts...)}
	if err := c.Audit.Writable(ctx); err != nil {
		_ = db.Close()
		return nil, err
	}
	c.Auth = auth.New(db, auth.Options{Audit: c.Audit, Sealer: sealer})
	return c, nil
}

// Close closes the state store.
func (c *Console) Close() error { return c.db.Close() }

// AddUser creates a user (`swanwatch user add`), audited as done at the
// console. There is no default account: the first administrator is made
// this way.
func AddUser(ctx context.Context, configFile, name, role, password string) error {
	r, err := auth.ParseRole(role)
	if err != nil {
		return err
	}
	c, err := OpenConsole(ctx, configFile)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Auth.AddUser(ctx, name, r, password)
}

// ResetTOTP forgets an administrator's second factor at the console
// (`swanwatch user reset-totp`), for when the only security administrator
// lost the phone: they enrol again at the next login. Audited.
func ResetTOTP(ctx context.Context, configFile, name string) error {
	c, err := OpenConsole(ctx, configFile)
	if err != nil {
		return err
	}
	defer c.Close()
	return c.Auth.ResetTOTP(ctx, name)
}

// Backup writes an online copy of the state store (`swanwatch backup`).
func Backup(ctx context.Context, configFile, out string) error {
	cfg, err := config.Load(configFile)
	if err != nil {
		return fmt.Errorf("load %s: %w", configFile, err)
	}
	db, err := openState(cfg)
	if err != nil {
		return err
	}
	defer db.Close()
	return db.Backup(ctx, out)
}
