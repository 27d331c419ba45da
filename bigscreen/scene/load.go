package scene

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// Scene files are data an operator edits: one Def per file, strict YAML
// (an unknown key is an error with file:line, since a misspelt `refesh:`
// silently falling back to the default is how a wall ends up stale).
//
// The server-side fields of a panel mean:
//   - query: PromQL evaluated as an instant query at each refresh; it must
//     return an instant vector. kpi/gauge take one series, map/ranking/table
//     one row per series named by its `label` value.
//   - source: incidents (board), incident_stats (kpi: `label` severity —
//     open incidents by severity, the default — or mtta / mttr of today),
//     duty (duty), topology (topology).
//   - sort: asc | desc orders rows; it also gives thresholds their sense:
//     with asc, low values are bad (a value at or below a threshold takes its
//     state), otherwise high values are (at or above).
//   - format: percent values are ratios 0–1 (Prometheus's `_ratio`), seconds,
//     bytes and bps are base units; the page scales them for display.

// maxSceneBytes bounds one scene file: a scene is a few KiB.
const maxSceneBytes = 1 << 20

// QueryCheck reports why a panel's query cannot be evaluated, or nil; its
// error goes into the problem list as it is (bigscreen/eval.CheckQuery
// parses the query as PromQL).
type QueryCheck func(query string) error

// Load reads every file of fsys matching glob (fs.Glob syntax), one scene
// per file, decodes them strictly and validates them all together (scene ids
// unique across files; each query through check, when not nil). Every
// problem is reported, each prefixed with file:line; on any problem no scene
// is returned.
func Load(fsys fs.FS, glob string, check QueryCheck) ([]Def, error) {
	names, err := fs.Glob(fsys, glob)
	if err != nil {
		sceneInvalid("glob")
		return nil, fmt.Errorf("scene files %q: %w", glob, err)
	}
	if len(names) == 0 {
		sceneInvalid("glob")
		return nil, fmt.Errorf("scene files %q: no file matches", glob)
	}
	var errs []error
	defs := make([]Def, 0, len(names))
	lines := make([]sceneLines, 0, len(names))
	for _, name := range names {
		def, ln, err := loadScene(fsys, name)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		defs, lines = append(defs, def), append(lines, ln)
	}
	errs = append(errs, validate(defs, lines, check))
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return defs, nil
}

// sceneLines remembers where a scene and its panels start, for validation
// messages an operator can jump to.
type sceneLines struct {
	file   string
	scene  int
	panels []int
}

func (l sceneLines) at(panel int) string {
	if panel >= 0 && panel < len(l.panels) {
		return fmt.Sprintf("%s:%d", l.file, l.panels[panel])
	}
	return fmt.Sprintf("%s:%d", l.file, l.scene)
}

func loadScene(fsys fs.FS, name string) (Def, sceneLines, error) {
	ln := sceneLines{file: name}
	data, err := readBounded(fsys, name)
	if err != nil {
		sceneInvalid("read")
		return Def{}, ln, err
	}
	def, err := decodeScene(name, data)
	if err != nil {
		sceneInvalid("yaml")
		return Def{}, ln, err
	}
	ln.scene, ln.panels = nodeLines(data)
	return def, ln, nil
}

func readBounded(fsys fs.FS, name string) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, fmt.Errorf("open scene %s: %w", name, err)
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSceneBytes+1))
	if err != nil {
		return nil, fmt.Errorf("read scene %s: %w", name, err)
	}
	if len(data) > maxSceneBytes {
		return nil, fmt.Errorf("%s: scene file is over %d bytes", name, maxSceneBytes)
	}
	return data, nil
}

// decodeScene decodes exactly one YAML document into a Def.
func decodeScene(name string, data []byte) (Def, error) {
	var def Def
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&def); err != nil {
		if errors.Is(err, io.EOF) {
			return def, fmt.Errorf("%s: empty scene file", name)
		}
		return def, yamlProblems(name, err)
	}
	var extra yaml.Node
	if err := dec.Decode(&extra); !errors.Is(err, io.EOF) {
		return def, fmt.Errorf("%s: one scene per file (a second YAML document follows)", name)
	}
	return def, nil
}

var sceneYAMLLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// yamlProblems rewrites yaml.v3's "line N: msg" errors as "file:N: msg".
func yamlProblems(name string, err error) error {
	msgs := []string{err.Error()}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		msgs = te.Errors
	}
	errs := make([]error, 0, len(msgs))
	for _, m := range msgs {
		if g := sceneYAMLLine.FindStringSubmatch(m); g != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %s", name, g[1], g[2]))
			continue
		}
		errs = append(errs, fmt.Errorf("%s: %s", name, strings.TrimPrefix(m, "yaml: ")))
	}
	return errors.Join(errs...)
}

// nodeLines finds the line of the scene and of each panel item; the data
// already decoded, so a failure here only loses line numbers.
func nodeLines(data []byte) (int, []int) {
	var doc yaml.Node
	if yaml.Unmarshal(data, &doc) != nil || len(doc.Content) == 0 {
		return 1, nil
	}
	root := doc.Content[0]
	var panels []int
	for i := 0; i+1 < len(root.Content); i += 2 {
		if root.Content[i].Value == "panels" {
			for _, item := range root.Content[i+1].Content {
				panels = append(panels, item.Line)
			}
		}
	}
	return root.Line, panels
}
