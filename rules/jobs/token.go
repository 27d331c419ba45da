package jobs

import (
	"crypto/subtle"
	"errors"
	"net/http"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// minTokenLen: the push route is open, so the token is the only lock.
const minTokenLen = 16

// tokenFile is a job's push token, read again whenever the file changes, so
// a rotated token applies without a restart.
type tokenFile struct {
	path string
	mu   sync.Mutex
	tok  secret.Secret
	mod  time.Time
	size int64
	warn time.Time // of the last warning about the file
}

// warnDue reports whether a warning about the file is due: once a minute.
func (t *tokenFile) warnDue(now time.Time) bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	if now.Sub(t.warn) < time.Minute {
		return false
	}
	t.warn = now
	return true
}

func (t *tokenFile) get() (secret.Secret, error) {
	st, err := os.Stat(t.path)
	if err != nil {
		return "", err
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.tok != "" && st.ModTime().Equal(t.mod) && st.Size() == t.size {
		return t.tok, nil
	}
	tok, err := readToken(t.path)
	if err != nil {
		return "", err
	}
	t.tok, t.mod, t.size = tok, st.ModTime(), st.Size()
	return tok, nil
}

// readToken reads a token file; errors name the file, never its content.
func readToken(path string) (secret.Secret, error) {
	tok, err := secret.FromFile(path)
	if err != nil {
		return "", err
	}
	if len(tok.Reveal()) < minTokenLen {
		return "", errors.New("the token must be at least 16 characters")
	}
	return tok, nil
}

// bearer returns the token of an "Authorization: Bearer" header.
func bearer(r *http.Request) (string, bool) {
	scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	tok = strings.TrimSpace(tok)
	return tok, tok != ""
}

// matches compares in constant time, so the answer's timing does not tell
// how much of a guess was right.
func matches(got string, want secret.Secret) bool {
	return want.IsSet() && subtle.ConstantTimeCompare([]byte(got), []byte(want.Reveal())) == 1
}
