package auth

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A login is a few steps: the password, then for the three administrators
// the TOTP code (enrolling a key first if they have none), then a new password
// when the old one expired or an administrator reset it. Between steps the
// browser holds the swanwatch_login cookie, the ID of a session whose stage
// names the step to come; such a session opens no route, lasts
// pendingTTL, and is replaced by a whole session when the last step is done.
const (
	stageDone     = ""
	stageEnrol    = "enrol"    // no TOTP key yet: scan the QR code, then type a code
	stageTOTP     = "totp"     // type the code
	stagePassword = "password" // choose a new password
	pendingTTL    = 5 * time.Minute
	// PendingCookie carries a half-done login between its steps.
	PendingCookie = "swanwatch_login"
)

// StepError says a login needs another step (Login, which cannot take one).
type StepError struct{ Stage string }

func (e *StepError) Error() string { return "login needs another step: " + e.Stage }

// stepResult is where a login stands after a request.
type stepResult struct {
	u       userRow
	stage   string // the step to come, stageDone when logged in
	id      string // the pending or whole session's ID
	expires time.Time
	enrol   enrolment // for stageEnrol
	last    LastLogin // for stageDone: the login before this one
	stepErr error     // a wrong code or refused new password: the step is shown again
}

// LastLogin is what a user is shown at login: the previous login and the
// failed attempts since it (MLPS: 登录成功后提示上次登录信息).
type LastLogin struct {
	Time   time.Time `json:"time,omitzero"`
	Addr   string    `json:"addr,omitempty"`
	Failed int       `json:"failed_attempts"`
}

// loginSteps runs as many steps as req carries: the password (when pending is
// empty), then the TOTP code, then a new password. It stops at the first step
// req lacks, storing a pending session for it.
func (s *Service) loginSteps(ctx context.Context, req loginRequest, pending, remoteAddr string) (stepResult, error) {
	remote := hostOnly(remoteAddr)
	var res stepResult
	var err error
	if pending == "" {
		res.u, err = s.checkPassword(ctx, req.User, req.Password, remote, ViaPassword)
		if err != nil {
			return res, err
		}
		res.stage = s.firstStage(ctx, res.u)
	} else if res.u, res.stage, err = s.pendingLogin(ctx, pending); err != nil {
		return res, err
	}
	if res.stage, err = s.runSteps(ctx, &res, req, remote); err != nil {
		return res, err
	}
	if pending != "" {
		_ = s.Logout(ctx, pending)
	}
	return res, s.openSession(ctx, &res, remote)
}

// firstStage is the step after a right password.
func (s *Service) firstStage(ctx context.Context, u userRow) string {
	switch {
	case u.role.Administrator() && !u.totpOK:
		return stageEnrol
	case u.role.Administrator():
		return stageTOTP
	}
	return s.passwordStage(ctx, u)
}

// passwordStage is stagePassword when u must choose a new password.
func (s *Service) passwordStage(ctx context.Context, u userRow) string {
	pol, err := s.Policy(ctx)
	if u.mustChange || err != nil || pol.expired(u.changedAt, s.now()) {
		return stagePassword
	}
	return stageDone
}

// runSteps advances through the steps req has input for. A wrong code or a
// refused new password is not an error of the request: it stays at its step
// with stepErr set (a wrong code also counts toward the lockout).
func (s *Service) runSteps(ctx context.Context, res *stepResult, req loginRequest, remote string) (string, error) {
	stage := res.stage
	for stage != stageDone {
		switch stage {
		case stageEnrol, stageTOTP:
			if req.TOTP == "" {
				return stage, nil
			}
			if err := s.totpStep(ctx, res.u, req.TOTP, remote); err != nil {
				if !errors.Is(err, ErrBadCredentials) && !errors.Is(err, ErrTOTPReused) {
					return stage, err
				}
				res.stepErr = err
				return stage, nil
			}
			stage = s.passwordStage(ctx, res.u)
		case stagePassword:
			if req.NewPassword == "" {
				return stage, nil
			}
			if err := s.setPassword(ctx, res.u.name, req.NewPassword, false, "user.password_change"); err != nil {
				var pe *PolicyError
				if !errors.As(err, &pe) {
					return stage, err
				}
				res.stepErr = err
				return stage, nil
			}
			stage = stageDone
		default:
			return stage, fmt.Errorf("unknown login stage %q", stage)
		}
	}
	return stage, nil
}

// totpStep checks a code: locked users are refused before, wrong and replayed
// codes count as failed logins.
func (s *Service) totpStep(ctx context.Context, u userRow, code, remote string) error {
	fresh, err := s.loadUser(ctx, u.name) // the lock or the key may have changed since the password
	if err != nil {
		return err
	}
	if until := time.UnixMilli(fresh.lockedUntil); until.After(s.now()) {
		return &LockedError{Until: until}
	}
	err = s.checkTOTP(ctx, fresh, code)
	switch {
	case errors.Is(err, ErrTOTPWrong):
		return s.countFailure(ctx, fresh, remote, ViaPassword, "bad_totp")
	case errors.Is(err, ErrTOTPReused):
		if cerr := s.countFailure(ctx, fresh, remote, ViaPassword, "reused_totp"); !errors.Is(cerr, ErrBadCredentials) {
			return cerr
		}
		return err
	}
	return err
}

// openSession stores the pending session of the step to come, or the whole
// session and the last-login bookkeeping when the login is done.
func (s *Service) openSession(ctx context.Context, res *stepResult, remote string) error {
	res.id = newSecret()
	now := s.now()
	if res.stage != stageDone {
		res.expires = now.Add(pendingTTL)
		if res.stage == stageEnrol {
			u, err := s.loadUser(ctx, res.u.name)
			if err != nil {
				return err
			}
			if res.enrol, err = s.enrol(ctx, u); err != nil {
				return err
			}
		}
		return s.insertSession(ctx, res.id, res.u.id, now, res.expires, remote, res.stage)
	}
	res.expires = now.Add(s.opts.SessionTTL)
	if err := s.insertSession(ctx, res.id, res.u.id, now, res.expires, remote, stageDone); err != nil {
		return fmt.Errorf("login %s: %w", res.u.name, err)
	}
	last, err := s.recordLogin(ctx, res.u.id, remote)
	if err != nil {
		return err
	}
	res.last = last
	loginCounter(ViaPassword, "success").Inc()
	s.loginEvent(ctx, res.u, remote, "success", "")
	return nil
}

// recordLogin makes this login the latest and returns the one before it with
// the failures since, in one statement.
func (s *Service) recordLogin(ctx context.Context, uid int64, remote string) (LastLogin, error) {
	var at int64
	var l LastLogin
	err := s.db.QueryRowContext(ctx, `UPDATE users SET prev_login_at = last_login_at,
		prev_login_addr = last_login_addr, prev_failed = failed_since_login, last_login_at = ?,
		last_login_addr = ?, failed_since_login = 0, failed_logins = 0 WHERE id = ?
		RETURNING prev_login_at, prev_login_addr, prev_failed`, s.now().UnixMilli(), remote, uid).
		Scan(&at, &l.Addr, &l.Failed)
	if err != nil {
		return l, fmt.Errorf("record login: %w", err)
	}
	l.Time = unixMilliOrZero(at).In(shanghai)
	return l, nil
}

// lastLogin reads what recordLogin returned, for whoami.
func (s *Service) lastLogin(ctx context.Context, name string) (LastLogin, error) {
	var at int64
	var l LastLogin
	err := s.db.QueryRowContext(ctx, `SELECT prev_login_at, prev_login_addr, prev_failed FROM users
		WHERE name = ?`, name).Scan(&at, &l.Addr, &l.Failed)
	if err != nil {
		return l, fmt.Errorf("last login of %s: %w", name, err)
	}
	l.Time = unixMilliOrZero(at).In(shanghai)
	return l, nil
}

// pendingLogin finds the user and step of a half-done login.
func (s *Service) pendingLogin(ctx context.Context, id string) (userRow, string, error) {
	if checkSecret(id) != nil {
		badInputCounter("cookie").Inc()
		return userRow{}, "", ErrSessionEnded
	}
	var name, stage string
	var expires int64
	err := s.db.QueryRowContext(ctx, `SELECT u.name, s.stage, s.expires_at FROM sessions s
		JOIN users u ON u.id = s.user_id WHERE s.id_hash = ? AND s.stage != ''`, hashSecret(id)).
		Scan(&name, &stage, &expires)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && s.now().UnixMilli() >= expires) {
		return userRow{}, "", ErrSessionEnded
	}
	if err != nil {
		return userRow{}, "", fmt.Errorf("load pending login: %w", err)
	}
	u, err := s.loadUser(ctx, name)
	if err != nil {
		return u, "", err
	}
	if u.disabled {
		return u, "", ErrSessionEnded
	}
	return u, stage, nil
}
