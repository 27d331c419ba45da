package rules

import (
	"os"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/prometheus/common/model"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

var requirementID = regexp.MustCompile(`^R-[ABC][0-9]+$`)

// The severities the incident stage understands (紧急/重要/次要/提示).
var severities = map[string]bool{"critical": true, "major": true, "minor": true, "warning": true}

func hasHan(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool { return unicode.Is(unicode.Han, r) }) >= 0
}

// TestShippedRulesCiteRequirements: every shipped rule says which contract
// term it proves, and every alert speaks Chinese to the operator.
func TestShippedRulesCiteRequirements(t *testing.T) {
	l := newLoader(discard())
	packs := Packs()
	require.NotEmpty(t, packs)
	for _, id := range packs {
		groups, errs := l.Load(id, false, model.UTF8Validation)
		require.Empty(t, errs, id)
		for _, g := range groups.Groups {
			for i, r := range g.Rules {
				name := r.Record + r.Alert
				t.Run(id+"/"+name, func(t *testing.T) {
					req := r.Labels["requirement"]
					if req == "" {
						req = r.Annotations["requirement"]
					}
					assert.Regexp(t, requirementID, req, "rule %d of group %s", i, g.Name)
					if r.Alert == "" {
						assert.Regexp(t, `^swanwatch:`, r.Record, "recorded series carry the swanwatch: prefix")
						return
					}
					assert.True(t, hasHan(r.Annotations["summary"]), "summary in Chinese: %q", r.Annotations["summary"])
					assert.True(t, hasHan(r.Annotations["description"]), "description in Chinese: %q", r.Annotations["description"])
					assert.True(t, severities[r.Labels["severity"]], "severity %q", r.Labels["severity"])
				})
			}
		}
	}
}

// The binary's embedded copy is the file in the tree.
func TestPacksEmbedded(t *testing.T) {
	for _, id := range Packs() {
		name := strings.TrimPrefix(id, packPrefix)
		disk, err := os.ReadFile(name)
		require.NoError(t, err)
		emb, err := packFS.ReadFile(name)
		require.NoError(t, err)
		assert.Equal(t, disk, emb, name)
		assert.Empty(t, CheckFiles(name), name)
	}
	assert.Contains(t, Packs(), packPrefix+"packs/agent.yml")
}
