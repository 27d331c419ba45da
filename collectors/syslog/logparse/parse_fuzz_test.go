package logparse

import (
	"io/fs"
	"net/netip"
	"path/filepath"
	"testing"
	"unicode/utf8"
)

// checkRecord holds the promises Parse makes to the receiver whatever the
// bytes: contract labels only, valid and bounded values, known classes.
func checkRecord(t *testing.T, r Record) {
	t.Helper()
	if r.Vendor == "" || r.Profile == "" {
		t.Fatalf("recognised without vendor/profile: %+v", r)
	}
	if r.Class != "" && !IsClass(r.Class) {
		t.Fatalf("class %q", r.Class)
	}
	if r.Severity != "" && !severities[r.Severity] {
		t.Fatalf("severity %q", r.Severity)
	}
	for k, v := range r.Fields {
		if !IsLabel(k) {
			t.Fatalf("field %q is no contract label", k)
		}
		if v == "" || len(v) > maxValue || !utf8.ValidString(v) {
			t.Fatalf("field %s=%q: empty, longer than %d or not UTF-8", k, v, maxValue)
		}
		switch k {
		case "action":
			if !actionWords[v] {
				t.Fatalf("action %q", v)
			}
		case "src_ip", "dst_ip", "nat_src_ip", "nat_dst_ip":
			if _, err := netip.ParseAddr(v); err != nil {
				t.Fatalf("%s=%q: %v", k, v, err)
			}
		case "src_port", "dst_port", "nat_src_port", "nat_dst_port":
			if normalPort(v) != v {
				t.Fatalf("%s=%q", k, v)
			}
		}
	}
}

func FuzzParse(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.txt")
	for _, path := range files {
		for _, sm := range readSamples(f, path) {
			f.Add(sm.App, sm.Text, "")
		}
	}
	f.Add("sshd", "Failed password for invalid user \xff from 1.2.3.4 port 99999 ssh2", "-")
	set := Default()
	f.Fuzz(func(t *testing.T, app, text, msgid string) {
		r, ok := set.Parse(Message{App: app, Text: text, MsgID: msgid})
		if ok {
			checkRecord(t, r)
		} else if r.Vendor != "" || r.Fields != nil {
			t.Fatalf("unrecognised line with a record: %+v", r)
		}
	})
}

func FuzzLoad(f *testing.F) {
	_ = fs.WalkDir(embedded, "profiles", func(path string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := embedded.ReadFile(path)
			f.Add(b)
		}
		return nil
	})
	f.Add([]byte(operatorFile))
	f.Add([]byte("vendor: a\ngate: {contains: [x]}\nprofiles:\n  - name: b\n    contains: [x]\n    regex: '(?P<user>.*)'\n"))
	f.Add([]byte("a: &a [*a]\n"))
	f.Add([]byte("--- \n--- \nvendor: *x\n"))
	lines := []Message{
		{Text: "x ACME-FW DENY src=1.1.1.1 dst=2.2.2.2 rule=r"},
		{App: "sshd", Text: "Accepted password for a from 10.0.0.1 port 22 ssh2"},
		{Text: "\xff\xfe x=y;z=w"},
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := Load(b)
		if err != nil {
			if s != nil {
				t.Fatal("a set with an error")
			}
			return
		}
		for _, m := range lines {
			if r, ok := s.Parse(m); ok {
				checkRecord(t, r)
			}
		}
	})
}
