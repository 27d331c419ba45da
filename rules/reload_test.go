package rules

import (
	"context"
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/prometheus/prometheus/tsdb"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	fileA = "groups:\n- name: a\n  rules:\n  - record: a:up:sum\n    expr: sum(up)\n"
	fileB = "groups:\n- name: b\n  rules:\n  - record: b:up:count\n    expr: count(up)\n"
	// fileB with a syntax error on line 5, and a change that must not load.
	fileBBroken = "groups:\n- name: b\n  rules:\n  - record: b:up:count\n    expr: count(up) by (\n"
	fileBFixed  = "groups:\n- name: b\n  rules:\n  - record: b:up:max\n    expr: max(up)\n"
	fileANew    = "groups:\n- name: a\n  rules:\n  - record: a:up:min\n    expr: min(up)\n"
	fileCBroken = "groups:\n- name: c\n  rules:\n  - record: c\n    exp: up\n"
)

// lastSample returns the newest timestamp of expr's single series, 0 if none.
func lastSample(t *testing.T, db *tsdb.DB, expr string) int64 {
	t.Helper()
	got := query(t, db, "timestamp("+expr+")")
	for _, v := range got {
		return int64(v * 1000)
	}
	return 0
}

// TestReloadKeepsGroupsOfBadFile: a file that turns bad on reload keeps the
// groups it had (they go on evaluating), a new bad file is skipped, every
// good file's change takes effect, and the gauge counts the files in error.
func TestReloadKeepsGroupsOfBadFile(t *testing.T) {
	db := openDB(t)
	appendAgents(t, db, 6)
	dir := t.TempDir()
	a := writeRuleFile(t, dir, "a.yml", fileA)
	b := writeRuleFile(t, dir, "b.yml", fileB)
	e, err := New(Options{Appendable: db, Queryable: db, Interval: 200 * time.Millisecond, Files: []string{filepath.Join(dir, "*.yml")}})
	require.NoError(t, err)
	ctx, cancel := context.WithCancel(context.Background())
	runErr := make(chan error, 1)
	go func() { runErr <- e.Run(ctx) }()
	defer func() { cancel(); require.NoError(t, <-runErr) }()
	waitSeries(t, db, "b:up:count", 6)

	writeRuleFile(t, dir, "a.yml", fileANew)
	writeRuleFile(t, dir, "b.yml", fileBBroken)
	c := writeRuleFile(t, dir, "c.yml", fileCBroken)
	err = e.Reload([]string{filepath.Join(dir, "*.yml")})
	var fp *FileProblems
	require.ErrorAs(t, err, &fp)
	assert.Equal(t, 2, fp.Files)
	require.Len(t, fp.Errs, 2, "%v", fp.Errs)
	assert.ErrorContains(t, fp.Errs[0], b+":5:")
	assert.ErrorContains(t, fp.Errs[1], c+":5: field exp not found")
	assert.Equal(t, 2.0, filesInError.Get())
	assert.Len(t, e.Problems(), 2)

	waitSeries(t, db, "a:up:min", 0) // a's change took effect
	since := time.Now().UnixMilli()
	require.Eventually(t, func() bool { return lastSample(t, db, "b:up:count") > since }, 10*time.Second, 50*time.Millisecond,
		"b's last good group goes on evaluating")
	assert.ElementsMatch(t, []string{"a", "b"}, userGroups(e), "c never loaded")

	writeRuleFile(t, dir, "b.yml", fileBFixed)
	require.NoError(t, errors.Join(e.Reload([]string{a, b})))
	waitSeries(t, db, "b:up:max", 1)
	assert.Zero(t, filesInError.Get())
	assert.Empty(t, e.Problems())
}

func waitSeries(t *testing.T, db *tsdb.DB, name string, want float64) {
	t.Helper()
	require.EventuallyWithT(t, func(c *assert.CollectT) {
		assert.Equal(c, map[string]float64{`{__name__="` + name + `"}`: want}, query(t, db, name))
	}, 15*time.Second, 50*time.Millisecond)
}

// userGroups names the running groups that are not the packs'.
func userGroups(e *Engine) []string {
	var out []string
	for _, g := range e.Groups() {
		if !strings.HasPrefix(g.File(), packPrefix) {
			out = append(out, g.Name())
		}
	}
	return out
}
