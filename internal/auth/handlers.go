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
//	POST   /api/v1/login     ServeLogin: JSON {"user","password"} or form user, password, next; open
//	POST   /api/v1/logout    ServeLogout: any role
//	GET    /api/v1/whoami    ServeWhoami: any role
//	POST   /api/v1/tokens    ServeCreateToken: admin; JSON {"user","name","ttl"}; answers the secret once
//	GET    /api/v1/tokens    ServeListTokens: admin; ?user= filters
//	DELETE /api/v1/tokens    ServeRevokeToken: admin; ?user=&name=

type loginView struct{ Error, User, Next string }

func (s *Service) ServeLoginPage(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, http.StatusOK, loginView{Next: safeNext(r.URL.Query().Get("next"))})
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
	User      string `json:"user"`
	Role      Role   `json:"role"`
	RoleLabel string `json:"role_label"`
	Via       Via    `json:"via"`
	CSRFToken string `json:"csrf_token,omitempty"`
}

func (s *Service) ServeWhoami(w http.ResponseWriter, r *http.Request) {
	p, _ := PrincipalFrom(r.Context())
	writeJSON(w, http.StatusOK, whoami{p.User, p.Role, p.Role.Label(), p.Via, p.csrf})
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
