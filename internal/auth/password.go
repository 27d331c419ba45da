package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Argon2Params are the argon2id cost parameters. They are stored in every hash,
// so raising them later only affects new hashes (and old ones are upgraded at the
// next successful login).
type Argon2Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes over the memory
	Threads uint8  // lanes
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultArgon2 follows RFC 9106's second recommendation (64 MiB, 3 passes) with
// 2 lanes for the 2-core machines SwanWatch runs on: about 0.1 s per hash there,
// cheap for a login, expensive for an offline guesser.
var DefaultArgon2 = Argon2Params{Memory: 64 * 1024, Time: 3, Threads: 2, SaltLen: 16, KeyLen: 32}

// Limits on parameters read back from a stored hash: a tampered row must not make
// one login allocate gigabytes.
const (
	maxArgonMemory  = 1 << 20 // KiB = 1 GiB
	maxArgonTime    = 16
	maxArgonKeySalt = 128
)

var errBadHash = errors.New("malformed password hash")

var b64 = base64.RawStdEncoding

// hashPassword returns the PHC string $argon2id$v=19$m=..,t=..,p=..$salt$key.
func hashPassword(password string, p Argon2Params) (string, error) {
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("read salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// verifyPassword reports whether password matches the encoded hash, comparing in
// constant time, and returns the hash's parameters so callers can rehash.
func verifyPassword(encoded, password string) (bool, Argon2Params, error) {
	p, salt, key, err := decodeHash(encoded)
	if err != nil {
		return false, p, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, p, nil
}

// decodeHash parses a PHC argon2id string, bounding every parameter.
func decodeHash(encoded string) (p Argon2Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errBadHash
	}
	if parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: version %q", errBadHash, parts[2])
	}
	// Scan, then demand the canonical spelling: Sscanf alone accepts trailing junk.
	_, err = fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads)
	if err != nil || parts[3] != fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", errBadHash, parts[3])
	}
	if salt, err = b64.Strict().DecodeString(parts[4]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: salt: %w", errBadHash, err)
	}
	if key, err = b64.Strict().DecodeString(parts[5]); err != nil {
		return p, nil, nil, fmt.Errorf("%w: key: %w", errBadHash, err)
	}
	p.SaltLen, p.KeyLen = uint32(len(salt)), uint32(len(key))
	return p, salt, key, checkParams(p)
}

func checkParams(p Argon2Params) error {
	switch {
	case p.Memory < 8*uint32(p.Threads) || p.Memory > maxArgonMemory:
		return fmt.Errorf("%w: memory %d KiB out of range", errBadHash, p.Memory)
	case p.Time < 1 || p.Time > maxArgonTime:
		return fmt.Errorf("%w: time %d out of range", errBadHash, p.Time)
	case p.Threads < 1:
		return fmt.Errorf("%w: zero threads", errBadHash)
	case p.SaltLen < 8 || p.SaltLen > maxArgonKeySalt || p.KeyLen < 16 || p.KeyLen > maxArgonKeySalt:
		return fmt.Errorf("%w: salt or key length out of range", errBadHash)
	}
	return nil
}

// Password limits: the policy's floor of length (Policy.MinLength may only
// raise it), and upper bounds that keep one argon2id input reasonable.
const (
	minPasswordLen   = 10
	maxPasswordBytes = 1024
	maxUserNameLen   = 64
)

// PolicyError is a rejected password or user name. Error() is English for logs;
// Message is the Chinese text for the operator.
type PolicyError struct {
	Reason  string
	Message string
}

func (e *PolicyError) Error() string { return "policy: " + e.Reason }

// CheckPassword applies the default policy (DefaultPolicy) to a password of
// user name with role; the Service applies the stored one.
func CheckPassword(name string, role Role, password string) error {
	return DefaultPolicy.check(name, role, password)
}

// check applies p to a password of user name with role.
func (p Policy) check(name string, role Role, password string) error {
	need := p.classes(role)
	switch {
	case utf8.RuneCountInString(password) < p.MinLength:
		return &PolicyError{fmt.Sprintf("password shorter than %d characters", p.MinLength),
			fmt.Sprintf("密码长度至少为%d个字符", p.MinLength)}
	case len(password) > maxPasswordBytes:
		return &PolicyError{"password longer than 1024 bytes", "密码过长（最多1024字节）"}
	case !utf8.ValidString(password):
		return &PolicyError{"password is not valid UTF-8", "密码包含无效字符"}
	case charClasses(password) < need:
		return &PolicyError{fmt.Sprintf("password uses fewer than %d character classes", need),
			fmt.Sprintf("%s的密码须包含大写字母、小写字母、数字、符号中的至少%d类", role.Label(), need)}
	case name != "" && strings.Contains(strings.ToLower(password), strings.ToLower(name)):
		return &PolicyError{"password contains the user name", "密码不能包含用户名"}
	}
	return nil
}

// charClasses counts the classes used: lower, upper, digit, other.
func charClasses(s string) int {
	var lower, upper, digit, other int
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// CheckUserName accepts letters (Chinese names too), digits and . _ - @. A colon
// would break HTTP Basic, spaces and control characters break logs and CLIs.
func CheckUserName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > maxUserNameLen || !utf8.ValidString(name) {
		return &PolicyError{"user name must be 1 to 64 characters", "用户名长度应为1到64个字符"}
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return &PolicyError{"user name may hold only letters, digits and . _ - @",
				"用户名只能包含字母、数字和 . _ - @"}
		}
	}
	return nil
}
