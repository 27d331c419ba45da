package syslog

// facilities are RFC 5424's facility codes by their usual names (docs/logs.md).
var facilities = [24]string{"kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron",
	"authpriv", "ftp", "ntp", "security", "console", "solaris-cron",
	"local0", "local1", "local2", "local3", "local4", "local5", "local6", "local7"}

// severities are RFC 5424's severity names, and eventSeverity their place
// in the vocabulary every event shares.
var (
	severities    = [8]string{"emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"}
	eventSeverity = [8]string{"critical", "critical", "critical", "major", "warning", "info", "info", "info"}
)
