package inventory

import (
	"fmt"
	"regexp"
	"slices"
	"strings"
	"unicode"
)

// issue is one problem with one field of an entry; each source turns the field
// into its own place (an Excel column, a YAML line, a JSON entry).
type issue struct {
	Field string // name, kind, address, district, level, labels, params, ...
	Msg   string
}

var labelName = regexp.MustCompile(`^[a-zA-Z_][a-zA-Z0-9_]*$`)

// reservedLabels are set by the inventory fields or by the Runner; an extra
// label with one of these names would silently fight them.
var reservedLabels = []string{"district", "level", "site", "system", "dept", "parent", "kind", "instance", "job"}

// maxField bounds every text field: a longer one is a pasted paragraph, not a name.
const maxField = 512

// normalize trims t, maps district and level to their stored values and checks
// every field. kinds nil accepts any kind (for tools that do not know them).
func normalize(t Target, kinds []string) (Target, []issue) {
	var is []issue
	seen := map[string]bool{}
	add := func(field, format string, args ...any) {
		// one message per text field: its first problem hides the consequences
		if seen[field] && field != "labels" && field != "params" {
			return
		}
		seen[field] = true
		is = append(is, issue{field, fmt.Sprintf(format, args...)})
	}
	for _, f := range t.textFields() {
		*f.p = strings.TrimSpace(*f.p)
		if msg := badText(*f.p); msg != "" {
			add(f.name, "%s %s", f.name, msg)
		}
	}
	checkRequired(&t, kinds, add)
	if t.District != "" && !seen["district"] {
		if d, ok := NormalizeDistrict(t.District); ok {
			t.District = d
		} else {
			add("district", "unknown district %q (one of %s, or its ASCII slug)", t.District, strings.Join(districtNames(), " "))
		}
	}
	if t.Level != "" && !seen["level"] {
		if l, ok := NormalizeLevel(t.Level); ok {
			t.Level = l
		} else {
			add("level", "unknown level %q (city/county/town/village or 市级/县级/乡镇级/村级)", t.Level)
		}
	}
	checkMaps(t, add)
	return t, is
}

type textField struct {
	name string
	p    *string
}

func (t *Target) textFields() []textField {
	return []textField{
		{"name", &t.Name}, {"kind", &t.Kind}, {"address", &t.Address},
		{"district", &t.District}, {"level", &t.Level}, {"site", &t.Site},
		{"system", &t.System}, {"dept", &t.Dept}, {"parent", &t.Parent},
	}
}

func badText(s string) string {
	if len(s) > maxField {
		return fmt.Sprintf("is longer than %d bytes", maxField)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return "contains a control character"
	}
	return ""
}

func checkRequired(t *Target, kinds []string, add func(string, string, ...any)) {
	switch {
	case t.Kind == "":
		add("kind", "kind is empty")
	case kinds != nil && !slices.Contains(kinds, t.Kind):
		add("kind", "unknown kind %q (known: %s)", t.Kind, strings.Join(kinds, ", "))
	}
	if t.Name == "" {
		add("name", "name is empty")
	}
	if t.Address == "" {
		add("address", "address is empty")
	} else if strings.ContainsFunc(t.Address, unicode.IsSpace) {
		add("address", "address %q contains white space", t.Address)
	}
	if t.District == "" {
		add("district", "district is empty")
	}
}

func checkMaps(t Target, add func(string, string, ...any)) {
	checkLabels(t.Labels, nil, add)
	checkParams(t.Params, add)
	checkSNMPParams(t, add)
}

func checkParams(params map[string]string, add func(string, string, ...any)) {
	for _, k := range sortedKeys(params) {
		if strings.TrimSpace(k) == "" || badText(k) != "" || badText(params[k]) != "" {
			add("params", "param %q is empty, too long or contains a control character", k)
		}
	}
}

func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// parseKV reads "k=v;k=v" (also full-width ；and ＝, which Chinese input methods
// type); an entry without "=" is an error naming it.
func parseKV(s string) (map[string]string, error) {
	s = strings.NewReplacer("；", ";", "＝", "=").Replace(s)
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	out := map[string]string{}
	for part := range strings.SplitSeq(s, ";") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("%q is not key=value (write k=v;k=v)", part)
		}
		out[strings.TrimSpace(k)] = strings.TrimSpace(v)
	}
	return out, nil
}

// checkLabels checks extra labels: valid names, none reserved by the inventory
// fields (or by the series of a link: more), values within bounds.
func checkLabels(labels map[string]string, more []string, add func(string, string, ...any)) {
	for _, k := range sortedKeys(labels) {
		switch {
		case !labelName.MatchString(k) || strings.HasPrefix(k, "__"):
			add("labels", "label name %q is not a valid Prometheus label name", k)
		case slices.Contains(reservedLabels, k):
			add("labels", "label %q is reserved: use the %s field or drop it", k, k)
		case slices.Contains(more, k):
			add("labels", "label %q is reserved for the series of a link: drop it", k)
		case badText(labels[k]) != "":
			add("labels", "label %q %s", k, badText(labels[k]))
		}
	}
}
