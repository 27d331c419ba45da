package restprofile

import (
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

func openZStack(t *testing.T, f *fakeZStack, p *Profile) *Driver {
	t.Helper()
	d, err := Open(ctxT(t, 10*time.Second), p, login(f.srv.URL, f.user, f.pw))
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

func TestZStackRound(t *testing.T) {
	f := newFakeZStack(t)
	p := shippedProfile(t, "zstack")
	p.VMs.Paging.Size = 2 // five VMs: pages at start 0, 2, 4
	d := openZStack(t, f, p)
	s, evs := collect(t, d)
	if len(evs) != 0 {
		t.Errorf("first round has no previous state, got events %v", eventsOf(evs))
	}
	s.want(t, "hypervisor_host_info{cluster=c1,host=host-1}", 1)
	s.want(t, "hypervisor_host_up{cluster=c1,host=host-1}", 1)
	s.want(t, "hypervisor_host_up{cluster=c1,host=host-2}", 0)
	s.want(t, "hypervisor_host_maintenance{host=host-1}", 0)
	s.want(t, "hypervisor_host_maintenance{host=host-2}", 1)
	s.want(t, "hypervisor_host_memory_capacity_bytes{cluster=c1,host=host-1}", 8186290176)
	s.want(t, "hypervisor_host_vms_running{host=host-1}", 3)
	s.want(t, "hypervisor_host_vms_running{host=host-2}", 0)
	s.want(t, "hypervisor_vm_info{cluster=c1,host=host-1,uuid=va,vm=vm-a}", 1)
	s.want(t, "hypervisor_vm_info{cluster=c1,uuid=vd,vm=vm-d}", 1) // a paused VM may have no host
	s.want(t, "hypervisor_vm_running{vm=vm-a}", 1)
	s.want(t, "hypervisor_vm_running{vm=vm-c}", 0)
	s.want(t, "hypervisor_vm_running{vm=vm-d}", 0)
	s.want(t, "hypervisor_vm_vcpus{vm=vm-e}", 8)
	s.want(t, "hypervisor_vm_memory_bytes{vm=vm-a}", 8589934592)
	s.want(t, "hypervisor_datastore_capacity_bytes{datastore=PS1}", 1.073741824e12)
	s.want(t, "hypervisor_datastore_free_bytes{datastore=PS1}", 5e11)
	if n := s.count("hypervisor_vm_running"); n != 5 {
		t.Errorf("%d VMs read over the pages, want 5", n)
	}
	f.mu.Lock()
	starts := f.starts["/zstack/v1/vm-instances"]
	f.mu.Unlock()
	if !slices.Equal(starts, []int{0, 2, 4}) {
		t.Errorf("VM pages asked at start %v, want [0 2 4]", starts)
	}
	for k := range s {
		if strings.Contains(k, "site=") {
			t.Errorf("%s repeats the target's own label", k)
		}
	}
}

func TestZStackEventsBetweenRounds(t *testing.T) {
	f := newFakeZStack(t)
	d := openZStack(t, f, shippedProfile(t, "zstack"))
	collect(t, d)
	f.set(func(f *fakeZStack) {
		f.vms[0]["state"] = "Stopped"
		f.vms[2]["state"] = "Running"
		f.hosts[0]["status"] = "Disconnected"
	})
	_, evs := collect(t, d)
	want := []string{"host_failed:host-1", "vm_started:vm-c", "vm_stopped:vm-a"}
	if got := eventsOf(evs); !slices.Equal(got, want) {
		t.Fatalf("events %v, want %v", got, want)
	}
	for _, e := range evs {
		if e.Labels["vm"] == "vm-a" && e.Labels["host"] != "host-1" {
			t.Errorf("vm_stopped of vm-a names host %q, want host-1", e.Labels["host"])
		}
		if e.Labels["source"] != "hypervisor" || e.Labels["instance"] != "zs1" || e.Labels["cluster"] != "c1" {
			t.Errorf("event labels %v", e.Labels)
		}
	}
	f.set(func(f *fakeZStack) { f.hosts[0]["status"] = "Connected" })
	_, evs = collect(t, d)
	if got := eventsOf(evs); !slices.Equal(got, []string{"host_recovered:host-1"}) {
		t.Fatalf("events %v, want host_recovered", got)
	}
}

func TestZStackSessionExpiredLogsInAgain(t *testing.T) {
	for _, status := range []int{http.StatusServiceUnavailable, http.StatusUnauthorized} {
		f := newFakeZStack(t)
		f.expiredStatus = status
		d := openZStack(t, f, shippedProfile(t, "zstack"))
		collect(t, d)
		f.expire()
		s, _ := collect(t, d)
		s.want(t, "hypervisor_vm_running{vm=vm-a}", 1)
		f.mu.Lock()
		if f.logins != 2 {
			t.Errorf("HTTP %d: %d logins, want 2 (the first and one after the expiry)", status, f.logins)
		}
		f.mu.Unlock()
	}
}

// A session refused again right after a new login is a failure, not a loop.
func TestZStackReloginOnce(t *testing.T) {
	f := newFakeZStack(t)
	d := openZStack(t, f, shippedProfile(t, "zstack"))
	f.set(func(f *fakeZStack) {
		f.raw["/zstack/v1/hosts"] = func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"code":"ID.1001","description":"invalid session"}}`)
		}
	})
	_, err := d.Collect(ctxT(t, 10*time.Second), func(string, float64, ...string) {})
	if !errors.Is(err, ErrPlatform) {
		t.Fatalf("err = %v, want 平台返回错误", err)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.logins != 2 {
		t.Errorf("%d logins, want 2", f.logins)
	}
}

func TestZStackWrongPassword(t *testing.T) {
	f := newFakeZStack(t)
	const wrong = "wrong-口令-123"
	_, err := Open(ctxT(t, 10*time.Second), shippedProfile(t, "zstack"), login(f.srv.URL, f.user, wrong))
	if !errors.Is(err, ErrAuth) || !strings.Contains(err.Error(), "认证失败") || !strings.Contains(err.Error(), "ID.1000") {
		t.Fatalf("err = %v, want 认证失败", err)
	}
	sum := sha512.Sum512([]byte(wrong))
	for _, secret := range []string{wrong, hex.EncodeToString(sum[:])} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error holds the password: %v", err)
		}
	}
}

func TestZStackPlatformErrorIsQuoted(t *testing.T) {
	f := newFakeZStack(t)
	d := openZStack(t, f, shippedProfile(t, "zstack"))
	f.set(func(f *fakeZStack) {
		f.raw["/zstack/v1/hosts"] = func(w http.ResponseWriter) {
			w.WriteHeader(http.StatusServiceUnavailable)
			fmt.Fprint(w, `{"error":{"code":"SYS.1001","description":"management node is starting"}}`)
		}
	})
	_, err := d.Collect(ctxT(t, 10*time.Second), func(string, float64, ...string) {})
	if !errors.Is(err, ErrPlatform) || !strings.Contains(err.Error(), "management node is starting") {
		t.Fatalf("err = %v, want 平台返回错误 with the platform's text", err)
	}
}
