package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"time"
)

type loginRequest struct {
	User     string `json:"user"`
	Password string `json:"password"`
	Next     string `json:"-"`
}

type loginResponse struct {
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	Expires   time.Time `json:"expires"`
	CSRFToken string    `json:"csrf_token"`
}

// ServeLogin accepts JSON (API clients, scripts) or a form (the login page,
// which then gets a redirect or the page again with the error).
func (s *Service) ServeLogin(w http.ResponseWriter, r *http.Request) {
	isForm := !isJSON(r)
	// Login CSRF: a cross-site form must not log a browser into another account.
	if !sameOrigin(r) {
		rejectCounter(ViaPassword, "origin").Inc()
		writeError(w, http.StatusForbidden, "forbidden", "请求来源与本站不一致")
		return
	}
	req, err := readLogin(w, r, isForm)
	if err != nil {
		badInputCounter("login_body").Inc()
		writeError(w, http.StatusBadRequest, "bad_data", "登录请求格式错误")
		return
	}
	u, id, expires, err := s.login(r.Context(), req.User, req.Password, r.RemoteAddr)
	if err != nil {
		s.loginFailed(w, isForm, req, err)
		return
	}
	p := Principal{User: u.name, Role: u.role, Via: ViaPassword, csrf: csrfToken(id)}
	track(r.Context(), p) // lets the audit middleware name who logged in
	s.setCookies(w, r, id, p.csrf, expires.Sub(s.now()))
	if isForm {
		http.Redirect(w, r, safeNext(req.Next), http.StatusSeeOther)
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{p.User, p.Role, expires, p.csrf})
}

func (s *Service) loginFailed(w http.ResponseWriter, isForm bool, req loginRequest, err error) {
	var locked *LockedError
	status, msg := http.StatusUnauthorized, "用户名或密码错误"
	switch {
	case errors.As(err, &locked):
		status = http.StatusTooManyRequests
		msg = "登录失败次数过多，账户已锁定，请于 " + locked.Until.In(shanghai).Format("2006-01-02 15:04:05") + " 后重试"
	case !errors.Is(err, ErrBadCredentials):
		s.log.Error("login", "err", err)
		status, msg = http.StatusInternalServerError, "认证服务暂时不可用"
	}
	if isForm {
		s.renderLogin(w, status, loginView{Error: msg, User: req.User, Next: safeNext(req.Next)})
		return
	}
	if locked != nil {
		writeLocked(w, locked, s.now())
		return
	}
	writeError(w, status, "unauthorized", msg)
}

// login is Login that also returns the user row for the handler.
func (s *Service) login(ctx context.Context, name, password, remoteAddr string) (userRow, string, time.Time, error) {
	remote := hostOnly(remoteAddr)
	u, err := s.checkPassword(ctx, name, password, remote, ViaPassword)
	if err != nil {
		return u, "", time.Time{}, err
	}
	id := newSecret()
	now := s.now()
	expires := now.Add(s.opts.SessionTTL)
	if err := s.insertSession(ctx, id, u.id, now, expires, remote); err != nil {
		return u, "", time.Time{}, fmt.Errorf("login %s: %w", name, err)
	}
	return u, id, expires, nil
}

func isJSON(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "application/json"
}

func readLogin(w http.ResponseWriter, r *http.Request, isForm bool) (loginRequest, error) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	var req loginRequest
	if isForm {
		if err := r.ParseForm(); err != nil {
			return req, err
		}
		req = loginRequest{User: r.PostForm.Get("user"), Password: r.PostForm.Get("password"),
			Next: r.PostForm.Get("next")}
	} else if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return req, err
	}
	if req.User == "" || req.Password == "" || len(req.Password) > maxPasswordBytes {
		return req, errors.New("user and password required")
	}
	return req, nil
}

// sameOrigin accepts requests without Origin (curl, old browsers) and those
// whose Origin names this host.
func sameOrigin(r *http.Request) bool {
	o := r.Header.Get("Origin")
	if o == "" {
		return true
	}
	u, err := url.Parse(o)
	return err == nil && u.Host == r.Host
}

// setCookies sets (maxAge > 0) or clears the session and CSRF cookies. Secure
// when the request came over TLS or the operator says TLS ends at a proxy.
func (s *Service) setCookies(w http.ResponseWriter, r *http.Request, id, csrf string, maxAge time.Duration) {
	secure := r.TLS != nil || s.opts.SecureCookies
	age := int(maxAge.Seconds())
	if maxAge < 0 {
		age = -1
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: id, Path: "/", MaxAge: age,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteLaxMode})
	http.SetCookie(w, &http.Cookie{Name: CSRFCookie, Value: csrf, Path: "/", MaxAge: age,
		Secure: secure, SameSite: http.SameSiteStrictMode})
}
