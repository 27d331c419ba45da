package report

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/net/html"
)

// outline is the structure of the page: headings and header cells with their
// text, a count of rows and the cell classes of the first row per table body,
// and a count of shapes per chart. Values live in the XLSX golden and the
// PDF text test; this golden catches a section, table or chart that moves.
func outline(n *html.Node, depth int, b *strings.Builder) {
	if n.Type == html.ElementNode {
		switch n.Data {
		case "style", "head":
			return
		case "svg":
			fmt.Fprintf(b, "%ssvg %s\n", indent(depth), shapes(n))
			return
		case "tbody":
			fmt.Fprintf(b, "%stbody rows=%d first=%s\n", indent(depth), countChildren(n, "tr"), firstRowClasses(n))
			return
		case "h1", "h2", "h3", "th", "figcaption", "footer":
			fmt.Fprintf(b, "%s%s %q\n", indent(depth), n.Data, textOf(n))
			return
		}
		fmt.Fprintf(b, "%s%s%s\n", indent(depth), n.Data, attrs(n))
		depth++
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		outline(c, depth, b)
	}
}

func indent(d int) string { return strings.Repeat("  ", d) }

func attrs(n *html.Node) string {
	var s string
	for _, a := range n.Attr {
		if a.Key == "id" || a.Key == "class" {
			s += fmt.Sprintf(" %s=%s", a.Key, a.Val)
		}
	}
	return s
}

func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.TextNode {
			b.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(n)
	return strings.TrimSpace(b.String())
}

func countChildren(n *html.Node, tag string) int {
	k := 0
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode && c.Data == tag {
			k++
		}
	}
	return k
}

func firstRowClasses(tbody *html.Node) string {
	for tr := tbody.FirstChild; tr != nil; tr = tr.NextSibling {
		if tr.Type != html.ElementNode {
			continue
		}
		var cls []string
		for td := tr.FirstChild; td != nil; td = td.NextSibling {
			if td.Type == html.ElementNode {
				c := strings.TrimSpace(attrs(td))
				cls = append(cls, strings.TrimPrefix(c, "class="))
			}
		}
		return "[" + strings.Join(cls, ",") + "]"
	}
	return "[]"
}

func shapes(svg *html.Node) string {
	counts := map[string]int{}
	for c := svg.FirstChild; c != nil; c = c.NextSibling {
		if c.Type == html.ElementNode {
			counts[c.Data]++
		}
	}
	var parts []string
	for _, k := range []string{"line", "rect", "polyline", "circle", "text"} {
		parts = append(parts, fmt.Sprintf("%s=%d", k, counts[k]))
	}
	return strings.Join(parts, " ")
}

func TestRenderHTMLGolden(t *testing.T) {
	var buf bytes.Buffer
	require.NoError(t, RenderHTML(&buf, fixtureReport()))
	doc, err := html.Parse(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	var b strings.Builder
	outline(doc, 0, &b)
	golden(t, "report_html.outline", b.String())
	assert.NotContains(t, buf.String(), "<script", "self-contained and static")
	assert.NotRegexp(t, regexp.MustCompile(`(?i)(src|href)=`), buf.String(), "nothing fetched")
}

func TestRenderHTMLEscapes(t *testing.T) {
	r := fixtureReport()
	r.Agents.ByDistrict[0].Name = `<script>alert("x")</script>`
	r.Links.Breaches[0].Link = `a&b"<img>`
	var buf bytes.Buffer
	require.NoError(t, RenderHTML(&buf, r))
	assert.NotContains(t, buf.String(), "<script>")
	assert.NotContains(t, buf.String(), "<img>")
	assert.Contains(t, buf.String(), "&lt;script&gt;")
}

// Every chart is well-formed SVG (XML) even with markup in its labels.
func TestChartSVGWellFormed(t *testing.T) {
	r := fixtureReport()
	r.Agents.ByDistrict[0].Name = `<b>&"'`
	for _, s := range r.sections() {
		for _, c := range s.charts {
			d := xml.NewDecoder(strings.NewReader(c.svg()))
			for {
				_, err := d.Token()
				if err != nil {
					require.ErrorContains(t, err, "EOF", c.title)
					break
				}
			}
		}
	}
}
