package statestore

// authMigrations are the steps of the administrators' separation, password history and TOTP (internal/auth), from version 14.
var authMigrations = []migration{
	{14, "separated administrators, password policy and TOTP", `
-- MLPS level 3 (等保三级 三员分立): the single admin becomes the system
-- administrator; the security administrator and the auditor are new roles,
-- given by hand (swanwatch user add, or a secadmin's role change).
UPDATE users SET role = 'sysadmin' WHERE role = 'admin';
-- Password expiry counts from password_changed_at; the rows already there
-- count from their last update, so nobody is locked out on upgrade day.
ALTER TABLE users ADD COLUMN password_changed_at INTEGER NOT NULL DEFAULT 0;
UPDATE users SET password_changed_at = updated_at;
ALTER TABLE users ADD COLUMN must_change_password INTEGER NOT NULL DEFAULT 0; -- 1: after a reset by an administrator
-- The TOTP secret as internal/auth seals it: "plain:<base32>" today, a
-- scheme prefix so an SM4-wrapped form can replace it without a migration.
ALTER TABLE users ADD COLUMN totp_secret TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN totp_enrolled INTEGER NOT NULL DEFAULT 0;  -- 1: a code was verified
ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0; -- the last accepted 30 s step: no replay
-- Shown at login: the latest login (last_*), and at the next one it becomes
-- the previous (prev_*) with the failed attempts made in between.
ALTER TABLE users ADD COLUMN last_login_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN last_login_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN failed_since_login INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN prev_login_at INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users ADD COLUMN prev_login_addr TEXT NOT NULL DEFAULT '';
ALTER TABLE users ADD COLUMN prev_failed INTEGER NOT NULL DEFAULT 0;
-- A login half done (password right, the second factor or a new password
-- still to come) is a session with a stage, refused by every route.
ALTER TABLE sessions ADD COLUMN stage TEXT NOT NULL DEFAULT '';
CREATE TABLE password_history (
	user_id       INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	password_hash TEXT    NOT NULL,
	retired_at    INTEGER NOT NULL
);
CREATE INDEX password_history_user ON password_history (user_id, retired_at);
-- The security administrator's password and lockout policy, one JSON row.
CREATE TABLE auth_policy (
	id         INTEGER PRIMARY KEY CHECK (id = 1),
	policy     TEXT    NOT NULL,
	updated_at INTEGER NOT NULL,
	updated_by TEXT    NOT NULL
);
`},
}
