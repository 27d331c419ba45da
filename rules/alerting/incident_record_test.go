package alerting

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestRecordOpensRefreshesAndResolves(t *testing.T) {
	c := newClock()
	s, db := openStore(t, c)
	ctx := context.Background()
	a, b := linkDown("fp-a", "义马市"), linkDown("fp-b", "卢氏县")

	rec, err := s.Record(ctx, []Alert{a, b})
	require.NoError(t, err)
	require.Len(t, rec.Opened, 2)
	assert.True(t, rec.Changed())

	rec, err = s.Record(ctx, []Alert{a}) // still firing: refreshed, nothing new
	require.NoError(t, err)
	assert.False(t, rec.Changed())

	open, err := s.OpenAlerts(ctx)
	require.NoError(t, err)
	require.Len(t, open, 2)
	for _, o := range open {
		assert.True(t, o.Firing)
		assert.NotZero(t, o.IncidentID)
	}

	a.Firing, a.EndsAt = false, c.now()
	rec, err = s.Record(ctx, []Alert{a})
	require.NoError(t, err)
	assert.Equal(t, 1, rec.Resolved)
	open, err = s.OpenAlerts(ctx)
	require.NoError(t, err)
	require.Len(t, open, 1)
	assert.Equal(t, "fp-b", open[0].Fingerprint)

	require.NoError(t, db.Close()) // a store that fails: counted, named, nothing else lost
	before := incidentStoreErrors.Get()
	_, err = s.Record(ctx, []Alert{b})
	require.ErrorContains(t, err, "fp-b")
	assert.Equal(t, before+1, incidentStoreErrors.Get())
}
