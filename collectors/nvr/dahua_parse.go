package nvr

import (
	"bytes"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Dahua CGI replies are key=value lines (CRLF). An error is a first line
// "Error" and a reason on the next.

// maxDahuaIndex bounds list indexes in a reply (disks, details, items): no
// recorder has more, and a forged index must not cost memory.
const maxDahuaIndex = 4096

type kv struct{ key, value string }

// kvLines splits a reply into key=value pairs. A line without "=" is a format
// error, except the vendor's "Error" reply, which is the device's.
func kvLines(b []byte) ([]kv, error) {
	var out []kv
	lines := bytes.Split(b, []byte("\n"))
	for i, raw := range lines {
		line := strings.TrimSpace(string(raw))
		if line == "" {
			continue
		}
		k, v, ok := strings.Cut(line, "=")
		if !ok {
			if len(out) == 0 && strings.EqualFold(line, "Error") {
				return nil, fmt.Errorf("%w: %s", ErrDevice, clip(dahuaReason(lines[i+1:])))
			}
			return nil, formatError(fmt.Sprintf("Dahua reply line %q is not key=value", clip(line)), nil)
		}
		out = append(out, kv{strings.TrimSpace(k), strings.TrimSpace(v)})
	}
	return out, nil
}

func dahuaReason(rest [][]byte) string {
	for _, l := range rest {
		if s := strings.TrimSpace(string(l)); s != "" {
			return s
		}
	}
	return "Error"
}

// index cuts "name[N]." off key and returns N and the rest.
func index(key, name string) (int, string, bool) {
	rest, ok := strings.CutPrefix(key, name+"[")
	if !ok {
		return 0, "", false
	}
	num, rest, ok := strings.Cut(rest, "]")
	n, err := strconv.Atoi(num)
	if !ok || err != nil || n < 0 || n >= maxDahuaIndex {
		return 0, "", false
	}
	rest, ok = strings.CutPrefix(rest, ".")
	return n, rest, ok
}

type dahuaDisk struct {
	name, state       string
	total, used, free float64
	hasUsed, hasFree  bool
	isError           bool
}

// parseDahuaStorage reads storageDevice.cgi?action=getDeviceAllInfo. Keys come
// as list.info[N].…, list[N].… or info[N].… by firmware; a disk's size is the
// sum of its partitions (Detail[M]), free space from UsedBytes or, on some
// firmware, TotalFreeBytes.
func parseDahuaStorage(b []byte) ([]disk, error) {
	pairs, err := kvLines(b)
	if err != nil {
		return nil, err
	}
	disks := map[int]*dahuaDisk{}
	for _, p := range pairs {
		k := strings.TrimPrefix(p.key, "list.")
		i, rest, ok := index(k, "info")
		if !ok {
			i, rest, ok = index(k, "list")
		}
		if !ok {
			continue // other keys (firmware adds some) carry nothing we read
		}
		d := disks[i]
		if d == nil {
			d = &dahuaDisk{}
			disks[i] = d
		}
		if err := d.set(rest, p.value); err != nil {
			return nil, formatError("Dahua storage "+clip(p.key), err)
		}
	}
	var out []disk
	for _, i := range slices.Sorted(maps.Keys(disks)) {
		out = append(out, disks[i].disk(i))
	}
	return uniqueNames(out), nil
}

func (d *dahuaDisk) set(key, value string) error {
	if _, field, ok := index(key, "Detail"); ok {
		return d.setDetail(field, value)
	}
	switch key {
	case "Name":
		d.name = value
	case "State":
		d.state = value
	}
	return nil
}

func (d *dahuaDisk) setDetail(field, value string) error {
	var dst *float64
	switch field {
	case "IsError":
		d.isError = d.isError || strings.EqualFold(value, "true")
		return nil
	case "TotalBytes":
		dst = &d.total
	case "UsedBytes":
		dst, d.hasUsed = &d.used, true
	case "TotalFreeBytes", "FreeBytes":
		dst, d.hasFree = &d.free, true
	default:
		return nil
	}
	v, err := parseSize(value)
	if err != nil {
		return err
	}
	*dst += v
	return nil
}

func (d *dahuaDisk) disk(i int) disk {
	name := d.name
	if name == "" {
		name = fmt.Sprintf("disk%d", i)
	}
	out := disk{name: name, ok: dahuaStateOK(d.state) && !d.isError, okKnown: true}
	free := d.free
	if !d.hasFree && d.hasUsed {
		free = d.total - d.used
	}
	if (d.hasFree || d.hasUsed) && d.total > 0 && free >= 0 && free <= d.total {
		out.capacity, out.free, out.sized = d.total, free, true
	}
	return out
}

// dahuaStateOK: Success, Normal and Running are a working disk; Error,
// Offline and anything else are not.
func dahuaStateOK(s string) bool {
	switch strings.ToLower(s) {
	case "success", "normal", "running":
		return true
	}
	return false
}

// parseDahuaObject reads factory.create's "result=<id>" (some firmware writes
// "object=<id>").
func parseDahuaObject(b []byte) (string, error) {
	pairs, err := kvLines(b)
	if err != nil {
		return "", err
	}
	for _, p := range pairs {
		if (p.key == "result" || p.key == "object") && safeToken(p.value) {
			return p.value, nil
		}
	}
	return "", formatError("Dahua factory.create gave no finder object", nil)
}

func safeToken(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for _, c := range s {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

// parseDahuaOK reads the "OK" of findFile and close.
func parseDahuaOK(b []byte, what string) error {
	s := strings.TrimSpace(string(b))
	if strings.EqualFold(s, "OK") || strings.EqualFold(s, "result=true") {
		return nil
	}
	if _, err := kvLines(b); err != nil {
		return err
	}
	return formatError(fmt.Sprintf("Dahua %s answered %q, not OK", what, clip(s)), nil)
}

// parseDahuaFind reads findNextFile: "found=N" and items[i].StartTime/EndTime
// in the recorder's wall clock (loc).
func parseDahuaFind(b []byte, loc *time.Location) ([]span, int, error) {
	pairs, err := kvLines(b)
	if err != nil {
		return nil, 0, err
	}
	found := -1
	items := map[int]*[2]string{}
	for _, p := range pairs {
		if p.key == "found" {
			if found, err = strconv.Atoi(p.value); err != nil || found < 0 {
				return nil, 0, formatError(fmt.Sprintf("Dahua found=%q", clip(p.value)), nil)
			}
			continue
		}
		i, field, ok := index(p.key, "items")
		if !ok || (field != "StartTime" && field != "EndTime") {
			continue
		}
		it := items[i]
		if it == nil {
			it = &[2]string{}
			items[i] = it
		}
		it[map[string]int{"StartTime": 0, "EndTime": 1}[field]] = p.value
	}
	if found < 0 {
		return nil, 0, formatError("Dahua findNextFile reply has no found=", nil)
	}
	if found > 0 && len(items) == 0 {
		return nil, 0, formatError(fmt.Sprintf("Dahua findNextFile says found=%d and lists no file", found), nil)
	}
	spans, err := dahuaSpans(items, loc)
	return spans, found, err
}

func dahuaSpans(items map[int]*[2]string, loc *time.Location) ([]span, error) {
	var out []span
	for _, i := range slices.Sorted(maps.Keys(items)) {
		it := items[i]
		s, err1 := parseDahuaTime(it[0], loc)
		e, err2 := parseDahuaTime(it[1], loc)
		if err := errors.Join(err1, err2); err != nil {
			return nil, formatError(fmt.Sprintf("Dahua file %d time", i), err)
		}
		if e.Before(s) {
			return nil, formatError(fmt.Sprintf("Dahua file %d ends before it starts", i), nil)
		}
		out = append(out, span{s, e})
	}
	return out, nil
}

// dahuaLayout is how we send times; the recorder also writes unpadded ones.
const dahuaLayout = "2006-01-02 15:04:05"

func parseDahuaTime(s string, loc *time.Location) (time.Time, error) {
	t, err := time.ParseInLocation("2006-1-2 15:4:5", s, loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q", clip(s))
	}
	return t, nil
}
