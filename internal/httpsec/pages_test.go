package httpsec

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// pageDirs hold every page the server renders: the operators' pages, the
// login and wall-denied pages, the wall. Their markup must hold under
// DefaultCSP and the pages' own policies (script-src 'self' without
// 'unsafe-inline' or 'unsafe-eval', own-origin images, no framing).
var pageDirs = []string{"../web/templates", "../auth/web", "../../bigscreen/web"}

// TestPagesKeepTheCSP fails when a page gains what the policy would block in
// the browser: an inline script, an event-handler attribute, a javascript:
// URL, a script, style sheet or image from another origin, a frame.
func TestPagesKeepTheCSP(t *testing.T) {
	n := 0
	for _, dir := range pageDirs {
		files, err := filepath.Glob(filepath.Join(dir, "*.html"))
		require.NoError(t, err)
		require.NotEmpty(t, files, "pages moved? update pageDirs: %s", dir)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			for _, problem := range cspProblems(string(b)) {
				t.Errorf("%s: %s", f, problem)
			}
			n++
		}
	}
	t.Logf("%d pages checked", n)
}

// TestOwnScriptsNeedNoEval: script-src has no 'unsafe-eval'.
func TestOwnScriptsNeedNoEval(t *testing.T) {
	evalLike := regexp.MustCompile(`\beval\(|new Function\(|set(Timeout|Interval)\(\s*["'\x60]`)
	for _, glob := range []string{"../web/static/*.js", "../../bigscreen/web/*.js"} {
		files, err := filepath.Glob(glob)
		require.NoError(t, err)
		require.NotEmpty(t, files, glob)
		for _, f := range files {
			b, err := os.ReadFile(f)
			require.NoError(t, err)
			assert.False(t, evalLike.Match(b), "%s evaluates a string: the CSP blocks it", f)
		}
	}
}

func TestCSPProblemsFindsEach(t *testing.T) {
	for page, want := range map[string]string{
		`<script>alert(1)</script>`:                            "inline script",
		`<script src="https://cdn.example.com/x.js"></script>`: "another origin",
		`<button onclick="go()">x</button>`:                    "event-handler attribute onclick",
		`<a href="javascript:go()">x</a>`:                      "javascript: URL",
		`<img src="http://10.0.0.1/a.png">`:                    "another origin",
		`<iframe src="/wall/"></iframe>`:                       "<iframe>",
		`<link rel="stylesheet" href="//cdn/x.css">`:           "another origin",
	} {
		got := cspProblems(page)
		require.Len(t, got, 1, page)
		assert.Contains(t, got[0], want, page)
	}
	assert.Empty(t, cspProblems(`<style>p{color:red}</style><script src="/static/a.js" defer></script>`+
		`<img src="data:image/png;base64,AA"><p style="color:red">{{.X}}</p>`))
}

func cspProblems(page string) []string {
	var problems []string
	z := html.NewTokenizer(strings.NewReader(page))
	inScript := false
	for {
		switch z.Next() {
		case html.ErrorToken:
			return problems
		case html.TextToken:
			if inScript && strings.TrimSpace(string(z.Text())) != "" {
				problems = append(problems, "inline script (script-src 'self' blocks it)")
			}
		case html.EndTagToken:
			inScript = false
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			inScript = tok.Data == "script"
			problems = append(problems, tagProblems(tok)...)
		}
	}
}

func tagProblems(tok html.Token) []string {
	var problems []string
	switch tok.Data {
	case "iframe", "frame", "object", "embed":
		problems = append(problems, "<"+tok.Data+"> (object-src 'none', frames refused)")
	}
	for _, a := range tok.Attr {
		v := strings.TrimSpace(strings.ToLower(a.Val))
		switch {
		case strings.HasPrefix(a.Key, "on"):
			problems = append(problems, "event-handler attribute "+a.Key+" (an inline script)")
		case strings.HasPrefix(v, "javascript:"):
			problems = append(problems, "javascript: URL in "+a.Key)
		case (a.Key == "src" || a.Key == "href" && tok.Data == "link") && foreign(v):
			problems = append(problems, "<"+tok.Data+"> from another origin: "+a.Val)
		}
	}
	return problems
}

func foreign(u string) bool {
	return strings.HasPrefix(u, "http:") || strings.HasPrefix(u, "https:") || strings.HasPrefix(u, "//")
}
