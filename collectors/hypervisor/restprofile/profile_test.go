package restprofile

import (
	"io/fs"
	"regexp"
	"strings"
	"testing"
)

func TestShippedProfiles(t *testing.T) {
	ps, err := Profiles()
	if err != nil {
		t.Fatal(err)
	}
	entries, _ := fs.ReadDir(shipped, "profiles")
	if len(ps) == 0 || len(ps) != len(entries) {
		t.Fatalf("%d profiles loaded from %d files", len(ps), len(entries))
	}
	ops := Openers()
	url := regexp.MustCompile(`https://\S+`)
	for _, e := range entries {
		data, _ := fs.ReadFile(shipped, "profiles/"+e.Name())
		head := string(data[:strings.Index(string(data), "\nname:")])
		if !strings.Contains(head, "未经真实系统验证 (unverified against a real system)") {
			t.Errorf("%s: header does not say it is unverified against a real system", e.Name())
		}
		if len(url.FindAllString(head, -1)) < 2 {
			t.Errorf("%s: header cites fewer than two public source pages", e.Name())
		}
		name := strings.TrimSuffix(e.Name(), ".yaml")
		if ops[name] == nil {
			t.Errorf("%s: no opener named %q (file and profile name differ?)", e.Name(), name)
		}
	}
	if got := Names(); len(got) != len(ops) {
		t.Errorf("Names %v vs %d openers", got, len(ops))
	}
}

const okProfile = `
name: demo
login: {kind: basic}
hosts:
  path: /api/hosts
  list: data.items
  fields: {name: hostName}
`

func TestProfileValidation(t *testing.T) {
	if _, err := ParseProfile(strings.NewReader(okProfile), "demo.yaml"); err != nil {
		t.Fatalf("minimal profile refused: %v", err)
	}
	cases := []struct{ yaml, want string }{
		{``, "demo.yaml: empty profile"},
		{`name: Demo`, `name "Demo"`},
		{strings.Replace(okProfile, "kind: basic", "kind: digest", 1), `login.kind "digest"`},
		{strings.Replace(okProfile, "list: data.items", "", 1), "hosts.list: the JSON path"},
		{strings.Replace(okProfile, "path: /api/hosts", "path: api/hosts", 1), `hosts.path "api/hosts"`},
		{strings.Replace(okProfile, "{name: hostName}", "{name: hostName, cpu_mhz: x}", 1), "hosts.fields.cpu_mhz: unknown field"},
		{strings.Replace(okProfile, "{name: hostName}", "{cluster: c}", 1), "hosts.fields.name: missing"},
		{strings.Replace(okProfile, "{name: hostName}", "{name: {path: n, scale: 2}}", 1), "hosts.fields.name: a label takes only a path"},
		{strings.Replace(okProfile, "{name: hostName}", "{name: n, up: {path: s, unmapped: 0}}", 1), "hosts.fields.up: unmapped: only with map"},
		{strings.Replace(okProfile, "{name: hostName}", "{name: n, up: {path: s, scale: -1}}", 1), "hosts.fields.up: scale"},
		{okProfile + "  paging: {limit_param: l, offset_param: o, size: 0}\n", "hosts.paging"},
		{okProfile + "events: {vm_power: true}\n", "events.vm_power: needs vms.fields.running"},
		{okProfile + "extra: 1\n", "field extra not found"},
		{strings.Replace(okProfile, "login: {kind: basic}", "login: {kind: json, path: /l, body: '{\"u\":{{username}}', token_path: t, send_header: X}", 1), "login.body: not JSON"},
		{strings.Replace(okProfile, "login: {kind: basic}", "login: {kind: json, path: /l, send_header: X}", 1), "login.token_path, token_header: give exactly one"},
		{strings.Replace(okProfile, "login: {kind: basic}", "login: {kind: json, path: /l, token_path: t, send_header: X, password_hash: md5}", 1), `login.password_hash "md5"`},
		{strings.Replace(okProfile, "login: {kind: basic}", "login: {kind: json, path: /l, token_path: t, send_header: X, relogin_status: [200]}", 1), "login.relogin_status 200"},
		{"name: demo\nlogin: {kind: basic}\n", "at least one endpoint"},
		{strings.Replace(okProfile, "login: {kind: basic}", "login: {kind: json, path: /l, token_path: t, send_header: X, relogin_codes: [A.1]}", 1), "login.relogin_code_path, relogin_codes"},
		{strings.Repeat("#", maxProfileBytes+1), "larger than"},
	}
	for _, c := range cases {
		_, err := ParseProfile(strings.NewReader(c.yaml), "demo.yaml")
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), "demo.yaml: ") {
			t.Errorf("profile\n%s\nerr = %v, want demo.yaml: …%s…", c.yaml, err, c.want)
		}
	}
}

func TestParseBase(t *testing.T) {
	for _, ok := range []string{"https://zs:8080", "http://10.0.0.5:8080/", " https://[::1]:443 "} {
		if _, err := parseBase(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", "zs:8080", "ftp://zs", "https://", "https://zs/zstack", "https://zs?x=1", "https://admin:hunter2@zs", "%zz"} {
		_, err := parseBase(bad)
		if err == nil {
			t.Errorf("%q accepted", bad)
			continue
		}
		if strings.Contains(err.Error(), "hunter2") {
			t.Errorf("%q: error holds the password: %v", bad, err)
		}
	}
}
