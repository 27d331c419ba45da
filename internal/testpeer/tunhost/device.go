package tunhost

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/netip"
	"os"
	"os/exec"
	"strings"
	"sync"

	"golang.org/x/sys/unix"
)

// openTUN creates a TUN device (IFF_NO_PI: packets without a link header). The
// fd is non-blocking so the Go poller serves it and Close interrupts a Read; the
// device is not persistent, so it disappears with the fd, routes and all.
func openTUN(name string) (*os.File, error) {
	fd, err := unix.Open("/dev/net/tun", unix.O_RDWR|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return nil, fmt.Errorf("open /dev/net/tun: %w", err)
	}
	ifr, err := unix.NewIfreq(name)
	if err == nil {
		ifr.SetUint16(unix.IFF_TUN | unix.IFF_NO_PI)
		err = unix.IoctlIfreq(fd, unix.TUNSETIFF, ifr)
	}
	if err != nil {
		unix.Close(fd)
		return nil, fmt.Errorf("create tun %s: %w", name, err)
	}
	return os.NewFile(uintptr(fd), "tun:"+name), nil
}

// addrs is the address plan of one host: the local end stays on this machine,
// the remote end is the emulated host behind the TUN device.
type addrs struct {
	local4, remote4, local6, remote6 netip.Addr
}

var (
	usedMu sync.Mutex
	used   = map[byte]bool{} // third octets taken by hosts of this process
)

// pickAddrs chooses 169.254.X.1/.2 and fd00:5357:X:R::1/::2 with an X that no
// interface of this machine uses yet (other test processes may run hosts too;
// the random R keeps their IPv6 apart, the check keeps their IPv4 apart).
// fd00::/64 itself is eth0's subnet here, hence the 5357 ("SW") second group.
func pickAddrs() (addrs, error) {
	taken, err := takenOctets()
	if err != nil {
		return addrs{}, err
	}
	usedMu.Lock()
	defer usedMu.Unlock()
	for range 200 {
		x := byte(100 + rand.IntN(100))
		if taken[x] || used[x] {
			continue
		}
		used[x] = true
		r := rand.Uint32() & 0xffff
		p6 := fmt.Sprintf("fd00:5357:%x:%x::", x, r)
		return addrs{
			local4: netip.AddrFrom4([4]byte{169, 254, x, 1}), remote4: netip.AddrFrom4([4]byte{169, 254, x, 2}),
			local6: netip.MustParseAddr(p6 + "1"), remote6: netip.MustParseAddr(p6 + "2"),
		}, nil
	}
	return addrs{}, errors.New("no free 169.254.100-199.0/24 left for a tun host")
}

func releaseAddrs(a addrs) {
	usedMu.Lock()
	delete(used, a.local4.As4()[2])
	usedMu.Unlock()
}

// takenOctets lists X of every 169.254.X.Y address on this machine.
func takenOctets() (map[byte]bool, error) {
	ifaddrs, err := net.InterfaceAddrs()
	if err != nil {
		return nil, fmt.Errorf("list interface addresses: %w", err)
	}
	out := map[byte]bool{}
	for _, a := range ifaddrs {
		if n, ok := a.(*net.IPNet); ok {
			if ip4 := n.IP.To4(); ip4 != nil && ip4[0] == 169 && ip4[1] == 254 {
				out[ip4[2]] = true
			}
		}
	}
	return out, nil
}

// configure gives the device its point-to-point addresses and brings it up.
// nodad: a TUN link has no neighbours, and DAD would hold the address back ~1 s.
func configure(dev string, a addrs) error {
	return runAll(
		[]string{"addr", "add", a.local4.String(), "peer", a.remote4.String(), "dev", dev},
		[]string{"-6", "addr", "add", a.local6.String() + "/128", "dev", dev, "nodad"},
		[]string{"link", "set", dev, "up"},
		// An IPv6 `peer` address installs no route to the peer: add it.
		[]string{"-6", "route", "add", a.remote6.String() + "/128", "dev", dev, "src", a.local6.String()},
	)
}

// runAll runs `ip` once per argument list and stops at the first failure.
func runAll(cmds ...[]string) error {
	for _, args := range cmds {
		if out, err := exec.Command("ip", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("ip %s: %w: %s", strings.Join(args, " "), err, strings.TrimSpace(string(out)))
		}
	}
	return nil
}
