package nvr

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
)

// Profiles: the vendor dialect a recorder speaks.
const (
	ProfileHikvision = "hikvision-isapi"
	ProfileDahua     = "dahua-cgi"
)

// Target params of kind nvr (docs/swanlake.md, Inventory).
const (
	ParamProfile       = "profile"
	ParamUsername      = "username"
	ParamPasswordFile  = "password_file"
	ParamSNMP          = "snmp"           // host:port of the recorder's SNMP agent, optional
	ParamCommunityFile = "community_file" // SNMP v2c community, with snmp
	ParamChannels      = "channels"       // 101=cam-north-01,201=cam-north-02
	ParamRetentionDays = "retention_days" // required days of footage, default 30
	// ParamTimeZone is the zone of the recorder's clock: both vendors write
	// wall-clock digits (Hikvision adds a "Z" most firmware does not mean).
	// "+08:00" by default; "UTC" for firmware whose Z is real.
	ParamTimeZone = "time_zone"
	// ParamTLSSkipVerify ("true") accepts the self-signed certificate most
	// recorders ship with on https.
	ParamTLSSkipVerify = "tls_skip_verify"
)

// DefaultRetentionDays is the required retention when the target sets none.
const DefaultRetentionDays = 30

const maxChannels = 512

// channelSpec is one recorded channel and the camera it records.
type channelSpec struct {
	id     string // Hikvision track (101) or Dahua channel number (1)
	camera string // the camera target's name, the `camera` label; may be empty
}

// targetParams is a target's address and Params, parsed, secrets read.
type targetParams struct {
	base          string // scheme://host[:port], no trailing slash
	profile       string
	user          string
	password      string
	snmp          string // host:port, empty when off
	community     string
	channels      []channelSpec
	retentionDays int
	loc           *time.Location
	skipVerify    bool
}

// ValidateTarget reports every problem of an nvr target's address and Params,
// secret files included, for check-config.
func ValidateTarget(t collectors.Target) error {
	_, err := parseTarget(t)
	return err
}

// parseTarget runs every round, so a rotated password file is picked up
// without a reload. Errors name params and paths, never secret content.
func parseTarget(t collectors.Target) (targetParams, error) {
	p := t.Params
	tp := targetParams{profile: p[ParamProfile], user: p[ParamUsername], retentionDays: DefaultRetentionDays,
		loc: cst.Location}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	tp.base, err = parseBase(t.Address)
	add(err)
	if tp.profile != ProfileHikvision && tp.profile != ProfileDahua {
		add(fmt.Errorf("profile %q must be %s or %s", tp.profile, ProfileHikvision, ProfileDahua))
	}
	add(tp.parseCredentials(p))
	add(tp.parseSNMP(p))
	tp.channels, err = parseChannels(p[ParamChannels])
	add(err)
	if v := p[ParamRetentionDays]; v != "" {
		if tp.retentionDays, err = strconv.Atoi(v); err != nil || tp.retentionDays < 1 || tp.retentionDays > 3650 {
			add(fmt.Errorf("retention_days %q must be a whole number of days 1..3650", v))
		}
	}
	if v := p[ParamTimeZone]; v != "" {
		tp.loc, err = parseZone(v)
		add(err)
	}
	switch v := p[ParamTLSSkipVerify]; v {
	case "", "false":
	case "true":
		tp.skipVerify = true
	default:
		add(fmt.Errorf("tls_skip_verify %q must be true or false", v))
	}
	if err := errors.Join(errs...); err != nil {
		return tp, fmt.Errorf("%w: %w", ErrParams, err)
	}
	return tp, nil
}

// parseBase accepts http(s)://host[:port] with nothing after it. A user or
// password written into the address is refused without echoing it.
func parseBase(addr string) (string, error) {
	u, err := url.Parse(addr)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: address is not a URL", ErrAddress)
	case u.User != nil:
		return "", fmt.Errorf("%w: the address carries a user or password (not shown); use username and password_file", ErrAddress)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Hostname() == "":
		return "", fmt.Errorf("%w: address %q must be http(s)://host[:port]", ErrAddress, addr)
	case u.Path != "" && u.Path != "/", u.RawQuery != "", u.Fragment != "":
		return "", fmt.Errorf("%w: address %q must have no path or query: the collector knows the vendor's paths", ErrAddress, addr)
	}
	return u.Scheme + "://" + u.Host, nil
}

func (tp *targetParams) parseCredentials(p map[string]string) error {
	file := p[ParamPasswordFile]
	if tp.user == "" || file == "" {
		return errors.New("username and password_file are required: recorders answer only with digest credentials")
	}
	pw, err := secret.FromFile(file)
	if err != nil {
		return fmt.Errorf("password_file: %w", err)
	}
	tp.password = pw.Reveal()
	return nil
}

func (tp *targetParams) parseSNMP(p map[string]string) error {
	addr := p[ParamSNMP]
	if addr == "" {
		return nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.Trim(addr, "[]"), "161"
	}
	if n, perr := strconv.Atoi(port); host == "" || perr != nil || n < 1 || n > 65535 {
		return fmt.Errorf("snmp %q must be host or host:port", addr)
	}
	tp.snmp = net.JoinHostPort(host, port)
	file := p[ParamCommunityFile]
	if file == "" {
		return errors.New("snmp needs community_file")
	}
	c, err := secret.FromFile(file)
	if err != nil {
		return fmt.Errorf("community_file: %w", err)
	}
	tp.community = c.Reveal()
	return nil
}

// parseChannels reads "101=cam-north-01,201=cam-north-02"; a channel without
// "=camera" has no camera label.
func parseChannels(s string) ([]channelSpec, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	var out []channelSpec
	seen := map[string]bool{}
	for item := range strings.SplitSeq(s, ",") {
		id, cam, _ := strings.Cut(strings.TrimSpace(item), "=")
		id, cam = strings.TrimSpace(id), strings.TrimSpace(cam)
		switch {
		case !digits(id) || len(id) > 6:
			return nil, fmt.Errorf("channels: %q is not a channel number (Hikvision track such as 101, Dahua channel such as 1)", id)
		case seen[id]:
			return nil, fmt.Errorf("channels: %s is listed twice", id)
		case len(out) == maxChannels:
			return nil, fmt.Errorf("channels: more than %d", maxChannels)
		}
		seen[id] = true
		out = append(out, channelSpec{id: id, camera: cam})
	}
	return out, nil
}

func digits(s string) bool {
	for _, c := range s {
		if c < '0' || c > '9' {
			return false
		}
	}
	return s != ""
}

// parseZone reads "UTC", "Z" or a fixed offset "+08:00" / "+8" / "-05:30".
func parseZone(s string) (*time.Location, error) {
	if s == "UTC" || s == "Z" {
		return time.UTC, nil
	}
	bad := fmt.Errorf("time_zone %q must be UTC or an offset such as +08:00", s)
	if len(s) < 2 || (s[0] != '+' && s[0] != '-') {
		return nil, bad
	}
	hh, mm, _ := strings.Cut(s[1:], ":")
	h, err1 := strconv.Atoi(hh)
	m := 0
	var err2 error
	if mm != "" {
		m, err2 = strconv.Atoi(mm)
	}
	if err1 != nil || err2 != nil || h < 0 || h > 14 || m < 0 || m > 59 || len(hh) > 2 || len(mm) > 2 {
		return nil, bad
	}
	off := h*3600 + m*60
	if s[0] == '-' {
		off = -off
	}
	return time.FixedZone(s, off), nil
}
