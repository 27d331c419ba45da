package api

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Instant answers what /api/v1/query answers, without HTTP, for the wall.
func TestInstantMatchesTheFixture(t *testing.T) {
	f := newFixture(t)
	ctx := context.Background()
	v, err := f.query.Instant(ctx, `avg by (district) (up)`, f.end())
	require.NoError(t, err)
	got := map[string]float64{}
	for _, s := range v {
		got[s.Metric.Get("district")] = s.F
	}
	assert.Equal(t, f.wantDistrictRatio(), got)

	s, err := f.query.Instant(ctx, `scalar(count(up))`, f.end())
	require.NoError(t, err)
	require.Len(t, s, 1)
	assert.Equal(t, float64(f.agents), s[0].F)

	_, err = f.query.Instant(ctx, `up[5m]`, f.end())
	assert.ErrorContains(t, err, "want an instant vector")
	_, err = f.query.Instant(ctx, `sum(`, f.end())
	assert.Error(t, err)
}
