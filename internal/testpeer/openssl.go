package testpeer

import (
	"context"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// OpenSSL runs the real openssl command (scripts/install-peers.sh installs
// it) with stdin, and returns what it printed.
func OpenSSL(t testing.TB, stdin string, args ...string) (string, error) {
	t.Helper()
	bin := LookBinary(t, "openssl", "apt-get install openssl (scripts/install-peers.sh)")
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin, args...)
	cmd.Stdin = strings.NewReader(stdin)
	out, err := cmd.CombinedOutput()
	return string(out), err
}

// SelfSigned makes a self-signed certificate for 127.0.0.1 with openssl in
// dir: kind is rsa, ecdsa or sm2 (SM2 key, SM3 signature). It returns the
// certificate's and the key's files.
func SelfSigned(t testing.TB, dir, kind, cn string) (certFile, keyFile string) {
	t.Helper()
	certFile, keyFile = filepath.Join(dir, kind+".crt"), filepath.Join(dir, kind+".key")
	base := []string{"req", "-x509", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
		"-addext", "subjectAltName=IP:127.0.0.1", "-keyout", keyFile, "-out", certFile}
	var args []string
	switch kind {
	case "rsa":
		args = append(base, "-newkey", "rsa:2048", "-sha256")
	case "ecdsa":
		args = append(base, "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-sha256")
	case "sm2":
		out, err := OpenSSL(t, "", "genpkey", "-algorithm", "SM2", "-out", keyFile)
		require.NoError(t, err, out)
		args = []string{"req", "-x509", "-key", keyFile, "-sm3", "-sigopt", "distid:1234567812345678",
			"-days", "2", "-subj", "/CN=" + cn, "-addext", "subjectAltName=IP:127.0.0.1", "-out", certFile}
	default:
		t.Fatalf("testpeer.SelfSigned: kind %q: want rsa, ecdsa or sm2", kind)
	}
	out, err := OpenSSL(t, "", args...)
	require.NoError(t, err, out)
	return certFile, keyFile
}
