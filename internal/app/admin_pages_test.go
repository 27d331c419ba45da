package app

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/internal/audit"
	"github.com/swanwatch/swanwatch/internal/auth"
)

// TestAdministratorPages calls the three administrators' pages through the
// route table as every role: 账号管理 (GET /users) opens to the system and the
// security administrator only, each with its own buttons — the route's
// class is anyone, so the page itself refuses the others; 口令策略 to the
// security administrator; 审计日志 to the auditor, whose read is audited.
func TestAdministratorPages(t *testing.T) {
	s, srv := serveTable(t)
	callers := loginAll(t, srv)
	pages := []struct {
		path    string
		allowed []auth.Role
		mark    map[auth.Role]string // what the allowed role's page shows
	}{
		{"/users", []auth.Role{auth.RoleSysadmin, auth.RoleSecadmin}, map[auth.Role]string{
			auth.RoleSysadmin: `<button data-disable="viewer1">停用</button>`,
			auth.RoleSecadmin: `<button data-set-role="viewer1">修改角色</button>`,
		}},
		{"/users/users.js", []auth.Role{auth.RoleSysadmin, auth.RoleSecadmin}, nil}, // /static/ is the viewers'
		{"/users/policy", []auth.Role{auth.RoleSecadmin}, map[auth.Role]string{auth.RoleSecadmin: `<form id="policy-form">`}},
		{"/audit", []auth.Role{auth.RoleAuditor}, map[auth.Role]string{auth.RoleAuditor: "<th>来源地址</th>"}},
	}
	for _, p := range pages {
		for role, do := range callers {
			status, body := do(http.MethodGet, p.path)
			switch {
			case p.path == "/users/users.js" && !slices.Contains(p.allowed, role):
				continue // a script, harmless to any account (class anyone)
			case slices.Contains(p.allowed, role):
				assert.Equal(t, http.StatusOK, status, "%s as %s: %s", p.path, role, body)
				if mark := p.mark[role]; mark != "" {
					assert.Contains(t, body, mark, "%s as %s", p.path, role)
				}
				for other, mark := range p.mark {
					if other != role {
						assert.NotContains(t, body, mark, "%s as %s shows %s's buttons", p.path, role, other)
					}
				}
			default:
				assert.Equal(t, http.StatusForbidden, status, "%s as %s: %s", p.path, role, body)
				assert.NotContains(t, body, "viewer1", "%s as %s", p.path, role)
			}
		}
	}
	entries, err := s.audit.Query(context.Background(), audit.Filter{From: time.Now().Add(-time.Hour),
		To: time.Now().Add(time.Hour), User: users[auth.RoleAuditor], Limit: 100})
	require.NoError(t, err)
	var read bool
	for _, e := range entries {
		read = read || (e.Action == "audit.read" && e.Object == "/audit" && e.Result == "200")
	}
	assert.True(t, read, "the auditor's read of the page is in the trail: %v", entries)
}
