package nvr

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// disk is one disk (or NAS volume) as a recorder or its SNMP agent reports it.
type disk struct {
	name     string
	ok       bool
	okKnown  bool // SNMP storage rows carry no health
	capacity float64
	free     float64
	sized    bool
}

// span is one stretch of footage.
type span struct{ start, end time.Time }

// clip bounds device text quoted in an error or log and makes it valid UTF-8.
func clip(s string) string { return clipN(s, 64) }

func clipN(s string, n int) string {
	s = strings.ToValidUTF8(s, "?")
	if len(s) > n {
		i := n
		for i > 0 && !utf8.RuneStart(s[i]) {
			i--
		}
		s = s[:i] + "…"
	}
	return s
}

// uniqueNames keeps disk names unique within one source (two disks a
// recorder names alike would be one series).
func uniqueNames(ds []disk) []disk {
	used := map[string]bool{}
	for i := range ds {
		base := strings.ToValidUTF8(ds[i].name, "?")
		name := base
		for k := 2; used[name]; k++ {
			name = fmt.Sprintf("%s#%d", base, k)
		}
		used[name] = true
		ds[i].name = name
	}
	return ds
}
