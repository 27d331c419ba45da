package statestore

// authMigrations are the steps of the administrators' separation, password history and TOTP (internal/auth), from version 14.
var authMigrations = []migration{}
