package logstore

import (
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/internal/labelmatch"
)

// Event is one trap, syslog line, state change or audit copy.
type Event struct {
	Time   time.Time
	Labels map[string]string // district, site, kind, instance, severity, source, ...
	Text   string            // what happened, usually in Chinese
}

// Limits on one event: a device that floods us with megabyte lines or thousands of
// labels is refused with a clear error instead of bloating every later query.
const (
	maxLabels     = 32
	maxNameLen    = 128
	maxValueLen   = 1024
	maxTextLen    = 64 << 10
	maxFutureSkew = 24 * time.Hour
)

type labelPair struct{ Name, Value string }

// sortedLabels returns the labels as pairs sorted by name.
func sortedLabels(m map[string]string) []labelPair {
	ls := make([]labelPair, 0, len(m))
	for k, v := range m {
		ls = append(ls, labelPair{k, v})
	}
	slices.SortFunc(ls, func(a, b labelPair) int { return strings.Compare(a.Name, b.Name) })
	return ls
}

// labelKey identifies a sorted label set; \xff never occurs in valid UTF-8.
func labelKey(ls []labelPair) string {
	var b strings.Builder
	for _, l := range ls {
		b.WriteString(l.Name)
		b.WriteByte(0xff)
		b.WriteString(l.Value)
		b.WriteByte(0xff)
	}
	return b.String()
}

func labelMap(ls []labelPair) map[string]string {
	m := make(map[string]string, len(ls))
	for _, l := range ls {
		m[l.Name] = l.Value
	}
	return m
}

// validLabelName follows the Prometheus/Loki rule [a-zA-Z_][a-zA-Z0-9_]*, within
// the store's length bound.
func validLabelName(s string) bool {
	return len(s) <= maxNameLen && labelmatch.ValidName(s)
}

// validateEvent returns the reason (a metric label) and an error for a bad event.
func validateEvent(e *Event, now time.Time, retention time.Duration) (string, error) {
	if len(e.Labels) > maxLabels {
		return "labels", fmt.Errorf("%d labels, at most %d allowed", len(e.Labels), maxLabels)
	}
	for k, v := range e.Labels {
		if !validLabelName(k) {
			return "labels", fmt.Errorf("invalid label name %q", k)
		}
		if len(v) > maxValueLen || !utf8.ValidString(v) {
			return "labels", fmt.Errorf("label %s: value is not UTF-8 or longer than %d bytes", k, maxValueLen)
		}
	}
	if len(e.Text) > maxTextLen || !utf8.ValidString(e.Text) {
		return "text", fmt.Errorf("text is not UTF-8 or longer than %d bytes", maxTextLen)
	}
	if e.Time.After(now.Add(maxFutureSkew)) || e.Time.Before(now.Add(-retention)) {
		return "out_of_range", fmt.Errorf("time %s is outside the retention window or more than %s ahead (check the device clock)",
			e.Time.Format(time.RFC3339), maxFutureSkew)
	}
	return "", nil
}

// fieldNames are labels kept with each event instead of in the day's label index:
// a firewall, NAT or login line's flow makes nearly every line's label set unique,
// and an index of unique sets would hold every line twice, once in memory.
var fieldNames = []string{"src_ip", "src_port", "dst_ip", "dst_port", "nat_src_ip", "nat_src_port", "nat_dst_ip", "nat_dst_port"}

func fieldIndex(name string) int { return slices.Index(fieldNames, name) }

// splitLabels separates sorted labels into the stream's and the event's fields.
func splitLabels(ls []labelPair) (stream, fields []labelPair) {
	for _, l := range ls {
		if fieldIndex(l.Name) >= 0 {
			fields = append(fields, l)
		} else {
			stream = append(stream, l)
		}
	}
	return stream, fields
}

// recordFields marks an event record that carries fields: no stored time is
// negative (validateEvent keeps times inside the retention window), so records
// written before fields existed read unchanged.
const recordFields = -1

// Partition event record: varint unix nanos | uvarint stream id | text, or with
// fields: varint -1 | varint unix nanos | uvarint stream id | uvarint count |
// (uvarint field index | value)… | text.
func encodeEvent(dst []byte, ts int64, stream uint32, fields []labelPair, text string) []byte {
	if len(fields) > 0 {
		dst = binary.AppendVarint(dst, recordFields)
	}
	dst = binary.AppendVarint(dst, ts)
	dst = binary.AppendUvarint(dst, uint64(stream))
	if len(fields) > 0 {
		dst = binary.AppendUvarint(dst, uint64(len(fields)))
		for _, f := range fields {
			dst = binary.AppendUvarint(dst, uint64(fieldIndex(f.Name)))
			dst = appendBytes(dst, f.Value)
		}
	}
	return append(dst, text...)
}

// decodeEvent splits a record; fields stays encoded (decodeFields) because most
// records of a scan are rejected without looking at them.
func decodeEvent(p []byte) (ts int64, stream uint32, fields, text []byte, err error) {
	d := decoder{b: p}
	ts = d.varint()
	withFields := d.err == nil && ts == recordFields
	if withFields {
		ts = d.varint()
	}
	id := d.uvarint()
	if d.err == nil && id > 1<<31 {
		d.err = errors.New("stream id out of range")
	}
	if withFields && d.err == nil {
		start := d.b
		n := d.uvarint()
		if d.err == nil && n > uint64(len(fieldNames)) {
			d.err = errors.New("too many fields")
		}
		for i := uint64(0); i < n && d.err == nil; i++ {
			if d.uvarint() >= uint64(len(fieldNames)) && d.err == nil {
				d.err = errors.New("unknown field")
			}
			d.bytes()
		}
		fields = start[:len(start)-len(d.b)]
	}
	return ts, uint32(id), fields, d.b, d.err
}

// decodeFields appends the fields of a record (as decodeEvent returned them) to dst.
func decodeFields(dst []labelPair, p []byte) []labelPair {
	if len(p) == 0 {
		return dst
	}
	d := decoder{b: p}
	n := d.uvarint()
	for i := uint64(0); i < n && d.err == nil; i++ {
		idx, v := d.uvarint(), d.bytes()
		if d.err == nil && idx < uint64(len(fieldNames)) {
			dst = append(dst, labelPair{Name: fieldNames[idx], Value: string(v)})
		}
	}
	return dst
}

// Partition stream record: uvarint stream id | labels.
func encodeStream(dst []byte, id uint32, ls []labelPair) []byte {
	dst = binary.AppendUvarint(dst, uint64(id))
	return appendLabels(dst, ls)
}

func decodeStream(p []byte) (uint32, []labelPair, error) {
	d := decoder{b: p}
	id := d.uvarint()
	ls := d.labels()
	if d.err == nil && (len(d.b) != 0 || id > 1<<31) {
		d.err = errors.New("malformed stream record")
	}
	return uint32(id), ls, d.err
}

// Spool record (self-contained, for the Loki pusher): varint unix nanos | labels | text.
func encodeFull(dst []byte, ts int64, ls []labelPair, text string) []byte {
	dst = binary.AppendVarint(dst, ts)
	dst = appendLabels(dst, ls)
	return append(dst, text...)
}

func decodeFull(p []byte) (ts int64, ls []labelPair, text string, err error) {
	d := decoder{b: p}
	ts = d.varint()
	ls = d.labels()
	return ts, ls, string(d.b), d.err
}
