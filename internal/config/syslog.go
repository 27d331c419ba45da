package config

import (
	"os"
	"strings"

	"github.com/swanwatch/swanwatch/collectors/syslog"
	"github.com/swanwatch/swanwatch/collectors/syslog/logparse"
)

// Syslog is the syslog receiver (collectors/syslog, R-A7): the network's and
// servers' logs over UDP, TCP and TLS, each line mapped to its inventory
// device and classed by the vendors' profiles. Absent: no receiver. Read at
// start only, like traps.
type Syslog struct {
	syslog.Config `yaml:",inline"`
	// ProfilesFile holds the operator's line formats (logparse YAML),
	// tried before the built-in ones; a profile of the same name replaces
	// the built-in one.
	ProfilesFile string `yaml:"profiles_file,omitempty"`
}

// Profiles loads the built-in profiles and the operator's file.
func (s Syslog) Profiles() (*logparse.Set, error) {
	if s.ProfilesFile == "" {
		return logparse.Default(), nil
	}
	b, err := os.ReadFile(s.ProfilesFile)
	if err != nil {
		return nil, err
	}
	return logparse.Load(b)
}

func (c *collector) syslog(s *Syslog) {
	if s == nil {
		return
	}
	if err := s.Config.WithDefaults().Validate(); err != nil {
		errs := []error{err}
		if j, ok := err.(interface{ Unwrap() []error }); ok {
			errs = j.Unwrap()
		}
		for _, e := range errs { // the receiver's words start with its name, which the path already says
			c.at("syslog", "%s", strings.TrimPrefix(strings.TrimPrefix(e.Error(), "syslog: "), "syslog "))
		}
	}
	if _, err := s.Profiles(); err != nil {
		c.at("syslog.profiles_file", "%v", err)
	}
}

func resolveSyslog(s *Syslog, abs func(*string)) {
	if s == nil {
		return
	}
	abs(&s.CertFile)
	abs(&s.KeyFile)
	abs(&s.ClientCAFile)
	abs(&s.ProfilesFile)
}
