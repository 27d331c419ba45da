package auth

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Password policy (MLPS level 3 asks for complexity): at least minPasswordLen
// characters from at least two classes, not containing the user name. The upper
// bound only keeps one argon2id input reasonable.
const (
	minPasswordLen   = 10
	maxPasswordBytes = 1024
	maxUserNameLen   = 64
)

// PolicyError is a rejected password or user name. Error() is English for logs;
// Message is the Chinese text for the operator.
type PolicyError struct {
	Reason  string
	Message string
}

func (e *PolicyError) Error() string { return "policy: " + e.Reason }

// CheckPassword applies the password policy for user name.
func CheckPassword(name, password string) error {
	switch {
	case utf8.RuneCountInString(password) < minPasswordLen:
		return &PolicyError{"password shorter than 10 characters", "密码长度至少为10个字符"}
	case len(password) > maxPasswordBytes:
		return &PolicyError{"password longer than 1024 bytes", "密码过长（最多1024字节）"}
	case !utf8.ValidString(password):
		return &PolicyError{"password is not valid UTF-8", "密码包含无效字符"}
	case charClasses(password) < 2:
		return &PolicyError{"password uses only one character class",
			"密码不能只包含一类字符，请混合使用大写字母、小写字母、数字或符号"}
	case name != "" && strings.Contains(strings.ToLower(password), strings.ToLower(name)):
		return &PolicyError{"password contains the user name", "密码不能包含用户名"}
	}
	return nil
}

// charClasses counts the classes used: lower, upper, digit, other.
func charClasses(s string) int {
	var lower, upper, digit, other int
	for _, r := range s {
		switch {
		case unicode.IsLower(r):
			lower = 1
		case unicode.IsUpper(r):
			upper = 1
		case unicode.IsDigit(r):
			digit = 1
		default:
			other = 1
		}
	}
	return lower + upper + digit + other
}

// CheckUserName accepts letters (Chinese names too), digits and . _ - @. A colon
// would break HTTP Basic, spaces and control characters break logs and CLIs.
func CheckUserName(name string) error {
	if name == "" || utf8.RuneCountInString(name) > maxUserNameLen || !utf8.ValidString(name) {
		return &PolicyError{"user name must be 1 to 64 characters", "用户名长度应为1到64个字符"}
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("._-@", r) {
			return &PolicyError{"user name may hold only letters, digits and . _ - @",
				"用户名只能包含字母、数字和 . _ - @"}
		}
	}
	return nil
}
