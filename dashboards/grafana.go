package dashboards

import "embed"

// Grafana holds the Grafana (10 or newer) dashboards for the figures of the
// wall's scenes, for teams that prefer Grafana: grafana/city.json (全市总览),
// wan.json (电子政务外网), cloud.json (政务云) and duty.json (告警与值班).
// They query SwanWatch's Prometheus-compatible API through the datasource
// input DS_SWANWATCH, chosen when the file is imported (Dashboards → Import),
// and use only series SwanWatch writes (grafana_test.go checks every query).
//
//go:embed grafana/*.json
var Grafana embed.FS
