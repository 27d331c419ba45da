package secops

import (
	"errors"
	"io"
	"os"
	"testing"
)

func seed(f *testing.F, name string) {
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		f.Fatal(err)
	}
	f.Add(b)
}

// checkScan holds for any input: a clear error, or a scan within the bounds
// whose findings are complete and whose hosts are covered.
func checkScan(t *testing.T, s Scan, err error) {
	if err != nil {
		if !errors.Is(err, ErrBadScan) {
			t.Fatalf("error not ErrBadScan: %v", err)
		}
		return
	}
	covered := map[string]bool{}
	for _, h := range s.Hosts {
		covered[h] = true
	}
	if len(s.Findings) > MaxScanFindings || len(s.Hosts) > MaxScanHosts {
		t.Fatalf("bounds passed: %d findings, %d hosts", len(s.Findings), len(s.Hosts))
	}
	for _, f := range s.Findings {
		if f.Host == "" || f.Ref == "" || f.Severity.Word() == "" || !covered[f.Host] {
			t.Fatalf("incomplete finding %+v", f)
		}
	}
}

func FuzzOpenVAS(f *testing.F) {
	seed(f, "gvm-2026q4.xml")
	f.Add([]byte(`<report><results><result><host>h</host><nvt oid="CVE-2024-6387"/><severity>8.1</severity></result></results></report>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseOpenVAS(bytesReader(b))
		checkScan(t, s, err)
	})
}

func FuzzCSV(f *testing.F) {
	seed(f, "scan-2026q4.csv")
	f.Add([]byte("\ufeffHost,CVE,Port,Name,Severity,extra\nh,CVE-2024-6387,22,\"a,b\",7.5,x\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		s, err := ParseCSV(bytesReader(b))
		checkScan(t, s, err)
	})
}

func bytesReader(b []byte) *bytesR { return &bytesR{b: b} }

// bytesR reads b in small pieces, as a network body arrives.
type bytesR struct{ b []byte }

func (r *bytesR) Read(p []byte) (int, error) {
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), 7)], r.b)
	r.b = r.b[n:]
	return n, nil
}
