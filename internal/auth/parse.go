package auth

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"
)

// maxAuthorizationLen bounds the header we look at; real ones are < 300 bytes.
const maxAuthorizationLen = 4096

// secretLen is the encoded length of newSecret's output.
var secretLen = secretEncoding.EncodedLen(secretBytes)

var errMalformed = errors.New("malformed credentials")

// credentials are what an Authorization header carries.
type credentials struct {
	via      Via // ViaBasic or ViaToken
	user     string
	password string
	token    string
}

// parseAuthorization parses "Basic <base64 user:pass>" or "Bearer swt_...".
// The scheme is case-insensitive (RFC 9110 §11.1).
func parseAuthorization(h string) (credentials, error) {
	if len(h) > maxAuthorizationLen {
		return credentials{}, fmt.Errorf("%w: header longer than %d bytes", errMalformed, maxAuthorizationLen)
	}
	scheme, rest, ok := strings.Cut(h, " ")
	if !ok {
		return credentials{}, fmt.Errorf("%w: no scheme", errMalformed)
	}
	rest = strings.TrimLeft(rest, " ")
	switch strings.ToLower(scheme) {
	case "basic":
		return parseBasic(rest)
	case "bearer":
		if err := checkToken(rest); err != nil {
			return credentials{}, err
		}
		return credentials{via: ViaToken, token: rest}, nil
	}
	return credentials{}, fmt.Errorf("%w: unsupported scheme", errMalformed)
}

func parseBasic(b64 string) (credentials, error) {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return credentials{}, fmt.Errorf("%w: basic: %w", errMalformed, err)
	}
	user, pass, ok := strings.Cut(string(raw), ":")
	if !ok || user == "" {
		return credentials{}, fmt.Errorf("%w: basic: want user:password", errMalformed)
	}
	if !utf8.ValidString(user) || !utf8.ValidString(pass) {
		return credentials{}, fmt.Errorf("%w: basic: not UTF-8", errMalformed)
	}
	return credentials{via: ViaBasic, user: user, password: pass}, nil
}

// checkToken accepts only the shape CreateToken makes, before any lookup.
func checkToken(t string) error {
	body, ok := strings.CutPrefix(t, TokenPrefix)
	if !ok {
		return fmt.Errorf("%w: bearer token without %s prefix", errMalformed, TokenPrefix)
	}
	return checkSecret(body)
}

// parseSessionCookie validates a session cookie value's shape.
func parseSessionCookie(v string) (string, error) {
	if err := checkSecret(v); err != nil {
		return "", fmt.Errorf("session cookie: %w", err)
	}
	return v, nil
}

func checkSecret(s string) error {
	if len(s) != secretLen {
		return fmt.Errorf("%w: secret of %d characters, want %d", errMalformed, len(s), secretLen)
	}
	if b, err := secretEncoding.Strict().DecodeString(s); err != nil || len(b) != secretBytes {
		return fmt.Errorf("%w: secret is not base64url", errMalformed)
	}
	return nil
}
