package rules

import (
	"context"
	"iter"
	"log/slog"
	"maps"
	"testing"

	"github.com/prometheus/prometheus/storage"
	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// appendQueryable is what the tests need of the TSDB.
type appendQueryable interface {
	storage.Queryable
	storage.AppendableV2
	Appender(ctx context.Context) storage.Appender
}

// openDB opens a real TSDB in a temp dir, closed when the test ends.
func openDB(t *testing.T) *tsdb.DB {
	t.Helper()
	db, err := tsdb.Open(t.TempDir(), slog.New(slog.DiscardHandler), nil, tsdb.DefaultOptions(), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func newEngine(t *testing.T, db appendQueryable, files []string) *Engine {
	t.Helper()
	e, err := New(Options{Appendable: db, Queryable: db, Files: files})
	require.NoError(t, err)
	return e
}

func mapKeys[V any](m map[string]V) iter.Seq[string] { return maps.Keys(m) }

func discard() *slog.Logger { return slog.New(slog.DiscardHandler) }
