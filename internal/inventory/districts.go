package inventory

import "strings"

// District is one of the ten service areas (requirements.md R-B6).
type District struct {
	Name string // Chinese name, stored on targets and used as the label value
	Slug string // ASCII, accepted on input
}

// Districts lists the ten service areas in the order the bureau lists them.
var Districts = []District{
	{"市本级", "shibenji"},
	{"义马市", "yima"},
	{"渑池县", "mianchi"},
	{"湖滨区", "hubin"},
	{"陕州区", "shanzhou"},
	{"灵宝市", "lingbao"},
	{"卢氏县", "lushi"},
	{"经济开发区", "jingkai"},
	{"城乡一体化示范区", "shifanqu"},
	{"现代服务业开发区", "xiandai"},
}

// Level is one of the four WAN levels.
type Level struct {
	Name    string // English, stored on targets; the UI translates it
	Chinese string // the operators' word, accepted on input
}

// Levels lists the WAN levels from the top.
var Levels = []Level{
	{"city", "市级"},
	{"county", "县级"},
	{"town", "乡镇级"},
	{"village", "村级"},
}

// NormalizeDistrict maps a Chinese name or an ASCII slug (any case) to the
// Chinese name.
func NormalizeDistrict(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, d := range Districts {
		if s == d.Name || strings.EqualFold(s, d.Slug) {
			return d.Name, true
		}
	}
	return "", false
}

// DistrictSlug returns the ASCII slug of a Chinese district name.
func DistrictSlug(name string) string {
	for _, d := range Districts {
		if d.Name == name {
			return d.Slug
		}
	}
	return ""
}

// NormalizeLevel maps city/county/town/village (any case) or 市级/县级/乡镇级/村级
// (also 市/县/乡镇/村) to the English value.
func NormalizeLevel(s string) (string, bool) {
	s = strings.TrimSpace(s)
	for _, l := range Levels {
		if strings.EqualFold(s, l.Name) || s == l.Chinese || s == strings.TrimSuffix(l.Chinese, "级") {
			return l.Name, true
		}
	}
	return "", false
}

func districtNames() []string {
	out := make([]string, len(Districts))
	for i, d := range Districts {
		out[i] = d.Name
	}
	return out
}
