package tunhost

import (
	"fmt"
	"net"
	"net/netip"
	"os"
	"runtime"
	"testing"

	"golang.org/x/sys/unix"
)

// NS is a network namespace joined to this machine by a veth pair: the remote
// end (Remote4/Remote6) lives in the namespace, the local end here. It stands
// for a far host with real TCP/UDP listeners, and for a host whose link fails.
type NS struct {
	Name            string
	Local4, Remote4 netip.Addr
	Local6, Remote6 netip.Addr
	hostIf, nsIf    string
	addrs           addrs
}

// Netns creates the namespace and its link, and removes both when the test ends.
func Netns(t testing.TB) *NS {
	t.Helper()
	requireRoot(t, "ip netns and veth links")
	a, err := pickAddrs()
	if err != nil {
		t.Fatalf("netns: %v", err)
	}
	devSeq.Lock()
	devSeq.n++
	id := fmt.Sprintf("%d_%d", os.Getpid()%100000, devSeq.n)
	devSeq.Unlock()
	n := &NS{Name: "swnp" + id, Local4: a.local4, Remote4: a.remote4, Local6: a.local6, Remote6: a.remote6,
		hostIf: "swvh" + id, nsIf: "swvn" + id, addrs: a}
	t.Cleanup(n.remove)
	if err := n.create(); err != nil {
		t.Fatalf("netns %s: %v", n.Name, err)
	}
	return n
}

func (n *NS) create() error {
	l4, r4 := n.Local4.String()+"/30", n.Remote4.String()+"/30"
	l6, r6 := n.Local6.String()+"/64", n.Remote6.String()+"/64"
	return runAll(
		[]string{"netns", "add", n.Name},
		[]string{"link", "add", n.hostIf, "type", "veth", "peer", "name", n.nsIf, "netns", n.Name},
		[]string{"addr", "add", l4, "dev", n.hostIf},
		[]string{"-6", "addr", "add", l6, "dev", n.hostIf, "nodad"},
		[]string{"link", "set", n.hostIf, "up"},
		[]string{"-n", n.Name, "addr", "add", r4, "dev", n.nsIf},
		[]string{"-n", n.Name, "-6", "addr", "add", r6, "dev", n.nsIf, "nodad"},
		[]string{"-n", n.Name, "link", "set", n.nsIf, "up"},
		[]string{"-n", n.Name, "link", "set", "lo", "up"},
	)
}

// remove deletes the namespace (its veth end goes with it, and the local end
// with the pair); the explicit link delete covers a half-made namespace.
func (n *NS) remove() {
	_ = runAll([]string{"netns", "del", n.Name})
	_ = runAll([]string{"link", "del", n.hostIf})
	releaseAddrs(n.addrs)
}

// SetLinkDown takes the namespace's end of the link down (or up again): the far
// host stops answering while its address stays routed.
func (n *NS) SetLinkDown(t testing.TB, down bool) {
	t.Helper()
	state := "up"
	if down {
		state = "down"
	}
	if err := runAll([]string{"-n", n.Name, "link", "set", n.nsIf, state}); err != nil {
		t.Fatalf("netns %s: %v", n.Name, err)
	}
}

// Listen opens a listener inside the namespace (e.g. "tcp", "169.254.x.2:0"),
// closed when the test ends.
func (n *NS) Listen(t testing.TB, network, address string) net.Listener {
	t.Helper()
	var l net.Listener
	err := n.Do(func() error {
		var err error
		l, err = net.Listen(network, address)
		return err
	})
	if err != nil {
		t.Fatalf("listen %s %s in netns %s: %v", network, address, n.Name, err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// Do runs fn on an OS thread that has entered the namespace. Sockets made there
// stay in the namespace afterwards. It runs on a goroutine of its own: if the
// thread cannot return to this machine's namespace, the goroutine ends locked
// and the Go runtime discards the thread instead of reusing it.
func (n *NS) Do(fn func() error) error {
	errc := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		errc <- n.enter(fn)
	}()
	return <-errc
}

func (n *NS) enter(fn func() error) error {
	orig, err := unix.Open("/proc/thread-self/ns/net", unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open own netns: %w", err)
	}
	defer unix.Close(orig)
	target, err := unix.Open("/run/netns/"+n.Name, unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("open netns %s: %w", n.Name, err)
	}
	defer unix.Close(target)
	if err := unix.Setns(target, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("enter netns %s: %w", n.Name, err)
	}
	fnErr := fn()
	if err := unix.Setns(orig, unix.CLONE_NEWNET); err != nil {
		return fmt.Errorf("leave netns %s: %w", n.Name, err) // thread stays locked and dies
	}
	runtime.UnlockOSThread()
	return fnErr
}
