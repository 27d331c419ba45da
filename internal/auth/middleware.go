package auth

import (
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Cookie and header names. The CSRF cookie is readable by the page's script,
// which echoes it in CSRFHeader; a cross-site page can neither read the cookie
// nor set the header, so a forged request from it is refused.
const (
	SessionCookie = "swanwatch_session"
	CSRFCookie    = "swanwatch_csrf"
	CSRFHeader    = "X-SwanWatch-CSRF"
)

// Middleware admits requests authenticated with a role that may use routes
// of class (the permission table in roles.go): a session cookie, `Authorization:
// Bearer swt_...` or HTTP Basic, tried in that order of precedence: an
// Authorization header, when present, decides alone. On GET /wall/... only,
// the swanwatch_screen cookie (a screen token) comes before the session
// cookie; a screen token never opens anything else. Browsers without
// credentials are sent to /login; API clients get 401 with a Basic challenge;
// a role not allowed gets 403, and so does an administrator presenting HTTP
// Basic (a password alone, without the TOTP second factor). Cookie-
// authenticated requests other than GET, HEAD and OPTIONS must carry the CSRF
// header.
func (s *Service) Middleware(class Role) func(http.Handler) http.Handler {
	if !ValidClass(class) {
		panic(fmt.Sprintf("auth: Middleware(%q): not a route class", class)) // a wiring bug, caught at startup
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			s.serve(w, r, class, next)
		})
	}
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, class Role, next http.Handler) {
	p, err := s.authenticate(r)
	if err != nil {
		s.deny(w, r, err)
		return
	}
	track(r.Context(), p)
	if p.Via == ViaBasic && p.Role.Administrator() {
		rejectCounter(p.Via, "second_factor").Inc()
		writeError(w, http.StatusForbidden, "forbidden",
			"管理员账户须经动态口令（TOTP）双因素认证：请在登录页面登录，或使用安全管理员签发的API令牌")
		return
	}
	if !p.Role.May(class) {
		rejectCounter(p.Via, "role").Inc()
		writeError(w, http.StatusForbidden, "forbidden", "权限不足：此操作仅限"+allowedLabels(class)+"，当前角色为"+p.Role.Label())
		return
	}
	if p.Via == ViaSession && !safeMethod(r.Method) && !csrfOK(r, p) {
		rejectCounter(p.Via, "csrf").Inc()
		writeError(w, http.StatusForbidden, "forbidden", "缺少或错误的CSRF令牌，请刷新页面后重试")
		return
	}
	next.ServeHTTP(w, r.WithContext(WithPrincipal(r.Context(), p)))
}

// allowedLabels names the roles allowed on a class, for the 403 message.
func allowedLabels(class Role) string {
	var b strings.Builder
	for i, r := range Allowed(class) {
		if i > 0 {
			b.WriteString("、")
		}
		b.WriteString(r.Label())
	}
	return b.String()
}

// authenticate finds and checks the request's credentials.
func (s *Service) authenticate(r *http.Request) (Principal, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		c, err := parseAuthorization(h)
		if err != nil {
			badInputCounter("authorization").Inc()
			return Principal{}, rejected(viaNone, "malformed", ErrBadCredentials)
		}
		if c.via == ViaToken {
			return s.bearerPrincipal(r, c.token)
		}
		return s.basicPrincipal(ctx, c.user, c.password, hostOnly(r.RemoteAddr))
	}
	// On the wall the screen cookie goes first: a kiosk that once also held a
	// session must not fall back to it and end up on the login page.
	if ck, err := r.Cookie(ScreenCookie); err == nil && wallRead(r) {
		p, _, err := s.screenToken(ctx, ck.Value)
		return p, err
	}
	ck, err := r.Cookie(SessionCookie)
	if err != nil {
		return Principal{}, rejected(viaNone, "missing", ErrNoCredentials)
	}
	id, err := parseSessionCookie(ck.Value)
	if err != nil {
		badInputCounter("cookie").Inc()
		return Principal{}, rejected(ViaSession, "malformed", ErrSessionEnded)
	}
	return s.sessionPrincipal(ctx, id)
}

// deny answers a request whose credentials failed.
func (s *Service) deny(w http.ResponseWriter, r *http.Request, err error) {
	var locked *LockedError
	switch {
	case errors.As(err, &locked):
		writeLocked(w, locked, s.now())
	case errors.Is(err, ErrPasswordExpired):
		writeError(w, http.StatusForbidden, "forbidden", "密码已过期或已被重置，请先在登录页面设置新密码")
	case errors.Is(err, ErrScreenScope):
		writeError(w, http.StatusForbidden, "forbidden", "大屏令牌只能用于打开监控大屏")
	case errors.Is(err, errScreenRefused):
		s.screenDenied(w, r)
	case (errors.Is(err, ErrNoCredentials) || errors.Is(err, ErrSessionEnded)) && wantsHTML(r):
		http.Redirect(w, r, "/login?next="+url.QueryEscape(r.URL.RequestURI()), http.StatusSeeOther)
	case errors.Is(err, ErrNoCredentials):
		challenge(w, "需要登录")
	case errors.Is(err, ErrSessionEnded):
		challenge(w, "会话已过期，请重新登录")
	case errors.Is(err, ErrBadCredentials):
		challenge(w, "用户名、密码或令牌无效")
	default:
		s.log.Error("authenticate request", "path", r.URL.Path, "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "认证服务暂时不可用")
	}
}

func challenge(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Basic realm="SwanWatch", charset="UTF-8"`)
	writeError(w, http.StatusUnauthorized, "unauthorized", msg)
}

var shanghai = time.FixedZone("CST", 8*3600) // China has kept UTC+8 without DST since 1991

func writeLocked(w http.ResponseWriter, e *LockedError, now time.Time) {
	secs := int(e.Until.Sub(now).Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
	writeError(w, http.StatusTooManyRequests, "locked",
		"登录失败次数过多，账户已锁定，请于 "+e.Until.In(shanghai).Format("2006-01-02 15:04:05")+" 后重试")
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

func csrfOK(r *http.Request, p Principal) bool {
	got := r.Header.Get(CSRFHeader)
	return got != "" && subtle.ConstantTimeCompare([]byte(got), []byte(p.csrf)) == 1
}

// wantsHTML tells a browser navigating to a page from an API client.
func wantsHTML(r *http.Request) bool {
	return (r.Method == http.MethodGet || r.Method == http.MethodHead) &&
		strings.Contains(r.Header.Get("Accept"), "text/html")
}

// maxAuthorizationLen bounds the header we look at; real ones are < 300 bytes.
const maxAuthorizationLen = 4096

// secretLen is the encoded length of newSecret's output.
var secretLen = secretEncoding.EncodedLen(secretBytes)

var errMalformed = errors.New("malformed credentials")

// credentials are what an Authorization header carries.
type credentials struct {
	via      Via // ViaBasic or ViaToken
	user     string
	password string
	token    string
}

// parseAuthorization parses "Basic <base64 user:pass>" or "Bearer swt_...".
// The scheme is case-insensitive (RFC 9110 §11.1).
func parseAuthorization(h string) (credentials, error) {
	if len(h) > maxAuthorizationLen {
		return credentials{}, fmt.Errorf("%w: header longer than %d bytes", errMalformed, maxAuthorizationLen)
	}
	scheme, rest, ok := strings.Cut(h, " ")
	if !ok {
		return credentials{}, fmt.Errorf("%w: no scheme", errMalformed)
	}
	rest = strings.TrimLeft(rest, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		return parseBasic(rest)
	case "bearer":
		if err := checkToken(rest); err != nil {
			return credentials{}, err
		}
		return credentials{via: ViaToken, token: rest}, nil
	}
	return credentials{}, fmt.Errorf("%w: unsupported scheme", errMalformed)
}

func parseBasic(b64 string) (credentials, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return credentials{}, fmt.Errorf("%w: basic: %w", errMalformed, err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" {
		return credentials{}, fmt.Errorf("%w: basic: want user:password", errMalformed)
	}
	if !utf8.ValidString(user) || !utf8.ValidString(pass) {
		return credentials{}, fmt.Errorf("%w: basic: not UTF-8", errMalformed)
	}
	return credentials{via: ViaBasic, user: user, password: pass}, nil
}

// checkToken accepts only the shape CreateToken makes, before any lookup.
func checkToken(t string) error {
	body, ok := strings.CutPrefix(t, TokenPrefix)
	if !ok {
		return fmt.Errorf("%w: bearer token without %s prefix", errMalformed, TokenPrefix)
	}
	return checkSecret(body)
}

// parseSessionCookie validates a session cookie value's shape.
func parseSessionCookie(v string) (string, error) {
	if err := checkSecret(v); err != nil {
		return "", fmt.Errorf("session cookie: %w", err)
	}
	return v, nil
}

func checkSecret(s string) error {
	if len(s) != secretLen {
		return fmt.Errorf("%w: secret of %d characters, want %d", errMalformed, len(s), secretLen)
	}
	if b, err := secretEncoding.Strict().DecodeString(s); err != nil || len(b) != secretBytes {
		return fmt.Errorf("%w: secret is not base64url", errMalformed)
	}
	return nil
}
