package nvr

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// hikvision speaks ISAPI ContentMgmt: the storage resource and the recording
// search (POST /ISAPI/ContentMgmt/search, CMSearchDescription → CMSearchResult).
type hikvision struct {
	cl  *client
	loc *time.Location
	st  *targetState
}

const (
	isapiStoragePath    = "/ISAPI/ContentMgmt/Storage"
	isapiStorageHDDPath = "/ISAPI/ContentMgmt/Storage/hdd"
	isapiSearchPath     = "/ISAPI/ContentMgmt/search"
	// isapiPage is the page size the vendor's own web client asks for; more
	// is not granted.
	isapiPage = 40
)

// storage reads the disk list from /Storage, or from /Storage/hdd on
// firmware without the first; the path that worked is kept for the target.
func (h *hikvision) storage(ctx context.Context) ([]disk, error) {
	paths := []string{isapiStoragePath, isapiStorageHDDPath}
	if h.st.storagePath == isapiStorageHDDPath {
		paths = paths[1:]
	}
	var err error
	for _, p := range paths {
		var rep reply
		if rep, err = h.cl.do(ctx, http.MethodGet, p, nil); err != nil {
			return nil, err
		}
		if rep.status != http.StatusOK {
			if err = isapiError(p, rep); errors.Is(err, errNotSupported) {
				continue
			}
			return nil, err
		}
		h.st.storagePath = p
		return parseISAPIStorage(rep.body)
	}
	return nil, err
}

// open returns the finder; ISAPI searches keep no state on the recorder.
func (h *hikvision) open() finder { return h }

func (h *hikvision) close() {}

// find pages through the matches of one track overlapping [from, to), up to
// max of them.
func (h *hikvision) find(ctx context.Context, track string, from, to time.Time, max int) ([]span, bool, error) {
	id := searchID()
	var out []span
	for pos := 0; ; {
		body := searchBody(id, track, from.In(h.loc), to.In(h.loc), min(isapiPage, max-len(out)), pos)
		mSearches.Inc()
		rep, err := h.cl.do(ctx, http.MethodPost, isapiSearchPath, body)
		if err != nil {
			return out, false, err
		}
		if rep.status != http.StatusOK {
			return out, false, isapiError(isapiSearchPath, rep)
		}
		page, err := parseSearchResult(rep.body, h.loc)
		if err != nil {
			return out, false, err
		}
		out = append(out, page.spans...)
		switch {
		case !page.more:
			return out, false, nil
		case len(page.spans) == 0:
			// MORE with an empty page would page forever.
			return out, false, formatError("ISAPI search answered MORE with no matches", nil)
		case len(out) >= max:
			return out, true, nil
		}
		pos += len(page.spans)
	}
}

// searchBody is a CMSearchDescription for one track and one time span. The
// position element keeps the firmware's spelling, searchResultPostion: the
// correct spelling is ignored and the first page comes back every time.
func searchBody(id, track string, from, to time.Time, max, pos int) []byte {
	return fmt.Appendf(nil, `<?xml version="1.0" encoding="UTF-8"?>
<CMSearchDescription version="1.0" xmlns="http://www.hikvision.com/ver20/XMLSchema">
<searchID>%s</searchID>
<trackIDList><trackID>%s</trackID></trackIDList>
<timeSpanList><timeSpan><startTime>%s</startTime><endTime>%s</endTime></timeSpan></timeSpanList>
<maxResults>%d</maxResults>
<searchResultPostion>%d</searchResultPostion>
<metadataList><metadataDescriptor>//recordType.meta.std-cgi.com</metadataDescriptor></metadataList>
</CMSearchDescription>
`, id, track, from.Format(isapiLayout), to.Format(isapiLayout), max, pos)
}

// searchID is a fresh UUID-shaped id, as the vendor's client sends.
func searchID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	return strings.ToUpper(fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16]))
}
