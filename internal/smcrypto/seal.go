package smcrypto

import (
	"bytes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"io"

	"github.com/emmansun/gmsm/sm4"
)

// SealedPrefix starts a sealed text: SealedPrefix + base64(nonce | ciphertext
// | tag), SM4-GCM with a 12-byte random nonce and the prefix as associated data.
const SealedPrefix = "swanwatch-sm4-gcm:v1:"

// sealLabel derives the SM4 key from the master key.
const sealLabel = "swanwatch sm4-gcm sealing v1"

// ErrNotSealed is returned by OpenText for text without SealedPrefix.
var ErrNotSealed = errors.New("not a sealed text")

// ErrOpen is returned when a sealed text does not open under the key: a wrong
// key file, or the text was altered.
var ErrOpen = errors.New("sealed text does not open with this key (wrong key file, or the file was altered)")

// IsSealed reports whether b (trimmed) starts with SealedPrefix.
func IsSealed(b []byte) bool { return bytes.HasPrefix(bytes.TrimSpace(b), []byte(SealedPrefix)) }

func (k Key) gcm() (cipher.AEAD, error) {
	if !k.IsSet() {
		return nil, errors.New("no key loaded")
	}
	block, err := sm4.NewCipher(k.Derive(sealLabel)[:sm4.BlockSize])
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// SealText encrypts plaintext into one line of text (no newline).
func (k Key) SealText(plaintext []byte) (string, error) {
	aead, err := k.gcm()
	if err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	nonce := make([]byte, aead.NonceSize())
	if _, err := io.ReadFull(rand.Reader, nonce); err != nil {
		return "", fmt.Errorf("seal: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, []byte(SealedPrefix))
	return SealedPrefix + base64.StdEncoding.EncodeToString(out), nil
}

// OpenText decrypts a text made by SealText; surrounding white space is ignored.
func (k Key) OpenText(text []byte) ([]byte, error) {
	t := bytes.TrimSpace(text)
	if !bytes.HasPrefix(t, []byte(SealedPrefix)) {
		return nil, ErrNotSealed
	}
	aead, err := k.gcm()
	if err != nil {
		return nil, fmt.Errorf("open: %w", err)
	}
	raw, err := base64.StdEncoding.DecodeString(string(t[len(SealedPrefix):]))
	if err != nil {
		return nil, fmt.Errorf("open: sealed text is not base64")
	}
	if len(raw) < aead.NonceSize()+aead.Overhead() {
		return nil, fmt.Errorf("open: sealed text too short")
	}
	n := aead.NonceSize()
	pt, err := aead.Open(nil, raw[:n], raw[n:], []byte(SealedPrefix))
	if err != nil {
		return nil, ErrOpen
	}
	return pt, nil
}
