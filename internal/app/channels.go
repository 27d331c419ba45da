package app

import (
	"log/slog"

	"github.com/swanwatch/swanwatch/internal/config"
	"github.com/swanwatch/swanwatch/rules/alerting/channels/channelset"
)

// BuildChannels makes the senders of cfg's receivers; the error lists every
// receiver whose channel settings are unusable. check-config calls it too,
// so a bad robot address is found before the server starts.
func BuildChannels(cfg *config.Config, logger *slog.Logger) (channelset.Set, error) {
	return channelset.Build(receiversOf(cfg), cfg.Server.ExternalURL, logger)
}

// receiversOf converts the configured receivers; the types have the same
// fields, so a field added to one and not the other fails to compile here.
func receiversOf(cfg *config.Config) []channelset.Receiver {
	out := make([]channelset.Receiver, len(cfg.Alerting.Receivers))
	for i, r := range cfg.Alerting.Receivers {
		out[i] = channelset.Receiver(r)
	}
	return out
}
