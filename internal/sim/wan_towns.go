package sim

import (
	_ "embed"
	"encoding/csv"
	"fmt"
	"strings"
)

// The towns of Sanmenxia (乡镇街道) per district, from the civil-affairs division
// codes; a copy of the workspace's shared data so that the package builds alone.
//
//go:embed testdata/sanmenxia-towns.csv
var townsCSV string

type town struct {
	Code, Name, Kind string // Kind: 街道, 镇, 乡 or other
}

// csvDistricts maps the CSV's official district names to the estate's.
var csvDistricts = map[string]string{"河南三门峡经济开发区": "经济开发区"}

// loadTowns reads the embedded CSV into towns per district name.
func loadTowns() (map[string][]town, error) {
	rows, err := csv.NewReader(strings.NewReader(townsCSV)).ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read towns: %w", err)
	}
	known := map[string]bool{}
	for _, d := range districts {
		known[d.Name] = true
	}
	out := map[string][]town{}
	for i, row := range rows[1:] {
		if len(row) != 5 || len(row[2]) < 3 {
			return nil, fmt.Errorf("read towns: line %d: want 5 fields and a town code", i+2)
		}
		name := row[1]
		if m, ok := csvDistricts[name]; ok {
			name = m
		}
		if !known[name] {
			return nil, fmt.Errorf("read towns: line %d: unknown district %q", i+2, row[1])
		}
		out[name] = append(out[name], town{Code: row[2], Name: row[3], Kind: row[4]})
	}
	return out, nil
}
