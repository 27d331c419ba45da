package auth

import (
	"context"
	"log/slog"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/statestore"
)

// BenchmarkBasicAuth measures one Basic-authenticated request's credential check
// with the production argon2id parameters, with and without the cache.
func BenchmarkBasicAuth(b *testing.B) {
	for _, bc := range []struct {
		name string
		ttl  time.Duration
	}{{"cached", time.Minute}, {"uncached", time.Nanosecond}} {
		b.Run(bc.name, func(b *testing.B) {
			db, err := statestore.Open(filepath.Join(b.TempDir(), "s.db"), slog.New(slog.DiscardHandler))
			require.NoError(b, err)
			defer db.Close()
			svc := New(db, Options{BasicCacheTTL: bc.ttl})
			ctx := context.Background()
			require.NoError(b, svc.AddUser(ctx, "grafana", RoleViewer, goodPassword))
			// The first call verifies (and fills the cache); b.Loop times the rest.
			_, err = svc.basicPrincipal(ctx, "grafana", goodPassword, "127.0.0.1")
			require.NoError(b, err)
			b.ReportAllocs()
			for b.Loop() {
				if _, err := svc.basicPrincipal(ctx, "grafana", goodPassword, "127.0.0.1"); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
