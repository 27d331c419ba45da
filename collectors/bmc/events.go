package bmc

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/collectors/netfail"
)

// componentWords are the Chinese names of the contract's components.
var componentWords = map[string]string{
	"system": "系统", "rollup": "整机", "chassis": "机箱", "processor": "处理器", "memory": "内存",
	"drive": "硬盘", "storage": "存储控制器", "power_supply": "电源", "fan": "风扇", "temperature": "温度传感器",
}

var healthWords = map[string]string{"OK": "正常", "Warning": "告警", "Critical": "严重"}

// healthEvents turns each component whose health changed since the last
// round into an event (source="bmc", event="health_changed"), with the
// Conditions the BMC gives for it: a rollup of Warning says little, its
// condition says which sensor. The first round after a start only learns.
func (r *round) healthEvents() {
	primed := r.st.primed
	r.st.primed = true
	for _, k := range sortedKeys(r.seenHealth) {
		o := r.seenHealth[k]
		prev, known := r.st.health[k]
		r.st.health[k] = o.health
		if !primed || (known && prev == o.health) || (!known && o.health == "OK") {
			continue
		}
		l := r.eventLabels()
		l["event"], l["severity"], l["component"], l["id"] = "health_changed", o.health, o.component, netfail.Clip(o.id, 100)
		if len(o.conditions) > 0 {
			l["message_id"] = netfail.Clip(o.conditions[0].MessageID, 100)
		}
		text := fmt.Sprintf("%s %s %s 健康状态%s→%s", r.serverNoun(), componentWords[o.component], o.id,
			healthWords[nonEmpty(prev, "OK")], healthWords[o.health])
		if c := conditionText(o.conditions); c != "" {
			text += "：" + c
		}
		r.events = append(r.events, eventAt(l, r.now, netfail.Clip(text, 1000)))
	}
	// Components gone (pulled, or now Absent) are forgotten, so that one
	// put back is news again only if it is not OK. Not after a round that
	// could not read everything: a part unread is not a part gone.
	if len(r.errs) > 0 {
		return
	}
	for k := range r.st.health {
		if _, ok := r.seenHealth[k]; !ok {
			delete(r.st.health, k)
		}
	}
}

// conditionText lists a status's conditions as the BMC words them.
func conditionText(cs []condition) string {
	var parts []string
	for _, c := range cs {
		s := strings.TrimSpace(c.Message)
		if s == "" {
			s = c.MessageID
		}
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(parts, "；")
}

// deliver hands the round's events to the sink, at most
// max_events_per_round.
func (r *round) deliver(ctx context.Context) {
	evs := r.events
	if len(evs) == 0 {
		return
	}
	if n := r.c.cfg.MaxEventsPerRound; len(evs) > n {
		mEventsDropped.Add(len(evs) - n)
		r.c.log.Warn("bmc events dropped: too many new log entries in one round",
			"instance", r.t.Name, "new", len(evs), "kept", n)
		evs = evs[len(evs)-n:]
	}
	if r.c.events == nil {
		mEventsDropped.Add(len(evs))
		return
	}
	mEvents.Add(len(evs))
	if err := r.c.events.AppendEvents(ctx, evs); err != nil {
		r.c.log.Warn("bmc events not stored", "instance", r.t.Name, "err", err)
	}
}

func eventAt(l map[string]string, at time.Time, text string) collectors.Event {
	return collectors.Event{Time: at, Labels: l, Text: text}
}
