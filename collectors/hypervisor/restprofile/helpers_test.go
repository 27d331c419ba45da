package restprofile

import (
	"context"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/hypervisor/driver"
)

// shippedProfile parses a fresh copy of a shipped profile, so a test may
// change it (a small page size) without touching the others'.
func shippedProfile(t *testing.T, name string) *Profile {
	t.Helper()
	f, err := shipped.Open("profiles/" + name + ".yaml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	p, err := ParseProfile(f, name+".yaml")
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func login(address, user, pw string) driver.Login {
	return driver.Login{Target: collectors.Target{Kind: "hypervisor", Name: "zs1", Address: address,
		Labels: map[string]string{"site": "市政务云A机房"}, Params: map[string]string{}}, Username: user, Password: pw}
}

func ctxT(t *testing.T, d time.Duration) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), d)
	t.Cleanup(cancel)
	return ctx
}

// series is one round's output: "metric{k=v,…}" → value.
type series map[string]float64

func collect(t *testing.T, d *Driver) (series, []collectors.Event) {
	t.Helper()
	out := series{}
	evs, err := d.Collect(ctxT(t, 10*time.Second), func(m string, v float64, labels ...string) {
		pairs := make([]string, 0, len(labels)/2)
		for i := 0; i+1 < len(labels); i += 2 {
			pairs = append(pairs, labels[i]+"="+labels[i+1])
		}
		sort.Strings(pairs)
		key := m + "{" + strings.Join(pairs, ",") + "}"
		if _, dup := out[key]; dup {
			t.Errorf("series %s emitted twice", key)
		}
		out[key] = v
	})
	if err != nil {
		t.Fatalf("collect: %v", err)
	}
	return out, evs
}

func (s series) want(t *testing.T, key string, v float64) {
	t.Helper()
	got, ok := s[key]
	if !ok {
		t.Errorf("missing %s", key)
		return
	}
	if got != v {
		t.Errorf("%s = %v, want %v", key, got, v)
	}
}

func (s series) count(prefix string) int {
	n := 0
	for k := range s {
		if strings.HasPrefix(k, prefix+"{") {
			n++
		}
	}
	return n
}

func eventsOf(evs []collectors.Event) []string {
	out := make([]string, 0, len(evs))
	for _, e := range evs {
		who := e.Labels["vm"]
		if who == "" {
			who = e.Labels["host"]
		}
		out = append(out, e.Labels["event"]+":"+who)
	}
	sort.Strings(out)
	return out
}
