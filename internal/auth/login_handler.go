package auth

import (
	"encoding/json"
	"errors"
	"mime"
	"net/http"
	"net/url"
	"time"
)

type loginRequest struct {
	User        string `json:"user"`
	Password    string `json:"password"`
	TOTP        string `json:"totp"`         // the 6-digit code, for administrators
	NewPassword string `json:"new_password"` // when the password expired or was reset
	Next        string `json:"-"`
}

type loginResponse struct {
	User      string    `json:"user"`
	Role      Role      `json:"role"`
	Expires   time.Time `json:"expires"`
	CSRFToken string    `json:"csrf_token"`
	LastLogin LastLogin `json:"last_login"`
}

// stepResponse answers a JSON login that needs another step: 401 with the
// step in errorType (totp_enrol, totp_required, password_change) and, for an
// enrolment, the key. The client repeats POST /api/v1/login with the
// swanwatch_login cookie and {"totp": "123456"} or {"new_password": "..."}.
type stepResponse struct {
	errorBody
	OTPAuthURI string `json:"otpauth_uri,omitempty"`
	Secret     string `json:"secret,omitempty"`
}

// ServeLogin accepts JSON (API clients, scripts) or a form (the login page,
// which then gets the next step's page, a redirect, or the page again with
// the error). A request with the swanwatch_login cookie and no password
// continues a login at its next step.
func (s *Service) ServeLogin(w http.ResponseWriter, r *http.Request) {
	isForm := !isJSON(r)
	// Login CSRF: a cross-site form must not log a browser into another account.
	if !sameOrigin(r) {
		rejectCounter(ViaPassword, "origin").Inc()
		writeError(w, http.StatusForbidden, "forbidden", "请求来源与本站不一致")
		return
	}
	req, err := readLogin(w, r, isForm)
	pending := ""
	if ck, cerr := r.Cookie(PendingCookie); cerr == nil && req.Password == "" {
		pending = ck.Value
	}
	if err != nil || (pending == "" && (req.User == "" || req.Password == "")) {
		badInputCounter("login_body").Inc()
		writeError(w, http.StatusBadRequest, "bad_data", "登录请求格式错误")
		return
	}
	res, err := s.loginSteps(r.Context(), req, pending, r.RemoteAddr)
	if err != nil {
		s.loginFailed(w, r, isForm, req, err)
		return
	}
	if res.stage != stageDone {
		s.nextStep(w, r, isForm, req, res)
		return
	}
	http.SetCookie(w, s.pendingCookie(r, "", -1))
	p := Principal{User: res.u.name, Role: res.u.role, Via: ViaPassword, csrf: csrfToken(res.id)}
	track(r.Context(), p) // lets the audit middleware name who logged in
	s.setCookies(w, r, res.id, p.csrf, res.expires.Sub(s.now()))
	if isForm {
		s.renderLogin(w, http.StatusOK, loginView{Stage: "welcome", User: p.User, Role: p.Role.Label(),
			Next: home(p.Role, safeNext(req.Next)), Last: res.last})
		return
	}
	writeJSON(w, http.StatusOK, loginResponse{p.User, p.Role, res.expires, p.csrf, res.last})
}

// nextStep asks for the step to come: the page of that step, or a 401 whose
// errorType names it.
func (s *Service) nextStep(w http.ResponseWriter, r *http.Request, isForm bool, req loginRequest, res stepResult) {
	http.SetCookie(w, s.pendingCookie(r, res.id, pendingTTL))
	msg := stepMessage(res.stepErr)
	if isForm {
		s.renderLogin(w, http.StatusOK, loginView{Stage: res.stage, User: res.u.name, Next: safeNext(req.Next),
			Error: msg, Enrol: res.enrol})
		return
	}
	step := stepTexts[res.stage]
	typ, text := step[0], step[1]
	if msg != "" {
		text = msg
	}
	writeJSON(w, http.StatusUnauthorized, stepResponse{errorBody: errorBody{Status: "error", ErrorType: typ,
		Error: text}, OTPAuthURI: res.enrol.URI, Secret: res.enrol.Secret})
}

// stepTexts are each step's errorType and Chinese prompt in the JSON API.
var stepTexts = map[string][2]string{
	stageEnrol:    {"totp_enrol", "请用动态口令应用扫描二维码（或输入密钥），然后提交6位动态口令"},
	stageTOTP:     {"totp_required", "请输入动态口令应用中的6位动态口令"},
	stagePassword: {"password_change", "密码已过期或已被重置，请设置新密码"},
}

// stepMessage is the Chinese text of a step's refusal.
func stepMessage(err error) string {
	var pe *PolicyError
	switch {
	case err == nil:
		return ""
	case errors.Is(err, ErrTOTPReused):
		return "该动态口令已使用过，请等待下一个动态口令"
	case errors.As(err, &pe):
		return "新密码不符合要求：" + pe.Message
	}
	return "动态口令错误"
}

// pendingCookie carries a login between its steps; maxAge < 0 clears it.
func (s *Service) pendingCookie(r *http.Request, id string, maxAge time.Duration) *http.Cookie {
	age := int(maxAge.Seconds())
	if maxAge < 0 {
		age = -1
	}
	return &http.Cookie{Name: PendingCookie, Value: id, Path: "/", MaxAge: age, HttpOnly: true,
		Secure: r.TLS != nil || s.opts.SecureCookies, SameSite: http.SameSiteStrictMode}
}

func (s *Service) loginFailed(w http.ResponseWriter, r *http.Request, isForm bool, req loginRequest, err error) {
	var locked *LockedError
	status, msg := http.StatusUnauthorized, "用户名或密码错误"
	switch {
	case errors.As(err, &locked):
		status = http.StatusTooManyRequests
		msg = "登录失败次数过多，账户已锁定，请于 " + locked.Until.In(shanghai).Format("2006-01-02 15:04:05") + " 后重试"
	case errors.Is(err, ErrSessionEnded):
		msg = "登录已超时，请重新输入用户名和密码"
	case !errors.Is(err, ErrBadCredentials):
		s.log.Error("login", "err", err)
		status, msg = http.StatusInternalServerError, "认证服务暂时不可用"
	}
	http.SetCookie(w, s.pendingCookie(r, "", -1))
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
		f := r.PostForm.Get
		req = loginRequest{User: f("user"), Password: f("password"), TOTP: f("totp"),
			NewPassword: f("new_password"), Next: f("next")}
		if req.NewPassword != "" && req.NewPassword != f("new_password2") {
			req.NewPassword = "" // the page asks again; the two fields must agree
		}
	} else if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		return req, err
	}
	if len(req.Password) > maxPasswordBytes || len(req.NewPassword) > maxPasswordBytes || len(req.TOTP) > 16 {
		return req, errors.New("field too long")
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
