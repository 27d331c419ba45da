package auth

import (
	"fmt"
	"slices"
)

// Role is what a user may do. Roles are not a line: since MLPS level 3
// (等保三级 三员分立) the three administrators each hold a separate part of the
// old all-powerful admin, and none includes another. Which roles may use a
// route is the permission table below, looked up by the route's class.
type Role string

// The roles a user may hold: exactly one each.
const (
	// RoleSupervisor is the supervising authority's (监管) read-only access to
	// the cloud's data interface (/api/cloud/v1/...) and nothing else.
	RoleSupervisor Role = "supervisor"
	RoleViewer     Role = "viewer"   // reads dashboards, queries, reports
	RoleOperator   Role = "operator" // also acknowledges incidents, silences, maintenance
	// RoleSysadmin (系统管理员) runs the system: configuration reload,
	// profiles, and the existence of ordinary accounts (create, disable,
	// delete, reset the password of supervisor, viewer and operator users).
	// It reads what a viewer reads, so it can see that its changes worked.
	RoleSysadmin Role = "sysadmin"
	// RoleSecadmin (安全管理员) holds the security policy: who has which role,
	// the password and lockout policy, API tokens, screen tokens, and the
	// reset of another administrator's TOTP. It sees no dashboards.
	RoleSecadmin Role = "secadmin"
	// RoleAuditor (审计管理员) reads the audit trail, nothing else — not even
	// the dashboards; its own reads are audited.
	RoleAuditor Role = "auditor"

	// RoleAdmin is the single administrator before MLPS separation. The state
	// store migrates its users to sysadmin (version 14), and Go code still
	// naming it gets sysadmin.
	//
	// Deprecated: name RoleSysadmin, RoleSecadmin or RoleAuditor.
	RoleAdmin = RoleSysadmin
)

// ClassAnyone is a route class, not a role: every authenticated account may
// use it (logout, whoami, changing one's own password).
const ClassAnyone Role = "anyone"

// ClassAccounts is the route class of the 账号管理 page, which the system
// and the security administrator share: each sees only its own buttons
// there, and every change goes through the API's own classes.
const ClassAccounts Role = "accounts"

// Roles lists every role a user may hold, in the order pages show them.
var Roles = []Role{RoleSupervisor, RoleViewer, RoleOperator, RoleSysadmin, RoleSecadmin, RoleAuditor}

// permissions is the permission relation: for each route class, the roles
// that may use a route of that class. A class is named after the role it is
// made for; the others listed are those whose work includes it. Any role not
// listed gets 403.
var permissions = map[Role][]Role{
	ClassAnyone:    Roles,
	ClassAccounts:  {RoleSysadmin, RoleSecadmin},
	RoleSupervisor: {RoleSupervisor, RoleViewer, RoleOperator, RoleSysadmin},
	RoleViewer:     {RoleViewer, RoleOperator, RoleSysadmin},
	RoleOperator:   {RoleOperator},
	RoleSysadmin:   {RoleSysadmin},
	RoleSecadmin:   {RoleSecadmin},
	RoleAuditor:    {RoleAuditor},
}

// May reports whether role r may use a route of class class. An invalid role
// or class allows nothing.
func (r Role) May(class Role) bool {
	return r.Valid() && slices.Contains(permissions[class], r)
}

// Allowed lists the roles that may use a route of class class.
func Allowed(class Role) []Role { return slices.Clone(permissions[class]) }

// ValidClass reports whether class is a route class of the permission table.
func ValidClass(class Role) bool { _, ok := permissions[class]; return ok }

// Valid reports whether r is one of the roles a user may hold.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Administrator reports whether r is one of the three separated
// administrators: they need TOTP, the stricter password classes and the
// shorter idle timeout.
func (r Role) Administrator() bool {
	return r == RoleSysadmin || r == RoleSecadmin || r == RoleAuditor
}

// ParseRole parses a role name as written in the CLI, API and database.
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("unknown role %q: want supervisor, viewer, operator, sysadmin, secadmin or auditor", s)
	}
	return r, nil
}

// Label is the role's name on Chinese pages.
func (r Role) Label() string {
	switch r {
	case RoleSupervisor:
		return "监管用户"
	case RoleViewer:
		return "只读用户"
	case RoleOperator:
		return "运维人员"
	case RoleSysadmin:
		return "系统管理员"
	case RoleSecadmin:
		return "安全管理员"
	case RoleAuditor:
		return "审计管理员"
	case ClassAnyone:
		return "任意已登录用户"
	case ClassAccounts:
		return "系统管理员或安全管理员"
	}
	return "未知角色"
}
