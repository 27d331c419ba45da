// Package auth owns who may use SwanWatch: users and their roles, argon2id
// password hashes and the password policy, login sessions with lockout, API tokens,
// and the HTTP middleware that turns a session cookie, a bearer token or HTTP Basic
// credentials into a Principal in the request context. It also serves the login
// page and the login, logout, whoami and token-management API.
//
// Security events (failed logins, lockouts, user and token changes) go to an
// Auditor; package audit implements it, so auth imports no audit code.
package auth

import "fmt"

// Role is what a user may do. Roles are ordered: each includes the ones below it.
type Role string

// The roles, lowest first.
const (
	RoleViewer   Role = "viewer"   // reads dashboards, queries, reports
	RoleOperator Role = "operator" // also acknowledges incidents, silences, maintenance
	RoleAdmin    Role = "admin"    // also manages users, tokens, configuration, audit
)

// rank orders the roles; 0 is no valid role.
func (r Role) rank() int {
	switch r {
	case RoleViewer:
		return 1
	case RoleOperator:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Allows reports whether r is at least min. An invalid role allows nothing.
func (r Role) Allows(min Role) bool {
	return r.rank() > 0 && min.rank() > 0 && r.rank() >= min.rank()
}

// Valid reports whether r is one of the defined roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// ParseRole parses a role name as written in the CLI, API and database.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q: want viewer, operator or admin", s)
	}
	return r, nil
}

// Label is the role's name on Chinese pages.
func (r Role) Label() string {
	switch r {
	case RoleViewer:
		return "只读用户"
	case RoleOperator:
		return "运维人员"
	case RoleAdmin:
		return "系统管理员"
	}
	return "未知角色"
}
