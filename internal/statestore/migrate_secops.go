package statestore

// secopsMigrations are the steps of vulnerabilities and regulators' notices (rules/secops), from version 16.
var secopsMigrations = []migration{}
