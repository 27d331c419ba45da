package secret

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/VictoriaMetrics/metrics"

	"github.com/swanwatch/swanwatch/internal/smcrypto"
)

// The key that opens sealed secret files, set once at start (UseKey) before
// the configuration's secrets are read; collectors read their *_file secrets
// later, from many goroutines.
var sealKey atomic.Pointer[smcrypto.Key]

// UseKey sets the key sealed secret files open with (secrets.key_file).
func UseKey(k smcrypto.Key) { sealKey.Store(&k) }

// UseKeyFile loads the secrets key file and uses it.
func UseKeyFile(path string) error {
	k, err := smcrypto.LoadKeyFile(path)
	if err != nil {
		return fmt.Errorf("secrets key: %w", err)
	}
	UseKey(k)
	return nil
}

var (
	plainFiles  = metrics.NewCounter(`swanwatch_secret_plain_files_total`)
	sealedFiles = metrics.NewCounter(`swanwatch_secret_sealed_files_total`)
	openErrors  = metrics.NewCounter(`swanwatch_secret_open_errors_total`)
	warned      sync.Map // path → struct{}: one warning per plain file per process
)

// plainFile counts a secret read in plain text, and warns once per path when a
// key is configured (then every secret file should be sealed).
func plainFile(path string) {
	plainFiles.Inc()
	if sealKey.Load() == nil {
		return
	}
	if _, seen := warned.LoadOrStore(path, struct{}{}); !seen {
		slog.Warn("secret file is not sealed; run: swanwatch secret seal --key <secrets.key_file> "+path, "file", path)
	}
}

func openSealed(path string, b []byte) ([]byte, error) {
	k := sealKey.Load()
	if k == nil {
		openErrors.Inc()
		return nil, fmt.Errorf("secret file %s is sealed (SM4) but no secrets.key_file is configured", path)
	}
	pt, err := k.OpenText(b)
	if err != nil {
		openErrors.Inc()
		return nil, fmt.Errorf("secret file %s: %w", path, err)
	}
	sealedFiles.Inc()
	return pt, nil
}

// SealFile replaces a plain secret file by its sealed form, keeping its mode.
func SealFile(k smcrypto.Key, path string) error {
	b, err := readBounded(path)
	if err != nil {
		return err
	}
	if smcrypto.IsSealed(b) {
		return fmt.Errorf("secret file %s is sealed already", path)
	}
	v := strings.TrimSpace(string(b))
	if v == "" {
		return fmt.Errorf("secret file %s is empty", path)
	}
	line, err := k.SealText([]byte(v))
	if err != nil {
		return err
	}
	return replace(path, line+"\n")
}

// UnsealFile replaces a sealed secret file by its plain text (to edit it).
func UnsealFile(k smcrypto.Key, path string) error {
	b, err := readBounded(path)
	if err != nil {
		return err
	}
	pt, err := k.OpenText(b)
	if errors.Is(err, smcrypto.ErrNotSealed) {
		return fmt.Errorf("secret file %s is not sealed", path)
	}
	if err != nil {
		return fmt.Errorf("secret file %s: %w", path, err)
	}
	return replace(path, string(pt)+"\n")
}

// replace writes content to a temporary file beside path and renames it over
// path, so that a crash leaves the old or the new file, never half of one.
func replace(path, content string) (err error) {
	fi, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("secret file: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".seal-*")
	if err != nil {
		return fmt.Errorf("secret file %s: %w", path, err)
	}
	defer func() {
		if err != nil {
			_ = os.Remove(tmp.Name())
		}
	}()
	_, err = tmp.WriteString(content)
	err = errors.Join(err, tmp.Chmod(fi.Mode().Perm()), tmp.Sync(), tmp.Close())
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("replace secret file %s: %w", path, err)
	}
	return nil
}
