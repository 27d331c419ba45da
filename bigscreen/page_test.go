package bigscreen

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func get(t testing.TB, h http.Handler, target string, hdr ...string) *httptest.ResponseRecorder {
	t.Helper()
	req := httptest.NewRequest(http.MethodGet, target, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

var refAttr = regexp.MustCompile(`(?:src|href)="([^"]+)"`)

// indexRefs returns the static URLs index.html links to, as served.
func indexRefs(t *testing.T, h http.Handler) []string {
	t.Helper()
	rec := get(t, h, "/wall/")
	require.Equal(t, http.StatusOK, rec.Code)
	var refs []string
	for _, m := range refAttr.FindAllStringSubmatch(rec.Body.String(), -1) {
		if strings.HasPrefix(m[1], "data:") {
			continue // inline (the empty favicon): no file, allowed by img-src data:
		}
		refs = append(refs, m[1])
	}
	require.GreaterOrEqual(t, len(refs), 8, "index.html lost its assets: %s", rec.Body.String())
	return refs
}

func TestPageEveryReferenceIsServed(t *testing.T) {
	h := PageHandler()
	for _, ref := range indexRefs(t, h) {
		t.Run(ref, func(t *testing.T) {
			require.True(t, strings.HasPrefix(ref, "static/"), "reference outside static/: %s", ref)
			require.Regexp(t, `\?v=[0-9a-f]{16}$`, ref, "not stamped with its hash")
			rec := get(t, h, "/wall/"+ref)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.NotEmpty(t, rec.Body.Bytes())
			assert.Equal(t, "public, max-age=31536000, immutable", rec.Header().Get("Cache-Control"))
		})
	}
}

func TestPageContentTypes(t *testing.T) {
	h := PageHandler()
	for _, tc := range []struct {
		target, ctype, cache string
	}{
		{"/wall/", "text/html; charset=utf-8", "no-cache"},
		{"/wall/index.html", "text/html; charset=utf-8", "no-cache"},
		{"/wall/static/wall.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/wall/static/wall.css", "text/css; charset=utf-8", "no-cache"},
		{"/wall/static/vendor/echarts/echarts.min.js", "text/javascript; charset=utf-8", "no-cache"},
		{"/wall/static/vendor/echarts/LICENSE", "text/plain; charset=utf-8", "no-cache"},
		{"/wall/static/map/sanmenxia-districts.geojson", "application/geo+json", "no-cache"},
		{"/wall/static/map/LICENSE", "text/plain; charset=utf-8", "no-cache"},
	} {
		t.Run(tc.target, func(t *testing.T) {
			rec := get(t, h, tc.target)
			require.Equal(t, http.StatusOK, rec.Code)
			assert.Equal(t, tc.ctype, rec.Header().Get("Content-Type"))
			assert.Equal(t, tc.cache, rec.Header().Get("Cache-Control"))
			assert.Equal(t, PageCSP, rec.Header().Get("Content-Security-Policy"))
			assert.Equal(t, "nosniff", rec.Header().Get("X-Content-Type-Options"))
		})
	}
}

func TestPageCSPIsStrict(t *testing.T) {
	rec := get(t, PageHandler(), "/wall/")
	csp := rec.Header().Get("Content-Security-Policy")
	assert.Equal(t, "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'", csp)
	assert.NotContains(t, csp, "unsafe-eval")
	// No inline script: every <script> has a src and nothing between its tags.
	body := rec.Body.String()
	scripts := regexp.MustCompile(`(?s)<script([^>]*)>(.*?)</script>`).FindAllStringSubmatch(body, -1)
	require.NotEmpty(t, scripts)
	for _, s := range scripts {
		assert.Contains(t, s[1], `src="static/`)
		assert.Empty(t, strings.TrimSpace(s[2]))
	}
	assert.NotRegexp(t, `\son[a-z]+=`, body, "inline event handler")
}

// The page's own scripts put server strings into the DOM as text only.
func TestPageScriptsUseNoMarkupSinks(t *testing.T) {
	p, err := loadPage(webFS)
	require.NoError(t, err)
	for name, a := range p.assets {
		if !strings.HasSuffix(name, ".js") || strings.HasPrefix(name, "vendor/") {
			continue
		}
		t.Run(name, func(t *testing.T) {
			for _, sink := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
				assert.NotContains(t, string(a.body), sink)
			}
		})
	}
}

func TestPageRefusals(t *testing.T) {
	h := PageHandler()
	for _, tc := range []struct {
		name, method, target string
		code                 int
	}{
		{"unknown asset", http.MethodGet, "/wall/static/nope.js", http.StatusNotFound},
		{"dev server source", http.MethodGet, "/wall/static/devserver/main.go", http.StatusNotFound},
		{"dot-dot", http.MethodGet, "/wall/static/../page.go", http.StatusNotFound},
		{"outside the page", http.MethodGet, "/wall/other", http.StatusNotFound},
		{"post", http.MethodPost, "/wall/", http.StatusMethodNotAllowed},
	} {
		t.Run(tc.name, func(t *testing.T) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(tc.method, tc.target, nil))
			assert.Equal(t, tc.code, rec.Code)
		})
	}
}

func TestPageRedirectKeepsQuery(t *testing.T) {
	rec := get(t, PageHandler(), "/wall?screen=hall&scene=city")
	assert.Equal(t, http.StatusMovedPermanently, rec.Code)
	assert.Equal(t, "/wall/?screen=hall&scene=city", rec.Header().Get("Location"))
}

func TestPageGzipAndRevalidation(t *testing.T) {
	h := PageHandler()
	plain := get(t, h, "/wall/static/vendor/echarts/echarts.min.js")
	zipped := get(t, h, "/wall/static/vendor/echarts/echarts.min.js", "Accept-Encoding", "br, gzip;q=0.8")
	require.Equal(t, "gzip", zipped.Header().Get("Content-Encoding"))
	assert.Less(t, zipped.Body.Len(), plain.Body.Len()/2)
	zr, err := gzip.NewReader(zipped.Body)
	require.NoError(t, err)
	unzipped, err := io.ReadAll(zr)
	require.NoError(t, err)
	assert.True(t, bytes.Equal(plain.Body.Bytes(), unzipped))
	assert.NotEqual(t, plain.Header().Get("ETag"), zipped.Header().Get("ETag"))

	refused := get(t, h, "/wall/static/wall.js", "Accept-Encoding", "gzip;q=0")
	assert.Empty(t, refused.Header().Get("Content-Encoding"))

	again := get(t, h, "/wall/", "If-None-Match", get(t, h, "/wall/").Header().Get("ETag"))
	assert.Equal(t, http.StatusNotModified, again.Code)
}

// FuzzPageHandler: no path or Accept-Encoding makes the page fail or serve a
// file that is not one of its own.
func FuzzPageHandler(f *testing.F) {
	h := PageHandler()
	p, err := loadPage(webFS)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"/wall/", "/wall/static/wall.js", "/wall/static/../page.go", "/wall/static//map/LICENSE", "/wall/static/%2e%2e/x"} {
		f.Add(s, "gzip")
	}
	f.Fuzz(func(t *testing.T, target, enc string) {
		req, err := http.NewRequest(http.MethodGet, "http://wall.test"+target, nil)
		if err != nil || !strings.HasPrefix(req.URL.Path, "/") {
			return
		}
		req.Header.Set("Accept-Encoding", enc)
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK:
			name := strings.TrimPrefix(req.URL.Path, "/wall/static/")
			_, known := p.assets[name]
			if !known && req.URL.Path != "/wall/" && req.URL.Path != "/wall/index.html" {
				t.Fatalf("served %q", req.URL.Path)
			}
		case http.StatusNotFound, http.StatusMovedPermanently, http.StatusPartialContent,
			http.StatusRequestedRangeNotSatisfiable:
		default:
			t.Fatalf("status %d for %q", rec.Code, target)
		}
	})
}
