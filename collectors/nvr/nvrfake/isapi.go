package nvrfake

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"
)

// The Hikvision ISAPI side: GET /ISAPI/ContentMgmt/Storage (or /Storage/hdd)
// and POST /ISAPI/ContentMgmt/search with a CMSearchDescription, answered in
// the ver20 schema namespace.

const hikNS = "http://www.hikvision.com/ver20/XMLSchema"

// isapiTime is how ISAPI writes times: the recorder's wall clock with a "Z"
// that most firmware does not mean (the search takes and returns local time).
const isapiTime = "2006-01-02T15:04:05Z"

const userCheck401 = `<?xml version="1.0" encoding="UTF-8"?>
<userCheck>
<statusValue>401</statusValue>
<statusString>Unauthorized</statusString>
</userCheck>
`

func responseStatus(url string, code int, str, sub string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?>
<ResponseStatus version="2.0" xmlns="%s">
<requestURL>%s</requestURL>
<statusCode>%d</statusCode>
<statusString>%s</statusString>
<subStatusCode>%s</subStatusCode>
</ResponseStatus>
`, hikNS, esc(url), code, str, sub)
}

func (n *NVR) serveISAPI(w http.ResponseWriter, r *http.Request) {
	switch {
	case r.URL.Path == "/ISAPI/ContentMgmt/Storage" && r.Method == http.MethodGet:
		writeXML(w, http.StatusOK, n.isapiStorage(true))
	case r.URL.Path == "/ISAPI/ContentMgmt/Storage/hdd" && r.Method == http.MethodGet:
		writeXML(w, http.StatusOK, n.isapiStorage(false))
	case r.URL.Path == "/ISAPI/ContentMgmt/search" && r.Method == http.MethodPost:
		n.isapiSearch(w, r)
	case r.URL.Path == "/ISAPI/ContentMgmt/search" || strings.HasPrefix(r.URL.Path, "/ISAPI/ContentMgmt/Storage"):
		writeXML(w, http.StatusMethodNotAllowed, responseStatus(r.URL.Path, 4, "Invalid Operation", "methodNotAllowed"))
	default:
		writeXML(w, http.StatusForbidden, responseStatus(r.URL.Path, 4, "Invalid Operation", "notSupport"))
	}
}

// isapiStorage renders <storage> (whole) or <hddList> (the /hdd resource).
func (n *NVR) isapiStorage(whole bool) string {
	now := n.opts.Now()
	n.mu.Lock()
	disks := append([]diskState(nil), n.disks...)
	n.mu.Unlock()
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n")
	if whole {
		fmt.Fprintf(&b, "<storage version=\"2.0\" xmlns=\"%s\">\n<hddList size=\"%d\">\n", hikNS, len(disks))
	} else {
		fmt.Fprintf(&b, "<hddList version=\"2.0\" xmlns=\"%s\" size=\"%d\">\n", hikNS, len(disks))
	}
	for _, d := range disks {
		status, prop := d.Status, d.Property
		if status == "" {
			status = "ok"
		}
		if prop == "" {
			prop = "RW"
		}
		fmt.Fprintf(&b, `<hdd version="2.0">
<id>%d</id>
<hddName>%s</hddName>
<hddPath></hddPath>
<hddType>SATA</hddType>
<status>%s</status>
<capacity>%d</capacity>
<freeSpace>%d</freeSpace>
<property>%s</property>
</hdd>
`, d.ID, esc(d.Name), esc(status), d.Capacity>>20, d.free(now)>>20, esc(prop))
	}
	b.WriteString("</hddList>\n")
	if whole {
		b.WriteString("<nasList size=\"8\">\n</nasList>\n<workMode>group</workMode>\n</storage>\n")
	}
	return b.String()
}

// cmSearch is the part of a CMSearchDescription the fake reads. Tags carry no
// namespace, so any of the vendor's namespaces matches.
type cmSearch struct {
	XMLName  xml.Name `xml:"CMSearchDescription"`
	SearchID string   `xml:"searchID"`
	Tracks   []string `xml:"trackIDList>trackID"`
	Spans    []struct {
		Start string `xml:"startTime"`
		End   string `xml:"endTime"`
	} `xml:"timeSpanList>timeSpan"`
	MaxResults int `xml:"maxResults"`
	// The device's own spelling: a client that writes "Position" is paging
	// without effect, and the fake must show it.
	Position int `xml:"searchResultPostion"`
}

func (n *NVR) isapiSearch(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(io.LimitReader(r.Body, maxRequestBody))
	var q cmSearch
	if err == nil {
		err = xml.NewDecoder(bytes.NewReader(body)).Decode(&q)
	}
	from, to, terr := n.isapiSpan(q)
	if err != nil || terr != nil || len(q.Tracks) == 0 || q.Position < 0 || q.SearchID == "" {
		writeXML(w, http.StatusBadRequest, responseStatus(r.URL.Path, 6, "Invalid Content", "badXmlContent"))
		return
	}
	limit := q.MaxResults
	if limit <= 0 || limit > n.opts.PageLimit {
		limit = n.opts.PageLimit
	}
	items, more := n.matches(q.Tracks, from, to, q.Position, limit)
	n.count(func(s *Stats) { s.SearchPages++ })
	writeXML(w, http.StatusOK, n.cmResult(q.SearchID, r.Host, items, more))
}

func (n *NVR) isapiSpan(q cmSearch) (time.Time, time.Time, error) {
	if len(q.Spans) != 1 {
		return time.Time{}, time.Time{}, fmt.Errorf("want one timeSpan, got %d", len(q.Spans))
	}
	from, err := parseISAPITime(q.Spans[0].Start, n.opts.Location)
	if err != nil {
		return time.Time{}, time.Time{}, err
	}
	to, err := parseISAPITime(q.Spans[0].End, n.opts.Location)
	if err == nil && !from.Before(to) {
		err = fmt.Errorf("startTime %s is not before endTime %s", q.Spans[0].Start, q.Spans[0].End)
	}
	return from, to, err
}

// parseISAPITime reads a time as the firmware does: an explicit offset is
// honoured, a "Z" or no zone means the recorder's wall clock.
func parseISAPITime(s string, loc *time.Location) (time.Time, error) {
	s = strings.TrimSpace(s)
	if t, err := time.Parse(time.RFC3339, s); err == nil && !strings.HasSuffix(s, "Z") {
		return t, nil
	}
	return time.ParseInLocation("2006-01-02T15:04:05", strings.TrimSuffix(s, "Z"), loc)
}

// match is one file of one track.
type match struct {
	track string
	Span
}

// matches returns one page of files of the tracks overlapping [from, to),
// track by track, after skipping skip files; more reports that files follow.
func (n *NVR) matches(tracks []string, from, to time.Time, skip, limit int) ([]match, bool) {
	now := n.opts.Now()
	n.mu.Lock()
	chans := make([]Channel, len(tracks))
	for i, id := range tracks {
		chans[i] = n.channels[id] // an unknown track has no footage: NO MATCHES
	}
	n.mu.Unlock()
	var out []match
	more := false
	for i, c := range chans {
		c.files(now, from, to, func(s Span) bool {
			switch {
			case skip > 0:
				skip--
				return true
			case len(out) == limit:
				more = true
				return false
			}
			out = append(out, match{tracks[i], s})
			return true
		})
		if more {
			break
		}
	}
	return out, more
}

func (n *NVR) cmResult(id, host string, items []match, more bool) string {
	status := "OK"
	switch {
	case len(items) == 0:
		status = "NO MATCHES"
	case more:
		status = "MORE"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>
<CMSearchResult version="2.0" xmlns="%s">
<searchID>%s</searchID>
<responseStatus>true</responseStatus>
<responseStatusStrg>%s</responseStatusStrg>
<numOfMatches>%d</numOfMatches>
<matchList>
`, hikNS, esc(id), status, len(items))
	for _, m := range items {
		start, end := m.Start.In(n.opts.Location), m.End.In(n.opts.Location)
		uri := fmt.Sprintf("rtsp://%s/Streaming/tracks/%s/?starttime=%s&endtime=%s&name=%s&size=%d",
			host, m.track, start.Format("20060102T150405Z"), end.Format("20060102T150405Z"),
			fmt.Sprintf("ch%s_%d", m.track, start.Unix()), int64(end.Sub(start).Seconds())*512<<10/8)
		fmt.Fprintf(&b, `<searchMatchItem>
<sourceID>{0000000000-0000-0000-0000-000000000000}</sourceID>
<trackID>%s</trackID>
<timeSpan>
<startTime>%s</startTime>
<endTime>%s</endTime>
</timeSpan>
<mediaSegmentDescriptor>
<contentType>video</contentType>
<codecType>H.264-BP</codecType>
<playbackURI>%s</playbackURI>
</mediaSegmentDescriptor>
<metadataMatches>
<metadataDescriptor>recordType.meta.hikvision.com/timing</metadataDescriptor>
</metadataMatches>
</searchMatchItem>
`, esc(m.track), start.Format(isapiTime), end.Format(isapiTime), esc(uri))
	}
	b.WriteString("</matchList>\n</CMSearchResult>\n")
	return b.String()
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s)) // a strings.Builder does not fail
	return b.String()
}
