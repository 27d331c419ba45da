package snmptrap

import (
	"errors"
	"fmt"
	"log/slog"
	"net/netip"
	"strings"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/secret"
)

// Options configure a Receiver. Only Sink is required; New fills the rest.
type Options struct {
	// Listen is the UDP address, IPv4 or IPv6 ("[::1]:1162"); default 127.0.0.1:1162.
	Listen string
	// Communities are the accepted v1/v2c communities. None means v1/v2c traps
	// are all dropped as bad_community: an open receiver would let anyone write
	// events into the store.
	Communities []secret.Secret
	// V3Users are the accepted USM users.
	V3Users []V3User
	// EngineID is our SNMPv3 engine ID in hex (5 to 32 octets), which v3
	// informs are sent to (senders discover it, or are configured with it).
	// Empty: a random one per start, which senders discover anew.
	EngineID string
	// Resolve maps a source address to the inventory's device name and labels
	// (district, site, ...). Nil or !ok: the event is labelled by address.
	Resolve func(addr netip.Addr) (device string, labels map[string]string, ok bool)
	// IfName maps a device (as Resolve names it) and an ifIndex to the
	// port's ifName as the SNMP poller last saw it, for traps that carry no
	// ifName (snmp.Collector.IfName). Nil or !ok: the trap's ifDescr, if any.
	IfName func(device string, ifIndex int) (string, bool)
	// Sink receives the events; it must return quickly (collectors.EventSink).
	Sink collectors.EventSink
	// OnTrap, when set, sees every accepted trap at once, for event rules. It is
	// called from the delivery goroutine and must not block.
	OnTrap func(Trap)
	Logger *slog.Logger

	// RatePerSource (traps/s) and Burst bound what one source address can
	// cost; defaults 100/s and 200.
	RatePerSource float64
	Burst         int
	// MaxSources bounds the per-source limiter table (LRU); default 10,000.
	MaxSources int
	// QueueSize bounds the traps decoded but not yet delivered; default 4,096.
	QueueSize int
	// Profiles extend or override (by OID) the embedded default profiles.
	Profiles []Profile
}

// V3User is one SNMPv3 USM user allowed to send traps.
type V3User struct {
	Name      string
	AuthProto string // "", MD5, SHA, SHA224, SHA256, SHA384, SHA512
	AuthPass  secret.Secret
	PrivProto string // "", DES, AES, AES192, AES256, AES192C, AES256C
	PrivPass  secret.Secret
	// EngineIDs (hex, e.g. "8000000001020304") restricts the sending engines;
	// empty accepts any engine, the keys being localised per trap.
	EngineIDs []string
}

// withDefaults returns o with every unset field filled in.
func (o Options) withDefaults() Options {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:1162"
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.RatePerSource == 0 {
		o.RatePerSource = 100
	}
	if o.Burst == 0 {
		o.Burst = int(2 * o.RatePerSource)
	}
	if o.MaxSources == 0 {
		o.MaxSources = 10_000
	}
	if o.QueueSize == 0 {
		o.QueueSize = 4096
	}
	return o
}

// validate reports every problem of defaulted options. Messages never carry a
// password or community.
func (o Options) validate() error {
	var errs []error
	if o.Sink == nil {
		errs = append(errs, errors.New("sink is required"))
	}
	if _, err := netip.ParseAddrPort(o.Listen); err != nil {
		errs = append(errs, fmt.Errorf("listen %q: %w", o.Listen, err))
	}
	if o.RatePerSource < 0 || o.Burst < 1 || o.MaxSources < 1 || o.QueueSize < 1 {
		errs = append(errs, fmt.Errorf("rate %v, burst %d, max sources %d and queue size %d must be positive",
			o.RatePerSource, o.Burst, o.MaxSources, o.QueueSize))
	}
	for i, c := range o.Communities {
		if !c.IsSet() {
			errs = append(errs, fmt.Errorf("communities[%d] is empty", i))
		}
	}
	if o.EngineID != "" {
		if _, err := parseEngineID(o.EngineID); err != nil {
			errs = append(errs, fmt.Errorf("engine_id: %w", err))
		}
	}
	errs = append(errs, validateUsers(o.V3Users))
	return errors.Join(errs...)
}

func validateUsers(users []V3User) error {
	var errs []error
	seen := map[string]bool{}
	for i, u := range users {
		if seen[u.Name] {
			errs = append(errs, fmt.Errorf("v3_users[%d]: user %q appears twice", i, u.Name))
		}
		seen[u.Name] = true
		if err := u.validate(); err != nil {
			errs = append(errs, fmt.Errorf("v3_users[%d] %q: %w", i, u.Name, err))
		}
	}
	return errors.Join(errs...)
}

func (u V3User) validate() error {
	var errs []error
	if u.Name == "" {
		errs = append(errs, errors.New("name is empty"))
	}
	if _, err := authProto(u.AuthProto); err != nil {
		errs = append(errs, err)
	}
	if _, err := privProto(u.PrivProto); err != nil {
		errs = append(errs, err)
	}
	if u.AuthProto != "" && len(u.AuthPass.Reveal()) < 8 {
		errs = append(errs, errors.New("auth password must have at least 8 characters (RFC 3414)"))
	}
	if u.PrivProto != "" && (u.AuthProto == "" || len(u.PrivPass.Reveal()) < 8) {
		errs = append(errs, errors.New("privacy needs authentication and a password of at least 8 characters"))
	}
	for _, e := range u.EngineIDs {
		if _, err := parseEngineID(e); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// parseEngineID decodes a hex engine ID ("0x" optional) and checks the RFC 3411
// length of 5 to 32 octets.
func parseEngineID(s string) (string, error) {
	b, err := decodeHex(strings.TrimPrefix(strings.ToLower(s), "0x"))
	if err != nil || len(b) < 5 || len(b) > 32 {
		return "", fmt.Errorf("engine id %q is not 5 to 32 octets of hex", s)
	}
	return string(b), nil
}

// CheckEngineID reports whether s is a usable engine ID for Options.EngineID
// or V3User.EngineIDs, for configuration checks before the receiver starts.
func CheckEngineID(s string) error {
	_, err := parseEngineID(s)
	return err
}
