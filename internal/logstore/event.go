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

// Partition event record: varint unix nanos | uvarint stream id | text.
func encodeEvent(dst []byte, ts int64, stream uint32, text string) []byte {
	dst = binary.AppendVarint(dst, ts)
	dst = binary.AppendUvarint(dst, uint64(stream))
	return append(dst, text...)
}

func decodeEvent(p []byte) (ts int64, stream uint32, text []byte, err error) {
	d := decoder{b: p}
	ts = d.varint()
	id := d.uvarint()
	if d.err == nil && id > 1<<31 {
		d.err = errors.New("stream id out of range")
	}
	return ts, uint32(id), d.b, d.err
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
