// Package logparse recognises the log lines of the devices the city runs
// (Huawei VRP and USG, H3C Comware and SecPath, Sangfor, Hillstone, Linux
// sshd/sudo/useradd) and turns each into a Record: the vendor and profile that
// recognised it, its security class and the flow, NAT and account labels that
// docs/logs.md names.
//
// The knowledge lives in data, not code: one YAML file per vendor family under
// profiles/, embedded and compiled once (Default), plus an operator's own file
// (Load). A family has a gate (substrings or app names, any of which admits a
// line) and an ordered list of profiles; the first profile whose literals all
// occur and whose regexp (RE2, linear time) and key=value extraction succeed
// wins. The gate and the literals are plain substring searches, so a line no
// family wants costs a handful of strings.Contains and nothing else.
//
// A family, as an operator writes one (documents separated by ---):
//
//	vendor: acme                      # lower-case letters, digits, '-'
//	gate:                             # any of these admits a line
//	  contains: ["ACME-FW"]           # searched in the text, the app and the msgid
//	  app: [acmefwd]                  # the syslog tag, without [pid]
//	profiles:                         # tried in order, first match wins
//	  - name: acme-deny               # unique; the event's profile label
//	    contains: ["ACME-FW", "DENY"] # all must occur (required: the prefilter)
//	    unless: ["TEST"]              # none may occur
//	    app: [acmefwd]                # any of, when given
//	    regex: 'src=(?P<src_ip>\S+)'  # RE2; named groups are labels (or severity)
//	    kv: {sep: ",", eq: "=", after: "DENY:", keys: {dst: dst_ip, act: action}}
//	    set: {action: deny}           # constant labels
//	    actions: {refused: deny}      # extra words for action
//	    class: fw_deny                # a class of docs/logs.md
//	    class_by_action: {permit: fw_session}
//	    class_if_translated: nat      # when nat_* differ from the original
//	    severity: major               # critical, major, warning, info
//
// A regexp that does not match makes the profile pass the line on; kv reads
// what it finds (keys without case, an H3C "(1003)" id and a leading "-"
// ignored). Values are checked: an address must parse, a port be 0-65535, an
// action one of permit/deny/drop/reset/alert/block after normalisation
// (拒绝, "Reset & Logging" …); anything else is dropped, and every value is
// valid UTF-8 of at most 256 bytes.
package logparse
