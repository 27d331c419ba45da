package logparse

// The names below are those of docs/logs.md, the contract the receiver, the
// event rules and the security report share. A profile can only produce them.

// Labels a profile may fill, exactly as docs/logs.md spells them.
var labels = map[string]bool{
	"src_ip": true, "src_port": true, "dst_ip": true, "dst_port": true, "proto": true,
	"nat_src_ip": true, "nat_src_port": true, "nat_dst_ip": true, "nat_dst_port": true,
	"user": true, "action": true, "rule": true,
}

// IsLabel reports whether name is a label a Record's Fields may carry.
func IsLabel(name string) bool { return labels[name] }

// severityTarget is the pseudo-field a profile extracts the vendor's own
// severity word into; it lands in Record.Severity, never in Fields.
const severityTarget = "severity"

// classNames maps each security class to the Chinese an operator reads.
var classNames = map[string]string{
	"fw_deny":       "防火墙拒绝",
	"fw_session":    "防火墙会话",
	"nat":           "地址转换",
	"ids":           "入侵检测/防御",
	"waf":           "Web应用防火墙",
	"av":            "病毒防护",
	"login_fail":    "登录失败",
	"login_ok":      "登录成功",
	"sudo":          "提权操作",
	"config_change": "配置变更",
	"admin_add":     "新增管理员",
}

// ClassName returns the Chinese name of a security class (防火墙拒绝 for
// fw_deny …), or "" for a name that is no class.
func ClassName(class string) string { return classNames[class] }

// IsClass reports whether class is one of the security classes.
func IsClass(class string) bool { return classNames[class] != "" }

// Classes lists the security classes in the order docs/logs.md gives them.
func Classes() []string {
	return []string{"fw_deny", "fw_session", "nat", "ids", "waf", "av",
		"login_fail", "login_ok", "sudo", "config_change", "admin_add"}
}

// severities is the event vocabulary every event shares.
var severities = map[string]bool{"critical": true, "major": true, "warning": true, "info": true}

// actionWords are the normalised actions of the contract.
var actionWords = map[string]bool{
	"permit": true, "deny": true, "drop": true, "reset": true, "alert": true, "block": true,
}

// denied are the actions that make a firewall line a deny.
var denied = map[string]bool{"deny": true, "drop": true, "reset": true, "block": true}
