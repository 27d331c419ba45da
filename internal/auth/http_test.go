package auth

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func cookieNamed(resp *http.Response, name string) *http.Cookie {
	for _, c := range resp.Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

func TestCookieLoginFlow(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.browser(t)
	resp, lr := e.loginJSON(t, c, "operator1", goodPassword)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, RoleOperator, lr.Role)
	assert.Equal(t, e.clk.Now().Add(12*time.Hour), lr.Expires)
	sc := cookieNamed(resp, SessionCookie)
	require.NotNil(t, sc)
	assert.True(t, sc.HttpOnly)
	assert.Equal(t, http.SameSiteLaxMode, sc.SameSite)
	assert.False(t, sc.Secure, "plain HTTP test server")
	assert.Equal(t, lr.CSRFToken, cookieNamed(resp, CSRFCookie).Value)

	_, body := e.do(t, c, req{method: "GET", path: "/api/v1/data"})
	assert.Equal(t, "operator1 operator session", body)

	csrf := map[string]string{CSRFHeader: lr.CSRFToken}
	wrong := "x" + lr.CSRFToken[1:]
	if wrong == lr.CSRFToken { // one token in 64 starts with x
		wrong = "y" + lr.CSRFToken[1:]
	}
	steps := []struct {
		name   string
		header map[string]string
		want   int
	}{
		{"write without csrf header", nil, http.StatusForbidden},
		{"write with wrong csrf", map[string]string{CSRFHeader: wrong}, http.StatusForbidden},
		{"write with csrf", csrf, http.StatusOK},
	}
	for _, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			resp, _ := e.do(t, c, req{method: "POST", path: "/api/v1/act", header: s.header})
			assert.Equal(t, s.want, resp.StatusCode)
		})
	}
	resp, _ = e.do(t, c, req{method: "POST", path: "/api/v1/logout", header: csrf})
	require.Equal(t, http.StatusNoContent, resp.StatusCode)
	assert.Equal(t, -1, cookieNamed(resp, SessionCookie).MaxAge)
	resp, _ = e.do(t, c, req{method: "GET", path: "/api/v1/whoami"})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
}

func TestLogoutEndsSessionServerSide(t *testing.T) {
	e := newEnv(t, Options{})
	id, _, err := e.svc.Login(context.Background(), "viewer1", goodPassword, "10.1.2.3:5555")
	require.NoError(t, err)
	hdr := map[string]string{"Cookie": SessionCookie + "=" + id}
	resp, _ := e.do(t, nil, req{method: "GET", path: "/api/v1/data", header: hdr})
	require.Equal(t, http.StatusOK, resp.StatusCode)
	require.NoError(t, e.svc.Logout(context.Background(), id))
	// A stolen copy of the cookie is worthless after logout.
	resp, body := e.do(t, nil, req{method: "GET", path: "/api/v1/data", header: hdr})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Contains(t, body, "会话已过期")
}

func TestFormLogin(t *testing.T) {
	e := newEnv(t, Options{})
	form := func(user, pass, next string) string {
		return url.Values{"user": {user}, "password": {pass}, "next": {next}}.Encode()
	}
	tests := []struct {
		name, body, origin string
		wantStatus         int
		wantLocation       string
		wantBody           string
	}{
		// Logged in: the last login is shown, then 继续 goes to next.
		{"continues to next", form("viewer1", goodPassword, "/targets?district=灵宝市"), "", 200, "/targets?district=灵宝市", "上次登录"},
		{"no open redirect", form("viewer1", goodPassword, "//evil.example/x"), "", 200, "/", "自上次登录以来失败尝试：0 次"},
		{"absolute next refused", form("viewer1", goodPassword, "https://evil.example/"), "", 200, "/", ""},
		{"wrong password shows page", form("viewer1", "Wrong-password-1", "/"), "", 401, "", "用户名或密码错误"},
		{"cross-site form refused", form("viewer1", goodPassword, "/"), "https://evil.example", 403, "", "来源"},
		{"missing password", form("viewer1", "", "/"), "", 400, "", "格式错误"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := map[string]string{"Content-Type": "application/x-www-form-urlencoded"}
			if tt.origin != "" {
				h["Origin"] = tt.origin
			}
			resp, body := e.do(t, nil, req{method: "POST", path: "/api/v1/login", body: tt.body, header: h})
			assert.Equal(t, tt.wantStatus, resp.StatusCode, body)
			if tt.wantLocation != "" {
				m := regexp.MustCompile(`id="continue" href="([^"]*)"`).FindStringSubmatch(body)
				require.Len(t, m, 2, body)
				loc, err := url.QueryUnescape(html.UnescapeString(m[1]))
				require.NoError(t, err)
				assert.Equal(t, tt.wantLocation, loc)
			}
			assert.Contains(t, body, tt.wantBody)
		})
	}
}

func TestBrowserIsSentToLoginPage(t *testing.T) {
	e := newEnv(t, Options{})
	resp, _ := e.do(t, nil, req{method: "GET", path: "/api/v1/data?x=1", header: map[string]string{"Accept": "text/html"}})
	assert.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.Equal(t, "/login?next="+url.QueryEscape("/api/v1/data?x=1"), resp.Header.Get("Location"))

	resp, body := e.do(t, nil, req{method: "GET", path: "/login?next=/big"})
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Contains(t, body, "运维指挥中心")
	assert.Contains(t, body, `name="next" value="/big"`)
	assert.NotContains(t, body, "http://", "no external assets")
	assert.NotContains(t, body, "https://", "no external assets")
}

func TestAPIClientWithoutCredentials(t *testing.T) {
	e := newEnv(t, Options{})
	resp, body := e.do(t, nil, req{method: "GET", path: "/api/v1/data"})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, `Basic realm="SwanWatch", charset="UTF-8"`, resp.Header.Get("WWW-Authenticate"))
	assert.JSONEq(t, `{"status":"error","errorType":"unauthorized","error":"需要登录"}`, body)
}

func TestRoleTooLow(t *testing.T) {
	e := newEnv(t, Options{})
	tests := []struct {
		user, method, path string
		want               int
	}{
		{"viewer1", "GET", "/api/v1/data", 200},
		{"viewer1", "POST", "/api/v1/act", 403},
		{"operator1", "POST", "/api/v1/act", 200},
		{"operator1", "GET", "/api/v1/admin", 403},
		{"operator1", "GET", "/api/v1/tokens", 403},
		{"operator1", "GET", "/api/v1/audit", 403},
		{"viewer1", "GET", "/api/v1/sec", 403},
		// An administrator's password alone (Basic) opens nothing.
		{"sysadmin1", "GET", "/api/v1/admin", 403},
		{"auditor1", "GET", "/api/v1/audit", 403},
	}
	for _, tt := range tests {
		t.Run(tt.user+" "+tt.path, func(t *testing.T) {
			resp, body := e.do(t, nil, req{method: tt.method, path: tt.path, user: tt.user, pass: goodPassword})
			assert.Equal(t, tt.want, resp.StatusCode, body)
			if tt.want == 403 && strings.HasSuffix(tt.user, "admin1") || tt.user == "auditor1" {
				assert.Contains(t, body, "双因素")
			} else if tt.want == 403 {
				assert.Contains(t, body, "权限不足")
			}
		})
	}
}

func TestRoleCheckedAtEveryRequest(t *testing.T) {
	e := newEnv(t, Options{})
	c := e.browser(t)
	resp, _ := e.loginJSON(t, c, "operator1", goodPassword)
	require.Equal(t, 200, resp.StatusCode)
	require.NoError(t, e.svc.DisableUser(context.Background(), "operator1"))
	resp, _ = e.do(t, c, req{method: "GET", path: "/api/v1/data"})
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "disabling ends the session")
	resp, _ = e.loginJSON(t, c, "operator1", goodPassword)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "disabled user cannot log in")
	users, err := e.svc.ListUsers(context.Background())
	require.NoError(t, err)
	require.Len(t, users, 5)
	assert.Equal(t, "operator1", users[1].Name, "by name")
	assert.True(t, users[1].Disabled)
}

func TestOversizedAndMalformedInput(t *testing.T) {
	e := newEnv(t, Options{})
	before := counter(`swanwatch_auth_bad_input_total{kind="authorization"}`)
	tests := []struct{ name, header, value string }{
		{"unknown scheme", "Authorization", "Digest abc"},
		{"basic not base64", "Authorization", "Basic !!!"},
		{"basic without colon", "Authorization", "Basic dXNlcg=="},
		{"bearer without prefix", "Authorization", "Bearer abc"},
		{"huge header", "Authorization", "Basic " + strings.Repeat("A", 8000)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp, _ := e.do(t, nil, req{method: "GET", path: "/api/v1/data", header: map[string]string{tt.header: tt.value}})
			assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		})
	}
	assert.Equal(t, before+uint64(len(tests)), counter(`swanwatch_auth_bad_input_total{kind="authorization"}`))
	resp, _ := e.do(t, nil, req{method: "POST", path: "/api/v1/login", body: strings.Repeat("{", 70<<10),
		header: map[string]string{"Content-Type": "application/json"}})
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
}
