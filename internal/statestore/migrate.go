package statestore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"
)

// migration is one schema step. Steps are append-only: a released step is never
// edited, a change is a new step.
type migration struct {
	version int
	name    string
	sql     string
}

// ErrSchemaTooNew is returned by Open when the file was written by a newer binary.
var ErrSchemaTooNew = errors.New("state database schema is newer than this binary")

const createMigrationsTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version    INTEGER PRIMARY KEY,
	name       TEXT    NOT NULL,
	applied_at INTEGER NOT NULL -- unix milliseconds
)`

// LatestVersion is the schema version this binary writes.
func LatestVersion() int { return migrations[len(migrations)-1].version }

// SchemaVersion returns the highest migration applied to the file.
func (db *DB) SchemaVersion(ctx context.Context) (int, error) {
	applied, err := appliedVersions(ctx, db.sql)
	if err != nil {
		return 0, err
	}
	v := 0
	for ver := range applied {
		v = max(v, ver)
	}
	return v, nil
}

// migrate applies every step of steps not yet recorded in schema_migrations, each
// in its own transaction together with its record.
func migrate(ctx context.Context, db *sql.DB, steps []migration, logger *slog.Logger) error {
	if _, err := db.ExecContext(ctx, createMigrationsTable); err != nil {
		return fmt.Errorf("create schema_migrations: %w", err)
	}
	applied, err := appliedVersions(ctx, db)
	if err != nil {
		return err
	}
	if err := checkApplied(applied, steps); err != nil {
		return err
	}
	for _, m := range steps {
		if _, ok := applied[m.version]; ok {
			continue
		}
		if err := applyOne(ctx, db, m); err != nil {
			return err
		}
		logger.Info("state database migrated", "version", m.version, "name", m.name)
	}
	return nil
}

// checkApplied refuses a file from a newer binary and one whose history differs
// from ours (a renamed step means someone edited a released migration).
func checkApplied(applied map[int]string, steps []migration) error {
	known := make(map[int]string, len(steps))
	latest := 0
	for _, m := range steps {
		known[m.version] = m.name
		latest = max(latest, m.version)
	}
	for v, name := range applied {
		if v > latest {
			return fmt.Errorf("%w: file has version %d, binary knows up to %d; upgrade swanwatch or restore a backup",
				ErrSchemaTooNew, v, latest)
		}
		if known[v] != name {
			return fmt.Errorf("schema version %d is %q in the file but %q in this binary", v, name, known[v])
		}
	}
	return nil
}

func appliedVersions(ctx context.Context, db *sql.DB) (map[int]string, error) {
	rows, err := db.QueryContext(ctx, "SELECT version, name FROM schema_migrations")
	if err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	defer rows.Close()
	applied := map[int]string{}
	for rows.Next() {
		var v int
		var name string
		if err := rows.Scan(&v, &name); err != nil {
			return nil, fmt.Errorf("read schema_migrations: %w", err)
		}
		applied[v] = name
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	return applied, nil
}

func applyOne(ctx context.Context, db *sql.DB, m migration) (err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("migrate to version %d (%s): %w", m.version, m.name, err)
	}
	defer func() {
		if err != nil {
			err = errors.Join(err, tx.Rollback())
		}
	}()
	if _, err = tx.ExecContext(ctx, m.sql); err != nil {
		return fmt.Errorf("migrate to version %d (%s): %w", m.version, m.name, err)
	}
	_, err = tx.ExecContext(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
		m.version, m.name, time.Now().UnixMilli())
	if err != nil {
		return fmt.Errorf("record version %d: %w", m.version, err)
	}
	if err = tx.Commit(); err != nil {
		return fmt.Errorf("commit version %d: %w", m.version, err)
	}
	return nil
}

// migrations is the schema's history, oldest first: the steps up to issue 12
// here, later ones in a file per room (migrate_<room>.go) so that rooms built
// at the same time do not edit one list. Times are INTEGER unix milliseconds
// except audit_log.ts (unix nanoseconds, part of the hash chain).
var migrations = slices.Concat(coreMigrations, authMigrations, auditMigrations, secopsMigrations, oncallMigrations)

var coreMigrations = []migration{
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
	{4, "incidents", `
CREATE TABLE incidents (
	id              INTEGER PRIMARY KEY AUTOINCREMENT,
	fingerprint     TEXT    NOT NULL,
	alertname       TEXT    NOT NULL,
	severity        TEXT    NOT NULL,
	labels          TEXT    NOT NULL,             -- JSON object
	annotations     TEXT    NOT NULL,             -- JSON object
	first_fired     INTEGER NOT NULL,
	last_seen       INTEGER NOT NULL,
	acked_by        TEXT    NOT NULL DEFAULT '',
	acked_at        INTEGER NOT NULL DEFAULT 0,
	escalation_step INTEGER NOT NULL DEFAULT 0,
	resolved_at     INTEGER NOT NULL DEFAULT 0,   -- 0: open
	suppressed_by   INTEGER NOT NULL DEFAULT 0    -- root incident (因上级故障抑制), 0: none
);
-- One open incident per alert; a new firing after resolution is a new incident.
CREATE UNIQUE INDEX incidents_open ON incidents (fingerprint) WHERE resolved_at = 0;
CREATE INDEX incidents_first_fired ON incidents (first_fired);
CREATE TABLE incident_timeline (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	incident_id INTEGER NOT NULL REFERENCES incidents(id),
	at          INTEGER NOT NULL,
	kind        TEXT    NOT NULL,   -- fired, acked, escalated, notified, notify_failed, resolved, note, suppressed
	actor       TEXT    NOT NULL,   -- a user name, or "system"
	detail      TEXT    NOT NULL
);
CREATE INDEX incident_timeline_incident ON incident_timeline (incident_id, at);
-- History is evidence for the SLA report: kept at least 180 days.
CREATE TRIGGER incidents_retention BEFORE DELETE ON incidents
WHEN old.first_fired > (unixepoch() - 180 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'incidents younger than 180 days cannot be deleted'); END;
`},
	{5, "outbox", `
CREATE TABLE outbox (
	id              TEXT    PRIMARY KEY,          -- Notification.ID: incident + step + channel; INSERT OR IGNORE dedupes
	channel         TEXT    NOT NULL,
	payload         TEXT    NOT NULL,             -- JSON of alerting.Notification
	created_at      INTEGER NOT NULL,
	next_attempt_at INTEGER NOT NULL,
	attempts        INTEGER NOT NULL DEFAULT 0,
	state           TEXT    NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'failed')),
	last_error      TEXT    NOT NULL DEFAULT '',
	sent_at         INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX outbox_due ON outbox (channel, next_attempt_at, created_at) WHERE state = 'pending';
CREATE INDEX outbox_created ON outbox (created_at);
-- Deliveries are evidence next to the incidents they belong to: kept at least 180 days.
CREATE TRIGGER outbox_retention BEFORE DELETE ON outbox
WHEN old.created_at > (unixepoch() - 180 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'outbox rows younger than 180 days cannot be deleted'); END;
`},
	{6, "notifications and silences", `
-- What the notifier has announced of an incident: 0 nothing yet, 1 the firing,
-- 2 the resolution (or nothing is owed: it was never announced).
ALTER TABLE incidents ADD COLUMN notify_state INTEGER NOT NULL DEFAULT 0;
-- Why the incident is held back from paging (因上级故障抑制, 被抑制), with suppressed_by.
ALTER TABLE incidents ADD COLUMN suppress_reason TEXT NOT NULL DEFAULT '';
CREATE INDEX incidents_notify ON incidents (notify_state) WHERE notify_state = 1 AND resolved_at != 0;
CREATE TABLE silences (
	id          TEXT    PRIMARY KEY,
	matchers    TEXT    NOT NULL,             -- {name="value",...} as alerting.Matchers prints it
	starts_at   INTEGER NOT NULL,             -- unix ms
	ends_at     INTEGER NOT NULL,
	created_by  TEXT    NOT NULL,
	comment     TEXT    NOT NULL,
	created_at  INTEGER NOT NULL,
	expired_by  TEXT    NOT NULL DEFAULT ''   -- who ended it early, '' if nobody
);
CREATE INDEX silences_ends ON silences (ends_at);
`},
	{7, "screen tokens", `
-- 1: the token of a video-wall screen (大屏): viewer at most, and only for
-- GET /wall/... (its URL is written into kiosk configurations).
ALTER TABLE api_tokens ADD COLUMN screen INTEGER NOT NULL DEFAULT 0;
`},
	{8, "sla ledger", `
-- One row per closed CST date (also when it had no entity), so a month's
-- completeness is a count; input_sha256 covers that date's rows.
CREATE TABLE sla_closes (
	date         TEXT    PRIMARY KEY,          -- YYYY-MM-DD, Asia/Shanghai
	closed_at    INTEGER NOT NULL,             -- unix ms, the latest (re-)close
	entities     INTEGER NOT NULL,
	input_sha256 TEXT    NOT NULL,
	recloses     INTEGER NOT NULL DEFAULT 0
);
-- One entity's tally of one SLI for one CST date (rules/sla.Day).
CREATE TABLE sla_days (
	sli          TEXT    NOT NULL,
	entity       TEXT    NOT NULL,
	date         TEXT    NOT NULL REFERENCES sla_closes(date),
	labels       TEXT    NOT NULL,             -- JSON object
	good_s       INTEGER NOT NULL,
	bad_s        INTEGER NOT NULL,
	unknown_s    INTEGER NOT NULL,
	excluded_s   INTEGER NOT NULL,
	outages      TEXT    NOT NULL,             -- JSON array of spans
	closed_at    INTEGER NOT NULL,             -- unix ms
	input_sha256 TEXT    NOT NULL,             -- of this row's canonical JSON
	PRIMARY KEY (sli, entity, date)
) WITHOUT ROWID;
CREATE INDEX sla_days_date ON sla_days (date);
-- A frozen month (rules/sla.Month as JSON): what a re-issued report reads.
CREATE TABLE sla_months (
	month        TEXT    PRIMARY KEY,          -- YYYY-MM
	frozen_at    INTEGER NOT NULL,             -- unix ms
	input_sha256 TEXT    NOT NULL,
	payload      TEXT    NOT NULL
);
-- Late data after the grace period: a note, never a silent change.
CREATE TABLE sla_corrections (
	id    INTEGER PRIMARY KEY AUTOINCREMENT,
	month TEXT    NOT NULL REFERENCES sla_months(month),
	at    INTEGER NOT NULL,                    -- unix ms
	note  TEXT    NOT NULL
);
CREATE INDEX sla_corrections_month ON sla_corrections (month, at);
-- A re-close replaces a date's rows (delete + insert); they are never edited.
CREATE TRIGGER sla_days_no_update BEFORE UPDATE ON sla_days
BEGIN SELECT RAISE(ABORT, 'sla_days rows are replaced by a re-close, never updated'); END;
CREATE TRIGGER sla_days_frozen_insert BEFORE INSERT ON sla_days
WHEN EXISTS (SELECT 1 FROM sla_months WHERE month = substr(new.date, 1, 7))
BEGIN SELECT RAISE(ABORT, 'sla_days of a frozen month cannot change'); END;
-- Evidence for the bureau: a frozen month's days are kept at least 180 days.
CREATE TRIGGER sla_days_retention BEFORE DELETE ON sla_days
WHEN EXISTS (SELECT 1 FROM sla_months WHERE month = substr(old.date, 1, 7))
	AND old.date > date('now', '+8 hours', '-180 days')
BEGIN SELECT RAISE(ABORT, 'sla_days of a frozen month younger than 180 days cannot be deleted'); END;
CREATE TRIGGER sla_closes_frozen_update BEFORE UPDATE ON sla_closes
WHEN EXISTS (SELECT 1 FROM sla_months WHERE month = substr(old.date, 1, 7))
BEGIN SELECT RAISE(ABORT, 'sla_closes of a frozen month cannot change'); END;
CREATE TRIGGER sla_closes_retention BEFORE DELETE ON sla_closes
WHEN EXISTS (SELECT 1 FROM sla_months WHERE month = substr(old.date, 1, 7))
	AND old.date > date('now', '+8 hours', '-180 days')
BEGIN SELECT RAISE(ABORT, 'sla_closes of a frozen month younger than 180 days cannot be deleted'); END;
-- A frozen month is immutable, and kept at least five years (1826 days).
CREATE TRIGGER sla_months_no_update BEFORE UPDATE ON sla_months
BEGIN SELECT RAISE(ABORT, 'sla_months rows are frozen'); END;
CREATE TRIGGER sla_months_retention BEFORE DELETE ON sla_months
WHEN old.frozen_at > (unixepoch() - 1826 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'sla_months younger than 5 years cannot be deleted'); END;
CREATE TRIGGER sla_corrections_no_update BEFORE UPDATE ON sla_corrections
BEGIN SELECT RAISE(ABORT, 'sla_corrections are append-only'); END;
CREATE TRIGGER sla_corrections_retention BEFORE DELETE ON sla_corrections
WHEN old.at > (unixepoch() - 1826 * 86400) * 1000
BEGIN SELECT RAISE(ABORT, 'sla_corrections younger than 5 years cannot be deleted'); END;
`},
	{9, "sla day stats", `
-- The figures of a usage day (rules/sla.Stats as JSON, '' for the other
-- SLIs); covered by the row's input_sha256. sla_months.payload is from now
-- on gzip-compressed JSON lines (stored as a BLOB; older rows stay JSON text).
ALTER TABLE sla_days ADD COLUMN stats TEXT NOT NULL DEFAULT '';
`},
	{10, "ha failures", `
-- One row per host failure (rules/ha, R-A9): the host, when it failed and
-- recovered, and each of its VMs with its outcome (JSON array).
CREATE TABLE ha_failures (
	id           INTEGER PRIMARY KEY AUTOINCREMENT,
	instance     TEXT    NOT NULL,             -- the platform target (vCenter, libvirt URI)
	host         TEXT    NOT NULL,
	cluster      TEXT    NOT NULL,
	kind         TEXT    NOT NULL,             -- host_failed or host_isolated
	failed_at    INTEGER NOT NULL,             -- unix ms
	recovered_at INTEGER NOT NULL DEFAULT 0,   -- the host back; 0: not yet
	closed_at    INTEGER NOT NULL DEFAULT 0,   -- host and every VM back; 0: open
	vms          TEXT    NOT NULL,             -- JSON array of rules/ha.VM
	updated_at   INTEGER NOT NULL
);
-- One open failure per host.
CREATE UNIQUE INDEX ha_failures_open ON ha_failures (instance, host) WHERE closed_at = 0;
CREATE INDEX ha_failures_failed_at ON ha_failures (failed_at);
`},
	{11, "recommendations", `
-- The idle/low-use recommendations followed until done (rules/recommend,
-- R-A2): one per VM and kind, carried over month to month.
CREATE TABLE recommendations (
	id          INTEGER PRIMARY KEY AUTOINCREMENT,
	vm          TEXT    NOT NULL,
	kind        TEXT    NOT NULL,             -- shut_down | downsize | consolidate
	system      TEXT    NOT NULL DEFAULT '',
	dept        TEXT    NOT NULL DEFAULT '',
	district    TEXT    NOT NULL DEFAULT '',
	spec        TEXT    NOT NULL DEFAULT '',  -- the spec when found
	target      TEXT    NOT NULL DEFAULT '',
	keeper      TEXT    NOT NULL DEFAULT '',  -- consolidate: the VM the others move onto
	priced      INTEGER NOT NULL DEFAULT 0,   -- 1: yuan is from the price list
	yuan        INTEGER NOT NULL DEFAULT 0,   -- saving per month
	reason      TEXT    NOT NULL DEFAULT '',  -- why, as the latest finding says
	state       TEXT    NOT NULL,             -- pending | notified | done | rejected
	first_month TEXT    NOT NULL,             -- YYYY-MM first found
	last_month  TEXT    NOT NULL,             -- YYYY-MM last found
	done_month  TEXT    NOT NULL DEFAULT '',  -- YYYY-MM the data proved it done
	proof       TEXT    NOT NULL DEFAULT '',  -- what the data showed
	note        TEXT    NOT NULL DEFAULT '',  -- the operator's reason (不采纳)
	changed_by  TEXT    NOT NULL DEFAULT '',
	changed_at  INTEGER NOT NULL,             -- unix ms
	created_at  INTEGER NOT NULL
);
CREATE UNIQUE INDEX recommendations_vm_kind ON recommendations (vm, kind);
CREATE INDEX recommendations_state ON recommendations (state);
`},
	{12, "job runs", `
-- One row per run of a watched job (rules/jobs), pushed or polled; a result
-- pushed again (same job and start) updates its row instead of adding one.
CREATE TABLE job_runs (
	job         TEXT    NOT NULL,
	started_at  INTEGER NOT NULL,             -- unix ms, whole seconds
	finished_at INTEGER NOT NULL DEFAULT 0,   -- 0: still running
	status      TEXT    NOT NULL CHECK (status IN ('running', 'success', 'failed')),
	bytes       INTEGER NOT NULL DEFAULT 0,
	message     TEXT    NOT NULL DEFAULT '',
	source      TEXT    NOT NULL CHECK (source IN ('push', 'poll')),
	announced   INTEGER NOT NULL DEFAULT 0,   -- 1: the job said running at its start
	too_long    INTEGER NOT NULL DEFAULT 0,   -- 1: 作业超时 was raised for this run
	received_at INTEGER NOT NULL,             -- unix ms of the last report
	PRIMARY KEY (job, started_at)
) WITHOUT ROWID;
CREATE INDEX job_runs_started ON job_runs (started_at);
-- What the checker has judged of each job, so a restart raises no slot twice.
CREATE TABLE job_watch (
	job      TEXT    PRIMARY KEY,
	since    INTEGER NOT NULL,                -- unix ms: watched from (slots before are not judged)
	judged   INTEGER NOT NULL DEFAULT 0,      -- unix ms: the last slot judged, 0: none
	state    TEXT    NOT NULL DEFAULT '',     -- '', ok, failed, too_long, missed: the last event's
	state_at INTEGER NOT NULL DEFAULT 0
) WITHOUT ROWID;
`},
	{13, "roles checked by the binary", `
-- The role of a user is checked by the binary (internal/auth: ParseRole),
-- not by the table: the supervising authority's read-only 监管 role
-- (supervisor) is new, and the separated administrators to come are more.
-- SQLite cannot alter a CHECK, and dropping users would cascade into
-- sessions and api_tokens: so the three are rebuilt, the children first
-- pointing at users_new, which the final rename turns into users.
CREATE TABLE users_new (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL UNIQUE,
	role          TEXT    NOT NULL,
	password_hash TEXT    NOT NULL,           -- argon2id, PHC string format
	disabled      INTEGER NOT NULL DEFAULT 0,
	failed_logins INTEGER NOT NULL DEFAULT 0, -- consecutive, reset on success
	locked_until  INTEGER NOT NULL DEFAULT 0,
	created_at    INTEGER NOT NULL,
	updated_at    INTEGER NOT NULL
);
INSERT INTO users_new SELECT id, name, role, password_hash, disabled, failed_logins, locked_until, created_at, updated_at FROM users;
CREATE TABLE sessions_new (
	id_hash     TEXT    PRIMARY KEY,           -- SHA-256 of the cookie value
	user_id     INTEGER NOT NULL REFERENCES users_new(id) ON DELETE CASCADE,
	created_at  INTEGER NOT NULL,
	last_seen   INTEGER NOT NULL,
	expires_at  INTEGER NOT NULL,              -- absolute end of the session
	remote_addr TEXT    NOT NULL DEFAULT ''
);
INSERT INTO sessions_new SELECT id_hash, user_id, created_at, last_seen, expires_at, remote_addr FROM sessions;
CREATE TABLE api_tokens_new (
	id         INTEGER PRIMARY KEY,
	user_id    INTEGER NOT NULL REFERENCES users_new(id) ON DELETE CASCADE,
	name       TEXT    NOT NULL,
	hash       TEXT    NOT NULL UNIQUE,       -- SHA-256 of the secret
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL DEFAULT 0,    -- 0: never
	revoked_at INTEGER NOT NULL DEFAULT 0,    -- 0: active
	last_used  INTEGER NOT NULL DEFAULT 0,
	screen     INTEGER NOT NULL DEFAULT 0     -- 1: a video-wall screen's token
);
INSERT INTO api_tokens_new SELECT id, user_id, name, hash, created_at, expires_at, revoked_at, last_used, screen FROM api_tokens;
DROP TABLE api_tokens;
DROP TABLE sessions;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;
ALTER TABLE sessions_new RENAME TO sessions;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX sessions_user ON sessions (user_id);
CREATE INDEX sessions_expires ON sessions (expires_at);
CREATE UNIQUE INDEX api_tokens_active_name ON api_tokens (user_id, name) WHERE revoked_at = 0;
`},
}
