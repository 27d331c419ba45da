package bmc

import (
	"crypto/sha256"
	"errors"
	"fmt"
	"net/url"
	"path/filepath"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/secret"
)

// Target params of kind bmc (docs/cloud.md, Inventory).
const (
	ParamUsername     = "username"
	ParamPasswordFile = "password_file"
	// ParamTLSSkipVerify ("true") accepts the self-signed certificate most
	// BMCs ship with.
	ParamTLSSkipVerify = "tls_skip_verify"
	// ParamCAFile is a PEM bundle that signs the BMC's certificate, for
	// rooms whose BMCs carry certificates of the bureau's own CA.
	ParamCAFile = "ca_file"
)

// Labels of kind bmc targets that the rules read (inventory labels, not
// params): the physical server and its rack.
const (
	LabelServer = "server"
	LabelRack   = "rack"
)

// targetParams is a target's address and Params, parsed, secret read.
type targetParams struct {
	base       string // scheme://host[:port], no trailing slash
	user       string
	password   secret.Secret
	skipVerify bool
	caFile     string
}

// String and GoString keep the password out of any %v of a targetParams.
func (tp targetParams) String() string {
	return fmt.Sprintf("{%s user=%s password=%s skip_verify=%t ca_file=%s}", tp.base, tp.user, tp.password, tp.skipVerify, tp.caFile)
}

// GoString is String, for %#v.
func (tp targetParams) GoString() string { return tp.String() }

// key identifies the address and credentials a session was opened with, so
// that a rotated password file opens a new session.
func (tp targetParams) key() [32]byte {
	return sha256.Sum256(fmt.Appendf(nil, "%s\x00%s\x00%s\x00%t\x00%s",
		tp.base, tp.user, tp.password.Reveal(), tp.skipVerify, tp.caFile))
}

// ValidateTarget reports every problem of a bmc target's address and Params,
// the password file included, for check-config.
func ValidateTarget(t collectors.Target) error {
	_, err := parseTarget(t)
	return err
}

// parseTarget runs every round, so a rotated password file is picked up
// without a reload. Errors name params and paths, never secret content.
func parseTarget(t collectors.Target) (targetParams, error) {
	p := t.Params
	tp := targetParams{user: p[ParamUsername], caFile: p[ParamCAFile]}
	var errs []error
	add := func(err error) {
		if err != nil {
			errs = append(errs, err)
		}
	}
	var err error
	tp.base, err = parseBase(t.Address)
	add(err)
	if tp.user == "" || p[ParamPasswordFile] == "" {
		add(errors.New("username and password_file are required"))
	} else if tp.password, err = secret.FromFile(p[ParamPasswordFile]); err != nil {
		add(fmt.Errorf("password_file: %w", err))
	}
	switch v := p[ParamTLSSkipVerify]; v {
	case "", "false":
	case "true":
		tp.skipVerify = true
	default:
		add(fmt.Errorf("tls_skip_verify %q must be true or false", v))
	}
	if tp.caFile != "" && !filepath.IsAbs(tp.caFile) {
		add(fmt.Errorf("ca_file %q must be an absolute path", tp.caFile))
	}
	if err := errors.Join(errs...); err != nil {
		return tp, fmt.Errorf("%w: %w", ErrParams, err)
	}
	return tp, nil
}

// parseBase accepts http(s)://host[:port] with nothing after it but an
// optional /redfish/v1. A user or password in the address is refused
// without echoing it.
func parseBase(addr string) (string, error) {
	u, err := url.Parse(addr)
	switch {
	case err != nil:
		return "", fmt.Errorf("%w: address is not a URL", ErrAddress)
	case u.User != nil:
		return "", fmt.Errorf("%w: the address carries a user or password (not shown); use username and password_file", ErrAddress)
	case u.Scheme != "http" && u.Scheme != "https", u.Host == "", u.Hostname() == "":
		return "", fmt.Errorf("%w: address %q must be https://host[:port]", ErrAddress, addr)
	case u.Path != "" && u.Path != "/" && u.Path != rootPath && u.Path != rootPath+"/", u.RawQuery != "", u.Fragment != "":
		return "", fmt.Errorf("%w: address %q must have no path but /redfish/v1", ErrAddress, addr)
	}
	return u.Scheme + "://" + u.Host, nil
}
