package statestore

// auditMigrations are the steps of the audit trail's keyed chain (internal/audit), from version 15.
var auditMigrations = []migration{
	{15, "audit keyed chain", `
-- Which chain a row belongs to: 'sha256' (rows written before the key,
-- verifiable by their hash as before) or 'hmac-sm3' (hash holds the row's
-- HMAC-SM3 under the key file, which is not in this database). The keyed chain
-- starts with an anchor row whose prev_hash is the last SHA-256 hash; the
-- anchor is written by the first keyed append, which holds the key. Adding a
-- column is not an UPDATE: the append-only trigger lets it pass.
ALTER TABLE audit_log ADD COLUMN chain TEXT NOT NULL DEFAULT 'sha256'
	CHECK (chain IN ('sha256', 'hmac-sm3'));
`},
}
