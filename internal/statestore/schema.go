package statestore

// migrations is the schema's history, oldest first. Times are INTEGER unix
// milliseconds except audit_log.ts (unix nanoseconds, part of the hash chain).
var migrations = []migration{
	{1, "users and sessions", `
CREATE TABLE users (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE,
	role          TEXT    NOT NULL CHECK (role IN ('viewer', 'operator', 'admin')),
	password_hash TEXT    NOT NULL,           -- argon2id, PHC string format
	disabled      INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0, -- consecutive, reset on success
	locked_until  INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
CREATE TABLE sessions (
	id_hash     TEXT    PRIMARY KEY,           -- SHA-256 of the cookie value
	user_id     INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	created_at  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,              -- absolute end of the session
	remote_addr TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
`},
	{2, "api tokens", `
CREATE TABLE api_tokens (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
	name       TEXT    NOT NULL,
	hash       TEXT    NOT NULL UNIQUE,       -- SHA-256 of the secret
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL DEFAULT 0,    -- 0: never
	revoked_at INTEGER NOT NULL DEFAULT 0,    -- 0: active
	last_used  INTEGER NOT NULL DEFAULT 0
);
-- A name is unique among a user's active tokens; revoked ones keep theirs.
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (user_id, name) WHERE revoked_at = 0;
`},
	{3, "audit log", `
CREATE TABLE audit_log (
	id          INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so the chain order is stable
	ts          INTEGER NOT NULL,
	username    TEXT    NOT NULL,
	role        TEXT    NOT NULL,
	action      TEXT    NOT NULL,
	object      TEXT    NOT NULL,
	remote_addr TEXT    NOT NULL,
	result      TEXT    NOT NULL,
	detail      TEXT    NOT NULL,
	prev_hash   TEXT    NOT NULL,                  -- hash of the row before
	hash        TEXT    NOT NULL                   -- SHA-256 over prev_hash and this row
);
CREATE INDEX audit_log_ts ON audit_log (ts);
CREATE INDEX audit_log_user_ts ON audit_log (username, ts);
-- Append-only: the chain makes tampering detectable, these make it deliberate.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
-- Retention: MLPS level 3 keeps the audit trail at least 180 days.
CREATE TRIGGER audit_log_retention BEFORE DELETE ON audit_log
WHEN old.ts > (unixepoch() - 180 * 86400) * 1000000000
BEGIN SELECT RAISE(ABORT, 'audit_log rows younger than 180 days cannot be deleted'); END;
`},
}
