package bmc

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/collectortest"
)

// FuzzResources feeds one reply body to every Redfish resource parser and
// the series and events it makes: no panic, well-formed samples (valid
// label names, UTF-8 values, no duplicate), events with UTF-8 text and
// bounded labels — whatever a BMC sends.
func FuzzResources(f *testing.F) {
	for _, p := range []string{"", sysPath, sysPath + "/Memory/DIMM1", chassisPath, chassisPath + "/Thermal",
		chassisPath + "/Power", chassisPath + "/ThermalSubsystem/Fans/Bay1", chassisPath + "/Sensors/CPU1Temp",
		chassisPath + "/EnvironmentMetrics", chassisPath + "/PowerSubsystem/PowerSupplies/Bay1",
		chassisPath + "/PowerSubsystem/PowerSupplies/Bay1/Metrics", sysPath + "/LogServices/Log1/Entries"} {
		b, err := os.ReadFile(filepath.Join(mockupDir, p, "index.json"))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"Id":"0","Status":{"State":"Enabled","Health":"Critical","Conditions":[{"Message":"\xff\xfe"}]},"FailurePredicted":true,"PredictedMediaLifeLeftPercent":null}`))
	f.Add([]byte(`{"Members":[{"Id":"1","Created":"x","Severity":"Critical","Message":"` + string(make([]byte, 3000)) + `"}]}`))
	f.Add([]byte(`{"LifeTime":{"CorrectableECCErrorCount":1e308,"UncorrectableECCErrorCount":-1}}`))
	c := New(Config{}.WithDefaults(), nil)
	f.Fuzz(func(t *testing.T, body []byte) {
		var ev events
		c.events = &ev
		tgt := collectors.Target{Kind: Kind, Name: "bmc-fuzz", Labels: map[string]string{LabelServer: "s", LabelRack: "r"}}
		// Primed as after a first round, so that every entry and every
		// health not OK becomes an event.
		st := &targetState{logs: map[string]*logState{"/log": {seen: map[string]bool{}}},
			health: map[string]string{}, primed: true}
		rec := collectortest.NewRecorder(tgt)
		r := newRound(c, st, tgt, time.Unix(1e9, 0), rec.Emit)
		parseAll(r, body)
		r.finish(context.Background())
		rec.Close()
		if p := rec.Problems(); len(p) > 0 {
			t.Fatalf("malformed samples: %v", p)
		}
		for _, e := range ev.take() {
			if !utf8.ValidString(e.Text) || len(e.Text) > 1100 {
				t.Fatalf("event text not bounded UTF-8: %q", e.Text)
			}
			for k, v := range e.Labels {
				if !utf8.ValidString(v) || len(v) > 200 {
					t.Fatalf("label %s not bounded UTF-8: %q", k, v)
				}
			}
		}
	})
}

// parseAll decodes body as each resource and emits what it holds.
func parseAll(r *round, body []byte) {
	m := json.RawMessage(body)
	var s system
	if r.decode(m, "system", &s) {
		r.systemSeries(s)
	}
	var th thermal
	if r.decode(m, "thermal", &th) {
		r.thermalSeries(th)
	}
	var p power
	if r.decode(m, "power", &p) {
		r.powerSeries(p)
	}
	var fn fan
	if r.decode(m, "fan", &fn) {
		r.fanSeries(fn)
	}
	var ps powerSupply
	if r.decode(m, "psu", &ps) {
		r.psuSeries(ps)
	}
	var se sensor
	if r.decode(m, "sensor", &se) {
		r.sensor(se)
	}
	var em environmentMetrics
	if r.decode(m, "environment", &em) {
		r.environmentSeries(em)
	}
	var d drive
	if r.decode(m, "drive", &d) {
		r.drive("S", d)
	}
	var page struct {
		Members []logEntry `json:"Members"`
	}
	if r.decode(m, "entries", &page) {
		r.learnLog("/log", "Log1", page.Members, true)
	}
	var coll collection
	if r.decode(m, "collection", &coll) {
		for _, mm := range coll.Members {
			expanded(mm)
		}
	}
	_ = r.decode(m, "root", &serviceRoot{})
}
