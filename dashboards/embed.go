// Package dashboards owns the shipped dashboards as data: the video wall's
// scenes (screens/*.yaml, read by bigscreen/eval.LoadScenes) and the Grafana
// dashboards for the same figures (grafana/*.json, see grafana.go).
package dashboards

import "embed"

// Screens holds the wall's scenes, one scene.Def per file: city (全市总览),
// wan (电子政务外网), cloud (政务云) and duty (告警与值班).
//
//go:embed screens/*.yaml
var Screens embed.FS
