package nvr

import (
	"errors"
	"testing"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/cst"
)

// Every recorder reply goes through one of these parsers. Whatever the bytes,
// a parser returns (no panic, no stall) either readings that make sense or an
// error the round can name: a format error, or the device's own error.

func checkErr(t *testing.T, err error) {
	if err != nil && !errors.Is(err, ErrFormat) && !errors.Is(err, ErrDevice) && !errors.Is(err, errNotSupported) {
		t.Fatalf("unclassified error: %v", err)
	}
	if err != nil && !utf8.ValidString(err.Error()) {
		t.Fatalf("error text is not UTF-8: %q", err.Error())
	}
}

func checkDisks(t *testing.T, ds []disk) {
	seen := map[string]bool{}
	for _, d := range ds {
		if !utf8.ValidString(d.name) || d.name == "" || seen[d.name] {
			t.Fatalf("disk name %q: empty, not UTF-8 or twice", d.name)
		}
		seen[d.name] = true
		if d.sized && (d.capacity < 0 || d.free < 0 || d.free > d.capacity) {
			t.Fatalf("disk %q: free %v of %v", d.name, d.free, d.capacity)
		}
	}
}

func checkSpans(t *testing.T, spans []span) {
	for _, s := range spans {
		if s.end.Before(s.start) {
			t.Fatalf("span ends before it starts: %v", s)
		}
	}
}

func FuzzParseISAPIStorage(f *testing.F) {
	f.Add([]byte(isapiStorageStdCGI))
	f.Add([]byte(`<hddList><hdd><id>1</id><status>ok</status><capacity>1e3</capacity><freeSpace>NaN</freeSpace></hdd></hddList>`))
	f.Add([]byte(`<ResponseStatus><statusCode>4</statusCode><subStatusCode>notSupport</subStatusCode></ResponseStatus>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := parseISAPIStorage(b)
		checkErr(t, err)
		checkDisks(t, ds)
	})
}

func FuzzParseSearchResult(f *testing.F) {
	f.Add([]byte(`<CMSearchResult><responseStatus>true</responseStatus><responseStatusStrg>MORE</responseStatusStrg>` +
		`<matchList><searchMatchItem><timeSpan><startTime>2026-01-15T10:00:00Z</startTime>` +
		`<endTime>2026-01-15T10:30:00+08:00</endTime></timeSpan></searchMatchItem></matchList></CMSearchResult>`))
	f.Add([]byte(`<CMSearchResult><responseStatusStrg>NO MATCHES</responseStatusStrg></CMSearchResult>`))
	f.Fuzz(func(t *testing.T, b []byte) {
		page, err := parseSearchResult(b, cst.Location)
		checkErr(t, err)
		checkSpans(t, page.spans)
	})
}

func FuzzParseDahuaStorage(f *testing.F) {
	f.Add([]byte(dahuaStorageSample))
	f.Add([]byte("list[0].Name=a\r\ninfo[0].Detail[3].TotalFreeBytes=1\r\nlist.info[4095].State=Normal\r\n"))
	f.Add([]byte("Error\r\nBad Request!\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		ds, err := parseDahuaStorage(b)
		checkErr(t, err)
		checkDisks(t, ds)
	})
}

func FuzzParseDahuaFind(f *testing.F) {
	f.Add([]byte("found=1\r\nitems[0].StartTime=2026-01-15 10:00:00\r\nitems[0].EndTime=2026-1-15 11:0:0\r\n"))
	f.Add([]byte("found=0\r\n"))
	f.Add([]byte("result=08137\r\n"))
	f.Fuzz(func(t *testing.T, b []byte) {
		spans, found, err := parseDahuaFind(b, cst.Location)
		checkErr(t, err)
		checkSpans(t, spans)
		if err == nil && found < 0 {
			t.Fatalf("found %d", found)
		}
		obj, err := parseDahuaObject(b)
		checkErr(t, err)
		if err == nil && !safeToken(obj) {
			t.Fatalf("object %q would go into a query unescaped", obj)
		}
		checkErr(t, parseDahuaOK(b, "findFile"))
	})
}

// FuzzParseChannels: the channels param becomes label values and request
// parameters.
func FuzzParseChannels(f *testing.F) {
	f.Add("101=cam-north-01,201=cam-north-02")
	f.Add("1, 2=门口,3=")
	f.Fuzz(func(t *testing.T, s string) {
		specs, err := parseChannels(s)
		if err != nil {
			return
		}
		seen := map[string]bool{}
		for _, c := range specs {
			if !safeToken(c.id) || seen[c.id] {
				t.Fatalf("channel id %q unsafe or twice", c.id)
			}
			seen[c.id] = true
		}
	})
}
