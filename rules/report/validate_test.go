package report

import (
	"bytes"
	"io"
	"math"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func counterValue(name string) uint64 {
	var b bytes.Buffer
	metrics.WritePrometheus(&b, false)
	for _, l := range strings.Split(b.String(), "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			var n uint64
			for _, c := range v {
				n = n*10 + uint64(c-'0')
			}
			return n
		}
	}
	return 0
}

func TestRenderRefusesInvalidReport(t *testing.T) {
	tests := []struct {
		name   string
		mutate func(*Report)
		want   string
	}{
		{"month", func(r *Report) { r.Month = "2026-13" }, `month "2026-13" is not YYYY-MM`},
		{"checksum", func(r *Report) { r.InputSHA256 = "" }, "no input checksum for a frozen month"},
		{"nan", func(r *Report) { r.Links.ByLevel[0].Measured[1].V = math.NaN() }, "not a number"},
		{"ratio", func(r *Report) { r.Summary[0].Figure.V = 1.2 }, "outside 0…1"},
	}
	renderers := map[string]func(io.Writer, Report) error{"pdf": RenderPDF, "xlsx": RenderXLSX, "html": RenderHTML}
	for _, tt := range tests {
		for format, render := range renderers {
			t.Run(tt.name+"/"+format, func(t *testing.T) {
				r := fixtureReport()
				tt.mutate(&r)
				name := `swanwatch_report_render_errors_total{format="` + format + `",kind="invalid"}`
				before := counterValue(name)
				var buf bytes.Buffer
				err := render(&buf, r)
				require.ErrorIs(t, err, ErrInvalid)
				assert.ErrorContains(t, err, tt.want)
				assert.Zero(t, buf.Len(), "nothing written for a refused report")
				assert.Equal(t, before+1, counterValue(name))
			})
		}
	}
}

func TestValueText(t *testing.T) {
	tests := []struct {
		v    Value
		want string
	}{
		{Value{V: 0.99996, Kind: Ratio, Known: true}, "99.9960%"},
		{Value{V: 0.9999999, Kind: Ratio, Known: true}, "99.9999%"},
		{Value{V: 1, Kind: Ratio, Known: true}, "100.0000%"},
		{Value{V: 0.3, Kind: Ratio, Known: true}, "30.0000%"},
		{Value{V: 0.1 + 0.2, Kind: Ratio, Known: true}, "30.0000%"},
		{Value{Kind: Ratio}, "无数据"},
		{Value{V: 48.25, Kind: Millis, Known: true}, "48.2 ms"},
		{Value{V: 11520, Kind: Seconds, Known: true}, "3小时12分"},
		{Value{V: 42, Kind: Count, Known: true}, "42"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			assert.Equal(t, tt.want, tt.v.text())
		})
	}
}
