package auth

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// The permission relation, written out: for each route class, exactly the
// roles that may use it. Nothing is inherited: a new role or class must be
// placed here by hand.
func TestRoleMay(t *testing.T) {
	want := map[Role][]Role{
		ClassAnyone:    {RoleSupervisor, RoleViewer, RoleOperator, RoleSysadmin, RoleSecadmin, RoleAuditor},
		RoleSupervisor: {RoleSupervisor, RoleViewer, RoleOperator, RoleSysadmin},
		RoleViewer:     {RoleViewer, RoleOperator, RoleSysadmin},
		RoleOperator:   {RoleOperator},
		RoleSysadmin:   {RoleSysadmin},
		RoleSecadmin:   {RoleSecadmin},
		RoleAuditor:    {RoleAuditor},
	}
	for class, allowed := range want {
		for _, r := range append(Roles, "", "admin", "root", "Auditor", ClassAnyone) {
			assert.Equal(t, slices.Contains(allowed, r), r.May(class), "%s may use class %s", r, class)
		}
		assert.ElementsMatch(t, allowed, Allowed(class), class)
	}
	for _, bad := range []Role{"", "admin", "root"} {
		assert.False(t, ValidClass(bad), bad)
		assert.False(t, RoleSysadmin.May(bad), bad)
	}
	// The three administrators share nothing of each other's work.
	for _, a := range []Role{RoleSysadmin, RoleSecadmin, RoleAuditor} {
		for _, b := range []Role{RoleSysadmin, RoleSecadmin, RoleAuditor} {
			assert.Equal(t, a == b, a.May(b), "%s on %s's routes", a, b)
		}
		assert.True(t, a.Administrator())
	}
	assert.False(t, RoleAuditor.May(RoleViewer), "the auditor sees no dashboard")
	assert.False(t, RoleSecadmin.May(RoleViewer), "nor does the security administrator")
	assert.False(t, RoleOperator.Administrator())
}

func TestParseRole(t *testing.T) {
	for _, s := range []string{"supervisor", "viewer", "operator", "sysadmin", "secadmin", "auditor"} {
		r, err := ParseRole(s)
		require.NoError(t, err)
		assert.Equal(t, Role(s), r)
	}
	for _, s := range []string{"", "Admin", "admin", "anyone", "root", "admin ", "Supervisor", "监管"} {
		_, err := ParseRole(s)
		assert.ErrorContains(t, err, "unknown role", s)
		assert.ErrorContains(t, err, "want supervisor, viewer, operator, sysadmin, secadmin or auditor", s)
	}
}

// Every role has its own Chinese label.
func TestRoleLabels(t *testing.T) {
	labels := map[string]bool{}
	for _, r := range Roles {
		assert.True(t, r.Valid(), r)
		assert.NotEqual(t, "未知角色", r.Label(), r)
		assert.False(t, labels[r.Label()], "label %s twice", r.Label())
		labels[r.Label()] = true
	}
	assert.Equal(t, "监管用户", RoleSupervisor.Label())
	assert.Equal(t, "审计管理员", RoleAuditor.Label())
	assert.Equal(t, "未知角色", Role("root").Label())
	assert.False(t, ClassAnyone.Valid(), "a class, not a role a user may hold")
}

func TestDefaultArgon2Hash(t *testing.T) {
	h, err := hashPassword(goodPassword, DefaultArgon2)
	require.NoError(t, err)
	assert.True(t, strings.HasPrefix(h, "$argon2id$v=19$m=65536,t=3,p=2$"), h)
	ok, p, err := verifyPassword(h, goodPassword)
	require.NoError(t, err)
	assert.True(t, ok)
	assert.Equal(t, DefaultArgon2, p)
	ok, _, err = verifyPassword(h, goodPassword+"x")
	require.NoError(t, err)
	assert.False(t, ok)
	h2, err := hashPassword(goodPassword, DefaultArgon2)
	require.NoError(t, err)
	assert.NotEqual(t, h, h2, "salted")
}

func TestDecodeHashRejects(t *testing.T) {
	good, err := hashPassword("x", fastArgon)
	require.NoError(t, err)
	parts := strings.Split(good, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	tests := map[string]string{
		"empty":          "",
		"bcrypt":         "$2a$10$abcdefghijklmnopqrstuv",
		"argon2i":        with(1, "argon2i"),
		"old version":    with(2, "v=16"),
		"trailing junk":  with(3, "m=1024,t=1,p=1x"),
		"huge memory":    with(3, "m=4294967295,t=1,p=1"),
		"zero time":      with(3, "m=1024,t=0,p=1"),
		"many passes":    with(3, "m=1024,t=99,p=1"),
		"overflow lanes": with(3, "m=1024,t=1,p=300"),
		"bad salt":       with(4, "!!!"),
		"short key":      with(5, "AAAA"),
		"extra field":    good + "$x",
	}
	for name, h := range tests {
		t.Run(name, func(t *testing.T) {
			ok, _, err := verifyPassword(h, "x")
			assert.ErrorIs(t, err, errBadHash)
			assert.False(t, ok)
		})
	}
}

func TestPasswordPolicy(t *testing.T) {
	tests := []struct {
		user, password, wantMsg string
	}{
		{"wangfang", "Short1!", "至少为10个字符"},
		{"wangfang", "abcdefghijkl", "至少2类"},
		{"wangfang", "1234567890123", "至少2类"},
		{"wangfang", "xxWangFang2026", "不能包含用户名"},
		{"wangfang", strings.Repeat("aB", 600), "密码过长"},
		{"wangfang", "\xff\xfeabcdefgh12", "无效字符"},
		{"wangfang", "三门峡天鹅湖abcd", ""},
		{"wangfang", "correct horse", ""},
		{"wangfang", goodPassword, ""},
	}
	for _, tt := range tests {
		t.Run(tt.password, func(t *testing.T) {
			err := CheckPassword(tt.user, RoleViewer, tt.password)
			if tt.wantMsg == "" {
				assert.NoError(t, err)
				return
			}
			var pe *PolicyError
			require.ErrorAs(t, err, &pe)
			assert.Contains(t, pe.Message, tt.wantMsg)
			assert.True(t, strings.HasPrefix(err.Error(), "policy: "))
		})
	}
}

func TestCheckUserName(t *testing.T) {
	for _, ok := range []string{"admin1", "zhang.wei", "王芳", "ops@smx"} {
		assert.NoError(t, CheckUserName(ok), ok)
	}
	for _, bad := range []string{"", "a:b", "a b", "x\n", strings.Repeat("a", 65)} {
		assert.Error(t, CheckUserName(bad), bad)
	}
}
