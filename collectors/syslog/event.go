package syslog

import (
	"maps"
	"net/netip"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
)

// Message is a parsed line as a parser profile sees it. Its fields are those
// of logparse.Message, so the application converts one to the other.
type Message struct {
	Hostname, App, MsgID, Text string
	Facility, Severity         int
}

// Record is what a parser profile recognised in a line; the fields are those
// of logparse.Record. Severity is the event vocabulary ("" keeps the one the
// line's priority gave); Fields are labels named in docs/logs.md (src_ip, user…).
type Record struct {
	Vendor, Profile, Class string
	Severity               string
	Fields                 map[string]string
}

// Classifier recognises lines (collectors/syslog/logparse's *Set, through
// ClassifyFunc). It is called from every receive goroutine at once and must
// be safe for that.
type Classifier interface {
	Parse(Message) (Record, bool)
}

// ClassifyFunc makes a function a Classifier.
type ClassifyFunc func(Message) (Record, bool)

// Parse calls f.
func (f ClassifyFunc) Parse(m Message) (Record, bool) { return f(m) }

// maxLabels is the event store's bound on labels per event: a parser's
// fields beyond it are left out (the text keeps them).
const maxLabels = 32

// own are the labels a parser's fields never overwrite.
var own = map[string]bool{"source": true, "instance": true, "known": true, "facility": true,
	"syslog_severity": true, "severity": true, "app": true, "vendor": true, "profile": true, "class": true}

// event builds the event of a parsed line from source address src.
func (r *Receiver) event(h *header, text string, src netip.Addr, now time.Time) (collectors.Event, bool) {
	instance, inv, known := "", map[string]string(nil), false
	if r.deps.Resolve != nil {
		if dev, labels, ok := r.deps.Resolve(src); ok && dev != "" {
			instance, inv, known = dev, labels, true
		}
	}
	if !known {
		instance = src.String()
	}
	labels := make(map[string]string, len(inv)+8)
	maps.Copy(labels, inv)
	labels["source"] = "syslog"
	labels["instance"] = instance
	if !known {
		labels["known"] = "false"
	}
	labels["facility"] = facilities[h.facility]
	labels["syslog_severity"] = severities[h.severity]
	labels["severity"] = eventSeverity[h.severity]
	if h.app != "" {
		labels["app"] = labelValue(h.app)
	}
	r.classify(h, text, labels)
	return collectors.Event{Time: now, Labels: labels, Text: text}, known
}

// classify adds what the parser profiles recognise.
func (r *Receiver) classify(h *header, text string, labels map[string]string) {
	if r.deps.Classifier == nil {
		return
	}
	rec, ok := r.deps.Classifier.Parse(Message{Hostname: labelValue(h.hostname), App: labels["app"],
		MsgID: labelValue(h.msgid), Text: text, Facility: h.facility, Severity: h.severity})
	if !ok {
		return
	}
	for k, v := range map[string]string{"vendor": rec.Vendor, "profile": rec.Profile, "class": rec.Class, "severity": rec.Severity} {
		if v != "" {
			labels[k] = labelValue(v)
		}
	}
	for k, v := range rec.Fields {
		if len(labels) >= maxLabels {
			return
		}
		if _, taken := labels[k]; !taken && !own[k] && v != "" && validLabelName(k) {
			labels[k] = labelValue(v)
		}
	}
}

// validLabelName is the store's rule [a-zA-Z_][a-zA-Z0-9_]*, short.
func validLabelName(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i, c := range []byte(s) {
		if !(c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
