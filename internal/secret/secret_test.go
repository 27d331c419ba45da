package secret

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.yaml.in/yaml/v3"
)

const value = "hunter2-very-secret"

func TestSecretNeverPrints(t *testing.T) {
	s := Secret(value)
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%10s"} {
		t.Run(verb, func(t *testing.T) {
			out := fmt.Sprintf(verb, s)
			assert.NotContains(t, out, value)
			assert.NotContains(t, out, fmt.Sprintf("%x", value))
			assert.Contains(t, out, "secret")
		})
	}
	type holder struct {
		P Secret  `json:"p" yaml:"p"`
		Q *Secret `json:"q" yaml:"q"`
	}
	h := holder{P: s, Q: &s}
	j, err := json.Marshal(h)
	require.NoError(t, err)
	assert.JSONEq(t, `{"p":"<secret>","q":"<secret>"}`, string(j))
	var back map[string]string
	require.NoError(t, json.Unmarshal(j, &back))
	assert.Equal(t, Mask, back["p"])
	y, err := yaml.Marshal(h)
	require.NoError(t, err)
	assert.Equal(t, "p: <secret>\nq: <secret>\n", string(y))
	assert.Equal(t, value, s.Reveal())
	assert.Equal(t, "", Secret("").String(), "an unset secret shows as unset")
}

func TestSecretUnmarshal(t *testing.T) {
	var h struct {
		P Secret `yaml:"p"`
	}
	require.NoError(t, yaml.Unmarshal([]byte("p: "+value+"\n"), &h))
	assert.Equal(t, value, h.P.Reveal())
	err := yaml.Unmarshal([]byte("p:\n  - "+value+"\n"), &h)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "line 2: a secret must be a single string value")
	assert.NotContains(t, err.Error(), value)
}

func TestFromFile(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
		return p
	}
	big := make([]byte, MaxFileBytes+1)
	tests := []struct {
		name, path, want, errPart string
	}{
		{"trimmed", write("ok", "  "+value+"\n\n"), value, ""},
		{"missing", filepath.Join(dir, "nope"), "", "no such file"},
		{"empty", write("empty", "\n \n"), "", "is empty"},
		{"too big", write("big", string(big)), "", "larger than"},
		{"directory", dir, "", "is a directory"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := FromFile(tt.path)
			if tt.errPart != "" {
				require.Error(t, err)
				assert.Contains(t, err.Error(), tt.errPart)
				assert.Contains(t, err.Error(), tt.path)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.want, got.Reveal())
		})
	}
	_, err := Resolve("x", write("both", "y"))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), "y\n")
}
