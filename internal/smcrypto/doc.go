// Package smcrypto holds SwanWatch's commercial-cryptography (商用密码) helpers
// over github.com/emmansun/gmsm: key files, HMAC-SM3 and SM4-GCM sealing. The
// audit trail's keyed chain (internal/audit) and the secrets at rest
// (internal/secret) use it, so that both read their keys the same way and no
// other package picks its own algorithm.
//
// A key file holds 32 random bytes (as 64 hex digits, or raw), readable by its
// owner only; keys for each purpose are derived from it with HMAC-SM3 and a
// label, so one file may serve several purposes without the uses meeting.
package smcrypto
