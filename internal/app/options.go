package app

import (
	"log/slog"
	"path/filepath"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/internal/storage"
)

// Paths inside storage.path: one data directory holds everything a backup needs.
func tsdbDir(cfg *config.Config) string   { return filepath.Join(cfg.Storage.Path, "tsdb") }
func eventsDir(cfg *config.Config) string { return filepath.Join(cfg.Storage.Path, "events") }
func stateFile(cfg *config.Config) string { return filepath.Join(cfg.Storage.Path, "state.db") }

func storageOptions(cfg *config.Config, logger *slog.Logger) storage.Options {
	opts := storage.Options{Dir: tsdbDir(cfg), Retention: cfg.Storage.Retention.Duration(),
		MaxBytes: int64(cfg.Storage.MaxSize), Logger: logger.With("part", "storage")}
	for _, rw := range cfg.Storage.RemoteWrite {
		opts.RemoteWrite = append(opts.RemoteWrite, storage.RemoteWriteOptions{
			Name: rw.Name, URL: rw.URL, Username: rw.Username, Password: rw.Password.Reveal(),
			BearerToken: rw.BearerToken.Reveal(), Timeout: rw.Timeout, BatchSize: rw.BatchSize,
			FlushInterval: rw.FlushInterval, MaxSpoolBytes: int64(rw.MaxSpoolSize)})
	}
	return opts
}

func logstoreOptions(cfg *config.Config, logger *slog.Logger) logstore.Options {
	opts := logstore.Options{Dir: eventsDir(cfg), Retention: cfg.Events.Retention.Duration(),
		Logger: logger.With("part", "events")}
	if l := cfg.Events.Loki; l != nil && l.URL != "" {
		opts.Loki = &logstore.LokiOptions{URL: l.URL, Username: l.Username, Password: l.Password.Reveal(),
			BearerToken: l.BearerToken.Reveal(), TenantID: l.TenantID, BatchSize: l.BatchSize,
			BatchWait: l.BatchWait, Timeout: l.Timeout, MaxSpoolBytes: int64(l.MaxSpoolSize),
			ExtraLabels: l.ExtraLabels}
	}
	return opts
}
