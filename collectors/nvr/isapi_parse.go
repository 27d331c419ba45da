package nvr

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"time"
)

// ISAPI replies are parsed by element local names, so the four namespaces the
// firmware uses (hikvision.com, std-cgi.com, isapi.org ver20, psialliance)
// all read the same.

type isapiDisk struct {
	ID       string `xml:"id"`
	Name     string `xml:"hddName"`
	Status   string `xml:"status"`
	Capacity string `xml:"capacity"`
	Free     string `xml:"freeSpace"`
}

type isapiStorage struct {
	HDDs []isapiDisk `xml:"hddList>hdd"`
	NAS  []isapiDisk `xml:"nasList>nas"`
}

type isapiHDDList struct {
	HDDs []isapiDisk `xml:"hdd"`
}

// isapiResponseStatus is the body of an ISAPI error.
type isapiResponseStatus struct {
	URL       string `xml:"requestURL"`
	Code      string `xml:"statusCode"`
	String    string `xml:"statusString"`
	SubStatus string `xml:"subStatusCode"`
}

// errNotSupported marks an ISAPI resource the firmware lacks (notSupport,
// 403/404), so another path may be tried.
var errNotSupported = errors.New("录像机不支持该接口")

// decodeRoot decodes an XML document into the value that root picks by the
// document element's local name.
func decodeRoot(b []byte, root func(name string) any) (string, error) {
	d := xml.NewDecoder(bytes.NewReader(b))
	d.CharsetReader = utf8Only
	for {
		tok, err := d.Token()
		if err != nil {
			if err == io.EOF {
				err = errors.New("no document element")
			}
			return "", err
		}
		if se, ok := tok.(xml.StartElement); ok {
			v := root(se.Name.Local)
			if v == nil {
				return se.Name.Local, fmt.Errorf("unexpected document element <%s>", clip(se.Name.Local))
			}
			return se.Name.Local, d.DecodeElement(v, &se)
		}
	}
}

// utf8Only accepts the UTF-8 the vendor declares; another charset is a reply
// we do not read.
func utf8Only(charset string, r io.Reader) (io.Reader, error) {
	switch strings.ToLower(charset) {
	case "utf-8", "utf8", "us-ascii", "ascii":
		return r, nil
	}
	return nil, fmt.Errorf("charset %q", clip(charset))
}

// parseISAPIStorage reads GET /ISAPI/ContentMgmt/Storage (<storage>) or
// /Storage/hdd (<hddList>). Capacity and freeSpace are in MiB.
func parseISAPIStorage(b []byte) ([]disk, error) {
	var whole isapiStorage
	var list isapiHDDList
	var status isapiResponseStatus
	root, err := decodeRoot(b, func(name string) any {
		switch name {
		case "storage":
			return &whole
		case "hddList":
			return &list
		case "ResponseStatus":
			return &status
		}
		return nil
	})
	switch {
	case err != nil:
		return nil, formatError("ISAPI storage", err)
	case root == "ResponseStatus":
		return nil, status.err()
	case root == "hddList":
		whole.HDDs = list.HDDs
	}
	var out []disk
	for _, d := range whole.HDDs {
		out = append(out, d.disk("hdd"))
	}
	for _, d := range whole.NAS {
		out = append(out, d.disk("nas"))
	}
	return uniqueNames(out), nil
}

func (d isapiDisk) disk(kind string) disk {
	name := strings.TrimSpace(d.Name)
	if name == "" || kind == "nas" {
		name = kind + strings.TrimSpace(d.ID)
	}
	out := disk{name: name, ok: isapiDiskOK(d.Status), okKnown: true}
	c, err1 := parseSize(d.Capacity)
	f, err2 := parseSize(d.Free)
	if err1 == nil && err2 == nil && f <= c {
		out.capacity, out.free, out.sized = c*(1<<20), f*(1<<20), true
	}
	return out
}

// isapiDiskOK maps the status words firmware uses: ok, idle, sleeping and
// normal are a working disk; unformatted, formatting, error, abnormal,
// offline, smartfailed, mismatch, notexist, exception and locked are not, and
// neither is a word we have never seen (a disk we cannot vouch for).
func isapiDiskOK(status string) bool {
	switch strings.ToLower(strings.TrimSpace(status)) {
	case "ok", "idle", "sleeping", "normal":
		return true
	}
	return false
}

func parseSize(s string) (float64, error) {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || v < 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return 0, fmt.Errorf("size %q", clip(s))
	}
	return v, nil
}

// err turns an ISAPI ResponseStatus into an operator's reason.
func (s isapiResponseStatus) err() error {
	sub := strings.TrimSpace(s.SubStatus)
	if sub == "notSupport" {
		return fmt.Errorf("%w（%s）", errNotSupported, clip(sub))
	}
	return fmt.Errorf("%w: ISAPI statusCode %s %s (%s)", ErrDevice, clip(s.Code), clip(s.String), clip(sub))
}

// isapiError explains a non-200 ISAPI reply, from its ResponseStatus body when
// it has one.
func isapiError(path string, rep reply) error {
	var status isapiResponseStatus
	root, err := decodeRoot(rep.body, func(name string) any {
		if name == "ResponseStatus" {
			return &status
		}
		return nil
	})
	if err == nil && root == "ResponseStatus" {
		return status.err()
	}
	if rep.status == 404 {
		return fmt.Errorf("%w（HTTP 404 %s）", errNotSupported, path)
	}
	return fmt.Errorf("%w: HTTP %d for %s", ErrDevice, rep.status, path)
}

// searchPage is one page of a CMSearchResult.
type searchPage struct {
	spans []span
	more  bool // responseStatusStrg MORE: page on
}

type isapiSearchResult struct {
	Status string `xml:"responseStatus"`
	Strg   string `xml:"responseStatusStrg"`
	Items  []struct {
		Start string `xml:"timeSpan>startTime"`
		End   string `xml:"timeSpan>endTime"`
	} `xml:"matchList>searchMatchItem"`
}

// parseSearchResult reads a CMSearchResult: OK (last page), MORE (page on) or
// NO MATCHES. Times are read as the recorder's wall clock in loc.
func parseSearchResult(b []byte, loc *time.Location) (searchPage, error) {
	var res isapiSearchResult
	var status isapiResponseStatus
	root, err := decodeRoot(b, func(name string) any {
		switch name {
		case "CMSearchResult":
			return &res
		case "ResponseStatus":
			return &status
		}
		return nil
	})
	switch {
	case err != nil:
		return searchPage{}, formatError("ISAPI search result", err)
	case root == "ResponseStatus":
		return searchPage{}, status.err()
	}
	var page searchPage
	switch strings.ToUpper(strings.TrimSpace(res.Strg)) {
	case "NO MATCHES", "NO MATCH":
		return page, nil
	case "MORE":
		page.more = true
	case "OK", "":
	default:
		return page, formatError(fmt.Sprintf("ISAPI search responseStatusStrg %q", clip(res.Strg)), nil)
	}
	if strings.EqualFold(strings.TrimSpace(res.Status), "false") {
		return page, fmt.Errorf("%w: ISAPI search answered responseStatus false (%s)", ErrDevice, clip(res.Strg))
	}
	for _, it := range res.Items {
		s, err1 := parseISAPITime(it.Start, loc)
		e, err2 := parseISAPITime(it.End, loc)
		if err := errors.Join(err1, err2); err != nil {
			return searchPage{}, formatError("ISAPI search match time", err)
		}
		if e.Before(s) {
			return searchPage{}, formatError(fmt.Sprintf("ISAPI search match ends (%s) before it starts (%s)",
				clip(it.End), clip(it.Start)), nil)
		}
		page.spans = append(page.spans, span{s, e})
	}
	return page, nil
}

// isapiLayout is ISAPI's time as we send it: the recorder's wall clock with
// the "Z" the firmware expects and does not mean.
const isapiLayout = "2006-01-02T15:04:05Z"

// parseISAPITime reads a time from a recorder: an explicit offset is honoured,
// a "Z" or no zone means the recorder's wall clock (loc).
func parseISAPITime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if !strings.HasSuffix(s, "Z") {
		if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
			return t, nil
		}
	}
	t, err := time.ParseInLocation("2006-01-02T15:04:05.999999999", strings.TrimSuffix(s, "Z"), loc)
	if err != nil {
		return time.Time{}, fmt.Errorf("time %q", clip(s))
	}
	return t, nil
}
