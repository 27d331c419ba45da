package statestore

// auditMigrations are the steps of the audit trail's keyed chain (internal/audit), from version 15.
var auditMigrations = []migration{}
