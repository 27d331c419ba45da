package snmp

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/inventory"
)

// targetParams is a target's Params, parsed and with its secrets read.
//
// Secrets come from files (community_file, auth_pass_file, priv_pass_file):
// Target.Params is shown in the target list and API (collectors.TargetStatus),
// copied into the inventory export and logged on errors, so a community string
// written there would leak; a file can also be rotated without an inventory
// change. `community` is accepted for lab devices only.
type targetParams struct {
	host      string
	port      uint16
	version   gosnmp.SnmpVersion
	community string
	maxReps   int
	profile   string
	timeout   time.Duration // one try of one request (snmp_timeout, else request_timeout)
	retries   int           // tries after the first (snmp_retries, else retries)

	user, authPass, privPass string
	authProto                gosnmp.SnmpV3AuthProtocol
	privProto                gosnmp.SnmpV3PrivProtocol
	msgFlags                 gosnmp.SnmpV3MsgFlags
}

// maxSecretBytes bounds a secret file: a community or pass phrase is short.
const maxSecretBytes = 4096

var (
	authProtos = map[string]gosnmp.SnmpV3AuthProtocol{"MD5": gosnmp.MD5, "SHA": gosnmp.SHA,
		"SHA224": gosnmp.SHA224, "SHA256": gosnmp.SHA256, "SHA384": gosnmp.SHA384, "SHA512": gosnmp.SHA512}
	privProtos = map[string]gosnmp.SnmpV3PrivProtocol{"DES": gosnmp.DES, "AES": gosnmp.AES,
		"AES192": gosnmp.AES192, "AES256": gosnmp.AES256, "AES192C": gosnmp.AES192C, "AES256C": gosnmp.AES256C}
	secLevels = map[string]gosnmp.SnmpV3MsgFlags{"noAuthNoPriv": gosnmp.NoAuthNoPriv,
		"authNoPriv": gosnmp.AuthNoPriv, "authPriv": gosnmp.AuthPriv}
)

// ValidateTarget reports every problem of an SNMP target's address and Params
// (secret files included), for check-config.
func ValidateTarget(t collectors.Target, cfg Config) error {
	_, err := parseTarget(t, cfg)
	return err
}

// parseTarget reads and checks Params; it runs every round so that a rotated
// secret file is picked up without a reload.
func parseTarget(t collectors.Target, cfg Config) (targetParams, error) {
	tp := targetParams{maxReps: cfg.MaxRepetitions, profile: t.Params["profile"]}
	var errs []error
	var err error
	if tp.host, tp.port, err = splitAddress(t.Address); err != nil {
		errs = append(errs, err)
	}
	errs = append(errs, tp.parseRequest(t.Params, cfg))
	if v := t.Params["max_repetitions"]; v != "" {
		if tp.maxReps, err = strconv.Atoi(v); err != nil || tp.maxReps < 1 || tp.maxReps > 200 {
			errs = append(errs, fmt.Errorf("max_repetitions %q must be 1..200", v))
		}
	}
	switch v := t.Params["version"]; v {
	case "1", "2c", "":
		tp.version = gosnmp.Version2c
		if v == "1" {
			tp.version = gosnmp.Version1
		}
		tp.community, err = secret(t.Params, "community")
		errs = append(errs, err)
	case "3":
		tp.version = gosnmp.Version3
		errs = append(errs, tp.parseV3(t.Params))
	default:
		errs = append(errs, fmt.Errorf("version %q must be 1, 2c or 3", v))
	}
	return tp, errors.Join(errs...)
}

// splitAddress accepts host, host:port, [v6] and [v6]:port; the port defaults to 161.
func splitAddress(addr string) (string, uint16, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		host, port = strings.TrimSuffix(strings.TrimPrefix(addr, "["), "]"), "161"
	}
	p, perr := strconv.ParseUint(port, 10, 16)
	if host == "" || perr != nil || p == 0 {
		return "", 0, fmt.Errorf("address %q must be host, host:port or [ipv6]:port", addr)
	}
	return host, uint16(p), nil
}

// parseRequest reads the per-target request timeout and retries (inventory
// params snmp_timeout, snmp_retries); a timeout longer than the round's
// could never be waited for.
func (tp *targetParams) parseRequest(p map[string]string, cfg Config) error {
	timeout, retries, err := inventory.SNMPRequestParams(p)
	tp.timeout, tp.retries = cmp.Or(timeout, cfg.RequestTimeout), cfg.retries()
	if retries >= 0 {
		tp.retries = retries
	}
	// Only a timeout the inventory sets is judged: the configured request
	// timeout is checked with its section, and a round deadline cuts it.
	if err == nil && timeout > 0 && cfg.Timeout > 0 && timeout > cfg.Timeout {
		err = fmt.Errorf("%s %s is longer than the snmp round timeout %s", inventory.ParamSNMPTimeout, tp.timeout, cfg.Timeout)
	}
	return err
}

func (tp *targetParams) parseV3(p map[string]string) error {
	var errs []error
	if tp.user = p["user"]; tp.user == "" {
		errs = append(errs, errors.New("version 3 needs a user"))
	}
	level := p["security_level"]
	if level == "" {
		level = map[bool]string{true: "authPriv", false: "authNoPriv"}[p["priv_proto"] != ""]
	}
	flags, ok := secLevels[level]
	if !ok {
		errs = append(errs, fmt.Errorf("security_level %q must be noAuthNoPriv, authNoPriv or authPriv", level))
	}
	tp.msgFlags = flags
	if flags&gosnmp.AuthNoPriv != 0 {
		errs = append(errs, tp.parseAuth(p))
	}
	if flags&gosnmp.AuthPriv == gosnmp.AuthPriv {
		errs = append(errs, tp.parsePriv(p))
	}
	return errors.Join(errs...)
}

func (tp *targetParams) parseAuth(p map[string]string) error {
	var ok bool
	if tp.authProto, ok = authProtos[strings.ToUpper(p["auth_proto"])]; !ok {
		return fmt.Errorf("auth_proto %q must be MD5, SHA, SHA224, SHA256, SHA384 or SHA512", p["auth_proto"])
	}
	var err error
	tp.authPass, err = readSecret(p["auth_pass_file"], "auth_pass_file")
	return err
}

func (tp *targetParams) parsePriv(p map[string]string) error {
	var ok bool
	if tp.privProto, ok = privProtos[strings.ToUpper(p["priv_proto"])]; !ok {
		return fmt.Errorf("priv_proto %q must be DES, AES, AES192 or AES256", p["priv_proto"])
	}
	var err error
	tp.privPass, err = readSecret(p["priv_pass_file"], "priv_pass_file")
	return err
}

// usm returns fresh v3 security parameters for one session.
func (tp targetParams) usm() *gosnmp.UsmSecurityParameters {
	return &gosnmp.UsmSecurityParameters{UserName: tp.user,
		AuthenticationProtocol: tp.authProto, AuthenticationPassphrase: tp.authPass,
		PrivacyProtocol: tp.privProto, PrivacyPassphrase: tp.privPass}
}

// secret returns Params[name+"_file"]'s content, else Params[name].
func secret(p map[string]string, name string) (string, error) {
	if f := p[name+"_file"]; f != "" {
		return readSecret(f, name+"_file")
	}
	if v := p[name]; v != "" {
		return v, nil
	}
	return "", fmt.Errorf("%s_file (or %s) is required", name, name)
}

// readSecret reads a bounded secret file and trims the final newline. Errors
// name the parameter and the path, never the content.
func readSecret(path, param string) (string, error) {
	if path == "" {
		return "", fmt.Errorf("%s is required", param)
	}
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("%s: %w", param, err)
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, maxSecretBytes+1))
	switch {
	case err != nil:
		return "", fmt.Errorf("%s: read %s: %w", param, path, err)
	case len(b) > maxSecretBytes:
		return "", fmt.Errorf("%s: %s is longer than %d bytes", param, path, maxSecretBytes)
	}
	b = bytes.TrimRight(b, "\r\n")
	if len(b) == 0 {
		return "", fmt.Errorf("%s: %s is empty", param, path)
	}
	return string(b), nil
}
