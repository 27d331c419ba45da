package bmc

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

const entriesPath = sysPath + "/LogServices/Log1/Entries"

func selEntry(id int, created, severity, sensorType, msg, msgID string) string {
	return fmt.Sprintf(`{"@odata.id":"/redfish/v1/%s/%d","Id":"%d","EntryType":"SEL","Severity":%q,"Created":%q,
		"SensorType":%q,"Message":%q,"MessageId":%q}`, entriesPath, id, id, severity, created, sensorType, msg, msgID)
}

// The first round learns where the logs end (the mockup's 2 SEL entries
// and the manager's 1 are old news); an entry appended later, on the
// second page, is one event with the contract's labels.
func TestSELIncremental(t *testing.T) {
	f := startBMC(t, false)
	var ev events
	c := newTestCollector(t, &ev)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	mustPoll(t, c, tgt)
	assert.Empty(t, ev.take(), "no flood after a start")
	mustPoll(t, c, tgt)
	assert.Empty(t, ev.take(), "nothing new")

	f.set(entriesPath+"?$skiptoken=2", `{"Members":[`+selEntry(3, "2026-12-07T10:01:02+08:00", "Critical",
		"Memory", "Uncorrectable ECC error on DIMM1", "0x6F0101")+`]}`)
	mustPoll(t, c, tgt)
	evs := ev.take()
	require.Len(t, evs, 1)
	e := evs[0]
	assert.Equal(t, map[string]string{"source": "bmc", "kind": Kind, "instance": "bmc-07", "severity": "Critical",
		"message_id": "0x6F0101", "sensor_type": "Memory", "log": "Log1", "district": "湖滨区", "site": "市政务云A机房",
		LabelServer: "esxi-07", LabelRack: "A-03"}, e.Labels)
	assert.Equal(t, "服务器 esxi-07（机柜 A-03）事件日志：Uncorrectable ECC error on DIMM1", e.Text)
	assert.True(t, e.Time.Equal(time.Date(2026, 12, 7, 2, 1, 2, 0, time.UTC)), "the entry's own time: %s", e.Time)

	mustPoll(t, c, tgt)
	assert.Empty(t, ev.take(), "an entry is news once")
}

// A cleared log reuses ids: an entry with a seen id but a new time is news.
func TestSELClearedLogReusesIDs(t *testing.T) {
	f := startBMC(t, false)
	var ev events
	c := newTestCollector(t, &ev)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	mustPoll(t, c, tgt)
	f.set(entriesPath, `{"Members":[`+selEntry(1, "2026-12-07T11:00:00+08:00", "Warning", "Fan",
		"Fan 2 below lower critical", "0x040201")+`]}`)
	mustPoll(t, c, tgt)
	evs := ev.take()
	require.Len(t, evs, 1)
	assert.Equal(t, "Warning", evs[0].Labels["severity"])
	assert.Equal(t, "Fan", evs[0].Labels["sensor_type"])
}

// A burst is bounded per round, and a BMC whose next page is the page
// itself (or points off the service) does not loop.
func TestSELBoundedAndNoLoop(t *testing.T) {
	f := startBMC(t, false)
	var ev events
	c := newTestCollector(t, &ev, func(cfg *Config) { cfg.MaxEventsPerRound = 5 })
	tgt := bmcTarget(t, "bmc-07", f.URL)
	mustPoll(t, c, tgt)
	var members []string
	for i := 10; i < 40; i++ {
		members = append(members, selEntry(i, fmt.Sprintf("2026-12-07T11:00:%02d+08:00", i), "OK", "Power Supply", "PSU input lost", "0x080300"))
	}
	f.set(entriesPath, `{"Members":[`+strings.Join(members, ",")+`],"Members@odata.nextLink":"/redfish/v1/`+entriesPath+`"}`)
	before := f.getCount(entriesPath)
	rec, err := poll(t, c, tgt, 5*time.Second)
	require.NoError(t, err)
	require.Empty(t, rec.Problems())
	assert.Len(t, ev.take(), 5)
	assert.Equal(t, before+1, f.getCount(entriesPath), "the self-link was not followed")

	f.set(entriesPath, `{"Members":[],"Members@odata.nextLink":"https://elsewhere.example/redfish/v1/x"}`)
	mustPoll(t, c, tgt)
}

// logPageJSON is a page of SEL entries with the given ids (created a
// minute apart by id), the log's count and the next page's query.
func logPageJSON(ids []int, count int, next string) string {
	var ms []string
	for _, id := range ids {
		ms = append(ms, selEntry(id, time.Date(2026, 12, 7, 0, 0, 0, 0, time.UTC).Add(time.Duration(id)*time.Minute).Format(time.RFC3339),
			"Critical", "Processor", fmt.Sprintf("entry %d", id), "0x070001"))
	}
	s := fmt.Sprintf(`{"Members":[%s],"Members@odata.count":%d`, strings.Join(ms, ","), count)
	if next != "" {
		s += `,"Members@odata.nextLink":"/redfish/v1/` + entriesPath + `?` + next + `"`
	}
	return s + "}"
}

func seq(from, to, step int) []int {
	var out []int
	for i := from; i != to+step; i += step {
		out = append(out, i)
	}
	return out
}

func texts(evs []collectors.Event) []string {
	var out []string
	for _, e := range evs {
		out = append(out, e.Text[strings.LastIndex(e.Text, "：")+len("："):])
	}
	return out
}

// An oldest-first log of 100 entries on a service with $skip: each round
// reads the first page and jumps to the end, never the middle.
func TestSELOldestFirstJumpsToTheEnd(t *testing.T) {
	f := startBMC(t, false)
	f.edit(t, "", func(m map[string]any) {
		m["ProtocolFeaturesSupported"].(map[string]any)["TopSkipQuery"] = true
	})
	f.set(entriesPath, logPageJSON(seq(1, 5, 1), 100, "$skiptoken=5"))
	f.set(entriesPath+"?$skip=95", logPageJSON(seq(96, 100, 1), 100, ""))
	var ev events
	c := newTestCollector(t, &ev, func(cfg *Config) { cfg.MaxLogPages = 2 })
	tgt := bmcTarget(t, "bmc-07", f.URL)
	mustPoll(t, c, tgt)
	assert.Empty(t, ev.take())

	f.set(entriesPath, logPageJSON(seq(1, 5, 1), 101, "$skiptoken=5"))
	f.set(entriesPath+"?$skip=96", logPageJSON(seq(97, 101, 1), 101, ""))
	before := f.getCount(entriesPath)
	mustPoll(t, c, tgt)
	assert.Equal(t, []string{"entry 101"}, texts(ev.take()))
	assert.Equal(t, before+2, f.getCount(entriesPath), "the first page and the last")
}

// A newest-first log: a round reads on only while a page holds nothing
// seen before, and entries behind a seen one are not news.
func TestSELNewestFirstReadsTheFront(t *testing.T) {
	f := startBMC(t, false)
	pages := func(newest int) {
		f.set(entriesPath, logPageJSON(seq(newest, newest-9, -1), newest, "$skiptoken=10"))
		f.set(entriesPath+"?$skiptoken=10", logPageJSON(seq(newest-10, newest-19, -1), newest, "$skiptoken=20"))
		f.set(entriesPath+"?$skiptoken=20", logPageJSON(seq(newest-20, newest-29, -1), newest, ""))
	}
	pages(60)
	var ev events
	c := newTestCollector(t, &ev)
	tgt := bmcTarget(t, "bmc-07", f.URL)
	mustPoll(t, c, tgt)
	before := f.getCount(entriesPath)
	mustPoll(t, c, tgt)
	assert.Empty(t, ev.take())
	assert.Equal(t, before+1, f.getCount(entriesPath), "no news on the first page: nothing more read")

	pages(62)
	mustPoll(t, c, tgt)
	assert.Equal(t, []string{"entry 62", "entry 61"}, texts(ev.take()))

	pages(77) // a burst longer than a page: read up to the first entry seen before
	mustPoll(t, c, tgt)
	assert.Equal(t, texts(eventsOf(seq(77, 63, -1))), texts(ev.take()))
}

func eventsOf(ids []int) []collectors.Event {
	var out []collectors.Event
	for _, id := range ids {
		out = append(out, collectors.Event{Text: fmt.Sprintf("：entry %d", id)})
	}
	return out
}
