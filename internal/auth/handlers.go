package auth

import (
	"embed"
	"encoding/json"
	"html/template"
	"net/http"
	"net/url"
	"strings"
)

//go:embed web/login.html
var webFS embed.FS

var loginPage = template.Must(template.ParseFS(webFS, "web/login.html"))

// maxBodyBytes bounds the login and token request bodies.
const maxBodyBytes = 64 << 10

// The auth API, mounted by the route table in internal/app with these roles:
//
//	GET    /login            ServeLoginPage: login page (Chinese, no external assets), open
//	POST   /api/v1/login     ServeLogin: JSON {"user","password","totp","new_password"} or the
//	                         page's form, in steps (steps.go); open
//	POST   /api/v1/logout    ServeLogout: ClassAnyone
//	GET    /api/v1/whoami    ServeWhoami: ClassAnyone; with the last login
//	POST   /api/v1/tokens    ServeCreateToken: secadmin; JSON {"user","name","ttl"}; answers the secret once
//	GET    /api/v1/tokens    ServeListTokens: secadmin; ?user= filters
//	DELETE /api/v1/tokens    ServeRevokeToken: secadmin; ?user=&name=
//
// and, to be mounted (users.go, policy.go, account.go):
//
//	POST   /api/v1/password               ServeChangePassword: ClassAnyone; {"old","new"}
//	GET    /api/v1/users                  ServeListUsers: sysadmin
//	POST   /api/v1/users                  ServeAddUser: sysadmin; {"name","role","password"}, ordinary roles only
//	POST   /api/v1/users/{name}/password  ServeResetPassword: sysadmin; {"password"}, ordinary users only
//	POST   /api/v1/users/{name}/disable   ServeDisableUser: sysadmin; ordinary users only
//	DELETE /api/v1/users/{name}           ServeDeleteUser: sysadmin; ordinary users only
//	PUT    /api/v1/users/{name}/role      ServeSetRole: secadmin; {"role"}, never one's own
//	DELETE /api/v1/users/{name}/totp      ServeResetTOTP: secadmin; never one's own
//	GET    /api/v1/auth/policy            ServePolicy: secadmin
//	PUT    /api/v1/auth/policy            ServeSetPolicy: secadmin
//	GET    /api/v1/audit                  AuditedRead(audit's QueryHandler): auditor

// loginView is the login page at one step: "" (user and password), enrol,
// totp, password (a new one), or welcome (done: the last login shown).
type loginView struct {
	Stage, Error, User, Role, Next string
	Enrol                          enrolment
	Last                           LastLogin
}

func (s *Service) ServeLoginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, http.StatusOK, loginView{Next: safeNext(r.URL.Query().Get("next"))})
}

// home is where a role lands after login when no page was asked for: the
// auditor and the security administrator see no dashboard.
func home(role Role, next string) string {
	if next != "/" {
		return next
	}
	switch role {
	case RoleAuditor:
		return "/audit" // 审计日志
	case RoleSecadmin:
		return "/users" // 账号管理: roles, TOTP resets, 口令策略
	case RoleSupervisor:
		return "/api/cloud/v1/openapi.yaml"
	}
	return next
}

func (s *Service) renderLogin(w http.ResponseWriter, status int, v loginView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	w.WriteHeader(status)
	if err := loginPage.Execute(w, v); err != nil {
		s.log.Warn("render login page", "err", err)
	}
}

// safeNext keeps a post-login redirect on this site: a path, never "//host".
func safeNext(next string) string {
	u, err := url.Parse(next)
	if err != nil || u.Scheme != "" || u.Host != "" || !strings.HasPrefix(next, "/") ||
		strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// errorBody is Prometheus's error shape, so Grafana shows the message.
type errorBody struct {
	Status    string `json:"status"`
	ErrorType string `json:"errorType"`
	Error     string `json:"error"`
}

func writeError(w http.ResponseWriter, status int, typ, msg string) {
	writeJSON(w, status, errorBody{Status: "error", ErrorType: typ, Error: msg})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v) // the client went away: nothing to do
}

type whoami struct {
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	RoleLabel string    `json:"role_label"`
	Via       Via       `json:"via"`
	CSRFToken string    `json:"csrf_token,omitempty"`
	LastLogin LastLogin `json:"last_login"` // the login before this one, failed attempts since
}

func (s *Service) ServeWhoami(w http.ResponseWriter, r *http.Request) {
	p, _ := PrincipalFrom(r.Context())
	last, err := s.lastLogin(r.Context(), p.User)
	if err != nil && !strings.HasPrefix(p.User, screenUserPrefix) {
		s.log.Warn("whoami", "err", err)
	}
	writeJSON(w, http.StatusOK, whoami{p.User, p.Role, p.Role.Label(), p.Via, p.csrf, last})
}

func (s *Service) ServeLogout(w http.ResponseWriter, r *http.Request) {
	if ck, err := r.Cookie(SessionCookie); err == nil {
		if err := s.Logout(r.Context(), ck.Value); err != nil {
			s.log.Error("logout", "err", err)
			writeError(w, http.StatusInternalServerError, "internal", "退出登录失败")
			return
		}
	}
	p, _ := PrincipalFrom(r.Context())
	s.event(r.Context(), "logout", p.User, "success", "")
	s.setCookies(w, r, "", "", -1)
	w.WriteHeader(http.StatusNoContent)
}
