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

// Link is what a verified token grants: one incident, and the roster person
// it was sent to ("" for a link in a group message, where anyone may tap it).
type Link struct {
	Incident int64
	Person   string
}

// Token signs incident id until now+ttl, for anyone in a group message.
func (l *AckLinks) Token(id int64) string { return l.PersonToken(id, "") }

// PersonToken signs incident id for one person until now+ttl:
// "<incident>.<expiry>.<person, base64url>.<mac>"; without a person it is
// the three-part token of a group message.
func (l *AckLinks) PersonToken(id int64, person string) string {
	payload := strconv.FormatInt(id, 10) + "." + strconv.FormatInt(l.now().Add(l.ttl).Unix(), 10)
	if person != "" {
		payload += "." + base64.RawURLEncoding.EncodeToString([]byte(person))
	}
	return payload + "." + l.sign(payload)
}

// URL is the link to put in a group message: base + "/ack/" + token.
func (l *AckLinks) URL(base string, id int64) string { return l.PersonURL(base, id, "") }

// PersonURL is a person's own link to the incident page.
func (l *AckLinks) PersonURL(base string, id int64, person string) string {
	return strings.TrimSuffix(base, "/") + "/ack/" + l.PersonToken(id, person)
}

// Verify returns the incident a token is for.
func (l *AckLinks) Verify(token string) (int64, error) {
	link, err := l.VerifyLink(token)
	return link.Incident, err
}

// VerifyLink returns the incident and the person a token is for.
func (l *AckLinks) VerifyLink(token string) (Link, error) {
	link, err := l.verify(token)
	if err != nil {
		ackLinkRejected.Inc()
	}
	return link, err
}

// maxTokenBytes bounds a token: a roster name is at most 32 characters.
const maxTokenBytes = 256

func (l *AckLinks) verify(token string) (Link, error) {
	if len(token) > maxTokenBytes {
		return Link{}, ErrBadAckLink
	}
	parts := strings.Split(token, ".")
	if len(parts) != 3 && len(parts) != 4 {
		return Link{}, ErrBadAckLink
	}
	last := len(parts) - 1
	want := l.sign(strings.Join(parts[:last], "."))
	if !hmac.Equal([]byte(want), []byte(parts[last])) {
		return Link{}, ErrBadAckLink
	}
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	exp, err2 := strconv.ParseInt(parts[1], 10, 64)
	if err1 != nil || err2 != nil || id <= 0 || l.now().Unix() >= exp {
		return Link{}, ErrBadAckLink
	}
	link := Link{Incident: id}
	if last == 3 {
		name, err := base64.RawURLEncoding.DecodeString(parts[2])
		if err != nil || len(name) == 0 {
			return Link{}, ErrBadAckLink
		}
		link.Person = string(name)
	}
	return link, nil
}

// CallRef is the reference a voice gateway echoes in its call report:
// "<incident>.<page>.<person, base64url>.<mac>", signed apart from the links
// (another prefix), so a link cannot be replayed as a call report nor the
// other way round. It does not expire: a report comes minutes later at most,
// and a replayed one can only say again what was said.
func (l *AckLinks) CallRef(id int64, page int, person string) string {
	payload := strconv.FormatInt(id, 10) + "." + strconv.Itoa(page) + "." +
		base64.RawURLEncoding.EncodeToString([]byte(person))
	return payload + "." + l.signAs("swanwatch-call:", payload)
}

// Call is a verified call reference.
type Call struct {
	Incident int64
	Page     int
	Person   string
}

// VerifyCall checks a call reference from a voice gateway's report.
func (l *AckLinks) VerifyCall(ref string) (Call, error) {
	parts := strings.Split(ref, ".")
	if len(ref) > maxTokenBytes || len(parts) != 4 {
		ackLinkRejected.Inc()
		return Call{}, ErrBadAckLink
	}
	want := l.signAs("swanwatch-call:", strings.Join(parts[:3], "."))
	id, err1 := strconv.ParseInt(parts[0], 10, 64)
	page, err2 := strconv.Atoi(parts[1])
	name, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if !hmac.Equal([]byte(want), []byte(parts[3])) || err1 != nil || err2 != nil || err3 != nil ||
		id <= 0 || page < 0 || len(name) == 0 {
		ackLinkRejected.Inc()
		return Call{}, ErrBadAckLink
	}
	return Call{Incident: id, Page: page, Person: string(name)}, nil
}

func (l *AckLinks) sign(payload string) string { return l.signAs("swanwatch-ack:", payload) }

func (l *AckLinks) signAs(domain, payload string) string {
	m := hmac.New(sha256.New, l.key)
	m.Write([]byte(domain + payload))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}
