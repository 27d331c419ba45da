// Package ledger joins the cloud's resource ledger (资源台账, R-A3) to what
// runs. The sibling control plane keeps the ledger: per VM its spec, its term
// of use (使用期限) and the owning system and department. SwanWatch reads it
// and flags where it and the estate disagree:
//
//   - 台账缺失 (missing): a running VM the ledger does not list;
//   - 有账无机 (no_vm): a ledger entry no hypervisor and no inventory agent knows;
//   - 规格不符 (spec_mismatch): the ledger's spec is not the VM's configured
//     vCPUs and memory (the hypervisor's, else the inventory's `spec` label);
//   - 已到期仍在运行 (expired_running): the term ended and the VM still runs;
//   - 即将到期 (expiring): the term ends within 30 days (configurable).
//
// # Sources
//
// An Excel workbook (ExcelSource): the first sheet (or the one named); the
// header is the first row (of the first ten: a title may sit above it) with
// the VM column, in Chinese — 云服务器名称, 规格, 业务系统,
// 责任部门, 开始日期, 到期日期 — or English (vm, spec, system, dept, term_start,
// term_end; also name, department, start, end). Dates are Excel dates or text
// YYYY-MM-DD (also YYYY/MM/DD and YYYY年M月D日).
//
// The control plane's HTTP JSON export (HTTPSource), GET with an optional
// bearer token read from a file at each fetch, bounded in size and time:
//
//	{"entries": [
//	  {"vm": "vm-hubin-001", "spec": "8C16G", "system": "不动产登记系统",
//	   "dept": "市自然资源局", "term_start": "2026-01-01", "term_end": "2027-12-31"}
//	]}
//
// Every field is a string; dates are YYYY-MM-DD (an RFC 3339 time is taken
// as its CST date); other fields are ignored. Only vm is required; an entry
// without spec skips the spec check, one without term_end the term checks.
// The term's end day is the last day of use: the term is expired from the
// next day 00:00 CST.
//
// A bad row or entry (no name, a spec that is not like 8C16G, a bad date, an
// end before the start, a name listed twice) is reported with its row (Excel)
// or position (JSON, from 1) and a Chinese reason, counted, and skipped; the
// rest loads. A source that cannot be read at all keeps its last good read.
//
// # Use
//
// New takes the sources, the current inventory and a Platform (NewTSDBPlatform
// over the storage: the hypervisors' hypervisor_vm_* series and the agents'
// up). Findings(ctx, at) and Month(ctx, "2026-11") give the join for the
// monthly report; List serves it at GET /api/v1/ledger/findings. The sources
// are read on demand, at most once per Refresh. Counted:
// swanwatch_ledger_bad_rows (skipped at the latest reads),
// swanwatch_ledger_bad_rows_total (per read), swanwatch_ledger_read_failures_total.
package ledger

import (
	"context"
	"encoding/json"
	"fmt"
	"time"
)

// Entry is one VM of the ledger.
type Entry struct {
	VM        string    `json:"vm"`
	Spec      string    `json:"spec,omitempty"` // normalised, "8C16G"; "" not given
	VCPU      int       `json:"-"`
	MemGB     int       `json:"-"`
	System    string    `json:"system,omitempty"`
	Dept      string    `json:"dept,omitempty"`
	TermStart string    `json:"term_start,omitempty"` // YYYY-MM-DD, "" not given
	TermEnd   string    `json:"term_end,omitempty"`   // YYYY-MM-DD, the last day of use
	end       time.Time // TermEnd's day start, CST; zero when not given
	Where     string    `json:"where"` // "台账.xlsx 第12行", "https://cp/export 第3条"
}

// Problem is one bad row or entry, or a source that failed.
type Problem struct {
	Source string `json:"source"`        // file path or URL (credentials redacted)
	Row    int    `json:"row,omitempty"` // sheet row, or entry number from 1 (JSON); 0 the whole source
	JSON   bool   `json:"-"`             // Row counts entries, not sheet rows
	VM     string `json:"vm,omitempty"`
	Reason string `json:"reason"` // Chinese, for the operator
}

// MarshalJSON adds the problem as the operator reads it ("text").
func (p Problem) MarshalJSON() ([]byte, error) {
	type plain Problem
	return json.Marshal(struct {
		plain
		Text string `json:"text"`
	}{plain(p), p.String()})
}

func (p Problem) String() string {
	switch {
	case p.Row > 0 && p.JSON:
		return fmt.Sprintf("%s 第%d条：%s", p.Source, p.Row, p.Reason)
	case p.Row > 0:
		return fmt.Sprintf("%s 第%d行：%s", p.Source, p.Row, p.Reason)
	}
	return fmt.Sprintf("%s：%s", p.Source, p.Reason)
}

// Book is what one read of a source gave: the good entries and the problems.
type Book struct {
	Entries  []Entry
	Problems []Problem
}

// Source reads the ledger. An error means nothing usable was read (the
// source is down, the file is not a workbook, the header lacks the VM
// column); bad rows are Problems of a good read.
type Source interface {
	Read(ctx context.Context) (Book, error)
	Name() string // for logs and problems: the path or the redacted URL
}
