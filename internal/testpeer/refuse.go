package testpeer

import (
	"net"
	"strconv"
	"syscall"
	"testing"
)

// RefusingAddr is a loopback TCP address that refuses every connection for
// the whole test: a socket bound to it but never listening holds the port,
// so the kernel answers a connect with a reset (ECONNREFUSED) and no other
// test's server can take the port meanwhile. A closed port picked by
// FreePort could be taken by another package's server running at the same
// time, which then answers (CI saw "connection reset by peer" instead of a
// refusal).
func RefusingAddr(t testing.TB) string {
	t.Helper()
	fd, err := syscall.Socket(syscall.AF_INET, syscall.SOCK_STREAM|syscall.SOCK_CLOEXEC, 0)
	if err != nil {
		t.Fatalf("refusing address: socket: %v", err)
	}
	t.Cleanup(func() { _ = syscall.Close(fd) })
	if err := syscall.Bind(fd, &syscall.SockaddrInet4{Addr: [4]byte{127, 0, 0, 1}}); err != nil {
		t.Fatalf("refusing address: bind: %v", err)
	}
	sa, err := syscall.Getsockname(fd)
	if err != nil {
		t.Fatalf("refusing address: getsockname: %v", err)
	}
	return net.JoinHostPort("127.0.0.1", strconv.Itoa(sa.(*syscall.SockaddrInet4).Port))
}
