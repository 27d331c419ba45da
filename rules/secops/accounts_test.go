package secops

import (
	"context"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/statestore"
	"github.com/swanwatch/swanwatch/rules/alerting"
	"github.com/swanwatch/swanwatch/rules/eventrules"
)

// memStore keeps the events sent, as the event store would, for StoredEvents.
type memStore struct{ *collectortest.EventSink }

func newMemStore() *memStore { return &memStore{collectortest.NewEventSink()} }

func (m *memStore) stored(_ context.Context, from, to time.Time, match map[string][]string, each func(map[string]string)) error {
	for _, e := range m.Events() {
		if e.Time.Before(from) || !e.Time.Before(to) {
			continue
		}
		ok := true
		for k, vs := range match {
			ok = ok && slices.Contains(vs, e.Labels[k])
		}
		if ok {
			each(e.Labels)
		}
	}
	return nil
}

// tee hands the events to the store and to the shipped security rules.
type tee []collectors.EventSink

func (t tee) AppendEvents(ctx context.Context, evs []collectors.Event) error {
	for _, s := range t {
		if err := s.AppendEvents(ctx, evs); err != nil {
			return err
		}
	}
	return nil
}

// SwanWatch's own administrators, made at the console (no principal) or by
// role, become NewAdminAccount incidents through the shipped pack; an
// operator does not; a restart raises nothing twice.
func TestNewAdministratorsOfSwanWatchRaised(t *testing.T) {
	ctx := context.Background()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), nil)
	require.NoError(t, err)
	t.Cleanup(func() { require.NoError(t, db.Close()) })
	trail := audit.New(db, nil)
	accounts := auth.New(db, auth.Options{Audit: trail})
	pack, err := eventrules.Pack()
	require.NoError(t, err)
	fired := &alerts{active: map[string]alerting.Alert{}}
	engine := eventrules.New(pack, fired.onAlerts, eventrules.Options{})
	store := newMemStore()
	sink := tee{store, engine}

	require.NoError(t, accounts.AddUser(ctx, "anquan", auth.RoleSecadmin, "Str0ng-enough-pw!"))
	require.NoError(t, accounts.AddUser(ctx, "zhiban", auth.RoleOperator, "Str0ng-enough-pw!"))
	w := NewAccountWatch(trail, sink, store.stored, time.Time{}, nil)
	require.NoError(t, w.Turn(ctx))
	assert.Equal(t, []string{"NewAdminAccount major anquan"}, fired.firing("user"))

	require.NoError(t, accounts.SetRole(ctx, "zhiban", auth.RoleAuditor))
	require.NoError(t, w.Turn(ctx))
	assert.Equal(t, []string{"NewAdminAccount major anquan", "NewAdminAccount major zhiban"}, fired.firing("user"))
	require.Len(t, store.Events(), 2)
	e := store.Events()[0]
	assert.Equal(t, "swanwatch", e.Labels["instance"])
	assert.Equal(t, "console", e.Labels["actor"])
	assert.Contains(t, e.Text, "运维指挥中心新增管理员账号 anquan（安全管理员），操作人 console（服务器控制台）")
	assert.Contains(t, store.Events()[1].Text, "账号 zhiban 的角色改为管理员（审计管理员）")

	again := NewAccountWatch(trail, sink, store.stored, time.Time{}, nil) // a restart
	require.NoError(t, again.Turn(ctx))
	assert.Len(t, store.Events(), 2, "nothing raised twice after a restart")
	require.NoError(t, accounts.AddUser(ctx, "xitong", auth.RoleSysadmin, "Str0ng-enough-pw!"))
	require.NoError(t, again.Turn(ctx))
	assert.Len(t, store.Events(), 3, "the next one is raised")

	old := NewAccountWatch(trail, sink, newMemStore().stored, time.Time{}, nil)
	old.now = func() time.Time { return time.Now().Add(25 * time.Hour) }
	require.NoError(t, old.Turn(ctx))
	assert.Len(t, store.Events(), 3, "changes older than a day at start-up raise nothing")

	installed := NewAccountWatch(trail, sink, newMemStore().stored, time.Now(), nil)
	require.NoError(t, installed.Turn(ctx))
	assert.Len(t, store.Events(), 3, "the administrators made before the watch first started are the installation")
}
