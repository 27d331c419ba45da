package app

import (
	"github.com/swanwatch/swanwatch/collectors/agent"
	"github.com/swanwatch/swanwatch/internal/api"
)

// metadataSource answers /api/v1/metadata from what the agent collector has
// seen in its targets' exposition (TYPE and HELP lines).
type metadataSource struct{ agent *agent.Collector }

func (m metadataSource) Metadata(metric string, limit int) map[string][]api.Metadata {
	out := map[string][]api.Metadata{}
	for name, meta := range m.agent.Metadata() {
		if metric != "" && name != metric {
			continue
		}
		if limit >= 0 && len(out) >= limit {
			break
		}
		out[name] = []api.Metadata{{Type: meta.Type, Help: meta.Help}}
	}
	return out
}
