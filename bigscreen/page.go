package bigscreen

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strings"
	"sync"
	"time"
)

// The page's files. Listed, not `//go:embed web`, so that web/devserver (the
// developer's fake hub, Go source) is not served to walls.
//
//go:embed web/*.html web/*.js web/*.css web/vendor web/map
var webFS embed.FS

// PageCSP is the wall page's Content-Security-Policy: its own scripts only
// (no inline script), its own WebSocket, inline styles for chart layout.
const PageCSP = "default-src 'self'; connect-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'"

const (
	pagePrefix   = "/wall/"
	staticPrefix = "/wall/static/"
	cacheIndex   = "no-cache"                            // revalidate: a new release shows at the next reload
	cacheAsset   = "public, max-age=31536000, immutable" // asset URL carries its content hash
	cacheUnhash  = "no-cache"                            // asset asked for without the current hash
	gzipMinSize  = 1024
)

// assetRef finds the static references in index.html that get a ?v=<hash>.
var assetRef = regexp.MustCompile(`((?:src|href)=")static/([^"?#]+)"`)

// asset is one embedded file, ready to serve.
type asset struct {
	body  []byte
	gz    []byte // nil when not worth compressing
	ctype string
	hash  string // first 16 hex digits of the SHA-256 of body
}

type page struct {
	index  asset
	assets map[string]asset // by path under web/, e.g. "vendor/echarts/echarts.min.js"
}

// PageHandler serves the wall page: index.html at /wall/ (and
// /wall/index.html) and its assets under /wall/static/. The caller mounts it
// at /wall/ next to /wall/ws and /wall/login, which it does not answer. The
// asset links in index.html carry a content hash (?v=), so assets are cached
// for good and a new release reaches the wall with its next reload.
func PageHandler() http.Handler {
	p, err := embeddedPage()
	if err != nil {
		panic("bigscreen: embedded page: " + err.Error()) // the build embeds it: cannot happen at run time
	}
	return p
}

// embeddedPage hashes and compresses the files once per process: every
// handler serves the same immutable page.
var embeddedPage = sync.OnceValues(func() (*page, error) { return loadPage(webFS) })

func loadPage(fsys fs.FS) (*page, error) {
	sub, err := fs.Sub(fsys, "web")
	if err != nil {
		return nil, err
	}
	p := &page{assets: map[string]asset{}}
	err = fs.WalkDir(sub, ".", func(name string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(sub, name)
		if err != nil {
			return err
		}
		p.assets[name] = newAsset(name, b)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return p, p.buildIndex()
}

// buildIndex stamps every static reference of index.html with its file's hash.
func (p *page) buildIndex() error {
	src, ok := p.assets["index.html"]
	if !ok {
		return fs.ErrNotExist
	}
	out := assetRef.ReplaceAllFunc(src.body, func(m []byte) []byte {
		sm := assetRef.FindSubmatch(m)
		a, ok := p.assets[string(sm[2])]
		if !ok {
			return m // left as is: the page test reports the missing file
		}
		return []byte(string(sm[1]) + "static/" + string(sm[2]) + "?v=" + a.hash + `"`)
	})
	p.index = newAsset("index.html", out)
	delete(p.assets, "index.html")
	return nil
}

func newAsset(name string, b []byte) asset {
	sum := sha256.Sum256(b)
	a := asset{body: b, ctype: contentType(name), hash: hex.EncodeToString(sum[:8])}
	if len(b) >= gzipMinSize && compressible(a.ctype) {
		a.gz = gzipBytes(b)
	}
	return a
}

// contentType is fixed per extension rather than taken from the host's MIME
// table, which differs between machines (.geojson, .js on old systems).
func contentType(name string) string {
	switch path.Ext(name) {
	case ".html":
		return "text/html; charset=utf-8"
	case ".js":
		return "text/javascript; charset=utf-8"
	case ".css":
		return "text/css; charset=utf-8"
	case ".geojson":
		return "application/geo+json"
	case ".json":
		return "application/json"
	case ".png":
		return "image/png"
	case ".svg":
		return "image/svg+xml"
	case ".woff2":
		return "font/woff2"
	}
	return "text/plain; charset=utf-8" // LICENSE, NOTICE, VERSION, SOURCE
}

func compressible(ctype string) bool {
	return strings.HasPrefix(ctype, "text/") || strings.HasSuffix(ctype, "json") || ctype == "image/svg+xml"
}

func gzipBytes(b []byte) []byte {
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	_, _ = zw.Write(b) // writes to memory cannot fail
	_ = zw.Close()
	return buf.Bytes()
}

func (p *page) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "方法不允许", http.StatusMethodNotAllowed)
		return
	}
	switch {
	case r.URL.Path == "/wall":
		http.Redirect(w, r, pagePrefix+query(r), http.StatusMovedPermanently)
	case r.URL.Path == pagePrefix || r.URL.Path == pagePrefix+"index.html":
		p.serve(w, r, p.index, cacheIndex)
	case strings.HasPrefix(r.URL.Path, staticPrefix):
		p.serveStatic(w, r, strings.TrimPrefix(r.URL.Path, staticPrefix))
	default:
		http.NotFound(w, r)
	}
}

func query(r *http.Request) string {
	if r.URL.RawQuery == "" {
		return ""
	}
	return "?" + r.URL.RawQuery
}

func (p *page) serveStatic(w http.ResponseWriter, r *http.Request, name string) {
	a, ok := p.assets[name]
	if !ok {
		http.NotFound(w, r)
		return
	}
	cache := cacheUnhash
	if r.URL.Query().Get("v") == a.hash {
		cache = cacheAsset
	}
	p.serve(w, r, a, cache)
}

// serve writes a with validators (ETag per encoding) so a reloading wall
// revalidates index.html with a 304 instead of downloading it again.
func (p *page) serve(w http.ResponseWriter, r *http.Request, a asset, cache string) {
	h := w.Header()
	h.Set("Content-Type", a.ctype)
	h.Set("Cache-Control", cache)
	h.Set("Content-Security-Policy", PageCSP)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	body, etag := a.body, `"`+a.hash+`"`
	if a.gz != nil {
		h.Add("Vary", "Accept-Encoding")
		if acceptsGzip(r) {
			body, etag = a.gz, `"`+a.hash+`-gz"`
			h.Set("Content-Encoding", "gzip")
		}
	}
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

func acceptsGzip(r *http.Request) bool {
	for part := range strings.SplitSeq(r.Header.Get("Accept-Encoding"), ",") {
		enc, q, _ := strings.Cut(strings.TrimSpace(part), ";")
		if strings.EqualFold(strings.TrimSpace(enc), "gzip") && strings.ReplaceAll(q, " ", "") != "q=0" {
			return true
		}
	}
	return false
}
