// Package secops keeps the security operations R-A12 asks for beyond the
// event rules: vulnerability scans followed to closure, a scan every
// quarter, and a regulator's notice (通报) answered within 24 hours.
//
// Scans are imported from OpenVAS/GVM XML reports (ParseOpenVAS) or a CSV
// with the header cve,host,severity,name,port (ParseCSV). Each finding — a
// vulnerability (the NVT's oid for OpenVAS, the CVE or else the name for a
// CSV) on a host's port — is tracked 未修复 (open) → 已修复 (fixed: absent
// from a later scan of the same format that covered the host; a scan only
// closes what it covered) or 已接受 (accepted, with an operator's reason),
// with a deadline counted from when it was first seen: 紧急 and 高危 7 days,
// 中危 30 days, 低危 90 days.
//
// The Service raises events, as rules/jobs does, into the event rules
// (EventRules: the pack this package ships) which make them alerts with the
// routing and escalation of every other incident: a finding past its
// deadline (VulnerabilityOverdue, resolved when fixed or accepted), a
// calendar quarter (CST) that ended without any scan (QuarterlyScanMissing,
// resolved by the next import), a notice unanswered at 20 hours
// (NoticeResponseDueSoon, warning) and at 24 hours (NoticeResponseOverdue,
// critical). Why one warning at 20 hours and none at 12: a notice is
// usually answered within a working day, so a 12-hour warning would fire
// for most notices handled normally and teach people to ignore it; 20 hours
// leaves 4 to write and send the response.
//
// Everything is kept in the state database (statestore migration 16). The
// monthly report's 安全运营 section reads Month (vulnerabilities, scans,
// notices) and EventFigures (security events by class and district, top
// sources).
package secops
