package nvrfake

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The Dahua CGI side: storageDevice.cgi?action=getDeviceAllInfo and the
// mediaFileFind.cgi finder (factory.create, findFile, findNextFile, close,
// destroy), answered as CRLF-terminated key=value lines.

// cgiTime is Dahua's time format, the recorder's wall clock.
const cgiTime = "2006-01-02 15:04:05"

const cgiBadRequest = "Error\r\nBad Request!\r\n"

// finder is one mediaFileFind object.
type finder struct {
	active   bool // findFile succeeded and close has not come
	channel  string
	from, to time.Time
	video    bool // Types include dav (video files)
	pos      int  // files already handed out by findNextFile
}

func (n *NVR) serveCGI(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	switch {
	case r.Method != http.MethodGet:
		writeText(w, http.StatusBadRequest, cgiBadRequest)
	case r.URL.Path == "/cgi-bin/storageDevice.cgi" && q.Get("action") == "getDeviceAllInfo":
		writeText(w, http.StatusOK, n.cgiStorage())
	case r.URL.Path == "/cgi-bin/mediaFileFind.cgi":
		n.cgiFind(w, q)
	default:
		writeText(w, http.StatusBadRequest, cgiBadRequest)
	}
}

func (n *NVR) cgiStorage() string {
	now := n.opts.Now()
	n.mu.Lock()
	disks := append([]diskState(nil), n.disks...)
	n.mu.Unlock()
	var b strings.Builder
	for i, d := range disks {
		state, isErr := "Success", "false"
		if !healthy(d.Status) {
			state, isErr = "Error", "true"
		}
		name := d.Name
		if name == "" {
			name = fmt.Sprintf("/dev/sd%c", 'a'+i%26)
		}
		p := fmt.Sprintf("list.info[%d].", i)
		fmt.Fprintf(&b, "%sDetail[0].IsError=%s\r\n", p, isErr)
		fmt.Fprintf(&b, "%sDetail[0].Path=%s1\r\n", p, name)
		fmt.Fprintf(&b, "%sDetail[0].TotalBytes=%d.000000\r\n", p, d.Capacity)
		fmt.Fprintf(&b, "%sDetail[0].Type=ReadWrite\r\n", p)
		fmt.Fprintf(&b, "%sDetail[0].UsedBytes=%d.000000\r\n", p, d.Capacity-d.free(now))
		fmt.Fprintf(&b, "%sHealthDataFlag=0\r\n", p)
		fmt.Fprintf(&b, "%sName=%s\r\n", p, name)
		fmt.Fprintf(&b, "%sState=%s\r\n", p, state)
	}
	return b.String()
}

func (n *NVR) cgiFind(w http.ResponseWriter, q url.Values) {
	var body string
	var ok bool
	switch q.Get("action") {
	case "factory.create":
		body, ok = n.cgiCreate()
	case "findFile":
		body, ok = n.cgiFindFile(q)
	case "findNextFile":
		body, ok = n.cgiFindNext(q)
	case "close", "destroy":
		body, ok = n.cgiRelease(q.Get("object"), q.Get("action") == "destroy")
	}
	if !ok {
		writeText(w, http.StatusBadRequest, cgiBadRequest)
		return
	}
	writeText(w, http.StatusOK, body)
}

func (n *NVR) cgiCreate() (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if len(n.finders) >= n.opts.MaxFinders {
		return "", false // a recorder refuses once its finders are used up
	}
	n.nextID++
	id := fmt.Sprintf("%d", 8137+n.nextID)
	n.finders[id] = &finder{}
	return "result=" + id + "\r\n", true
}

func (n *NVR) cgiFindFile(q url.Values) (string, bool) {
	from, err1 := time.ParseInLocation("2006-1-2 15:4:5", q.Get("condition.StartTime"), n.opts.Location)
	to, err2 := time.ParseInLocation("2006-1-2 15:4:5", q.Get("condition.EndTime"), n.opts.Location)
	ch := q.Get("condition.Channel")
	if err1 != nil || err2 != nil || !from.Before(to) || ch == "" {
		return "", false
	}
	video := q.Get("condition.Types[0]") == "" // no type condition: every kind of file
	for i := 0; ; i++ {
		v := q.Get(fmt.Sprintf("condition.Types[%d]", i))
		if v == "" {
			break
		}
		video = video || v == "dav"
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	f := n.finders[q.Get("object")]
	if f == nil {
		return "", false
	}
	*f = finder{active: true, channel: ch, from: from, to: to, video: video}
	return "OK\r\n", true
}

func (n *NVR) cgiFindNext(q url.Values) (string, bool) {
	count, err := strconv.Atoi(q.Get("count"))
	if err != nil || count < 1 {
		return "", false
	}
	count = min(count, n.opts.PageLimit)
	now := n.opts.Now()
	n.mu.Lock()
	f := n.finders[q.Get("object")]
	if f == nil || !f.active {
		n.mu.Unlock()
		return "", false
	}
	c, fr := n.channels[f.channel], *f
	n.stats.SearchPages++
	n.mu.Unlock()
	var files []Span
	if fr.video {
		skip := fr.pos
		c.files(now, fr.from, fr.to, func(s Span) bool {
			if skip > 0 {
				skip--
				return true
			}
			files = append(files, s)
			return len(files) < count
		})
	}
	n.mu.Lock()
	f.pos += len(files)
	n.mu.Unlock()
	return n.cgiItems(fr.channel, files), true
}

func (n *NVR) cgiItems(ch string, files []Span) string {
	var b strings.Builder
	fmt.Fprintf(&b, "found=%d\r\n", len(files))
	for i, s := range files {
		start, end := s.Start.In(n.opts.Location), s.End.In(n.opts.Location)
		p := fmt.Sprintf("items[%d].", i)
		fmt.Fprintf(&b, "%sChannel=%s\r\n", p, ch)
		fmt.Fprintf(&b, "%sCluster=0\r\n%sDisk=0\r\n", p, p)
		fmt.Fprintf(&b, "%sDuration=%d\r\n", p, int64(end.Sub(start).Seconds()))
		fmt.Fprintf(&b, "%sEndTime=%s\r\n", p, end.Format(cgiTime))
		fmt.Fprintf(&b, "%sFilePath=/mnt/dvr/%s/%s/dav/%s-%s[R][0@0][0].dav\r\n", p,
			start.Format("2006-01-02"), ch, start.Format("15.04.05"), end.Format("15.04.05"))
		fmt.Fprintf(&b, "%sLength=%d\r\n", p, int64(end.Sub(start).Seconds())*512<<10/8)
		fmt.Fprintf(&b, "%sStartTime=%s\r\n", p, start.Format(cgiTime))
		fmt.Fprintf(&b, "%sType=dav\r\n%sVideoStream=Main\r\n", p, p)
	}
	return b.String()
}

func (n *NVR) cgiRelease(id string, destroy bool) (string, bool) {
	n.mu.Lock()
	defer n.mu.Unlock()
	f := n.finders[id]
	if f == nil {
		return "", false
	}
	if destroy {
		delete(n.finders, id)
	} else {
		*f = finder{}
	}
	return "OK\r\n", true
}
