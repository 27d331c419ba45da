package smcrypto

import (
	"bytes"
	"crypto/hmac"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"

	"github.com/emmansun/gmsm/sm3"
)

// KeySize is the length of a key file's key in bytes.
const KeySize = 32

// Key is a master key read from a key file. It never prints itself.
type Key struct{ b []byte }

// String masks the key, so that a logged Key shows nothing.
func (Key) String() string { return "<key>" }

// GoString masks %#v too.
func (Key) GoString() string { return "smcrypto.Key(<key>)" }

// IsSet reports whether the key was loaded.
func (k Key) IsSet() bool { return len(k.b) == KeySize }

// NewKey wraps raw key bytes (tests, and keys from elsewhere than a file).
func NewKey(b []byte) (Key, error) {
	if len(b) != KeySize {
		return Key{}, fmt.Errorf("a key is %d bytes, got %d", KeySize, len(b))
	}
	return Key{b: bytes.Clone(b)}, nil
}

// ErrKeyFileExists is returned by GenerateKeyFile rather than overwrite a key:
// a lost key leaves the data it protects unreadable or unverifiable.
var ErrKeyFileExists = errors.New("key file already exists")

// GenerateKeyFile writes a new random key to path, mode 0600, as 64 hex digits.
// It refuses an existing file.
func GenerateKeyFile(path string) error {
	b := make([]byte, KeySize)
	if _, err := io.ReadFull(rand.Reader, b); err != nil {
		return fmt.Errorf("generate key: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, os.ErrExist) {
		return fmt.Errorf("%w: %s (remove it only if nothing was protected with it)", ErrKeyFileExists, path)
	}
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	_, err = f.WriteString(hex.EncodeToString(b) + "\n")
	if err = errors.Join(err, f.Sync(), f.Close()); err != nil {
		return fmt.Errorf("write key file %s: %w", path, err)
	}
	return nil
}

// LoadKeyFile reads a key written by GenerateKeyFile (or 32 raw bytes). It
// refuses a file that its group or others may read or write: such a key is
// not a secret any more. Errors name the path, never the content.
func LoadKeyFile(path string) (Key, error) {
	f, err := os.Open(path)
	if err != nil {
		return Key{}, fmt.Errorf("read key file: %w", err)
	}
	defer f.Close()
	fi, err := f.Stat()
	if err != nil {
		return Key{}, fmt.Errorf("read key file: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Key{}, fmt.Errorf("key file %s is not a regular file", path)
	}
	if perm := fi.Mode().Perm(); perm&0o077 != 0 {
		return Key{}, fmt.Errorf("key file %s has mode %04o: group or others can read it; run chmod 600 %s",
			path, perm, path)
	}
	b, err := io.ReadAll(io.LimitReader(f, 2*KeySize+3))
	if err != nil {
		return Key{}, fmt.Errorf("read key file %s: %w", path, err)
	}
	return parseKey(path, b)
}

func parseKey(path string, b []byte) (Key, error) {
	if len(b) == KeySize {
		return NewKey(b)
	}
	t := bytes.TrimRight(b, "\r\n")
	if len(t) != 2*KeySize {
		return Key{}, fmt.Errorf("key file %s must hold %d hex digits (swanwatch audit keygen writes one)",
			path, 2*KeySize)
	}
	raw := make([]byte, KeySize)
	if _, err := hex.Decode(raw, t); err != nil {
		return Key{}, fmt.Errorf("key file %s is not hex", path)
	}
	return Key{b: raw}, nil
}

// Derive returns the 32-byte key for one purpose: HMAC-SM3(key, label).
func (k Key) Derive(label string) []byte {
	m := hmac.New(sm3.New, k.b)
	m.Write([]byte(label))
	return m.Sum(nil)
}

// MAC returns an HMAC-SM3 keyed with the key derived for label.
func (k Key) MAC(label string) hash.Hash { return hmac.New(sm3.New, k.Derive(label)) }

// MACFunc returns a constructor of HMAC-SM3 under the key derived for label,
// derived once: for a caller that MACs many messages (the audit chain).
func (k Key) MACFunc(label string) func() hash.Hash {
	sub := k.Derive(label)
	return func() hash.Hash { return hmac.New(sm3.New, sub) }
}

// ID is a short fingerprint of the key (not of any derived key), recorded next
// to what the key protects so that a wrong key file is told apart from
// tampered data.
func (k Key) ID() string { return hex.EncodeToString(k.Derive("swanwatch key id")[:8]) }

// LoadOrCreateKeyFile loads path, or first creates it when it does not exist
// (the demo, a first start); created tells the caller to say so in its log.
func LoadOrCreateKeyFile(path string) (k Key, created bool, err error) {
	err = GenerateKeyFile(path)
	switch {
	case err == nil:
		created = true
	case !errors.Is(err, ErrKeyFileExists):
		return Key{}, false, err
	}
	k, err = LoadKeyFile(path)
	return k, created, err
}
