package syslog

import (
	"context"
	"log/slog"
	"sort"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// ReceivedMetric counts each inventory device's lines since the process
// started; rules judge a device's log flow by its increase
// (FirewallLogSilent in rules/packs/firewall.yml).
const ReceivedMetric = "swanwatch_syslog_received_total"

// ReceivedSamples are the per-device counts as samples for the TSDB: the
// process's own /metrics has them too, but nothing scrapes that into the
// store the rules read.
func ReceivedSamples() []collectors.Sample {
	received.mu.RLock()
	out := make([]collectors.Sample, 0, len(received.by))
	for instance, c := range received.by {
		out = append(out, collectors.Sample{Value: float64(c.Get()), Labels: []collectors.Label{
			{Name: "__name__", Value: ReceivedMetric}, {Name: "instance", Value: instance}}})
	}
	received.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Labels[1].Value < out[j].Labels[1].Value })
	return out
}

// RecordReceived writes ReceivedSamples into sink every interval until ctx
// ends; it returns nil then.
func RecordReceived(ctx context.Context, sink collectors.Sink, every time.Duration, log *slog.Logger) error {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return nil
		case now := <-tick.C:
			if s := ReceivedSamples(); len(s) > 0 {
				if err := sink.Append(ctx, now, s); err != nil && ctx.Err() == nil {
					log.Warn("syslog line counts not stored", "err", err)
				}
			}
		}
	}
}
