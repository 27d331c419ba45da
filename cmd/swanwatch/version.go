package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set by -ldflags "-X main.version=v1.2.3" in release builds.
var version = "dev"

func versionString() string {
	rev, when := "unknown", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.time":
				when = s.Value
			}
		}
	}
	return fmt.Sprintf("swanwatch %s (revision %s %s, %s %s/%s)", version, rev, when, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}
