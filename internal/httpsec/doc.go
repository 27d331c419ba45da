// Package httpsec holds the web server's transport and browser security: the
// TLS configuration (TLS 1.2 and later, forward-secret AEAD suites only, the
// certificate re-read when its file changes) and the security headers every
// response carries (HSTS over TLS, nosniff, no framing, referrer policy, a
// default Content-Security-Policy that pages with their own keep).
//
// SM2 (国密) certificates: Go's crypto/tls cannot serve them (no SM2
// signature scheme, no SM4/SM3 suites, no TLCP), and gmsm v0.44.1 has no
// TLS or TLCP stack either; TLSConfig recognises an SM2 certificate with
// gmsm's smx509 and refuses it with an error that says so. See
// docs/crypto.md for what a TLCP (GB/T 38636) listener would need.
package httpsec
