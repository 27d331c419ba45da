package hypervisor

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
	"github.com/swanwatch/swanwatch/internal/secret"
)

// Target params the kind reads; the driver reads the rest (docs/cloud.md).
const (
	ParamPlatform     = "platform"
	ParamUsername     = "username"
	ParamPasswordFile = "password_file"
)

// login is a target's platform and credentials, the password file read.
type login struct {
	platform string
	user     string
	password string
	// fingerprint changes when the address, a param or the password file's
	// content changes: the driver is then opened again.
	fingerprint [32]byte
}

// parseTarget runs every round, so a rotated password file is picked up
// without a reload. Errors name params and paths, never the password.
func parseTarget(t collectors.Target, table map[string]driver.Opener) (login, error) {
	var l login
	l.platform = platformOf(t.Address, t.Params)
	var errs []error
	if l.platform == "" {
		errs = append(errs, fmt.Errorf("%w: 地址 %q 看不出平台，请设 platform（%s）", ErrParams, clip(t.Address, 120), platformNames(table)))
	} else if _, ok := table[l.platform]; !ok {
		errs = append(errs, fmt.Errorf("%w %q（可选: %s）", ErrPlatform, clip(l.platform, 40), platformNames(table)))
	}
	l.user = t.Params[ParamUsername]
	if file := t.Params[ParamPasswordFile]; file != "" {
		pw, err := secret.FromFile(file)
		if err != nil {
			errs = append(errs, fmt.Errorf("%w: password_file: %w", ErrParams, err))
		}
		l.password = pw.Reveal()
	}
	if err := errors.Join(errs...); err != nil {
		return l, err
	}
	h := sha256.New()
	write := func(s string) { fmt.Fprintf(h, "%d:%s", len(s), s) }
	write(t.Address)
	for _, k := range slices.Sorted(maps.Keys(t.Params)) {
		write(k)
		write(t.Params[k])
	}
	write(l.password)
	copy(l.fingerprint[:], h.Sum(nil))
	return l, nil
}

func clip(s string, n int) string {
	if len(s) > n {
		s = s[:n] + "…"
	}
	return strings.ToValidUTF8(s, "?")
}
