package config

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strings"
	"time"
)

func (c *collector) httpURL(path, raw string) {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		c.at(path, "%q is not an absolute http:// or https:// URL", redactURL(raw))
	}
}

// redactURL keeps a password in a URL's user info out of messages.
func redactURL(raw string) string {
	if u, err := url.Parse(raw); err == nil {
		return u.Redacted()
	}
	if i := strings.LastIndex(raw, "@"); i >= 0 {
		return "…" + raw[i:]
	}
	return raw
}

func (c *collector) auth(path, user string, pass, bearer Secret) {
	if pass.IsSet() && user == "" {
		c.at(path+".password", "a password needs a username")
	}
	if (user != "" || pass.IsSet()) && bearer.IsSet() {
		c.at(path+".bearer_token", "set basic auth (username/password) or a bearer_token, not both")
	}
}

func (c *collector) fileExists(path, file string) {
	if file == "" {
		return
	}
	if st, err := os.Stat(file); err != nil {
		c.at(path, "%v", err)
	} else if st.IsDir() {
		c.at(path, "%s is a directory", file)
	}
}

func (c *collector) positive(path string, d time.Duration) {
	if d <= 0 {
		c.at(path, "%s must be positive", d)
	}
}

func (c *collector) atLeast(path string, n, min int) {
	if n < min {
		c.at(path, "%d is below the minimum %d", n, min)
	}
}

func (c *collector) minBytes(path string, b Bytes) {
	if b < 1<<20 {
		c.at(path, "%s is below the 1MiB minimum", b)
	}
}

func (c *collector) oneOf(path, v string, allowed ...string) {
	if !slices.Contains(allowed, v) {
		c.at(path, "%q is not one of %s", v, strings.Join(allowed, ", "))
	}
}

// inventory checks what can be checked without the collectors: the sources.
// Each target is checked by the inventory when it loads (it knows the kinds).
func (c *collector) inventory(cfg *Config) {
	inv := cfg.Inventory
	for i, f := range inv.Files {
		if f == "" {
			c.at(fmt.Sprintf("inventory.files[%d]", i), "empty path")
		}
		c.fileExists(fmt.Sprintf("inventory.files[%d]", i), f)
	}
	for i, x := range inv.Excel {
		if x.Path == "" {
			c.at(fmt.Sprintf("inventory.excel[%d].path", i), "empty path")
		}
		c.fileExists(fmt.Sprintf("inventory.excel[%d].path", i), x.Path)
	}
	for i, h := range inv.HTTP {
		path := fmt.Sprintf("inventory.http[%d]", i)
		c.httpURL(path+".url", h.URL)
		if h.Interval < 10*time.Second {
			c.at(path+".interval", "%s is below the 10s minimum", h.Interval)
		}
		if h.Timeout <= 0 || h.Timeout > h.Interval {
			c.at(path+".timeout", "%s must be positive and not longer than the interval", h.Timeout)
		}
	}
}

// uniqueName reports an empty name or one already seen (receivers, screens).
func (c *collector) uniqueName(path, what, name string, seen map[string]bool) {
	switch {
	case name == "":
		c.at(path, "empty %s name", what)
	case seen[name]:
		c.at(path, "%s %q is defined twice", what, name)
	}
	seen[name] = true
}
