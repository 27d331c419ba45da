package app

import (
	"context"
	"fmt"
	"time"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

// pruneAt is when the audit trail's rows past audit.Retention are pruned,
// in the CST night.
const pruneAt = 3*time.Hour + 30*time.Minute

// openAudit opens the audit trail, keyed by audit.key_file when it is set.
// A key file that is set and cannot be read stops the start: a trail
// written on unkeyed would break the keyed chain's promise.
func (s *system) openAudit() error {
	opts, err := auditOptions(s.config())
	if err != nil {
		return err
	}
	if len(opts) == 0 {
		s.logger.Warn("audit.key_file is not set: the audit trail is chained with SHA-256 only, not keyed " +
			"(MLPS level 3 wants a key kept outside the database)")
	}
	s.audit = audit.New(s.state, s.logger.With("part", "audit"), opts...)
	return nil
}

// auditOptions keys the trail with audit.key_file, when it is set; the
// server and the console commands key it alike.
func auditOptions(cfg *config.Config) ([]audit.Option, error) {
	f := cfg.Audit.KeyFile
	if f == "" {
		return nil, nil
	}
	k, err := smcrypto.LoadKeyFile(f)
	if err != nil {
		return nil, fmt.Errorf("audit.key_file: %w (make one with: swanwatch audit keygen --key %s)", err, f)
	}
	return []audit.Option{audit.WithKey(k)}, nil
}

// authSealer seals the administrators' TOTP secrets with SM4 under
// secrets.key_file; nil (stored plain) when it is not set.
func authSealer(cfg *config.Config) (auth.Sealer, error) {
	f := cfg.Secrets.KeyFile
	if f == "" {
		return nil, nil
	}
	k, err := smcrypto.LoadKeyFile(f)
	if err != nil {
		return nil, fmt.Errorf("secrets.key_file: %w", err)
	}
	return smcrypto.TextSealer{Key: k}, nil
}

// openAuth opens the accounts. With secrets.key_file the administrators'
// TOTP secrets are sealed with SM4 under that key, those still plain (set
// before the key was) at once.
func (s *system) openAuth() error {
	cfg := s.config()
	sealer, err := authSealer(cfg)
	if err != nil {
		return err
	}
	s.auth = auth.New(s.state, auth.Options{SessionTTL: cfg.Server.SessionTTL, Logger: s.logger, Audit: s.audit,
		SecureCookies: cfg.Server.TLS.Enabled(), Sealer: sealer})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	n, err := s.auth.ResealTOTP(ctx)
	if err != nil {
		return err
	}
	if n > 0 {
		s.logger.Info("TOTP secrets sealed with the secrets key", "accounts", n)
	}
	return nil
}

// pruneAudit deletes, every night, the keyed trail's rows older than
// audit.Retention (180 days), leaving a record that keeps the rest verifiable.
func (s *system) pruneAudit(ctx context.Context) error {
	d := cst.Daily{At: func() (time.Duration, bool) { return pruneAt, s.config().Audit.KeyFile != "" }}
	return d.Run(ctx, func(ctx context.Context, now time.Time) error {
		n, err := s.audit.Prune(ctx, now.Add(-audit.Retention))
		if err != nil {
			s.logger.Error("prune the audit trail", "err", err)
			return err
		}
		if n > 0 {
			s.logger.Info("audit trail pruned", "rows", n, "older_than", audit.Retention)
		}
		return nil
	})
}
