package bigscreen

import (
	"fmt"

	"github.com/VictoriaMetrics/metrics"
)

// The hub's own metrics. Labels are small fixed sets (result, reason, kind,
// type), never a screen or a remote address.

// Reasons an operator's page shows in its log (Chinese, short: a close
// frame's reason holds at most 123 bytes).
const (
	reasonNoHello       = "未收到握手消息"
	reasonUnknownScreen = "未配置的大屏"
	reasonUnexpected    = "不应出现的消息"
	reasonMalformed     = "消息格式错误"
	reasonUnknownType   = "未知的消息类型"
	reasonBinary        = "不支持二进制消息"
	reasonOversized     = "消息过大"
	reasonBadScenes     = "场景参数错误"
	reasonRevoked       = "令牌已吊销"
	reasonShutdown      = "服务正在重启或停止"
)

// hubCounterVec is a counter per value of one bounded label, created up front
// so the hot path indexes an array instead of formatting a name.
type hubCounterVec []*metrics.Counter

func newHubCounterVec(name, label string, values []string) hubCounterVec {
	v := make(hubCounterVec, len(values))
	for i, val := range values {
		v[i] = metrics.GetOrCreateCounter(fmt.Sprintf(`%s{%s=%q}`, name, label, val))
	}
	return v
}

func (v hubCounterVec) inc(i int) { v[i].Inc() }

// Connect results.
const (
	resultOK = iota
	resultBadOrigin
	resultUnauthorized
	resultRateLimited
	resultTooMany
	resultBadHello
	resultUpgradeFailed
)

// Drop reasons.
const (
	dropQueueFull = iota
	dropWriteTimeout
)

// Bad frame kinds.
const (
	badOversized = iota
	badMalformed
	badUnknownType
	badBinary
	badUnexpected
	badScenes
)

// Frame kinds sent.
const (
	kindScreen = iota
	kindSnapshot
	kindDelta
	kindHeartbeat
	kindError
)

var (
	hubResultNames = []string{"ok", "bad_origin", "unauthorized", "rate_limited", "too_many", "bad_hello",
		"upgrade_failed"}
	hubDropNames = []string{"queue_full", "write_timeout"}
	hubBadNames  = []string{"oversized", "malformed", "unknown_type", "binary", "unexpected", "bad_scenes"}
	hubKindNames = []string{MsgScreen, MsgSnapshot, MsgDelta, MsgHeartbeat, MsgError}

	hubConnections = metrics.GetOrCreateGauge(`swanwatch_bigscreen_connections`, nil)
	hubConnects    = newHubCounterVec(`swanwatch_bigscreen_connects_total`, "result", hubResultNames)
	hubDropped     = newHubCounterVec(`swanwatch_bigscreen_dropped_total`, "reason", hubDropNames)
	hubBadFrames   = newHubCounterVec(`swanwatch_bigscreen_bad_frames_total`, "kind", hubBadNames)
	hubRevoked     = metrics.GetOrCreateCounter(`swanwatch_bigscreen_revoked_total`)
	hubBadPanels   = metrics.GetOrCreateCounter(`swanwatch_bigscreen_bad_panels_total`)
	hubSent        = hubSentCounters{
		frames: newHubCounterVec(`swanwatch_bigscreen_frames_sent_total`, "type", hubKindNames),
		bytes:  newHubCounterVec(`swanwatch_bigscreen_bytes_sent_total`, "type", hubKindNames),
	}
)

type hubSentCounters struct{ frames, bytes hubCounterVec }

func (s hubSentCounters) count(kind, n int) {
	s.frames[kind].Inc()
	s.bytes[kind].Add(n)
}

// badPanel counts a panel whose data is not JSON; the scene goes out with
// that panel as null (无数据) rather than not at all.
func (h *Hub) badPanel(sceneID string) {
	hubBadPanels.Inc()
	h.log.Error("panel data is not valid JSON; sent as no data", "scene", sceneID)
}
