// Package secret owns the Secret type: a string that never prints itself, and
// the reading of *_file secrets, which may be sealed at rest with SM4-GCM under
// the secrets key file (sealed.go). It lives apart from internal/config so that
// packages which config imports (the inventory) can use it without an import
// cycle.
package secret

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

// Mask is what a Secret prints as, wherever it is printed or marshalled.
const Mask = "<secret>"

// MaxFileBytes bounds a *_file secret: a secret is a password or a token, so a
// larger file is a wrong path, and reading it all would only waste memory.
const MaxFileBytes = 64 << 10

// Secret is a string that formats (%v, %s, %q, %#v) and marshals (JSON, YAML,
// text) as <secret>. Only Reveal returns the value.
type Secret string

// Reveal returns the secret value; call it only where the value is used.
func (s Secret) Reveal() string { return string(s) }

// IsSet reports whether the secret has a value.
func (s Secret) IsSet() bool { return s != "" }

// String masks the value; an empty secret prints as "" so that a missing secret
// is visible as missing.
func (s Secret) String() string {
	if s == "" {
		return ""
	}
	return Mask
}

// GoString masks %#v too.
func (s Secret) GoString() string { return fmt.Sprintf("secret.Secret(%q)", s.String()) }

// Format covers every verb, so that %x or %d cannot leak the bytes either.
func (s Secret) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	case 'v':
		if f.Flag('#') {
			io.WriteString(f, s.GoString())
			return
		}
		io.WriteString(f, s.String())
	default:
		io.WriteString(f, s.String())
	}
}

// MarshalText masks the value (used by YAML and by JSON map keys).
func (s Secret) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText takes the value as written, for decoders without YAML nodes.
func (s *Secret) UnmarshalText(b []byte) error {
	*s = Secret(b)
	return nil
}

// MarshalJSON masks the value. (json.Marshal still escapes < and > as \u003c
// and \u003e unless the encoder has SetEscapeHTML(false).)
func (s Secret) MarshalJSON() ([]byte, error) { return []byte(strconv.Quote(s.String())), nil }

// MarshalYAML masks the value.
func (s Secret) MarshalYAML() (any, error) { return s.String(), nil }

// UnmarshalYAML accepts any scalar; a mapping or a list is a type error that
// names the line but never echoes the value.
func (s *Secret) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &yaml.TypeError{Errors: []string{
			fmt.Sprintf("line %d: a secret must be a single string value", n.Line)}}
	}
	*s = Secret(n.Value)
	return nil
}

// FromFile reads a secret from path, trimming surrounding white space (files
// written by editors end in a newline). A file sealed with SM4 (sealed.go) is
// opened with the key given to UseKey; a plain one still works and is counted.
// Errors name the path, never the content.
func FromFile(path string) (Secret, error) {
	b, err := readBounded(path)
	if err != nil {
		return "", err
	}
	if smcrypto.IsSealed(b) {
		if b, err = openSealed(path, b); err != nil {
			return "", err
		}
	} else {
		plainFile(path)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return "", fmt.Errorf("secret file %s is empty", path)
	}
	return Secret(v), nil
}

func readBounded(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read secret file: %w", err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, MaxFileBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read secret file %s: %w", path, err)
	}
	if len(b) > MaxFileBytes {
		return nil, fmt.Errorf("secret file %s is larger than %d bytes", path, MaxFileBytes)
	}
	return b, nil
}

// Resolve returns the secret from value or from file: both set is an error, file
// set reads it (relative paths are joined to dir by the caller).
func Resolve(value Secret, file string) (Secret, error) {
	switch {
	case file == "":
		return value, nil
	case value != "":
		return "", fmt.Errorf("set either the secret or its _file, not both")
	default:
		return FromFile(file)
	}
}
