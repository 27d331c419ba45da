package restprofile

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// The other login shapes a profile may give: a token in a reply header
// (sent back in another header), and HTTP Basic on every request.
func TestHeaderTokenAndBasic(t *testing.T) {
	var logins int
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/session":
			if r.Header.Get("Content-Type") == "" {
				t.Error("login without a content type")
			}
			logins++
			w.Header().Set("X-Session", "tok")
		case r.Header.Get("X-Token") == "Bearer tok":
			fmt.Fprint(w, `[{"n":"h1","on":true}]`)
		default:
			if u, p, ok := r.BasicAuth(); ok && u == "ops" && p == "pw" {
				fmt.Fprint(w, `[{"n":"h1","on":false}]`)
				return
			}
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	defer srv.Close()
	const hosts = `
hosts:
  path: /hosts
  list: "@this"
  fields:
    name: n
    up: {path: on, map: {"true": 1, "false": 0}}
`
	header := "name: hdr\nlogin: {kind: json, path: /session, token_header: X-Session, send_header: X-Token, send_prefix: 'Bearer '}" + hosts
	basic := "name: bas\nlogin: {kind: basic}" + hosts
	for _, c := range []struct {
		yaml string
		up   float64
	}{{header, 1}, {basic, 0}} {
		p, err := ParseProfile(strings.NewReader(c.yaml), "t.yaml")
		if err != nil {
			t.Fatal(err)
		}
		d, err := Open(ctxT(t, 5*time.Second), p, login(srv.URL, "ops", "pw"))
		if err != nil {
			t.Fatal(err)
		}
		s, _ := collect(t, d)
		s.want(t, "hypervisor_host_up{host=h1}", c.up)
		d.Close()
	}
	p, _ := ParseProfile(strings.NewReader(basic), "t.yaml")
	if _, err := Open(ctxT(t, 5*time.Second), p, login(srv.URL, "ops", "nope-密码")); !errors.Is(err, ErrAuth) ||
		strings.Contains(err.Error(), "nope-密码") {
		t.Errorf("Basic with a wrong password: %v, want 认证失败 without the password", err)
	}
	if logins != 1 {
		t.Errorf("%d logins, want 1", logins)
	}
}

// A login reply that echoes the password as its "code" is not quoted.
func TestLoginErrorCodeNeverThePassword(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusForbidden)
		fmt.Fprint(w, `{"error":{"code":"pw-echo.1"}}`)
	}))
	defer srv.Close()
	p, err := ParseProfile(strings.NewReader("name: e\nlogin: {kind: json, path: /l, body: '{\"p\":{{password}}}', token_path: t, send_header: X}\nhosts: {path: /h, list: x, fields: {name: n}}\n"), "e.yaml")
	if err != nil {
		t.Fatal(err)
	}
	_, err = Open(ctxT(t, 5*time.Second), p, login(srv.URL, "u", "pw-echo.1"))
	if !errors.Is(err, ErrAuth) || strings.Contains(err.Error(), "pw-echo") {
		t.Fatalf("err = %v", err)
	}
}
