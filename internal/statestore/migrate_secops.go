package statestore

// secopsMigrations are the steps of vulnerabilities and regulators' notices (rules/secops), from version 16.
var secopsMigrations = []migration{
	{16, "vulnerabilities and notices", `
-- One row per imported scan report (OpenVAS/GVM XML or CSV). scanned_at is
-- when the scanner ran (the report's scan_start, or the importer's word):
-- it decides the quarter a scan counts for (R-A12: a scan every quarter).
CREATE TABLE secops_scans (
	id          INTEGER PRIMARY KEY,
	format      TEXT    NOT NULL CHECK (format IN ('openvas', 'csv')),
	name        TEXT    NOT NULL DEFAULT '',
	scanned_at  INTEGER NOT NULL,             -- unix ms
	imported_at INTEGER NOT NULL,             -- unix ms
	imported_by TEXT    NOT NULL,
	hosts       INTEGER NOT NULL,             -- hosts the scan covered
	findings    INTEGER NOT NULL,
	opened      INTEGER NOT NULL,             -- new or found again
	fixed       INTEGER NOT NULL              -- closed by their absence
);
CREATE INDEX secops_scans_scanned ON secops_scans (scanned_at);
CREATE INDEX secops_scans_imported ON secops_scans (imported_at);
-- One row per finding: a vulnerability (CVE, NVT oid or name: ref) on a
-- host's port, as one scanner format reports it; a later scan of the same
-- format that covers the host and lacks it marks it fixed.
CREATE TABLE secops_vulns (
	id           INTEGER PRIMARY KEY,
	host         TEXT    NOT NULL,
	ref          TEXT    NOT NULL,            -- CVE-…, oid:1.3.6.…, or name:…
	port         TEXT    NOT NULL,
	format       TEXT    NOT NULL,            -- the scanner format that found it
	name         TEXT    NOT NULL,
	cves         TEXT    NOT NULL DEFAULT '', -- comma separated
	severity     TEXT    NOT NULL CHECK (severity IN ('critical', 'high', 'medium', 'low')),
	score        REAL    NOT NULL DEFAULT 0,  -- CVSS when the scanner gave one
	state        TEXT    NOT NULL CHECK (state IN ('open', 'fixed', 'accepted')),
	first_seen   INTEGER NOT NULL,            -- unix ms: the deadline counts from here
	last_seen    INTEGER NOT NULL,
	deadline     INTEGER NOT NULL,            -- unix ms
	fixed_at     INTEGER NOT NULL DEFAULT 0,
	accepted_at  INTEGER NOT NULL DEFAULT 0,
	reason       TEXT    NOT NULL DEFAULT '', -- the operator's reason to accept
	changed_by   TEXT    NOT NULL DEFAULT '',
	changed_at   INTEGER NOT NULL,
	scan_id      INTEGER NOT NULL,            -- the scan that last saw or fixed it
	overdue_sent INTEGER NOT NULL DEFAULT 0,  -- 1: its overdue event was sent and not yet resolved
	UNIQUE (host, ref, port, format)
);
CREATE INDEX secops_vulns_state ON secops_vulns (state, deadline);
-- A regulator's notice (通报) with its 24-hour response clock.
CREATE TABLE secops_notices (
	id           INTEGER PRIMARY KEY,
	title        TEXT    NOT NULL,
	issuer       TEXT    NOT NULL,
	received_at  INTEGER NOT NULL,            -- unix ms: the clock starts here
	text         TEXT    NOT NULL,
	systems      TEXT    NOT NULL DEFAULT '', -- affected systems, one a line
	created_by   TEXT    NOT NULL,
	created_at   INTEGER NOT NULL,
	responded_at INTEGER NOT NULL DEFAULT 0,  -- 0: unanswered
	response     TEXT    NOT NULL DEFAULT '',
	responded_by TEXT    NOT NULL DEFAULT '',
	warned       INTEGER NOT NULL DEFAULT 0,  -- 1: the 20-hour warning was sent
	overdue      INTEGER NOT NULL DEFAULT 0   -- 1: the 24-hour incident was raised
);
CREATE INDEX secops_notices_received ON secops_notices (received_at);
-- The quarters judged for a scan, so that a restart raises none twice.
CREATE TABLE secops_quarters (
	quarter   TEXT    PRIMARY KEY,            -- 2026-Q4
	judged_at INTEGER NOT NULL,
	scans     INTEGER NOT NULL,
	missing   INTEGER NOT NULL DEFAULT 0      -- 1: ended without a scan, alert sent
) WITHOUT ROWID;
-- Since when the watch runs: a quarter that ended before is not judged.
CREATE TABLE secops_watch (
	id    INTEGER PRIMARY KEY CHECK (id = 1),
	since INTEGER NOT NULL                    -- unix ms
);
`},
}
