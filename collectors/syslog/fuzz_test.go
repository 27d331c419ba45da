package syslog

import (
	"bytes"
	"errors"
	"io"
	"net/netip"
	"testing"
	"time"
	"unicode/utf8"
)

// FuzzParse: any line is refused with a known reason or becomes an event
// the store accepts (UTF-8 text within 8 KiB, valid label names and values).
func FuzzParse(f *testing.F) {
	for _, s := range []string{"<34>Oct 11 22:14:15 mymachine su: 'su root' failed",
		"<189>Dec  7 2026 17:00:00 HW %%01SHELL/5/CMD(l)[0]:Task=VT0", "<165>1 2003-10-11T22:14:15.003Z h app - ID [a b=\"c\"] m",
		"<165>1 - - - - - -", "<13>", "<13>1 ", "<13>Dec  7 17:00:00", "<0>\xff\xfe", "<13>2026-12-07T17:00:00Z h t[: x",
		"<13>Dec 7 17:00:00.123+08:00 h t[1]:"} {
		f.Add([]byte(s))
	}
	r := &Receiver{deps: Deps{Resolve: testDevices().Resolve}}
	p := newParser()
	known := map[string]bool{rejNoPriority: true, rejBadPriority: true}
	f.Fuzz(func(t *testing.T, line []byte) {
		h, reason := p.parse(line)
		if reason != "" {
			if !known[reason] {
				t.Fatalf("unknown reason %q", reason)
			}
			return
		}
		text, _, _ := h.message()
		if !utf8.ValidString(text) || len(text) > maxText {
			t.Fatalf("text not storable: %q", text)
		}
		ev, _ := r.event(&h, text, netip.MustParseAddr("192.0.2.1"), time.Now())
		for k, v := range ev.Labels {
			if !validLabelName(k) || !utf8.ValidString(v) || len(v) > 1024 {
				t.Fatalf("label %q=%q not storable", k, v)
			}
		}
		if !bytes.Contains(line, []byte(raw(&h))) {
			t.Fatalf("text %q is not from the line", raw(&h))
		}
	})
}

// FuzzFrame: any byte stream ends (EOF or a framing error), every frame is
// within the bound, and the framer never reads past what it was given.
func FuzzFrame(f *testing.F) {
	for _, s := range []string{"5 <13>a", "<13>a\n<14>b\n", "3 <1>\n\r\x007 <13>abc", "99999999 x", "123456789 x",
		"12x <13>", "<13>" + string(bytes.Repeat([]byte("x"), 700)) + "\n<13>y", "700 " + string(bytes.Repeat([]byte("x"), 700))} {
		f.Add([]byte(s))
	}
	const max = 512
	f.Fuzz(func(t *testing.T, stream []byte) {
		fr := newFramer(bytes.NewReader(stream), max)
		total := 0
		for range len(stream) + 2 {
			frame, oversized, err := fr.next()
			if err != nil {
				if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, errFraming) {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			if oversized && frame != nil || len(frame) > max {
				t.Fatalf("frame of %d bytes (oversized %v)", len(frame), oversized)
			}
			total += len(frame)
			if total > len(stream) {
				t.Fatal("more frame bytes than stream bytes")
			}
		}
		t.Fatal("the framer did not end")
	})
}
