package logstore

import (
	_ "embed"
	"net/http"
)

// The operators' search page (日志检索): a static page and its script, which call
// GET /api/v1/events. No inline script, so the pages' CSP (script-src 'self')
// holds.
var (
	//go:embed web/search.html
	searchHTML []byte
	//go:embed web/search.js
	searchJS []byte
)

const pageCSP = "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'"

// ServeSearchPage serves the search page (GET /logs; viewer).
func (s *Store) ServeSearchPage(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", pageCSP)
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(searchHTML)
}

// ServeSearchScript serves the page's script (GET /logs/search.js; viewer).
func (s *Store) ServeSearchScript(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("Content-Type", "text/javascript; charset=utf-8")
	w.Header().Set("Cache-Control", "no-cache")
	_, _ = w.Write(searchJS)
}
