package camera

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/secret"
	"github.com/swanwatch/swanwatch/internal/vqd"
)

// camTarget is a camera target's address and params, checked.
type camTarget struct {
	url          string // rtsp://host:port/path?query, never with user info
	user         string
	pass         string // from password_file (or the address's user info), read every round
	snapshotURL  string
	snapshotAuth string // digest, basic or none
	night        nightMode
	vqd          vqd.Config
}

// parseTarget reads a target. Errors are operator text and never carry the password: a URL that
// does not parse is not echoed, and files are named by path only.
func parseTarget(t collectors.Target, base vqd.Config) (camTarget, error) {
	ct := camTarget{user: t.Params["username"], snapshotAuth: "digest"}
	u, err := parseCameraURL(t.Address)
	if err != nil {
		return ct, fail(FailAddress, "%v", err)
	}
	if u.User != nil { // the inventory moves these out; a leftover is used, never shown
		if ct.user == "" {
			ct.user = u.User.Username()
		}
		ct.pass, _ = u.User.Password()
		u.User = nil
	}
	ct.url = u.String()
	if f := t.Params["password_file"]; f != "" {
		s, err := secret.FromFile(f)
		if err != nil {
			return ct, fmt.Errorf("目标参数错误：password_file 无法读取（%s）", f)
		}
		ct.pass = s.Reveal()
	}
	if ct.snapshotURL, err = parseSnapshotURL(t.Params["snapshot_url"]); err != nil {
		return ct, err
	}
	if a := t.Params["snapshot_auth"]; a != "" {
		if a != "digest" && a != "basic" && a != "none" {
			return ct, fmt.Errorf("目标参数错误：snapshot_auth %q 应为 digest、basic 或 none", a)
		}
		ct.snapshotAuth = a
	}
	if ct.night, err = parseNight(t.Params["night"]); err != nil {
		return ct, err
	}
	over := map[string]string{}
	for k, v := range t.Params {
		if strings.HasPrefix(k, "vqd.") {
			over[k] = v
		}
	}
	if ct.vqd, err = base.Override(over); err != nil {
		return ct, fmt.Errorf("目标参数错误：%v", err)
	}
	return ct, nil
}

// parseCameraURL checks an RTSP address; the error never repeats the address (it may hold a password).
func parseCameraURL(raw string) (*url.URL, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	switch {
	case err != nil:
		return nil, errors.New("地址不是合法的 URL")
	case u.Scheme != "rtsp":
		return nil, fmt.Errorf("地址应以 rtsp:// 开头（现为 %q）", u.Scheme)
	case u.Hostname() == "":
		return nil, errors.New("地址缺少主机")
	case u.Fragment != "" || u.Opaque != "":
		return nil, errors.New("地址格式不对")
	}
	if p := u.Port(); p == "" {
		u.Host = net.JoinHostPort(u.Hostname(), "554")
	} else if n, err := strconv.Atoi(p); err != nil || n < 1 || n > 65535 {
		return nil, fmt.Errorf("端口 %q 不正确", p)
	}
	return u, nil
}

// parseSnapshotURL checks snapshot_url (http or https, no user info: credentials come from files).
func parseSnapshotURL(raw string) (string, error) {
	if raw == "" {
		return "", nil
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", errors.New("目标参数错误：snapshot_url 应为 http(s):// 地址")
	}
	if u.User != nil {
		return "", errors.New("目标参数错误：snapshot_url 不能含用户名密码，请用 username/password_file")
	}
	return u.String(), nil
}

// nightMode is the night param: auto, day, night, or a CST window in which night applies.
type nightMode struct {
	mode       vqd.Mode
	from, to   time.Duration // window offsets from CST midnight; from == to means no window
	hasWindow  bool
	windowText string
}

func parseNight(s string) (nightMode, error) {
	switch s {
	case "", "auto":
		return nightMode{mode: vqd.ModeAuto}, nil
	case "day":
		return nightMode{mode: vqd.ModeDay}, nil
	case "night":
		return nightMode{mode: vqd.ModeNight}, nil
	}
	a, b, ok := strings.Cut(s, "-")
	from, err1 := clock(a)
	to, err2 := clock(b)
	if !ok || err1 != nil || err2 != nil || from == to {
		return nightMode{}, fmt.Errorf("目标参数错误：night %q 应为 auto、day、night 或 HH:MM-HH:MM（北京时间）", s)
	}
	return nightMode{from: from, to: to, hasWindow: true, windowText: s}, nil
}

func clock(s string) (time.Duration, error) {
	t, err := time.Parse("15:04", strings.TrimSpace(s))
	if err != nil {
		return 0, err
	}
	return time.Duration(t.Hour())*time.Hour + time.Duration(t.Minute())*time.Minute, nil
}

// at is the profile mode at t: inside the window night, outside day; without a window the fixed mode.
func (n nightMode) at(t time.Time) vqd.Mode {
	if !n.hasWindow {
		return n.mode
	}
	c := t.In(cst.Location)
	off := c.Sub(cst.StartOfDay(c))
	in := off >= n.from && off < n.to
	if n.from > n.to { // the window crosses midnight, e.g. 18:30-06:00
		in = off >= n.from || off < n.to
	}
	if in {
		return vqd.ModeNight
	}
	return vqd.ModeDay
}
