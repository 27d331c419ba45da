package httpsec

import "net/http"

// DefaultCSP is the Content-Security-Policy of responses whose handler sets
// none (the API, downloads, error pages). The pages set their own, compatible
// with their markup: the operators' pages and login have inline <style>
// blocks, the wall sets element styles from script and opens a WebSocket; no
// page has an inline script or an event-handler attribute.
const DefaultCSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; " +
	"img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; " +
	"frame-ancestors 'none'"

// HSTS is sent over TLS only: a year, this host only (the city's other hosts
// under the same domain may still be HTTP).
const HSTS = "max-age=31536000"

// Headers sets the security headers on every response before next runs, so
// that a handler may still replace one (the pages set their own CSP):
// Strict-Transport-Security when the request came over TLS, nosniff, framing
// refused (the wall is opened full screen, never framed), no referrer, and
// DefaultCSP. It does not wrap the ResponseWriter: the wall's WebSocket
// upgrade still reaches http.Hijacker.
func Headers(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if r.TLS != nil {
			h.Set("Strict-Transport-Security", HSTS)
		}
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Security-Policy", DefaultCSP)
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}
