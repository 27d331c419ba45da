package auth

import (
	"embed"
	"errors"
	"html/template"
	"net/http"
	"net/url"
	"time"
)

//go:embed web/wall_denied.html
var wallFS embed.FS

var wallDeniedPage = template.Must(template.ParseFS(wallFS, "web/wall_denied.html"))

// screenCookieAge is how long a browser keeps the screen cookie: Chromium caps
// cookie lifetimes at 400 days; the token itself lasts until revoked.
const screenCookieAge = 400 * 24 * time.Hour

type wallView struct {
	Message, Hint string
	Retry         bool // a server fault: the page retries by itself
}

// ServeWallLogin is the wall's login, mounted open (the token is the credential):
//
//	GET /wall/login?token=swt_...&screen=NAME[&scene=ID]
//
// A screen token sets the swanwatch_screen cookie (HttpOnly, SameSite=Strict,
// Path=/wall, Secure over TLS) and redirects 303 to /wall/?screen=NAME, so the
// token is not in the URL the wall then shows. The page itself (/wall/,
// /wall/static/..., /wall/ws) is mounted behind
// Middleware(RoleViewer), which accepts the cookie on GET /wall/... only.
func (s *Service) ServeWallLogin(w http.ResponseWriter, r *http.Request) {
	// The request URL holds the token: keep it out of caches and Referers.
	w.Header().Set("Referrer-Policy", "no-referrer")
	q := r.URL.Query()
	screen, scene := q.Get("screen"), q.Get("scene")
	if checkWallName(screen) != nil || checkWallName(scene) != nil {
		badInputCounter("screen_name").Inc()
		s.renderWall(w, http.StatusBadRequest, wallView{Message: "大屏地址有误：大屏名称或场景名称无效",
			Hint: "名称只能包含字母、数字和 . _ - @，请核对大屏地址。"})
		return
	}
	secret := q.Get("token")
	p, reason, err := s.screenToken(r.Context(), secret)
	s.wallLoginEvent(r, p, screen, reason, err)
	if err != nil {
		s.wallLoginFailed(w, r, err)
		return
	}
	track(r.Context(), p)
	loginCounter(ViaScreen, "success").Inc()
	http.SetCookie(w, &http.Cookie{Name: ScreenCookie, Value: secret, Path: wallPrefix,
		MaxAge: int(screenCookieAge.Seconds()), HttpOnly: true, Secure: r.TLS != nil || s.opts.SecureCookies,
		SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, wallURL(screen, scene), http.StatusSeeOther)
}

// checkWallName accepts an absent name or one shaped like a user name.
func checkWallName(name string) error {
	if name == "" {
		return nil
	}
	return CheckUserName(name)
}

// wallURL is where a logged-in screen goes: the page with its screen (which
// playlist) and an optional pinned scene, and never the token.
func wallURL(screen, scene string) string {
	v := url.Values{}
	if screen != "" {
		v.Set("screen", screen)
	}
	if scene != "" {
		v.Set("scene", scene)
	}
	if len(v) == 0 {
		return wallPrefix + "/"
	}
	return wallPrefix + "/?" + v.Encode()
}

func (s *Service) wallLoginFailed(w http.ResponseWriter, r *http.Request, err error) {
	loginCounter(ViaScreen, "failure").Inc()
	if errors.Is(err, ErrBadCredentials) {
		s.screenDenied(w, r)
		return
	}
	s.log.Error("wall login", "err", err) // err never carries the token
	s.renderWall(w, http.StatusInternalServerError, wallView{Message: "认证服务暂时不可用",
		Hint: "大屏将在30秒后自动重试。", Retry: true})
}

// screenDenied answers a wall request whose screen token does not hold: a
// Chinese page for the browser, JSON for the WebSocket and assets, and never a
// Basic challenge (the wall must not show a password dialog).
func (s *Service) screenDenied(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Referrer-Policy", "no-referrer")
	if r.URL.Path != wallPrefix+"/login" && !wantsHTML(r) {
		writeError(w, http.StatusUnauthorized, "unauthorized", "大屏令牌无效或已吊销")
		return
	}
	s.renderWall(w, http.StatusUnauthorized, wallView{Message: "大屏令牌无效或已吊销，无法打开监控大屏",
		Hint: "请联系系统管理员用 swanwatch screen token 重新生成大屏地址。"})
}

func (s *Service) renderWall(w http.ResponseWriter, status int, v wallView) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Frame-Options", "DENY")
	if v.Retry {
		w.Header().Set("Refresh", "30")
	}
	w.WriteHeader(status)
	if err := wallDeniedPage.Execute(w, v); err != nil {
		s.log.Warn("render wall page", "err", err)
	}
}

// wallLoginEvent records a wall login in the audit trail: which screen and
// from where, the refusal's reason, never the token.
func (s *Service) wallLoginEvent(r *http.Request, p Principal, screen, reason string, err error) {
	ev := Event{Time: s.now(), User: p.User, Role: p.Role, Action: "screen.login", Object: screen,
		RemoteAddr: hostOnly(r.RemoteAddr), Result: "success"}
	if err != nil {
		ev.Result, ev.Detail = "failure", "reason="+reason
		if reason == "" {
			ev.Detail = "reason=internal"
		}
	}
	s.opts.Audit.AuthEvent(r.Context(), ev)
}
