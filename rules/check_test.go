package rules

import (
	"path/filepath"
	"strings"
	"testing"

	"github.com/VictoriaMetrics/metrics"
	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCheckFiles(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, body string
		want       []string // one substring per expected error, in order
	}{
		{"good", "groups:\n- name: g\n  rules:\n  - record: a:b\n    expr: sum(up)\n", nil},
		{"bad promql", "groups:\n- name: g\n  rules:\n  - record: r\n    expr: sum(up\n", []string{":5:11: group \"g\", rule 1, \"r\": could not parse expression"}},
		{"bad template", "groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    annotations:\n      summary: '{{ $labels.x '\n", []string{`rule 1, "A": annotation "summary"`}},
		{"broken yaml once", "groups:\n- name: g\n rules: : x\n", []string{":2: did not find expected key"}},
		{"unknown fields each", "groups:\n- name: g\n  rulez: []\n  evalz: 1\n", []string{":3: field rulez not found", ":4: field evalz not found"}},
		{"repeated group", "groups:\n- name: g\n  rules: []\n- name: g\n  rules: []\n", []string{`: groupname: "g" is repeated`}},
		{"record and alert", "groups:\n- name: g\n  rules:\n  - record: r\n    alert: A\n    expr: up\n", []string{"only one of 'record' and 'alert'"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			path := writeRuleFile(t, dir, strings.ReplaceAll(tt.name, " ", "_")+".yml", tt.body)
			errs := CheckFiles(path)
			require.Len(t, errs, len(tt.want), "%v", errs)
			for i, w := range tt.want {
				assert.True(t, strings.HasPrefix(errs[i].Error(), path), errs[i].Error())
				assert.Contains(t, errs[i].Error(), w)
			}
		})
	}
}

func TestCheckFilesPaths(t *testing.T) {
	dir := t.TempDir()
	assert.ErrorContains(t, errors1(CheckFiles(filepath.Join(dir, "*.yml"))), "no rule files match")
	assert.ErrorContains(t, errors1(CheckFiles(filepath.Join(dir, "missing.yml"))), "missing.yml: file does not exist")
	big := writeRuleFile(t, dir, "big.yml", "# "+strings.Repeat("x", maxRuleFileBytes))
	assert.ErrorContains(t, errors1(CheckFiles(big)), "larger than 16 MiB")
}

func errors1(errs []error) error {
	if len(errs) != 1 {
		return nil
	}
	return errs[0]
}

// FuzzRuleFile feeds arbitrary content to the rule-file parser: it must not
// panic, and every error it returns must name the file.
func FuzzRuleFile(f *testing.F) {
	for _, s := range []string{
		"groups:\n- name: g\n  rules:\n  - record: a:b\n    expr: sum(up)\n",
		"groups:\n- name: g\n  rules:\n  - alert: A\n    expr: up == 0\n    for: 5m\n    annotations:\n      summary: '{{ $labels.instance }}'\n",
		"groups:\n- name: g\n rules: : x\n", "groups: [", "---\n---\n", "",
	} {
		f.Add([]byte(s))
	}
	l := newLoader(discard())
	f.Fuzz(func(t *testing.T, b []byte) {
		_, errs := l.parse("fuzz.yml", b, false, model.UTF8Validation)
		for _, err := range errs {
			if !strings.HasPrefix(err.Error(), "fuzz.yml:") {
				t.Fatalf("error does not name the file: %v", err)
			}
		}
	})
}

func TestFileErrorsCounted(t *testing.T) {
	c := metrics.GetOrCreateCounter(`swanwatch_rules_file_errors_total`)
	before := c.Get()
	path := writeRuleFile(t, t.TempDir(), "bad.yml", "groups:\n- name: g\n  rulez: []\n  evalz: 1\n")
	require.Len(t, CheckFiles(path), 2)
	assert.Equal(t, before+2, c.Get())
}
