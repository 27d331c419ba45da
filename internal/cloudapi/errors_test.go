package cloudapi

import (
	"context"
	"log/slog"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// A store that fails (here: closed) is a 500 with the Chinese message of
// the spec; the cause goes to the log, never to the caller.
func TestDataSourceFailureIs500(t *testing.T) {
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	incidents := alerting.NewIncidents(db, nil)
	require.NoError(t, db.Close())
	var logged strings.Builder
	failing := func(ctx context.Context, expr string, at time.Time) (promVector, error) {
		return nil, context.DeadlineExceeded
	}
	a, err := New(Options{Query: failing, Incidents: incidents, Targets: func() []inventory.Target { return nil },
		Logger: slog.New(slog.NewTextHandler(&logged, nil))})
	require.NoError(t, err)
	_, router := loadSpec(t)
	for _, path := range []string{"alerts", "instances", "utilisation", "metering?month=2026-11"} {
		code, body := call(t, a, router, Prefix+path)
		assert.Equal(t, http.StatusInternalServerError, code, path)
		assert.Contains(t, string(body), "数据查询失败", path)
		assert.NotContains(t, string(body), "deadline", path)
		assert.NotContains(t, string(body), "closed", path)
	}
	assert.Contains(t, logged.String(), "cloud API request failed")
}

func TestNewNeedsItsSources(t *testing.T) {
	_, err := New(Options{})
	assert.Error(t, err)
}
