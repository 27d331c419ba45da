package audit

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func openDB(t *testing.T) *statestore.DB {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	return db
}

func fill(t *testing.T, l *Log, n int) {
	t.Helper()
	base := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	for i := range n {
		require.NoError(t, l.Record(context.Background(), Entry{Time: base.Add(time.Duration(i) * time.Minute),
			User: fmt.Sprintf("user%d", i%3), Role: auth.RoleOperator, Action: "POST /api/v1/silences",
			RemoteAddr: "10.0.0.1", Result: "200", Detail: "via=session"}))
	}
}

func TestRecordKeepsChain(t *testing.T) {
	db := openDB(t)
	l := New(db, nil)
	fill(t, l, 10)
	require.NoError(t, l.Verify(context.Background()))
	var first, prevOfSecond, hashOfFirst string
	require.NoError(t, db.SQL().QueryRow("SELECT prev_hash, hash FROM audit_log WHERE id = 1").Scan(&first, &hashOfFirst))
	require.NoError(t, db.SQL().QueryRow("SELECT prev_hash FROM audit_log WHERE id = 2").Scan(&prevOfSecond))
	assert.Empty(t, first, "the chain starts at the empty hash")
	assert.Equal(t, hashOfFirst, prevOfSecond)
}

func TestConcurrentRecordsKeepChain(t *testing.T) {
	db := openDB(t)
	l := New(db, nil)
	other := New(db, nil) // a second writer, like the CLI beside the server
	var wg sync.WaitGroup
	for w := range 4 {
		log := l
		if w%2 == 1 {
			log = other
		}
		wg.Go(func() {
			for i := range 25 {
				assert.NoError(t, log.Record(context.Background(), Entry{User: "u", Action: fmt.Sprint(w, i)}))
			}
		})
	}
	wg.Wait()
	require.NoError(t, l.Verify(context.Background()))
	var n int
	require.NoError(t, db.SQL().QueryRow("SELECT count(*) FROM audit_log").Scan(&n))
	assert.Equal(t, 100, n)
}

// TestTamperDetected plays an attacker with write access to the file: it drops
// the append-only triggers first, as it would have to. Each case runs on the
// unkeyed SHA-256 chain and on the keyed one.
func TestTamperDetected(t *testing.T) {
	tests := []struct {
		name, sql, want, wantKeyed string
	}{
		{"edited result", "UPDATE audit_log SET result = '403' WHERE id = 4", "row 4 does not match its hash",
			"row 4 does not match its MAC"},
		{"edited user", "UPDATE audit_log SET username = 'user9' WHERE id = 7", "row 7 does not match its hash",
			"row 7 does not match its MAC"},
		{"edited time", "UPDATE audit_log SET ts = ts + 1 WHERE id = 2", "row 2 does not match its hash",
			"row 2 does not match its MAC"},
		{"removed row", "DELETE FROM audit_log WHERE id = 5", "row 6 does not follow", "row 6 does not follow"},
		{"removed first row", "DELETE FROM audit_log WHERE id = 1", "row 2 is first but links to",
			"row 2 is first but links to"},
		{"rehashed row", `UPDATE audit_log SET detail = 'x', hash = 'beef' WHERE id = 3`, "row 3 does not match",
			"row 3 does not match"},
		{"inserted row", `INSERT INTO audit_log (id, ts, username, role, action, object, remote_addr, result,
			detail, prev_hash, hash, chain) SELECT 100, ts, username, role, action, object, remote_addr, result,
			detail, prev_hash, hash, chain FROM audit_log WHERE id = 3`, "row 100 does not follow",
			"row 100 does not follow"},
	}
	for _, keyed := range []bool{false, true} {
		for _, tt := range tests {
			t.Run(fmt.Sprintf("%s keyed=%v", tt.name, keyed), func(t *testing.T) {
				db := openDB(t)
				var opts []Option
				if keyed {
					opts = append(opts, WithKey(testKey(t)))
				}
				l := New(db, nil, opts...)
				fill(t, l, 8)
				require.NoError(t, l.Verify(context.Background()))
				inserting := strings.HasPrefix(tt.sql, "INSERT")
				if !inserting { // appending is allowed; changing or removing is not
					_, err := db.SQL().Exec(tt.sql)
					require.Error(t, err, "the triggers stop a casual edit")
					dropTriggers(t, db)
				}
				_, err := db.SQL().Exec(tt.sql)
				require.NoError(t, err)
				err = l.Verify(context.Background())
				require.ErrorIs(t, err, ErrTampered)
				want := tt.want
				if keyed {
					want = tt.wantKeyed
				}
				assert.Contains(t, err.Error(), want)
				var te *TamperError
				require.ErrorAs(t, err, &te)
				assert.False(t, te.Time.IsZero(), "the broken row's time is reported")
			})
		}
	}
}

func dropTriggers(t *testing.T, db *statestore.DB) {
	t.Helper()
	_, err := db.SQL().Exec("DROP TRIGGER audit_log_no_update; DROP TRIGGER audit_log_retention")
	require.NoError(t, err)
}

func TestRecordBoundsFields(t *testing.T) {
	db := openDB(t)
	l := New(db, nil)
	long := strings.Repeat("路", 1000) // 3 bytes each
	require.NoError(t, l.Record(context.Background(), Entry{User: "u\xff", Action: long, Detail: long + long}))
	es, err := l.Query(context.Background(), Filter{From: time.Unix(0, 0), To: time.Now().Add(time.Hour), Limit: 10})
	require.NoError(t, err)
	require.Len(t, es, 1)
	assert.Equal(t, "u\uFFFD", es[0].User)
	assert.LessOrEqual(t, len(es[0].Action), maxField+len("…"))
	assert.True(t, strings.HasSuffix(es[0].Action, "路…"), "cut on a rune boundary")
	assert.LessOrEqual(t, len(es[0].Detail), maxDetail+len("…"))
	require.NoError(t, l.Verify(context.Background()))
}
