package api

import (
	"net/http"
	"os"
	"runtime"
	"runtime/debug"
	"time"
)

// BuildInfo is the "data" of /api/v1/status/buildinfo, in Prometheus's shape;
// Grafana reads it to learn which flavour and version it talks to.
type BuildInfo struct {
	Version   string `json:"version"`
	Revision  string `json:"revision"`
	Branch    string `json:"branch"`
	BuildUser string `json:"buildUser"`
	BuildDate string `json:"buildDate"`
	GoVersion string `json:"goVersion"`
}

// RuntimeInfo is the "data" of /api/v1/status/runtimeinfo, in Prometheus's
// shape. The API fills what it knows; QueryOptions.Runtime adds the rest.
type RuntimeInfo struct {
	StartTime           time.Time `json:"startTime"`
	CWD                 string    `json:"CWD"`
	ReloadConfigSuccess bool      `json:"reloadConfigSuccess"`
	LastConfigTime      time.Time `json:"lastConfigTime"`
	CorruptionCount     int64     `json:"corruptionCount"`
	GoroutineCount      int       `json:"goroutineCount"`
	GOMAXPROCS          int       `json:"GOMAXPROCS"`
	GOMEMLIMIT          int64     `json:"GOMEMLIMIT"`
	GOGC                string    `json:"GOGC"`
	GODEBUG             string    `json:"GODEBUG"`
	StorageRetention    string    `json:"storageRetention"`
}

// readBuildInfo takes version and VCS data from the binary itself, so that
// no build flag is needed for a truthful answer.
func readBuildInfo(version string) BuildInfo {
	bi := BuildInfo{Version: version, GoVersion: runtime.Version()}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return bi
	}
	if bi.Version == "" {
		bi.Version = info.Main.Version
	}
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			bi.Revision = s.Value
		case "vcs.time":
			bi.BuildDate = s.Value
		}
	}
	return bi
}

func (q *Query) buildInfo(*http.Request) result {
	return result{data: readBuildInfo(q.opts.Version)}
}

func (q *Query) runtimeInfo(*http.Request) result {
	cwd, err := os.Getwd()
	if err != nil {
		cwd = err.Error()
	}
	info := RuntimeInfo{
		StartTime:           q.started,
		CWD:                 cwd,
		ReloadConfigSuccess: true, // the process runs, so its first config loaded
		LastConfigTime:      q.started,
		GoroutineCount:      runtime.NumGoroutine(),
		GOMAXPROCS:          runtime.GOMAXPROCS(0),
		GOMEMLIMIT:          debug.SetMemoryLimit(-1),
		GOGC:                os.Getenv("GOGC"),
		GODEBUG:             os.Getenv("GODEBUG"),
	}
	if q.opts.Runtime != nil {
		q.opts.Runtime(&info)
	}
	return result{data: info}
}
