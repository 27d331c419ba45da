package logstore

import (
	"bytes"
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// FuzzReadRecords feeds arbitrary bytes to the on-disk readers: day events, the
// stream index and the spooled event payload (the spool's own framing is fuzzed
// in internal/spool). None may panic or loop; each stops at the first bad record.
func FuzzReadRecords(f *testing.F) {
	good := appendRecord(nil, encodeEvent(nil, 1764223509000000000, 0, nil, "插件离线"))
	good = appendRecord(good, encodeStream(nil, 0, []labelPair{{"kind", "agent"}}))
	good = appendRecord(good, encodeEvent(nil, 1764223509000000000, 0, []labelPair{{"src_ip", "10.0.0.1"}, {"dst_port", "443"}}, "deny"))
	good = appendRecord(good, encodeFull(nil, 1, []labelPair{{"a", "b"}}, "x"))
	f.Add(good)
	f.Add(good[:len(good)-3])
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		n := 0
		sc := &scanner{ctx: context.Background(), left: -1}
		err := sc.read(bytes.NewReader(b), 0, func(position, uint32, []byte, []byte) { n++ })
		if err != nil || n > len(b)/recHeader {
			t.Fatalf("read: %d events from %d bytes, err %v", n, len(b), err)
		}
		rr := newRecordReader(bytes.NewReader(b))
		for {
			p, err := rr.Next()
			if err != nil {
				break
			}
			_, _, _ = decodeStream(p)
			_, _, _, _ = decodeFull(p)
			if _, _, fields, _, err := decodeEvent(p); err == nil {
				_ = decodeFields(nil, fields)
			}
		}
		if rr.Off > int64(len(b)) {
			t.Fatalf("offset %d past %d bytes", rr.Off, len(b))
		}
	})
}

// FuzzSearchParams feeds arbitrary query strings to the search API's parser and
// compiler: a bad one is an error, never a panic, and a good one stays within the
// bounds (limit, filter values, cursor).
func FuzzSearchParams(f *testing.F) {
	f.Add("start=0&end=99999999999&limit=10000&severity=critical,major&district=%E4%B9%89%E9%A9%AC%E5%B8%82&q=Deny")
	f.Add("cursor=1764223509000000000.4096&direction=forward&instance=fw-1&class=fw_deny")
	f.Add(`match={instance=~"(a*)*"}&source=syslog,trap`)
	f.Add("limit=-1&cursor=.&start=1e300")
	s := &Store{opts: Options{Now: func() time.Time { return time.Unix(1764223509, 0) }}}
	f.Fuzz(func(t *testing.T, raw string) {
		r := httptest.NewRequest(http.MethodGet, "/api/v1/events", nil)
		r.URL.RawQuery = raw
		q, err := s.parseParams(r)
		if err != nil {
			return
		}
		c, err := compile(q)
		if err != nil {
			var bq *BadQueryError
			if !errors.As(err, &bq) {
				t.Fatalf("compile error is not a BadQueryError: %v", err)
			}
			return
		}
		n := 0
		for _, set := range c.sets {
			n += len(set.values)
		}
		if c.Limit < 1 || c.Limit > MaxLimit || n > maxLabelValues || c.hi < c.lo && !c.hasCursor {
			t.Fatalf("accepted out of bounds: limit %d, %d values, range %d..%d", c.Limit, n, c.lo, c.hi)
		}
	})
}

// FuzzDayFile opens arbitrary bytes as a compressed day file: a damaged footer,
// index or block is an error or a short read, never a panic or a huge allocation.
func FuzzDayFile(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good")
	require.NoError(f, os.MkdirAll(good, 0o755))
	rec := appendRecord(nil, encodeEvent(nil, 1764223509000000000, 0, nil, "防火墙拒绝 deny"))
	require.NoError(f, os.WriteFile(filepath.Join(good, eventsFile), append(rec, rec...), 0o644))
	require.NoError(f, os.WriteFile(filepath.Join(good, streamsFile), appendRecord(nil, encodeStream(nil, 0, []labelPair{{"instance", "fw-1"}})), 0o644))
	require.NoError(f, compactDir(good, filepath.Join(dir, "z")))
	b, err := os.ReadFile(filepath.Join(dir, "z", swzName))
	require.NoError(f, err)
	f.Add(b)
	f.Add(b[:len(b)-5])
	f.Add([]byte(swzMagic + strings.Repeat("\x00", footerLen)))
	f.Fuzz(func(t *testing.T, b []byte) {
		z, err := readSWZ(bytes.NewReader(b), int64(len(b)))
		if err != nil {
			return
		}
		_, _ = z.streamsOf()
		sc := &scanner{ctx: context.Background(), left: -1}
		for _, blk := range z.ix.events {
			raw, err := z.readBlock(blk, nil, false)
			if err != nil {
				continue
			}
			_ = eachColumnar(raw, blk.rawOff, sc.step, func(position, uint32, []byte, []byte) {})
		}
	})
}
