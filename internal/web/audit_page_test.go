package web

import (
	"context"
	"log/slog"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
	"github.com/swanwatch/swanwatch/internal/statestore"
)

// auditTrail is a real audit log holding the given entries, and the page
// wrapped as internal/app mounts it: in auth's AuditedRead, reporting to the
// same log.
func auditTrail(t *testing.T, entries ...audit.Entry) (*audit.Log, http.HandlerFunc) {
	t.Helper()
	db, err := statestore.Open(filepath.Join(t.TempDir(), "state.db"), slog.New(slog.DiscardHandler))
	require.NoError(t, err)
	t.Cleanup(func() { db.Close() })
	log := audit.New(db, nil)
	for _, e := range entries {
		require.NoError(t, log.Record(context.Background(), e))
	}
	svc := auth.New(db, auth.Options{Audit: log, Now: func() time.Time { return t0 }})
	page := New(fixedLister{}, slog.New(slog.DiscardHandler), func() time.Time { return t0 }).WithAudit(log)
	return log, svc.AuditedRead(http.HandlerFunc(page.AuditPage)).ServeHTTP
}

func entry(at time.Time, user string, role auth.Role, action, object, result, detail string) audit.Entry {
	return audit.Entry{Time: at, User: user, Role: role, Action: action, Object: object,
		RemoteAddr: "10.12.0.7", Result: result, Detail: detail}
}

func TestAuditPageNewestFirstAndAudited(t *testing.T) {
	log, page := auditTrail(t,
		entry(t0.Add(-30*time.Hour), "zhangsan", auth.RoleOperator, "POST /api/v1/silences", "/api/v1/silences", "201", "old"),
		entry(t0.Add(-2*time.Hour), "sysadmin1", auth.RoleSysadmin, "user.add", "viewer9", "success", "role=viewer"),
		entry(t0.Add(-time.Hour), "secadmin1", auth.RoleSecadmin, "user.role", "viewer9", "success", "role=operator"))
	status, body := get(t, page, "/audit", "auditor1", auth.RoleAuditor)
	require.Equal(t, http.StatusOK, status, body)
	for _, want := range []string{
		"共 <b>2</b> 条", `value="2026-11-26T14:00"`, `value="2026-11-27T14:00"`, // the last 24 hours, Beijing time
		"<td>2026-11-27 13:00:00</td><td>secadmin1</td><td>安全管理员</td><td><code>user.role</code></td>",
		"<td>viewer9</td><td>10.12.0.7</td><td>success</td><td>role=operator</td>",
		`href="/api/v1/audit/export?format=csv&amp;from=2026-11-26T06%3A00%3A00Z&amp;to=2026-11-27T06%3A00%3A00Z"`,
		`format=jsonl`,
	} {
		assert.Contains(t, body, want)
	}
	assert.Less(t, strings.Index(body, "user.role"), strings.Index(body, "user.add"), "newest first")
	assert.NotContains(t, body, "zhangsan", "outside the default window")

	reads, err := log.Query(context.Background(), audit.Filter{From: t0.Add(-time.Hour), To: time.Now().Add(time.Hour),
		User: "auditor1", Limit: 10})
	require.NoError(t, err)
	require.Len(t, reads, 1, "the page's read is in the trail")
	assert.Equal(t, "audit.read", reads[0].Action)
	assert.Equal(t, "/audit", reads[0].Object)
	assert.Equal(t, "200", reads[0].Result)
}

func TestAuditPageFilters(t *testing.T) {
	_, page := auditTrail(t,
		entry(t0.Add(-30*time.Hour), "zhangsan", auth.RoleOperator, "POST /api/v1/silences", "/api/v1/silences", "201", "old"),
		entry(t0.Add(-2*time.Hour), "sysadmin1", auth.RoleSysadmin, "user.add", "viewer9", "success", "role=viewer"),
		entry(t0.Add(-time.Hour), "secadmin1", auth.RoleSecadmin, "user.role", "viewer9", "success", "role=operator"))
	q := url.Values{"from": {"2026-11-26T07:00"}, "to": {"2026-11-27T12:30"}}
	status, body := get(t, page, "/audit?"+q.Encode(), "auditor1", auth.RoleAuditor)
	require.Equal(t, http.StatusOK, status)
	assert.Contains(t, body, "共 <b>2</b> 条")
	assert.Contains(t, body, "zhangsan")
	assert.Contains(t, body, "user.add")
	assert.NotContains(t, body, "user.role", "after to")

	q.Set("user", "zhangsan")
	_, body = get(t, page, "/audit?"+q.Encode(), "auditor1", auth.RoleAuditor)
	assert.Contains(t, body, "共 <b>1</b> 条")
	assert.Contains(t, body, `name="user" value="zhangsan"`)
	assert.NotContains(t, body, "user.add")

	_, body = get(t, page, "/audit?user=nobody", "auditor1", auth.RoleAuditor)
	assert.Contains(t, body, "该时间段内没有审计记录")
}

func TestAuditPageBadFilter(t *testing.T) {
	_, page := auditTrail(t)
	for _, q := range []string{"from=yesterday", "from=2026-11-27T14:00&to=2026-11-27T13:00"} {
		status, body := get(t, page, "/audit?"+q, "auditor1", auth.RoleAuditor)
		assert.Equal(t, http.StatusBadRequest, status, q)
		assert.Contains(t, body, "查询条件错误：", q)
		assert.NotContains(t, body, "<table>", q)
	}
}

// User names come from failed logins and details from requests: anyone
// chooses them, the page escapes them.
func TestAuditPageEscapesHostileEntries(t *testing.T) {
	_, page := auditTrail(t, entry(t0.Add(-time.Minute), `<img src=x onerror=alert(1)>`, "", "login",
		`<script>alert("obj")</script>`, "failure", `"><script>alert(2)</script>`))
	status, body := get(t, page, "/audit?user="+url.QueryEscape(`"><b>x</b>`), "auditor1", auth.RoleAuditor)
	require.Equal(t, http.StatusOK, status)
	assert.NotContains(t, body, `"><b>x</b>`)
	assert.Contains(t, body, `value="&#34;&gt;&lt;b&gt;x&lt;/b&gt;"`)

	_, body = get(t, page, "/audit", "auditor1", auth.RoleAuditor)
	for _, bad := range []string{"<img src=x", `<script>alert("obj")`, "<script>alert(2)"} {
		assert.NotContains(t, body, bad)
	}
	assert.Contains(t, body, "&lt;img src=x onerror=alert(1)&gt;")
	assert.Contains(t, body, "&lt;script&gt;alert(&#34;obj&#34;)&lt;/script&gt;")
	assert.Contains(t, body, "&#34;&gt;&lt;script&gt;alert(2)&lt;/script&gt;")
}
