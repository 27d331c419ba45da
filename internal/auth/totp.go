package auth

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"image/png"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// The TOTP second factor (RFC 6238) the three administrators need: 6 digits,
// 30 s steps, SHA-1, as every authenticator app reads it from the QR code.
// A code is accepted one step early or late (clock drift) and only once: the
// last accepted step is stored, and a code of that step or an earlier one is
// refused, so a code seen over a shoulder or in a proxy log cannot be replayed.
const (
	totpIssuer = "SwanWatch 三门峡运维指挥中心"
	totpPeriod = 30
	totpSkew   = 1
)

var totpOpts = totp.ValidateOpts{Period: totpPeriod, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// Errors of the second factor.
var (
	ErrTOTPWrong  = errors.New("wrong TOTP code")
	ErrTOTPReused = errors.New("TOTP code already used")
)

// Sealer protects TOTP secrets at rest. The stored value starts with the
// sealer's scheme ("plain:" without one), so secrets written before a sealer
// was configured are still read, and sealed at their next enrolment.
type Sealer interface {
	Scheme() string // e.g. "sm4"; never "plain"
	Seal(plain []byte) (string, error)
	Open(sealed string) ([]byte, error)
}

const plainScheme = "plain"

// seal stores a base32 TOTP secret under the configured Sealer, if any.
func (s *Service) seal(secret string) (string, error) {
	if s.opts.Sealer == nil {
		return plainScheme + ":" + secret, nil
	}
	v, err := s.opts.Sealer.Seal([]byte(secret))
	if err != nil {
		return "", fmt.Errorf("seal TOTP secret: %w", err)
	}
	return s.opts.Sealer.Scheme() + ":" + v, nil
}

// open reads a stored TOTP secret back.
func (s *Service) open(stored string) (string, error) {
	scheme, v, ok := strings.Cut(stored, ":")
	switch {
	case !ok:
		return "", errors.New("stored TOTP secret without scheme")
	case scheme == plainScheme:
		return v, nil
	case s.opts.Sealer != nil && scheme == s.opts.Sealer.Scheme():
		b, err := s.opts.Sealer.Open(v)
		if err != nil {
			return "", fmt.Errorf("open TOTP secret: %w", err)
		}
		return string(b), nil
	}
	return "", fmt.Errorf("stored TOTP secret sealed with %q, which is not configured", scheme)
}

// enrolment is what the page shows a user who has no second factor yet.
type enrolment struct {
	URI    string       // otpauth://totp/...
	Secret string       // base32, to type in by hand
	QR     template.URL // data:image/png;base64,... of URI (trusted: we drew it)
}

// enrol returns u's pending TOTP key, making and storing one the first time.
// The same key is shown until a code confirms it, so reloading the page does
// not invalidate what the user already scanned.
func (s *Service) enrol(ctx context.Context, u userRow) (enrolment, error) {
	var key *otp.Key
	if u.totpSecret != "" {
		secret, err := s.open(u.totpSecret)
		if err != nil {
			return enrolment{}, err
		}
		key, err = otp.NewKeyFromURL(keyURL(u.name, secret))
		if err != nil {
			return enrolment{}, fmt.Errorf("TOTP key of %s: %w", u.name, err)
		}
	} else {
		k, err := totp.Generate(totp.GenerateOpts{Issuer: totpIssuer, AccountName: u.name, Period: totpPeriod})
		if err != nil {
			return enrolment{}, fmt.Errorf("make TOTP key for %s: %w", u.name, err)
		}
		sealed, err := s.seal(k.Secret())
		if err != nil {
			return enrolment{}, err
		}
		if _, err := s.db.ExecContext(ctx, `UPDATE users SET totp_secret = ? WHERE id = ? AND totp_enrolled = 0`,
			sealed, u.id); err != nil {
			return enrolment{}, fmt.Errorf("store TOTP key of %s: %w", u.name, err)
		}
		key = k
	}
	qr, err := qrDataURI(key)
	if err != nil {
		return enrolment{}, err
	}
	return enrolment{URI: key.URL(), Secret: key.Secret(), QR: template.URL(qr)}, nil //nolint:gosec // our own PNG
}

// keyURL rebuilds the otpauth URI of a stored secret, as totp.Generate
// writes it (Key URI Format of Google Authenticator).
func keyURL(account, secret string) string {
	v := url.Values{}
	v.Set("secret", secret)
	v.Set("issuer", totpIssuer)
	v.Set("period", strconv.Itoa(totpPeriod))
	v.Set("digits", "6")
	v.Set("algorithm", "SHA1")
	u := url.URL{Scheme: "otpauth", Host: "totp", Path: "/" + totpIssuer + ":" + account, RawQuery: v.Encode()}
	return u.String()
}

// qrDataURI renders the key's URI as a PNG QR code inline in the page: no
// second request, and the secret never sits in a URL or a cache.
func qrDataURI(k *otp.Key) (string, error) {
	img, err := k.Image(240, 240)
	if err != nil {
		return "", fmt.Errorf("draw TOTP QR code: %w", err)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		return "", fmt.Errorf("encode TOTP QR code: %w", err)
	}
	return "data:image/png;base64," + base64.StdEncoding.EncodeToString(b.Bytes()), nil
}

// checkTOTP verifies code for u and consumes its step: the same code, or an
// older one, is then refused. A first success completes the enrolment.
func (s *Service) checkTOTP(ctx context.Context, u userRow, code string) error {
	code = strings.Join(strings.Fields(code), "")
	if u.totpSecret == "" || len(code) != totpOpts.Digits.Length() {
		return ErrTOTPWrong
	}
	secret, err := s.open(u.totpSecret)
	if err != nil {
		return err
	}
	step, ok := matchStep(secret, code, s.now())
	if !ok {
		return ErrTOTPWrong
	}
	res, err := s.db.ExecContext(ctx, `UPDATE users SET totp_last_step = ?, totp_enrolled = 1
		WHERE id = ? AND totp_last_step < ?`, step, u.id, step)
	if err != nil {
		return fmt.Errorf("record TOTP step of %s: %w", u.name, err)
	}
	if n, err := res.RowsAffected(); err != nil || n == 0 {
		return errors.Join(ErrTOTPReused, err)
	}
	return nil
}

// matchStep finds the 30 s step within the skew whose code is code.
func matchStep(secret, code string, now time.Time) (int64, bool) {
	cur := now.Unix() / totpPeriod
	for d := int64(-totpSkew); d <= totpSkew; d++ {
		step := cur + d
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totpOpts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// ResetTOTP forgets another user's second factor (a lost phone): the user
// enrols again at the next login. Only a security administrator may (the
// route's class); nobody resets their own, so a stolen password and session
// cannot re-enrol an attacker's phone. Audited as user.totp_reset.
func (s *Service) ResetTOTP(ctx context.Context, name string) error {
	if p, ok := PrincipalFrom(ctx); ok && p.User == name {
		return ErrSelf
	}
	err := s.updateUser(ctx, name, `UPDATE users SET totp_secret = '', totp_enrolled = 0, totp_last_step = 0,
		updated_at = ? WHERE name = ?`, s.now().UnixMilli(), name)
	if err != nil {
		return fmt.Errorf("reset TOTP of %s: %w", name, err)
	}
	s.event(ctx, "user.totp_reset", name, "success", "")
	return nil
}

// ResealTOTP seals every TOTP secret still stored plain with the configured
// Sealer (run once after one is set, e.g. at start-up); it returns how many
// it sealed. Without a Sealer it does nothing.
func (s *Service) ResealTOTP(ctx context.Context) (int, error) {
	if s.opts.Sealer == nil {
		return 0, nil
	}
	rows, err := s.db.QueryContext(ctx, `SELECT id, totp_secret FROM users WHERE totp_secret LIKE 'plain:%'`)
	if err != nil {
		return 0, fmt.Errorf("reseal TOTP secrets: %w", err)
	}
	plain := map[int64]string{}
	for rows.Next() {
		var id int64
		var v string
		if err := rows.Scan(&id, &v); err != nil {
			rows.Close()
			return 0, fmt.Errorf("reseal TOTP secrets: %w", err)
		}
		plain[id] = strings.TrimPrefix(v, plainScheme+":")
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, fmt.Errorf("reseal TOTP secrets: %w", err)
	}
	for id, secret := range plain {
		sealed, err := s.seal(secret)
		if err == nil {
			_, err = s.db.ExecContext(ctx, `UPDATE users SET totp_secret = ? WHERE id = ? AND totp_secret = ?`,
				sealed, id, plainScheme+":"+secret)
		}
		if err != nil {
			return 0, fmt.Errorf("reseal TOTP secrets: %w", err)
		}
	}
	return len(plain), nil
}
