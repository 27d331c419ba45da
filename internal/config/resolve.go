package config

import (
	"fmt"
	"path/filepath"
	"strings"

	"github.com/swanwatch/swanwatch/internal/secret"
)

// resolve makes relative paths absolute against the config's directory and
// reads every *_file secret. A secret's content never reaches a message.
func (c *collector) resolve(cfg *Config) {
	abs := func(p *string) {
		if *p != "" && !filepath.IsAbs(*p) && cfg.Dir != "" {
			*p = filepath.Join(cfg.Dir, *p)
		}
	}
	// The secrets key first: every *_file below may be sealed with it.
	abs(&cfg.Secrets.KeyFile)
	if cfg.Secrets.KeyFile != "" {
		if err := secret.UseKeyFile(cfg.Secrets.KeyFile); err != nil {
			c.at("secrets.key_file", "%v", err)
		}
	}
	abs(&cfg.Audit.KeyFile)
	abs(&cfg.Storage.Path)
	abs(&cfg.Server.TLS.CertFile)
	abs(&cfg.Server.TLS.KeyFile)
	for i := range cfg.Rules.Files {
		abs(&cfg.Rules.Files[i])
	}
	for i := range cfg.Bigscreen.SceneFiles {
		abs(&cfg.Bigscreen.SceneFiles[i])
	}
	for i := range cfg.Inventory.Files {
		abs(&cfg.Inventory.Files[i])
	}
	for i := range cfg.Inventory.Excel {
		abs(&cfg.Inventory.Excel[i].Path)
	}
	for i := range cfg.Storage.RemoteWrite {
		rw := &cfg.Storage.RemoteWrite[i]
		path := fmt.Sprintf("storage.remote_write[%d]", i)
		c.secret(path+".password", &rw.Password, &rw.PasswordFile, abs)
		c.secret(path+".bearer_token", &rw.BearerToken, &rw.BearerTokenFile, abs)
	}
	if l := cfg.Events.Loki; l != nil {
		c.secret("events.loki.password", &l.Password, &l.PasswordFile, abs)
		c.secret("events.loki.bearer_token", &l.BearerToken, &l.BearerTokenFile, abs)
	}
	c.resolveTraps(&cfg.Traps, abs)
	resolveSyslog(cfg.Syslog, abs)
	for i := range cfg.Ledger.HTTP {
		abs(&cfg.Ledger.HTTP[i].BearerTokenFile)
	}
	for i := range cfg.Ledger.Excel {
		abs(&cfg.Ledger.Excel[i].Path)
	}
	for i := range cfg.Jobs {
		abs(&cfg.Jobs[i].TokenFile)
		if p := cfg.Jobs[i].Poll; p != nil {
			abs(&p.BearerTokenFile)
		}
	}
	for i := range cfg.Inventory.HTTP {
		h := &cfg.Inventory.HTTP[i]
		c.secret(fmt.Sprintf("inventory.http[%d].bearer_token", i), &h.BearerToken, &h.BearerTokenFile, abs)
	}
}

// secret fills s from file when file is set; both set is a problem.
func (c *collector) secret(path string, s *Secret, file *string, abs func(*string)) {
	if *file == "" {
		return
	}
	if s.IsSet() {
		c.at(path+"_file", "set either %s or %s_file, not both", leaf(path), leaf(path))
		return
	}
	abs(file)
	v, err := secret.FromFile(*file)
	if err != nil {
		c.at(path+"_file", "%v", err)
		return
	}
	*s = v
}

func leaf(path string) string { return path[strings.LastIndex(path, ".")+1:] }

// setSources marks each inline target with its place in the file, so that the
// inventory's problems about it point at the right line.
func (c *collector) setSources(cfg *Config) {
	for i := range cfg.Inventory.Targets {
		line := c.lines[fmt.Sprintf("inventory.targets[%d]", i)]
		cfg.Inventory.Targets[i].Source = fmt.Sprintf("%s:%d", c.file, line)
	}
}
