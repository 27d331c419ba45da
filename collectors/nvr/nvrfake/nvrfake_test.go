package nvrfake

import (
	"context"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/icholy/digest"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

const pw = "fake-pw-1"

func start(t *testing.T, p Profile, change ...func(*Options)) *Server {
	o := Options{Profile: p, Password: pw}
	for _, f := range change {
		f(&o)
	}
	s, err := Start("", o)
	require.NoError(t, err)
	t.Cleanup(func() { s.Close() })
	return s
}

// get sends one request with digest credentials and returns status and body.
func get(t *testing.T, s *Server, password, method, path, body string) (int, string) {
	t.Helper()
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	c := &http.Client{Transport: &digest.Transport{Username: "admin", Password: password, Transport: tr}}
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, s.URL+path, rd)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestDigestRequired(t *testing.T) {
	for _, p := range []Profile{Hikvision, Dahua} {
		s := start(t, p)
		resp, err := http.Get(s.URL + "/ISAPI/ContentMgmt/Storage")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
		chal, err := digest.FindChallenge(resp.Header)
		require.NoError(t, err)
		assert.Equal(t, "MD5", chal.Algorithm)
		assert.True(t, chal.SupportsQOP("auth"))

		status, _ := get(t, s, "wrong", http.MethodGet, "/ISAPI/ContentMgmt/Storage", "")
		assert.Equal(t, http.StatusUnauthorized, status)
		status, _ = get(t, s, pw, http.MethodGet, "/cgi-bin/storageDevice.cgi?action=getDeviceAllInfo", "")
		assert.NotEqual(t, http.StatusUnauthorized, status, p)
		st := s.Stats()
		assert.Equal(t, 1, st.Requests)
		// The bare request; the wrong password's challenge and answer; the
		// right password's challenge (each get has a fresh client).
		assert.Equal(t, 4, st.Unauthorized)
	}
}

func TestISAPIStorageFormat(t *testing.T) {
	s := start(t, Hikvision)
	s.SetDisks(Disk{Name: "hdd1", Capacity: 4 << 40, Free: 3 << 40}, Disk{Name: "hdd2", Status: "error", Capacity: 2 << 40})
	status, body := get(t, s, pw, http.MethodGet, "/ISAPI/ContentMgmt/Storage", "")
	require.Equal(t, http.StatusOK, status)
	var doc struct {
		XMLName xml.Name
		HDDs    []struct {
			ID       int    `xml:"id"`
			Name     string `xml:"hddName"`
			Status   string `xml:"status"`
			Capacity int64  `xml:"capacity"`
			Free     int64  `xml:"freeSpace"`
			Property string `xml:"property"`
		} `xml:"hddList>hdd"`
	}
	require.NoError(t, xml.Unmarshal([]byte(body), &doc))
	assert.Equal(t, "storage", doc.XMLName.Local)
	assert.Equal(t, "http://www.hikvision.com/ver20/XMLSchema", doc.XMLName.Space)
	require.Len(t, doc.HDDs, 2)
	assert.Equal(t, int64(4<<20), doc.HDDs[0].Capacity, "MiB")
	assert.Equal(t, int64(3<<20), doc.HDDs[0].Free)
	assert.Equal(t, "ok", doc.HDDs[0].Status)
	assert.Equal(t, "error", doc.HDDs[1].Status)
	assert.Equal(t, 2, doc.HDDs[1].ID)

	status, body = get(t, s, pw, http.MethodGet, "/ISAPI/ContentMgmt/Storage/hdd", "")
	require.Equal(t, http.StatusOK, status)
	assert.True(t, strings.Contains(body, "<hddList version="), body)
	status, body = get(t, s, pw, http.MethodGet, "/ISAPI/System/unknown", "")
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "<subStatusCode>notSupport</subStatusCode>")
}

func search(track string, from, to time.Time, max, pos int, posTag string) string {
	return fmt.Sprintf(`<?xml version="1.0" encoding="UTF-8"?><CMSearchDescription version="1.0" xmlns="http://www.isapi.org/ver20/XMLSchema">`+
		`<searchID>X</searchID><trackIDList><trackID>%s</trackID></trackIDList>`+
		`<timeSpanList><timeSpan><startTime>%s</startTime><endTime>%s</endTime></timeSpan></timeSpanList>`+
		`<maxResults>%d</maxResults><%s>%d</%s></CMSearchDescription>`,
		track, from.Format(isapiTime), to.Format(isapiTime), max, posTag, pos, posTag)
}

func TestISAPISearchPaging(t *testing.T) {
	loc := time.FixedZone("UTC+8", 8*3600)
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, loc)
	s := start(t, Hikvision, func(o *Options) { o.Now = func() time.Time { return now } })
	s.SetChannel("101", Channel{Oldest: now.Add(-100 * time.Minute), Segment: time.Minute})
	from, to := now.Add(-100*time.Minute), now

	_, body := get(t, s, pw, http.MethodPost, "/ISAPI/ContentMgmt/search", search("101", from, to, 100, 0, "searchResultPostion"))
	assert.Contains(t, body, "<responseStatusStrg>MORE</responseStatusStrg>")
	assert.Contains(t, body, "<numOfMatches>40</numOfMatches>", "40 a page at most")
	assert.Contains(t, body, "<startTime>2026-01-15T10:20:00Z</startTime>", "wall clock with the firmware's Z")

	_, body = get(t, s, pw, http.MethodPost, "/ISAPI/ContentMgmt/search", search("101", from, to, 40, 80, "searchResultPostion"))
	assert.Contains(t, body, "<responseStatusStrg>OK</responseStatusStrg>")
	assert.Contains(t, body, "<numOfMatches>20</numOfMatches>")
	assert.Contains(t, body, "<endTime>2026-01-15T12:00:00Z</endTime>")

	// The English spelling is not the device's: it is ignored, page one again.
	_, body = get(t, s, pw, http.MethodPost, "/ISAPI/ContentMgmt/search", search("101", from, to, 40, 80, "searchResultPosition"))
	assert.Contains(t, body, "<startTime>2026-01-15T10:20:00Z</startTime>")

	_, body = get(t, s, pw, http.MethodPost, "/ISAPI/ContentMgmt/search", search("999", from, to, 40, 0, "searchResultPostion"))
	assert.Contains(t, body, "<responseStatusStrg>NO MATCHES</responseStatusStrg>")
	status, body := get(t, s, pw, http.MethodPost, "/ISAPI/ContentMgmt/search", "<CMSearchDescription/>")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, body, "badXmlContent")
}

func TestDahuaFinder(t *testing.T) {
	loc := time.FixedZone("UTC+8", 8*3600)
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, loc)
	s := start(t, Dahua, func(o *Options) { o.Now = func() time.Time { return now }; o.MaxFinders = 1 })
	s.SetChannel("1", Channel{Oldest: now.Add(-3 * time.Hour)})
	s.SetDisks(Disk{Capacity: 1000, Free: 250})

	_, body := get(t, s, pw, http.MethodGet, "/cgi-bin/storageDevice.cgi?action=getDeviceAllInfo", "")
	assert.Contains(t, body, "list.info[0].Name=/dev/sda\r\n")
	assert.Contains(t, body, "list.info[0].Detail[0].UsedBytes=750.000000\r\n")
	assert.Contains(t, body, "list.info[0].State=Success\r\n")

	status, body := get(t, s, pw, http.MethodGet, "/cgi-bin/mediaFileFind.cgi?action=factory.create", "")
	require.Equal(t, http.StatusOK, status)
	obj := strings.TrimSpace(strings.TrimPrefix(body, "result="))
	status, _ = get(t, s, pw, http.MethodGet, "/cgi-bin/mediaFileFind.cgi?action=factory.create", "")
	assert.Equal(t, http.StatusBadRequest, status, "one finder at most")

	q := "/cgi-bin/mediaFileFind.cgi?action=findFile&object=" + obj +
		"&condition.Channel=1&condition.StartTime=2026-01-15%2009:30:00&condition.EndTime=2026-1-15%2012:0:0&condition.Types[0]=dav"
	_, body = get(t, s, pw, http.MethodGet, q, "")
	assert.Equal(t, "OK\r\n", body)
	_, body = get(t, s, pw, http.MethodGet, "/cgi-bin/mediaFileFind.cgi?action=findNextFile&object="+obj+"&count=2", "")
	assert.True(t, strings.HasPrefix(body, "found=2\r\n"), body)
	assert.Contains(t, body, "items[0].StartTime=2026-01-15 09:00:00\r\n", "the file overlapping the window's start")
	_, body = get(t, s, pw, http.MethodGet, "/cgi-bin/mediaFileFind.cgi?action=findNextFile&object="+obj+"&count=2", "")
	assert.True(t, strings.HasPrefix(body, "found=1\r\n"), body)
	assert.Contains(t, body, "items[0].EndTime=2026-01-15 12:00:00\r\n")
	for _, a := range []string{"close", "destroy"} {
		_, body = get(t, s, pw, http.MethodGet, "/cgi-bin/mediaFileFind.cgi?action="+a+"&object="+obj, "")
		assert.Equal(t, "OK\r\n", body)
	}
	assert.Zero(t, s.Stats().OpenFinders)
	status, body = get(t, s, pw, http.MethodGet, "/cgi-bin/mediaFileFind.cgi?action=findNextFile&object="+obj+"&count=2", "")
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Equal(t, cgiBadRequest, body)
}

func TestFootageModel(t *testing.T) {
	now := time.Date(2026, 1, 15, 12, 0, 0, 0, time.UTC)
	c := Channel{Oldest: now.Add(-10 * time.Hour), KeepFor: 5*time.Hour + 30*time.Minute, Stopped: now.Add(-time.Hour),
		Gaps: []Span{{now.Add(-3*time.Hour - 15*time.Minute), now.Add(-2*time.Hour - 45*time.Minute)}}}
	var got []string
	c.files(now, now.Add(-24*time.Hour), now, func(s Span) bool {
		got = append(got, s.Start.Format("15:04")+"-"+s.End.Format("15:04"))
		return true
	})
	assert.Equal(t, []string{"06:30-07:00", "07:00-08:00", "08:00-08:45", "09:15-10:00", "10:00-11:00"}, got,
		"kept 5½ h, a gap, stopped an hour ago")
}

func TestFaults(t *testing.T) {
	s := start(t, Hikvision)
	s.SetFaults(Faults{Delay: 150 * time.Millisecond})
	begin := time.Now()
	status, _ := get(t, s, pw, http.MethodGet, "/ISAPI/ContentMgmt/Storage", "")
	assert.Equal(t, http.StatusOK, status)
	assert.GreaterOrEqual(t, time.Since(begin), 300*time.Millisecond, "challenge and answer both delayed")

	s.SetFaults(Faults{Status: 500})
	status, body := get(t, s, pw, http.MethodGet, "/ISAPI/ContentMgmt/Storage", "")
	assert.Equal(t, 500, status)
	assert.Contains(t, body, "deviceBusy")

	s.SetFaults(Faults{Garbage: true, GarbageOn: []Endpoint{EndpointSearch}})
	_, body = get(t, s, pw, http.MethodGet, "/ISAPI/ContentMgmt/Storage", "")
	assert.NoError(t, xml.Unmarshal([]byte(body), new(struct{})), "storage still well formed")
	_, body = get(t, s, pw, http.MethodPost, "/ISAPI/ContentMgmt/search", "<x/>")
	assert.Error(t, xml.Unmarshal([]byte(body), new(struct{})), "search is garbage")

	// Hang holds the request until the client gives up or the server closes.
	s.SetFaults(Faults{Hang: true})
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+"/ISAPI/ContentMgmt/Storage", nil)
	tr := &http.Transport{}
	defer tr.CloseIdleConnections()
	_, err := (&http.Client{Transport: tr}).Do(req)
	assert.ErrorIs(t, err, context.DeadlineExceeded)

	go func() { time.Sleep(100 * time.Millisecond); s.Close() }()
	_, err = (&http.Client{Transport: tr}).Get(s.URL + "/ISAPI/ContentMgmt/Storage")
	assert.Error(t, err, "Close ends a hanging request")
}
