package restprofile

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

// A platform that answers too much, the wrong types, not JSON or too slowly
// fails the round with a clear error (or skips the bad values, counted),
// and costs nothing else.
func TestHostileReplies(t *testing.T) {
	huge := func(w http.ResponseWriter) {
		fmt.Fprint(w, `{"inventories":[`)
		chunk := strings.Repeat(`{"name":"x","uuid":"y"},`, 4096)
		for i := 0; i < 64; i++ { // ~6 MiB, over the 1 MiB limit set below
			fmt.Fprint(w, chunk)
		}
		fmt.Fprint(w, `{"name":"z"}]}`)
	}
	cases := []struct {
		name string
		path string
		h    func(w http.ResponseWriter)
		want error
	}{
		{"huge", "/zstack/v1/hosts", huge, ErrTooLarge},
		{"not json", "/zstack/v1/hosts", func(w http.ResponseWriter) { fmt.Fprint(w, "<html>login</html>") }, ErrReply},
		{"list not a list", "/zstack/v1/vm-instances", func(w http.ResponseWriter) { fmt.Fprint(w, `{"inventories":{"a":1}}`) }, ErrReply},
		{"truncated", "/zstack/v1/primary-storage", func(w http.ResponseWriter) { fmt.Fprint(w, `{"inventories":[{"name":"PS1"`) }, ErrReply},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			f := newFakeZStack(t)
			p := shippedProfile(t, "zstack")
			p.MaxReplyBytes = 1 << 20
			d := openZStack(t, f, p)
			f.set(func(f *fakeZStack) { f.raw[c.path] = c.h })
			_, err := d.Collect(ctxT(t, 10*time.Second), func(string, float64, ...string) {})
			if !errors.Is(err, c.want) {
				t.Fatalf("err = %v, want %v", err, c.want)
			}
		})
	}
}

func TestWrongTypesAreSkipped(t *testing.T) {
	f := newFakeZStack(t)
	d := openZStack(t, f, shippedProfile(t, "zstack"))
	f.set(func(f *fakeZStack) {
		f.vms[0]["cpuNum"] = "four"
		f.vms[0]["memorySize"] = map[string]any{"x": 1}
		f.vms[1]["state"] = []int{1}
		f.vms[2]["name"] = 17.5 // a number is still a usable name
		f.vms[3]["name"] = nil  // no name: the VM is skipped
		f.hosts[1]["status"] = "Exploding"
	})
	var skipped int
	s, _ := collect(t, d)
	if _, ok := s["hypervisor_vm_vcpus{vm=vm-a}"]; ok {
		t.Error("a string cpuNum became a value")
	}
	if _, ok := s["hypervisor_vm_running{vm=vm-b}"]; ok {
		t.Error("a list state became a value")
	}
	if _, ok := s["hypervisor_host_up{cluster=c1,host=host-2}"]; ok {
		t.Error("an unknown host status became a value (the zstack profile maps no default for it)")
	}
	s.want(t, "hypervisor_vm_running{vm=17.5}", 0)
	s.want(t, "hypervisor_vm_memory_bytes{vm=vm-e}", 17179869184)
	if n := s.count("hypervisor_vm_info"); n != 4 {
		t.Errorf("%d VMs, want 4 (the nameless one skipped)", n)
	}
	r, err := d.read(ctxT(t, 10*time.Second))
	if err != nil {
		t.Fatal(err)
	}
	skipped = r.skipped
	if skipped != 5 { // cpuNum, memorySize, state, nameless VM, host status
		t.Errorf("skipped %d, want 5", skipped)
	}
}

func TestSlowPlatformTimesOut(t *testing.T) {
	f := newFakeZStack(t)
	d := openZStack(t, f, shippedProfile(t, "zstack"))
	release := make(chan struct{})
	f.set(func(f *fakeZStack) {
		f.raw["/zstack/v1/hosts"] = func(w http.ResponseWriter) {
			fmt.Fprint(w, `{"inventories":[`)
			w.(http.Flusher).Flush()
			select { // dribbles, then hangs
			case <-release:
			case <-time.After(20 * time.Second):
			}
		}
	})
	ctx, cancel := context.WithTimeout(context.Background(), 300*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := d.Collect(ctx, func(string, float64, ...string) {})
	el := time.Since(start)
	close(release) // let the handler end before the fake server closes
	if !errors.Is(err, ErrTimeout) {
		t.Fatalf("err = %v, want 连接超时", err)
	}
	if el > 5*time.Second {
		t.Fatalf("a slow platform held the round %v", el)
	}
}
