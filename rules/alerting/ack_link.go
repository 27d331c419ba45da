package alerting

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/VictoriaMetrics/metrics"
)

// AckLinks signs and checks the 确认 links in messages. A link is a
// capability for one thing only — acknowledging one incident — and expires:
// "<incident>.<expiry unix>.<HMAC-SHA256, 128 bits>". The engineer taps it in
// WeCom or an SMS on a phone that has no SwanWatch session; the key never
// leaves the server.
type AckLinks struct {
	key []byte
	ttl time.Duration
	now func() time.Time
}

// ErrBadAckLink is returned for a link that is malformed, forged or expired.
var ErrBadAckLink = errors.New("invalid or expired acknowledgement link")

var ackLinkRejected = metrics.NewCounter("swanwatch_ack_links_rejected_total")

// NewAckLinks signs with key (at least 32 bytes); links live ttl (default 24h).
func NewAckLinks(key []byte, ttl time.Duration, now func() time.Time) (*AckLinks, error) {
	if len(key) < 32 {
		return nil, errors.New("ack link key: need at least 32 bytes")
	}
	if ttl <= 0 {
		ttl = 24 * time.Hour
	}
	if now == nil {
		now = time.Now
	}
	return &AckLinks{key: key, ttl: ttl, now: now}, nil
}

// LoadAckKey reads the signing key from path, creating it (32 random bytes,
// mode 0600) on first use, so links survive restarts.
func LoadAckKey(path string) ([]byte, error) {
	key, err := os.ReadFile(path)
	if err == nil {
		if len(key) < 32 {
			return nil, fmt.Errorf("ack link key %s: %d bytes, want 32", path, len(key))
		}
		return key, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("read ack link key: %w", err)
	}
	key = make([]byte, 32)
	_, _ = rand.Read(key) // never fails (crypto/rand, Go ≥ 1.24)
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("create ack link key: %w", err)
	}
	if err := os.WriteFile(path, key, 0o600); err != nil {
		return nil, fmt.Errorf("create ack link key: %w", err)
	}
	return key, nil
}

// Token signs incident id until now+ttl.
func (l *AckLinks) Token(id int64) string {
	payload := strconv.FormatInt(id, 10) + "." + strconv.FormatInt(l.now().Add(l.ttl).Unix(), 10)
	return payload + "." + l.sign(payload)
}

// URL is the link to put in a message: base + "/ack/" + token.
func (l *AckLinks) URL(base string, id int64) string {
	return strings.TrimSuffix(base, "/") + "/ack/" + l.Token(id)
}

// Verify returns the incident a token acknowledges.
func (l *AckLinks) Verify(token string) (int64, error) {
	id, err := l.verify(token)
	if err != nil {
		ackLinkRejected.Inc()
	}
	return id, err
}

func (l *AckLinks) verify(token string) (int64, error) {
	if len(token) > 128 {
		return 0, ErrBadAckLink
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return 0, ErrBadAckLink
	}
	want := l.sign(parts[0] + "." + parts[1])
	if !hmac.Equal([]byte(want), []byte(parts[2])) {
		return 0, ErrBadAckLink
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || l.now().Unix() >= exp {
		return 0, ErrBadAckLink
	}
	return id, nil
}

func (l *AckLinks) sign(payload string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte("swanwatch-ack:" + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
