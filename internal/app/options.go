package app

import (
	"log/slog"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/internal/logstore"
	"github.com/swanwatch/swanwatch/internal/storage"
)

func storageOptions(cfg *config.Config, logger *slog.Logger) storage.Options {
	opts := storage.Options{Dir: cfg.Storage.TSDBDir(), Retention: cfg.Storage.Retention.Duration(),
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
	e := cfg.Events
	opts := logstore.Options{Dir: cfg.Storage.EventsDir(), Retention: e.Retention.Duration(),
		MaxBytes: int64(e.MaxSize), MaxScanEvents: e.MaxScanEvents, QueryTimeout: e.QueryTimeout,
		Logger: logger.With("part", "events")}
	if l := cfg.Events.Loki; l != nil && l.URL != "" {
		opts.Loki = &logstore.LokiOptions{URL: l.URL, Username: l.Username, Password: l.Password.Reveal(),
			BearerToken: l.BearerToken.Reveal(), TenantID: l.TenantID, BatchSize: l.BatchSize,
			BatchWait: l.BatchWait, Timeout: l.Timeout, MaxSpoolBytes: int64(l.MaxSpoolSize),
			ExtraLabels: l.ExtraLabels}
	}
	return opts
}
