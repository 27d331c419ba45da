package httpsend

import (
	"errors"
	"log/slog"
	"net/http"
	"net/url"
)

// Endpoint is what every HTTP channel's New starts with: its address parsed
// and checked, and the client and logger with their defaults (a nil client
// is http.DefaultClient, the outbox's context bounding each send; a nil
// logger discards).
type Endpoint struct {
	URL    *url.URL
	Client *http.Client
	Log    *slog.Logger
}

// NewEndpoint parses raw as an http(s) address with a host. The error names
// the channel and what the address should be, never the address itself: it
// may hold a robot key.
func NewEndpoint(channel, what, raw string, client *http.Client, log *slog.Logger) (Endpoint, error) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return Endpoint{}, errors.New(channel + ": url must be an http(s) " + what)
	}
	if client == nil {
		client = http.DefaultClient
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return Endpoint{URL: u, Client: client, Log: log}, nil
}
