package restprofile

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
)

// FuzzParseProfile: any bytes give a profile or an error naming the file,
// never a panic; an accepted profile has what the driver relies on.
func FuzzParseProfile(f *testing.F) {
	entries, _ := fs.ReadDir(shipped, "profiles")
	for _, e := range entries {
		data, _ := fs.ReadFile(shipped, "profiles/"+e.Name())
		f.Add(string(data))
	}
	f.Add(okProfile)
	f.Add("name: x\nlogin: {kind: json}\n")
	f.Fuzz(func(t *testing.T, src string) {
		p, err := ParseProfile(strings.NewReader(src), "f.yaml")
		if err != nil {
			if !strings.HasPrefix(err.Error(), "f.yaml: ") {
				t.Fatalf("error does not name the file: %v", err)
			}
			return
		}
		if p.Hosts == nil && p.VMs == nil && p.Datastores == nil {
			t.Fatal("accepted a profile without endpoints")
		}
		for _, ep := range []*Endpoint{p.Hosts, p.VMs, p.Datastores} {
			if ep == nil {
				continue
			}
			if ep.Paging != nil && (ep.Paging.Size < 1 || ep.Paging.MaxPages < 1) {
				t.Fatalf("accepted paging %+v", *ep.Paging)
			}
			for k, fl := range ep.Fields {
				if !labelFields[k] && fl.Scale <= 0 {
					t.Fatalf("field %s kept scale %v", k, fl.Scale)
				}
			}
		}
		if p.MaxReplyBytes <= 0 {
			t.Fatal("no reply bound")
		}
	})
}

// FuzzReply: any reply to a list gives objects with a name and finite
// values, or ErrReply; never a panic.
func FuzzReply(f *testing.F) {
	for _, s := range []string{
		`{"inventories":[{"name":"vm-a","uuid":"va","hostUuid":"h1","state":"Running","cpuNum":4,"memorySize":8.589934592E9}]}`,
		`{"inventories":[{"name":1,"state":["x"],"cpuNum":"4","memorySize":1e400}]}`,
		`{"inventories":{}}`, `[]`, `{"inventories":[null,1,"x",{"name":""}]}`, `{"inventories":[{"name":"a"`, "",
	} {
		f.Add([]byte(s))
	}
	p, err := ParseProfile(strings.NewReader(mustShipped(f, "zstack")), "zstack.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := &round{}
		objs, n, err := parsePage(p.VMs, data, r)
		if err != nil {
			if !errors.Is(err, ErrReply) {
				t.Fatalf("error %v is not 平台应答格式错误", err)
			}
			return
		}
		if len(objs) > n {
			t.Fatalf("%d objects from %d items", len(objs), n)
		}
		for _, o := range objs {
			if o.labels["name"] == "" {
				t.Fatal("object without a name")
			}
			for k, v := range o.values {
				if v != v || v > 1e308 || v < -1e308 {
					t.Fatalf("%s = %v", k, v)
				}
			}
		}
	})
}

func mustShipped(f *testing.F, name string) string {
	data, err := fs.ReadFile(shipped, "profiles/"+name+".yaml")
	if err != nil {
		f.Fatal(err)
	}
	return string(data)
}
