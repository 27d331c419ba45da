package config

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/inventory"
)

// TestExampleConfig: deploy/examples/swanwatch.yaml passes check-config with no
// problem, and its inventory (inline, estate.yaml, estate.xlsx) loads cleanly.
func TestExampleConfig(t *testing.T) {
	cfg, err := Load("../../deploy/examples/swanwatch.yaml")
	require.NoError(t, err)
	assert.Equal(t, "vm", cfg.Storage.RemoteWrite[0].Name)
	require.NotNil(t, cfg.Events.Loki)
	assert.Equal(t, "180d", cfg.Events.Retention.String())
	assert.Equal(t, Bytes(50e9), cfg.Storage.MaxSize)

	targets, probs := inventory.Load(context.Background(), cfg.Inventory, inventory.Options{Kinds: []string{"agent"}})
	require.Empty(t, probs, inventory.String(probs))
	assert.Len(t, targets, 6, "2 inline + 2 in estate.yaml + 2 in estate.xlsx")
	districts := map[string]bool{}
	for _, tg := range targets {
		districts[tg.District] = true
		assert.NotEmpty(t, tg.Source)
	}
	assert.True(t, districts["义马市"], "the slug yima is stored as 义马市")
	assert.Contains(t, targets[0].Source, "swanwatch.yaml:")
}
