package audit

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/smcrypto"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// testKey is a key from a real key file, as the server reads it.
func testKey(t *testing.T) smcrypto.Key {
	t.Helper()
	path := filepath.Join(t.TempDir(), "audit.key")
	require.NoError(t, smcrypto.GenerateKeyFile(path))
	k, err := smcrypto.LoadKeyFile(path)
	require.NoError(t, err)
	return k
}

func fillAt(t *testing.T, l *Log, base time.Time, n int) {
	t.Helper()
	for i := range n {
		require.NoError(t, l.Record(context.Background(), Entry{Time: base.Add(time.Duration(i) * time.Minute),
			User: "王芳", Role: auth.RoleOperator, Action: "POST /api/v1/silences", RemoteAddr: "10.0.0.1",
			Result: "200"}))
	}
}

func lastHashBefore(t *testing.T, db *statestore.DB, id int64) string {
	t.Helper()
	var h string
	require.NoError(t, db.SQL().QueryRow("SELECT hash FROM audit_log WHERE id = ?", id-1).Scan(&h))
	return h
}

// TestMigrationToKeyedChain: a trail written unkeyed (before issue 13) goes on
// keyed; the anchor links to the last SHA-256 hash and the whole verifies.
func TestMigrationToKeyedChain(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fill(t, New(db, nil), 5)
	require.NoError(t, New(db, nil).Writable(ctx), "an unkeyed trail takes unkeyed rows")
	k := testKey(t)
	l := New(db, nil, WithKey(k))
	fill(t, l, 3)
	rep, err := l.Check(ctx)
	require.NoError(t, err)
	assert.Equal(t, Report{Rows: 9, SHA256Rows: 5, KeyedRows: 4, FirstID: 1, LastID: 9, LastHash: rep.LastHash,
		LastTime: rep.LastTime}, rep)

	var action, object, prev, chain string
	require.NoError(t, db.SQL().QueryRow("SELECT action, object, prev_hash, chain FROM audit_log WHERE id = 6").
		Scan(&action, &object, &prev, &chain))
	assert.Equal(t, ActionChainStart, action)
	assert.Equal(t, "key:"+k.ID(), object)
	assert.Equal(t, chainHMACSM3, chain)
	assert.Equal(t, lastHashBefore(t, db, 6), prev, "the anchor records the last SHA-256 hash")

	require.NoError(t, l.Writable(ctx))
	require.ErrorIs(t, New(db, nil).Writable(ctx), ErrNoKey, "told before acting")
	err = New(db, nil).Record(ctx, Entry{User: "u", Action: "x"})
	require.ErrorIs(t, err, ErrNoKey, "no going back to the unkeyed chain")
	_, err = New(db, nil).Check(ctx)
	require.ErrorIs(t, err, ErrNoKey)
}

// TestRebuiltSHA256RowsDetected: the SHA-256 rows can be rebuilt by anyone who
// edits the file, but the keyed anchor holds their last hash.
func TestRebuiltSHA256RowsDetected(t *testing.T) {
	db := openDB(t)
	fill(t, New(db, nil), 5)
	l := New(db, nil, WithKey(testKey(t)))
	fill(t, l, 2)
	dropTriggers(t, db)
	_, err := db.SQL().Exec("UPDATE audit_log SET result = '403' WHERE id = 3")
	require.NoError(t, err)
	prev := lastHashBefore(t, db, 3)
	for id := int64(3); id <= 5; id++ { // the attacker recomputes every SHA-256 hash from the edit on
		var e Entry
		var ts int64
		require.NoError(t, db.SQL().QueryRow(`SELECT ts, username, role, action, object, remote_addr, result, detail
			FROM audit_log WHERE id = ?`, id).Scan(&ts, &e.User, &e.Role, &e.Action, &e.Object, &e.RemoteAddr,
			&e.Result, &e.Detail))
		h := chainHash(prev, ts, e)
		_, err := db.SQL().Exec("UPDATE audit_log SET prev_hash = ?, hash = ? WHERE id = ?", prev, h, id)
		require.NoError(t, err)
		prev = h
	}
	err = l.Verify(context.Background())
	require.ErrorIs(t, err, ErrTampered)
	assert.Contains(t, err.Error(), "row 6 does not follow")
}

// TestForgedKeyedRowDetected: a row appended with a MAC under another key (or
// a SHA-256 row after the keyed chain began) does not pass.
func TestForgedKeyedRowDetected(t *testing.T) {
	db := openDB(t)
	l := New(db, nil, WithKey(testKey(t)))
	fill(t, l, 3)
	rep, err := l.Check(context.Background())
	require.NoError(t, err)
	forged := Entry{Time: time.Now(), User: "attacker", Action: "POST /api/v1/users"}
	_, err = db.SQL().Exec(`INSERT INTO audit_log (ts, username, role, action, object, remote_addr, result, detail,
		prev_hash, hash, chain) VALUES (?, ?, '', ?, '', '', '', '', ?, ?, 'hmac-sm3')`, forged.Time.UnixNano(),
		forged.User, forged.Action, rep.LastHash, chainMAC(chainKey(testKey(t)), rep.LastHash, forged.Time.UnixNano(), forged))
	require.NoError(t, err)
	err = l.Verify(context.Background())
	require.ErrorIs(t, err, ErrTampered)
	assert.Contains(t, err.Error(), fmt.Sprintf("row %d does not match its MAC", rep.LastID+1))

	db2 := openDB(t)
	l2 := New(db2, nil, WithKey(testKey(t)))
	fill(t, l2, 2)
	rep, err = l2.Check(context.Background())
	require.NoError(t, err)
	_, err = db2.SQL().Exec(`INSERT INTO audit_log (ts, username, role, action, object, remote_addr, result, detail,
		prev_hash, hash) VALUES (?, ?, '', ?, '', '', '', '', ?, ?)`, forged.Time.UnixNano(), forged.User,
		forged.Action, rep.LastHash, chainHash(rep.LastHash, forged.Time.UnixNano(), forged))
	require.NoError(t, err)
	err = l2.Verify(context.Background())
	require.ErrorIs(t, err, ErrTampered)
	assert.Contains(t, err.Error(), "unkeyed (SHA-256) row after the keyed chain began")
}

func TestWrongKeyIsNotTampering(t *testing.T) {
	db := openDB(t)
	fill(t, New(db, nil, WithKey(testKey(t))), 3)
	err := New(db, nil, WithKey(testKey(t))).Verify(context.Background())
	require.ErrorIs(t, err, ErrWrongKey)
	assert.False(t, errors.Is(err, ErrTampered))
}

// TestPruneKeepsChainVerifiable: rows past the retention go, the rest
// verifies; cutting one more row off the head is then detected.
func TestPruneKeepsChainVerifiable(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	fill(t, New(db, nil), 3) // unkeyed rows from 2026-11-27: young, kept
	_, err := db.SQL().Exec("DELETE FROM audit_log")
	require.Error(t, err, "the database refuses to delete young rows")

	db = openDB(t)
	old := time.Now().Add(-Retention - 30*24*time.Hour)
	fillAt(t, New(db, nil), old, 4) // unkeyed and old
	l := New(db, nil, WithKey(testKey(t)))
	fillAt(t, l, old.Add(time.Hour), 3) // keyed (anchor + 3) and old
	fillAt(t, l, time.Now().Add(-time.Hour), 3)
	n, err := l.Prune(ctx, time.Now()) // asks for everything: gets the retention's limit
	require.NoError(t, err)
	assert.EqualValues(t, 8, n)
	rep, err := l.Check(ctx)
	require.NoError(t, err)
	assert.EqualValues(t, 9, rep.FirstID)
	assert.Equal(t, 4, rep.Rows, "3 kept rows and the prune record")

	n, err = l.Prune(ctx, time.Now())
	require.NoError(t, err)
	assert.Zero(t, n, "nothing more is old enough")

	dropTriggers(t, db)
	_, err = db.SQL().Exec("DELETE FROM audit_log WHERE id = 9")
	require.NoError(t, err)
	err = l.Verify(ctx)
	require.ErrorIs(t, err, ErrTampered)
	assert.Contains(t, err.Error(), "row 10 is first but links to")
}

// TestPruneEverything: when every row is old, the prune record is the first row.
func TestPruneEverything(t *testing.T) {
	db := openDB(t)
	ctx := context.Background()
	l := New(db, nil, WithKey(testKey(t)))
	fillAt(t, l, time.Now().Add(-Retention-48*time.Hour), 5)
	n, err := l.Prune(ctx, time.Now())
	require.NoError(t, err)
	assert.EqualValues(t, 6, n)
	rep, err := l.Check(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, rep.Rows)
	fill(t, l, 2)
	require.NoError(t, l.Verify(ctx))

	_, err = New(db, nil).Prune(ctx, time.Now())
	require.ErrorIs(t, err, ErrNoKey, "pruning needs the key, or anyone could cut the head")
}

func TestExport(t *testing.T) {
	db := openDB(t)
	l := New(db, nil, WithKey(testKey(t)))
	base := time.Date(2026, 11, 27, 6, 0, 0, 0, time.UTC)
	fillAt(t, l, base, 3)
	require.NoError(t, l.Record(context.Background(), Entry{Time: base.Add(time.Hour), User: "=cmd|' /C calc'!A0",
		Action: "login", Result: "failure"}))
	var csvOut, jsonOut bytes.Buffer
	n, err := l.Export(context.Background(), &csvOut, base, base.Add(2*time.Hour), FormatCSV)
	require.NoError(t, err)
	assert.Equal(t, 5, n, "the anchor, 3 rows and the failed login")
	assert.Contains(t, csvOut.String(), "\uFEFFid,time,user,role,action,object,remote_addr,result,detail,chain,prev_hash,hash\n")
	assert.Contains(t, csvOut.String(), "'=cmd|", "a formula is not run by a spreadsheet")
	n, err = l.Export(context.Background(), &jsonOut, base.Add(time.Minute), base.Add(2*time.Hour), FormatJSONL)
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, 3, bytes.Count(jsonOut.Bytes(), []byte("\n")))
	assert.Contains(t, jsonOut.String(), `"user":"=cmd|' /C calc'!A0"`, "JSON keeps the value as it is")
	_, err = l.Export(context.Background(), &jsonOut, base, base.Add(time.Hour), "xml")
	assert.Error(t, err)
}

func TestKeyFileRefusedWorldReadable(t *testing.T) {
	path := filepath.Join(t.TempDir(), "audit.key")
	require.NoError(t, smcrypto.GenerateKeyFile(path))
	require.NoError(t, os.Chmod(path, 0o604))
	_, err := smcrypto.LoadKeyFile(path)
	assert.ErrorContains(t, err, "chmod 600")
}

// TestCutTailThenAppendDetected: the last rows deleted and the chain written
// on from the new end links well, but leaves a gap in the ids.
func TestCutTailThenAppendDetected(t *testing.T) {
	db := openDB(t)
	l := New(db, nil, WithKey(testKey(t)))
	fill(t, l, 6)
	dropTriggers(t, db)
	_, err := db.SQL().Exec("DELETE FROM audit_log WHERE id >= 6")
	require.NoError(t, err)
	rep, err := l.Check(context.Background())
	require.NoError(t, err, "a cut tail alone is a valid chain")
	assert.EqualValues(t, 5, rep.LastID, "compare with a copy kept elsewhere")
	fill(t, l, 1)
	err = l.Verify(context.Background())
	require.ErrorIs(t, err, ErrTampered)
	assert.Contains(t, err.Error(), "row 8 comes after row 5: rows 6–7 are missing")
}
