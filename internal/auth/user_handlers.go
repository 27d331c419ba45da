package auth

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strconv"
)

// The separation of duties (三员分立) over accounts:
//   - the system administrator (sysadmin) manages the existence of ordinary
//     accounts — supervisor, viewer, operator: create, disable, delete, reset
//     the password — and never an administrator's, nor anyone's role after
//     creation;
//   - the security administrator (secadmin) assigns roles, any of the six, to
//     anyone but itself, and resets another user's TOTP;
//   - administrators' accounts are created and removed at the console
//     (`swanwatch user add`, host access), or made by the secadmin raising an
//     ordinary account the sysadmin created: neither alone makes an
//     administrator;
//   - nobody changes their own role or TOTP.
//
// The route classes enforce who calls; these functions enforce on whom.

// ordinary reports whether a sysadmin may manage an account of role r.
func ordinary(r Role) bool { return r.Valid() && !r.Administrator() }

// actor is the principal of ctx; the console when there is none.
func actor(ctx context.Context) (Principal, bool) { return PrincipalFrom(ctx) }

// manageable loads name and refuses it when the caller (a sysadmin through
// the API) may not manage it: an administrator, or itself.
func (s *Service) manageable(ctx context.Context, name string) error {
	u, err := s.loadUser(ctx, name)
	if err != nil {
		return err
	}
	if p, ok := actor(ctx); ok {
		if p.User == name {
			return ErrSelf
		}
		if !ordinary(u.role) {
			return ErrForbiddenRole
		}
	}
	return nil
}

// SetRole gives name a role (secadmin). Never one's own: a security
// administrator cannot make itself a system administrator, nor anyone keep
// a role they granted themselves. The user's sessions end; one raised to an
// administrator must choose a new password (and enrol TOTP) at next login.
func (s *Service) SetRole(ctx context.Context, name string, role Role) error {
	if !role.Valid() {
		return fmt.Errorf("set role of %s: %w", name, ErrForbiddenRole)
	}
	if p, ok := actor(ctx); ok && p.User == name {
		return ErrSelf
	}
	if name == ScreenAccount {
		return fmt.Errorf("set role of %s: %w", name, ErrForbiddenRole)
	}
	// Raised to an administrator, the user chooses a new password at the next
	// login, held to the administrators' stricter classes (and enrols TOTP).
	err := s.updateUser(ctx, name, `UPDATE users SET role = ?, updated_at = ?,
		must_change_password = must_change_password OR ? WHERE name = ?`,
		string(role), s.now().UnixMilli(), role.Administrator(), name)
	if err != nil {
		return fmt.Errorf("set role of %s: %w", name, err)
	}
	s.event(ctx, "user.role", name, "success", "role="+string(role))
	return nil
}

// DeleteUser removes an account, its sessions and tokens (the audit trail
// keeps its name).
func (s *Service) DeleteUser(ctx context.Context, name string) error {
	res, err := s.db.ExecContext(ctx, "DELETE FROM users WHERE name = ?", name)
	if err != nil {
		return fmt.Errorf("delete user %s: %w", name, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return fmt.Errorf("delete user %s: %w", name, errors.Join(ErrNoUser, err))
	}
	s.basic.clear()
	s.event(ctx, "user.delete", name, "success", "")
	return nil
}

type addUserRequest struct {
	Name     string `json:"name"`
	Role     Role   `json:"role"`
	Password string `json:"password"`
}

// ServeAddUser answers POST /api/v1/users (sysadmin): an ordinary account,
// which must change its password at the first login.
func (s *Service) ServeAddUser(w http.ResponseWriter, r *http.Request) {
	var req addUserRequest
	if !readJSON(w, r, &req) {
		return
	}
	if !ordinary(req.Role) {
		s.userError(w, ErrForbiddenRole)
		return
	}
	if err := s.addUser(r.Context(), req.Name, req.Role, req.Password, true); err != nil {
		s.userError(w, err)
		return
	}
	writeJSON(w, http.StatusCreated, map[string]string{"name": req.Name, "role": string(req.Role)})
}

// ServeListUsers answers GET /api/v1/users (sysadmin).
func (s *Service) ServeListUsers(w http.ResponseWriter, r *http.Request) {
	users, err := s.ListUsers(r.Context())
	if err != nil {
		s.userError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"users": users})
}

// ServeResetPassword answers POST /api/v1/users/{name}/password (sysadmin).
func (s *Service) ServeResetPassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Password string `json:"password"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	name := r.PathValue("name")
	err := s.manageable(r.Context(), name)
	if err == nil {
		err = s.ResetPassword(r.Context(), name, req.Password)
	}
	s.userDone(w, err)
}

// ServeDisableUser answers POST /api/v1/users/{name}/disable (sysadmin).
func (s *Service) ServeDisableUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := s.manageable(r.Context(), name)
	if err == nil {
		err = s.DisableUser(r.Context(), name)
	}
	s.userDone(w, err)
}

// ServeDeleteUser answers DELETE /api/v1/users/{name} (sysadmin).
func (s *Service) ServeDeleteUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	err := s.manageable(r.Context(), name)
	if err == nil {
		err = s.DeleteUser(r.Context(), name)
	}
	s.userDone(w, err)
}

// ServeSetRole answers PUT /api/v1/users/{name}/role (secadmin).
func (s *Service) ServeSetRole(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Role Role `json:"role"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	s.userDone(w, s.SetRole(r.Context(), r.PathValue("name"), req.Role))
}

// ServeResetTOTP answers DELETE /api/v1/users/{name}/totp (secadmin).
func (s *Service) ServeResetTOTP(w http.ResponseWriter, r *http.Request) {
	s.userDone(w, s.ResetTOTP(r.Context(), r.PathValue("name")))
}

// ServeChangePassword answers POST /api/v1/password (anyone): the old password
// and the new one. The caller's sessions end: it logs in again.
func (s *Service) ServeChangePassword(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Old string `json:"old"`
		New string `json:"new"`
	}
	if !readJSON(w, r, &req) {
		return
	}
	p, _ := PrincipalFrom(r.Context())
	if p.Via == ViaScreen || p.Via == ViaToken {
		writeError(w, http.StatusForbidden, "forbidden", "请登录后修改自己的密码")
		return
	}
	err := s.ChangePassword(r.Context(), p.User, req.Old, req.New)
	if errors.Is(err, ErrBadCredentials) {
		writeError(w, http.StatusForbidden, "forbidden", "原密码错误")
		return
	}
	s.userDone(w, err)
}

// AuditedRead wraps the audit trail's query handler: each read by the
// auditor is itself recorded (audit.read, with the filter asked for and the
// status), through the Auditor the Service reports to.
func (s *Service) AuditedRead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		rec := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		next.ServeHTTP(rec, r)
		q := r.URL.Query()
		detail := fmt.Sprintf("from=%q to=%q user=%q limit=%q", q.Get("from"), q.Get("to"), q.Get("user"), q.Get("limit"))
		p, _ := PrincipalFrom(r.Context())
		s.opts.Audit.AuthEvent(context.WithoutCancel(r.Context()), Event{Time: s.now(), User: p.User, Role: p.Role,
			Action: "audit.read", Object: r.URL.Path, RemoteAddr: hostOnly(r.RemoteAddr),
			Result: strconv.Itoa(rec.status), Detail: detail})
	})
}

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	w.written = true
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// readJSON decodes a bounded JSON body, answering 400 itself when it fails.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	if err := json.NewDecoder(r.Body).Decode(v); err != nil {
		badInputCounter("user_body").Inc()
		writeError(w, http.StatusBadRequest, "bad_data", "请求格式错误：需要JSON")
		return false
	}
	return true
}

func (s *Service) userDone(w http.ResponseWriter, err error) {
	if err != nil {
		s.userError(w, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// userError maps the account errors to statuses and Chinese messages.
func (s *Service) userError(w http.ResponseWriter, err error) {
	var pe *PolicyError
	switch {
	case errors.As(err, &pe):
		writeError(w, http.StatusBadRequest, "bad_data", pe.Message)
	case errors.Is(err, ErrSelf):
		writeError(w, http.StatusForbidden, "forbidden", "不能修改自己的角色、动态口令或账户状态")
	case errors.Is(err, ErrForbiddenRole):
		writeError(w, http.StatusForbidden, "forbidden",
			"系统管理员只能管理监管用户、只读用户和运维人员；管理员账户由安全管理员授权或在服务器控制台创建")
	case errors.Is(err, ErrNoUser):
		writeError(w, http.StatusNotFound, "not_found", "用户不存在")
	case errors.Is(err, ErrUserExists):
		writeError(w, http.StatusConflict, "conflict", "用户已存在")
	default:
		s.log.Error("user api", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "用户操作失败")
	}
}
