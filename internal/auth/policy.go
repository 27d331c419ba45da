package auth

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"
)

// Policy is the password, lockout and session policy the security
// administrator (安全管理员) edits (GET/PUT /api/v1/auth/policy). It is stored
// in the state database (auth_policy) and read at each check, so a change
// applies at once to every process sharing the file. Each field has a floor
// MLPS level 3 asks for: the security administrator may tighten, not loosen
// below it.
type Policy struct {
	MinLength        int `json:"min_length"`         // characters; floor 10
	AdminClasses     int `json:"admin_classes"`      // of lower, upper, digit, other, for administrators; floor 3
	UserClasses      int `json:"user_classes"`       // for everyone else; floor 2
	History          int `json:"history"`            // a new password may not be one of the last N; floor 5
	MaxAgeDays       int `json:"max_age_days"`       // then the password must be changed at login; 1..90
	LockoutThreshold int `json:"lockout_threshold"`  // consecutive failures that lock; 3..10
	LockoutMinutes   int `json:"lockout_minutes"`    // how long; 5..1440
	IdleMinutes      int `json:"idle_minutes"`       // a session unused this long ends; 5..30
	AdminIdleMinutes int `json:"admin_idle_minutes"` // the same for administrators; 5..15

	// opts: no policy is stored, the Service's Options give the lockout and
	// idle durations exactly (tests use seconds).
	opts *Options
}

// DefaultPolicy is the policy until a security administrator saves one.
var DefaultPolicy = Policy{MinLength: minPasswordLen, AdminClasses: 3, UserClasses: 2, History: 5,
	MaxAgeDays: 90, LockoutThreshold: 5, LockoutMinutes: 5, IdleMinutes: 30, AdminIdleMinutes: 15}

// bound is one field's allowed range, with its Chinese name for the message.
type bound struct {
	name     string
	v        int
	min, max int
}

// Validate checks every field against its MLPS floor and a sane ceiling.
func (p Policy) Validate() error {
	for _, b := range []bound{
		{"密码最小长度", p.MinLength, minPasswordLen, 64},
		{"管理员密码字符类别数", p.AdminClasses, 3, 4},
		{"普通用户密码字符类别数", p.UserClasses, 2, 4},
		{"密码历史（不得重复使用的次数）", p.History, 5, 24},
		{"密码有效期（天）", p.MaxAgeDays, 1, 90},
		{"登录失败锁定阈值（次）", p.LockoutThreshold, 3, 10},
		{"锁定时长（分钟）", p.LockoutMinutes, 5, 1440},
		{"会话空闲超时（分钟）", p.IdleMinutes, 5, 30},
		{"管理员会话空闲超时（分钟）", p.AdminIdleMinutes, 5, 15},
	} {
		if b.v < b.min || b.v > b.max {
			return &PolicyError{Reason: fmt.Sprintf("policy field out of range %d..%d", b.min, b.max),
				Message: fmt.Sprintf("%s应在 %d 到 %d 之间", b.name, b.min, b.max)}
		}
	}
	return nil
}

// classes is how many character classes a password of role needs.
func (p Policy) classes(role Role) int {
	if role.Administrator() {
		return p.AdminClasses
	}
	return p.UserClasses
}

// idle is the idle timeout of role's sessions.
func (p Policy) idle(role Role) time.Duration {
	user := time.Duration(p.IdleMinutes) * time.Minute
	admin := time.Duration(p.AdminIdleMinutes) * time.Minute
	if p.opts != nil {
		user, admin = p.opts.IdleTimeout, min(p.opts.IdleTimeout, admin)
	}
	if role.Administrator() {
		return admin
	}
	return user
}

// longestIdle is the longest idle timeout of any role, for sweeping sessions.
func (p Policy) longestIdle() time.Duration { return max(p.idle(RoleViewer), p.idle(RoleSysadmin)) }

// lockout is the failures that lock an account and for how long.
func (p Policy) lockout() (int, time.Duration) {
	if p.opts != nil {
		return p.opts.LockoutThreshold, p.opts.LockoutDuration
	}
	return p.LockoutThreshold, time.Duration(p.LockoutMinutes) * time.Minute
}

// expired reports whether a password changed at changedAt (unix ms) is past
// the policy's age at now.
func (p Policy) expired(changedAt int64, now time.Time) bool {
	return now.Sub(time.UnixMilli(changedAt)) >= time.Duration(p.MaxAgeDays)*24*time.Hour
}

// Policy returns the stored policy, or the default built from Options (the
// lockout and idle fields) when none was saved.
func (s *Service) Policy(ctx context.Context) (Policy, error) {
	var raw string
	err := s.db.QueryRowContext(ctx, "SELECT policy FROM auth_policy WHERE id = 1").Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return s.defaultPolicy(), nil
	}
	if err != nil {
		return Policy{}, fmt.Errorf("load password policy: %w", err)
	}
	p := s.defaultPolicy() // a field added later keeps its default
	p.opts = nil
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		return Policy{}, fmt.Errorf("load password policy: %w", err)
	}
	return p, nil
}

// defaultPolicy is DefaultPolicy with the lockout and idle timeout of the
// Options, so a service configured in code keeps what it asked for.
func (s *Service) defaultPolicy() Policy {
	p := DefaultPolicy
	p.opts = &s.opts
	p.LockoutThreshold = s.opts.LockoutThreshold
	p.LockoutMinutes = max(1, int(s.opts.LockoutDuration/time.Minute))
	p.IdleMinutes = max(1, int(s.opts.IdleTimeout/time.Minute))
	p.AdminIdleMinutes = min(p.AdminIdleMinutes, p.IdleMinutes)
	return p
}

// SetPolicy validates and stores p, audited as policy.set.
func (s *Service) SetPolicy(ctx context.Context, p Policy) error {
	if err := p.Validate(); err != nil {
		return err
	}
	raw, err := json.Marshal(p)
	if err != nil {
		return fmt.Errorf("save password policy: %w", err)
	}
	by := consoleActor
	if pr, ok := PrincipalFrom(ctx); ok {
		by = pr.User
	}
	_, err = s.db.ExecContext(ctx, `INSERT INTO auth_policy (id, policy, updated_at, updated_by) VALUES (1, ?, ?, ?)
		ON CONFLICT (id) DO UPDATE SET policy = excluded.policy, updated_at = excluded.updated_at,
		updated_by = excluded.updated_by`, string(raw), s.now().UnixMilli(), by)
	if err != nil {
		return fmt.Errorf("save password policy: %w", err)
	}
	s.event(ctx, "policy.set", "auth_policy", "success", string(raw))
	return nil
}

// ServePolicy answers GET /api/v1/auth/policy (secadmin).
func (s *Service) ServePolicy(w http.ResponseWriter, r *http.Request) {
	p, err := s.Policy(r.Context())
	if err != nil {
		s.log.Error("password policy", "err", err)
		writeError(w, http.StatusInternalServerError, "internal", "读取密码策略失败")
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// ServeSetPolicy answers PUT /api/v1/auth/policy (secadmin): the whole policy
// as JSON, each field within its range.
func (s *Service) ServeSetPolicy(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, maxBodyBytes)
	var p Policy
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&p); err != nil {
		badInputCounter("policy_body").Inc()
		writeError(w, http.StatusBadRequest, "bad_data", "请求格式错误：需要完整的密码策略JSON")
		return
	}
	if err := s.SetPolicy(r.Context(), p); err != nil {
		s.userError(w, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}
