package web

import (
	"context"
	"net/http"

	"github.com/swanwatch/swanwatch/internal/auth"
)

// UserAdmin is the account store's side the administrators' pages read
// (*auth.Service). Every change goes through the JSON API (auth's
// user_handlers.go), which enforces the separation of duties (三员分立); the
// pages only read and offer the buttons a role may use.
type UserAdmin interface {
	ListUsers(ctx context.Context) ([]auth.User, error)
	Policy(ctx context.Context) (auth.Policy, error)
}

// WithUsers adds the account page (账号管理) for the system and the security
// administrator, and the security administrator's password policy page.
func (w *Web) WithUsers(u UserAdmin) *Web {
	w.users = u
	return w
}

// userRow is one account on the page, with what the viewer may do to it.
type userRow struct {
	auth.User
	State     string // 启用, 停用 or 锁定
	Bad       bool   // not usable now
	Self      bool
	Screen    bool // the video wall's account: no button (its tokens are the secadmin's)
	Manage    bool // sysadmin: reset password, disable, delete (ordinary accounts only)
	SetRole   bool // secadmin: any account but its own
	ResetTOTP bool // secadmin: another administrator's (only they enrol TOTP)
}

// UsersPage lists the accounts (GET /users). The route is open to any
// logged-in account because two roles use it; this handler refuses every
// role but the system and the security administrator.
func (w *Web) UsersPage(rw http.ResponseWriter, r *http.Request) {
	p, ok := auth.PrincipalFrom(r.Context())
	sys, sec := ok && p.Role == auth.RoleSysadmin, ok && p.Role == auth.RoleSecadmin
	if !sys && !sec {
		http.Error(rw, "账号管理仅限系统管理员和安全管理员，当前角色为"+p.Role.Label(), http.StatusForbidden)
		return
	}
	users, err := w.users.ListUsers(r.Context())
	if err != nil {
		w.logger.Error("list users for the page", "err", err)
		http.Error(rw, "账号列表暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	rows := make([]userRow, len(users))
	for i, u := range users {
		rows[i] = w.userRow(u, p.User, sys, sec)
	}
	w.render(rw, "users.html", map[string]any{
		"Rows": rows, "Now": w.now(), "Viewer": p, "Sysadmin": sys, "Secadmin": sec,
		"AddRoles": ordinaryRoles(), "AllRoles": auth.Roles,
	})
}

func (w *Web) userRow(u auth.User, viewer string, sys, sec bool) userRow {
	row := userRow{User: u, State: "启用", Self: u.Name == viewer, Screen: u.Name == auth.ScreenAccount}
	switch {
	case u.Disabled:
		row.State, row.Bad = "停用", true
	case u.LockedUntil.After(w.now()):
		row.State, row.Bad = "锁定", true
	}
	act := !row.Self && !row.Screen
	row.Manage = sys && act && !u.Role.Administrator()
	row.SetRole = sec && act
	row.ResetTOTP = sec && act && u.Role.Administrator()
	return row
}

// ordinaryRoles are those a system administrator may create through the API
// (auth's ServeAddUser refuses an administrator).
func ordinaryRoles() []auth.Role {
	var out []auth.Role
	for _, r := range auth.Roles {
		if !r.Administrator() {
			out = append(out, r)
		}
	}
	return out
}

// policyField is one line of the 口令策略 form: the JSON name PUT
// /api/v1/auth/policy takes, its Chinese label and the stored value. The
// ranges are the API's (auth.Policy.Validate): its message names them.
type policyField struct {
	Key, Label string
	Value      int
}

func policyFields(p auth.Policy) []policyField {
	return []policyField{
		{"min_length", "密码最小长度（字符）", p.MinLength},
		{"admin_classes", "管理员密码字符类别数（大写、小写、数字、其他）", p.AdminClasses},
		{"user_classes", "普通用户密码字符类别数", p.UserClasses},
		{"history", "不得重复使用最近几次的密码", p.History},
		{"max_age_days", "密码有效期（天）", p.MaxAgeDays},
		{"lockout_threshold", "连续登录失败锁定阈值（次）", p.LockoutThreshold},
		{"lockout_minutes", "锁定时长（分钟）", p.LockoutMinutes},
		{"idle_minutes", "会话空闲超时（分钟）", p.IdleMinutes},
		{"admin_idle_minutes", "管理员会话空闲超时（分钟）", p.AdminIdleMinutes},
	}
}

// PolicyPage shows the password and lockout policy (口令策略) as a form
// (GET /users/policy, the security administrator's route).
func (w *Web) PolicyPage(rw http.ResponseWriter, r *http.Request) {
	pol, err := w.users.Policy(r.Context())
	if err != nil {
		w.logger.Error("read the password policy for the page", "err", err)
		http.Error(rw, "口令策略暂时无法读取，请稍后重试", http.StatusInternalServerError)
		return
	}
	w.render(rw, "policy.html", map[string]any{"Fields": policyFields(pol), "Now": w.now()})
}

// UsersScript serves users.js under /users/ (GET /users/users.js): /static/ is
// the viewers' class, which the security administrator is not in.
func (w *Web) UsersScript() http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		http.ServeFileFS(rw, r, staticFS, "static/users.js")
	})
}
