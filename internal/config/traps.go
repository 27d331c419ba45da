package config

import (
	"fmt"
	"net"
	"strings"

	"github.com/swanwatch/swanwatch/collectors/snmptrap"
	"github.com/swanwatch/swanwatch/internal/secret"
)

// Traps is the SNMP trap receiver (collectors/snmptrap). An empty listen address
// turns it off. Communities and v3 passwords are secrets.
type Traps struct {
	Listen          string       `yaml:"listen"` // e.g. "0.0.0.0:162" or "[::]:162"; "" = off
	Communities     []Secret     `yaml:"communities,omitempty"`
	CommunitiesFile string       `yaml:"communities_file,omitempty"` // one community per line
	V3Users         []TrapV3User `yaml:"v3_users,omitempty"`
	RatePerSource   float64      `yaml:"rate_per_source"` // traps/s per sending address; default 100
	Burst           int          `yaml:"burst"`           // default 200
	// EngineID is the receiver's SNMPv3 engine ID for informs, in hex;
	// empty: a random one per start, which senders discover anew.
	EngineID string `yaml:"engine_id,omitempty"`
}

// TrapV3User is one SNMPv3 user allowed to send traps.
type TrapV3User struct {
	Name             string   `yaml:"name"`
	AuthProto        string   `yaml:"auth_proto"` // MD5, SHA, SHA224, SHA256, SHA384, SHA512
	AuthPassword     Secret   `yaml:"auth_password,omitempty"`
	AuthPasswordFile string   `yaml:"auth_password_file,omitempty"`
	PrivProto        string   `yaml:"priv_proto"` // "", DES, AES, AES192, AES256
	PrivPassword     Secret   `yaml:"priv_password,omitempty"`
	PrivPasswordFile string   `yaml:"priv_password_file,omitempty"`
	EngineIDs        []string `yaml:"engine_ids,omitempty"` // hex; empty accepts any engine
}

func (t *Traps) applyDefaults() {
	if t.RatePerSource == 0 {
		t.RatePerSource = 100
	}
	if t.Burst == 0 {
		t.Burst = 200
	}
}

// resolveTraps reads the trap receiver's secret files.
func (c *collector) resolveTraps(t *Traps, abs func(*string)) {
	if t.CommunitiesFile != "" {
		c.communities(t, abs)
	}
	for i := range t.V3Users {
		u := &t.V3Users[i]
		path := fmt.Sprintf("traps.v3_users[%d]", i)
		c.secret(path+".auth_password", &u.AuthPassword, &u.AuthPasswordFile, abs)
		c.secret(path+".priv_password", &u.PrivPassword, &u.PrivPasswordFile, abs)
	}
}

func (c *collector) traps(t Traps) {
	if t.Listen == "" {
		return
	}
	if _, _, err := net.SplitHostPort(t.Listen); err != nil {
		c.at("traps.listen", "%q is not host:port (e.g. 0.0.0.0:162)", t.Listen)
	}
	if len(t.Communities) == 0 && len(t.V3Users) == 0 {
		c.at("traps.listen", "no communities and no v3_users: every trap would be refused")
	}
	for i, u := range t.V3Users {
		path := fmt.Sprintf("traps.v3_users[%d]", i)
		if u.Name == "" {
			c.at(path+".name", "empty user name")
		}
		if u.AuthProto != "" {
			c.oneOf(path+".auth_proto", u.AuthProto, "MD5", "SHA", "SHA224", "SHA256", "SHA384", "SHA512")
		}
		if u.PrivProto != "" {
			c.oneOf(path+".priv_proto", u.PrivProto, "DES", "AES", "AES192", "AES256")
		}
	}
	if t.RatePerSource <= 0 || t.Burst < 1 {
		c.at("traps.rate_per_source", "rate_per_source and burst must be positive")
	}
	if t.EngineID != "" {
		if err := snmptrap.CheckEngineID(t.EngineID); err != nil {
			c.at("traps.engine_id", "%v", err)
		}
	}
	for i, u := range t.V3Users {
		for j, e := range u.EngineIDs {
			if err := snmptrap.CheckEngineID(e); err != nil {
				c.at(fmt.Sprintf("traps.v3_users[%d].engine_ids[%d]", i, j), "%v", err)
			}
		}
	}
}

// communities reads one community per non-empty line of communities_file.
func (c *collector) communities(t *Traps, abs func(*string)) {
	if len(t.Communities) > 0 {
		c.at("traps.communities_file", "set either communities or communities_file, not both")
		return
	}
	abs(&t.CommunitiesFile)
	all, err := secret.FromFile(t.CommunitiesFile)
	if err != nil {
		c.at("traps.communities_file", "%v", err)
		return
	}
	for _, line := range strings.Split(all.Reveal(), "\n") {
		if line = strings.TrimSpace(line); line != "" {
			t.Communities = append(t.Communities, secret.Secret(line))
		}
	}
}

// Options is the receiver's configuration as snmptrap takes it; the caller
// adds what is not configuration (resolver, sink, logger, port names).
func (t Traps) Options() snmptrap.Options {
	users := make([]snmptrap.V3User, len(t.V3Users))
	for i, u := range t.V3Users {
		users[i] = snmptrap.V3User{Name: u.Name, AuthProto: u.AuthProto, AuthPass: u.AuthPassword,
			PrivProto: u.PrivProto, PrivPass: u.PrivPassword, EngineIDs: u.EngineIDs}
	}
	return snmptrap.Options{Listen: t.Listen, Communities: t.Communities, V3Users: users,
		RatePerSource: t.RatePerSource, Burst: t.Burst, EngineID: t.EngineID}
}
