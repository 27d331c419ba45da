package report

import (
	"cmp"
	"slices"

	"github.com/swanwatch/swanwatch/rules/sla"
)

// flowEnt is one gate's month of one flow figure (sla.FlowVisitorsIn, …).
type flowEnt struct {
	labels map[string]string
	latest string
	seen   uint32
	count  int64
	days   int // days with data
}

func (b *builder) addFlow(d sla.Day) error {
	k := entKey{d.SLI, d.Entity}
	f := b.flows[k]
	if f == nil {
		f = &flowEnt{}
		b.flows[k] = f
	}
	if err := once(&f.seen, d); err != nil {
		return err
	}
	newer(&f.labels, &f.latest, d)
	if d.Stats == nil || d.Stats.Intervals == 0 {
		return nil // no sample that day: no count, not a count of 0
	}
	f.count += d.Stats.Count
	f.days++
	b.flowDaily[[2]string{d.SLI, d.Date}] += d.Stats.Count
	return nil
}

// flow is the month's visitor and vehicle flow: sums over the gates and
// days with data, per day, per gate, and the day with most visitors in.
func (b *builder) flow() VisitorFlow {
	var f VisitorFlow
	total := func(name string) Value {
		v := Value{Kind: Count}
		for k, e := range b.flows {
			if k.sli == name && e.days > 0 {
				v.V, v.Known = v.V+float64(e.count), true
			}
		}
		return v
	}
	f.VisitorsIn, f.VisitorsOut = total(sla.FlowVisitorsIn), total(sla.FlowVisitorsOut)
	f.VehiclesIn, f.VehiclesOut = total(sla.FlowVehiclesIn), total(sla.FlowVehiclesOut)
	f.PeakIn = Value{Kind: Count}
	days, _ := sla.MonthDays(b.month) // the month parsed in newBuilder
	for _, date := range days {
		d := DailyFlow{Date: date, VisitorsIn: b.flowOn(sla.FlowVisitorsIn, date), VisitorsOut: b.flowOn(sla.FlowVisitorsOut, date),
			VehiclesIn: b.flowOn(sla.FlowVehiclesIn, date), VehiclesOut: b.flowOn(sla.FlowVehiclesOut, date)}
		if d.VisitorsIn.Known && (!f.PeakIn.Known || d.VisitorsIn.V > f.PeakIn.V) {
			f.PeakDay, f.PeakIn = date, d.VisitorsIn
		}
		f.Daily = append(f.Daily, d)
	}
	f.ByGate, f.Gates = b.gateFlows()
	return f
}

// flowOn is one figure's sum over the gates on date; unknown when no gate
// had data that day.
func (b *builder) flowOn(name, date string) Value {
	n, ok := b.flowDaily[[2]string{name, date}]
	return Value{V: float64(n), Kind: Count, Known: ok}
}

// gateFlows is every gate's in and out of the month: visitors' gates first,
// then by site and name; and how many count visitors.
func (b *builder) gateFlows() ([]GateFlow, int) {
	type key struct {
		entity   string
		vehicles bool
	}
	gates := map[key]*GateFlow{}
	for k, e := range b.flows {
		vehicles := k.sli == sla.FlowVehiclesIn || k.sli == sla.FlowVehiclesOut
		g := gates[key{k.entity, vehicles}]
		if g == nil {
			g = &GateFlow{Entity: k.entity, Vehicles: vehicles, In: Value{Kind: Count}, Out: Value{Kind: Count}}
			gates[key{k.entity, vehicles}] = g
		}
		if site := label(e.labels, "site", noSite); g.Site == "" || site != noSite {
			g.Site = site
		}
		v := &g.Out
		if k.sli == sla.FlowVisitorsIn || k.sli == sla.FlowVehiclesIn {
			v = &g.In
		}
		if e.days > 0 {
			*v = Value{V: float64(e.count), Kind: Count, Known: true}
		}
	}
	out := make([]GateFlow, 0, len(gates))
	visitors := 0
	for _, g := range gates {
		out = append(out, *g)
		if !g.Vehicles {
			visitors++
		}
	}
	slices.SortFunc(out, func(x, y GateFlow) int {
		return cmp.Or(cmp.Compare(b2f(x.Vehicles), b2f(y.Vehicles)), cmp.Compare(x.Site, y.Site), cmp.Compare(x.Entity, y.Entity))
	})
	return out, visitors
}
