package eval

import (
	"strconv"

	"github.com/prometheus/prometheus/promql"

	"github.com/swanwatch/swanwatch/bigscreen/scene"
	"github.com/swanwatch/swanwatch/internal/inventory"
	"github.com/swanwatch/swanwatch/rules/alerting"
)

// districtPoints places the districts that have no boundary of their own in
// the GeoJSON (its six features are the county-level ones): 市本级 at the
// city government in 湖滨区 and the three development zones inside 湖滨区 /
// 陕州区 (../shared/data/README.md). [lon, lat]; the test checks each lies
// inside its polygon of web/map/sanmenxia-districts.geojson.
var districtPoints = map[string][]float64{
	"市本级":      {111.20, 34.79}, // 湖滨区
	"经济开发区":    {111.30, 34.76}, // 湖滨区
	"城乡一体化示范区": {111.12, 34.74}, // 陕州区
	"现代服务业开发区": {111.17, 34.70}, // 陕州区
}

// mapFromVector makes the map's rows: every district, with or without data,
// in the bureau's order; the six counties as areas (Rows, named as the
// GeoJSON names them), the other four as Points. With an incident store each
// row also counts its open incidents (labels.incidents) and an open critical
// or major incident there colours it bad or warn whatever the value says.
func (r *evalRound) mapFromVector(p *scene.Panel, vec promql.Vector) scene.RowsData {
	byName := map[string]scene.Row{}
	for _, row := range rowsFromVector(p, vec) {
		byName[row.Name] = row // a name that is no district has no place on the map
	}
	open := r.openByDistrict()
	out := scene.RowsData{Rows: []scene.Row{}, Points: []scene.Row{}}
	for _, d := range inventory.Districts {
		row, ok := byName[d.Name]
		if !ok {
			row = scene.Row{Name: d.Name, State: "unknown"}
		}
		row.Labels = nil // the map shows the value and the incidents only
		if open != nil {
			row.Labels = map[string]string{"incidents": strconv.Itoa(open[d.Name].count)}
			row.State = worse(row.State, open[d.Name].state)
		}
		if pt, ok := districtPoints[d.Name]; ok {
			row.Coord = pt
			out.Points = append(out.Points, row)
		} else {
			out.Rows = append(out.Rows, row)
		}
	}
	return out
}

type districtIncidents struct {
	count int
	state string
}

// openByDistrict counts open incidents per district; nil without an incident
// store or when it failed (the board panel reports that).
func (r *evalRound) openByDistrict() map[string]districtIncidents {
	if r.e.opts.Incidents == nil {
		return nil
	}
	incs, err := r.openIncidents()
	if err != nil {
		return nil
	}
	out := map[string]districtIncidents{}
	for _, inc := range incs {
		d := out[inc.Labels["district"]]
		d.count++
		switch inc.Severity {
		case alerting.Critical:
			d.state = worse(d.state, "bad")
		case alerting.Major:
			d.state = worse(d.state, "warn")
		}
		out[inc.Labels["district"]] = d
	}
	return out
}
