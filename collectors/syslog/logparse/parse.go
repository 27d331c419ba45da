package logparse

import "strings"

// Message is a syslog line as the receiver decoded it.
type Message struct {
	Hostname, App, MsgID, Text string
	Facility, Severity         int // Severity 0..7 as syslog
}

// Record is what a profile made of a line. Fields only carries labels of
// docs/logs.md; Class is a security class or ""; Severity is the event
// vocabulary (critical, major, warning, info) or "" to keep the syslog one.
type Record struct {
	Vendor, Profile, Class, Severity string
	Fields                           map[string]string
}

// Parse returns the Record of the first profile that recognises m, and false
// when none does. It never fails: a line is either recognised or not.
func (s *Set) Parse(m Message) (Record, bool) {
	if len(m.Text) > maxText {
		m.Text = m.Text[:maxText]
	}
	if len(m.App) > maxTag {
		m.App = m.App[:maxTag]
	}
	if len(m.MsgID) > maxTag {
		m.MsgID = m.MsgID[:maxTag]
	}
	app := appName(m.App)
	for _, f := range s.families {
		if !f.admits(app, &m) {
			continue
		}
		for _, p := range f.profiles {
			if r, ok := p.parse(app, &m); ok {
				return r, true
			}
		}
	}
	return Record{}, false
}

// appName is the tag without a [pid] or trailing colon, lower-cased; it
// allocates only when the tag has upper-case letters.
func appName(a string) string {
	if i := strings.IndexByte(a, '['); i > 0 {
		a = a[:i]
	}
	return strings.ToLower(strings.TrimSuffix(a, ":"))
}

// occurs looks for a literal wherever the receiver may have put it: a device
// tag such as %%01SHELL/5/CMDRECORD lands in App or stays in the text.
func occurs(m *Message, lit string) bool {
	return strings.Contains(m.Text, lit) ||
		(m.App != "" && strings.Contains(m.App, lit)) || (m.MsgID != "" && strings.Contains(m.MsgID, lit))
}

func (f *family) admits(app string, m *Message) bool {
	if f.gateApps[app] {
		return true
	}
	for _, c := range f.gateContains {
		if occurs(m, c) {
			return true
		}
	}
	return false
}

func (p *profile) parse(app string, m *Message) (Record, bool) {
	if len(p.apps) > 0 && !p.apps[app] {
		return Record{}, false
	}
	for _, c := range p.contains {
		if !occurs(m, c) {
			return Record{}, false
		}
	}
	for _, c := range p.unless {
		if occurs(m, c) {
			return Record{}, false
		}
	}
	r := Record{Vendor: p.vendor, Profile: p.name, Severity: p.severity, Fields: map[string]string{}}
	if p.re != nil && !p.applyRegex(m.Text, &r) {
		return Record{}, false
	}
	if p.kv != nil {
		p.applyKV(m.Text, &r)
	}
	for _, kv := range p.set {
		r.Fields[kv[0]] = kv[1]
	}
	p.classify(&r)
	return r, true
}

// put stores one extracted value unless the label already has one (the
// regexp outranks key=value; the first key=value outranks later ones).
func (p *profile) put(r *Record, label, v string) {
	if label == severityTarget {
		if s := normalSeverity(v); s != "" && r.Severity == "" {
			r.Severity = s
		}
		return
	}
	if _, ok := r.Fields[label]; ok {
		return
	}
	if n := normalField(label, v, p.actions); n != "" {
		r.Fields[label] = n
	}
}

func (p *profile) applyRegex(text string, r *Record) bool {
	loc := p.re.FindStringSubmatchIndex(text)
	if loc == nil {
		return false
	}
	for i, label := range p.groups {
		if i == 0 || label == "" || loc[2*i] < 0 {
			continue
		}
		p.put(r, label, text[loc[2*i]:loc[2*i+1]])
	}
	return true
}

// classify settles the class: a deny/drop/reset/block makes a firewall line
// fw_deny (class_by_action), translated addresses make it nat, and nat
// fields that repeat the original addresses are dropped as noise.
func (p *profile) classify(r *Record) {
	r.Class = p.class
	if c, ok := p.classByAction[r.Fields["action"]]; ok {
		r.Class = c
	}
	src := dropUntranslated(r.Fields, "nat_src_ip", "nat_src_port", "src_ip", "src_port")
	dst := dropUntranslated(r.Fields, "nat_dst_ip", "nat_dst_port", "dst_ip", "dst_port")
	translated := src || dst
	if p.classIfTranslated != "" && translated && !denied[r.Fields["action"]] {
		r.Class = p.classIfTranslated
	}
}

// dropUntranslated removes a side's nat ip/port when they equal the original
// and reports whether a translation remains on that side.
func dropUntranslated(f map[string]string, ip, port, origIP, origPort string) bool {
	nip, hasIP := f[ip]
	nport, hasPort := f[port]
	if !hasIP && !hasPort {
		return false
	}
	sameIP := !hasIP || nip == f[origIP]
	samePort := !hasPort || nport == f[origPort]
	if sameIP && samePort {
		delete(f, ip)
		delete(f, port)
		return false
	}
	return true
}
