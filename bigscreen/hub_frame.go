package bigscreen

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/gorilla/websocket"
)

// Bounds of a client frame's content, well inside MaxClientFrame: a screen
// names itself, pins a few scenes and reports a Seq per scene it holds.
const (
	hubMaxNameLen    = 64
	hubMaxPinned     = 8
	hubMaxLastSeqLen = 32
)

// hubFrameError is a client frame the hub refuses: the metrics kind, the close
// code and the Chinese reason the screen is told.
type hubFrameError struct {
	kind   int
	code   int
	reason string
	err    error
}

func (e *hubFrameError) Error() string {
	return fmt.Sprintf("%s frame: %v", hubBadNames[e.kind], e.err)
}
func (e *hubFrameError) Unwrap() error { return e.err }

// decodeClientFrame reads one client message of type mt from r, at most
// limit bytes of it, and checks its shape. It never reads past limit+1.
func decodeClientFrame(mt int, r io.Reader, limit int) (ClientMessage, error) {
	var msg ClientMessage
	if mt != websocket.TextMessage {
		return msg, &hubFrameError{badBinary, websocket.CloseUnsupportedData, reasonBinary,
			fmt.Errorf("message type %d", mt)}
	}
	data, err := io.ReadAll(io.LimitReader(r, int64(limit)+1))
	if err != nil {
		return msg, fmt.Errorf("read frame: %w", err)
	}
	if len(data) > limit {
		return msg, &hubFrameError{badOversized, websocket.CloseMessageTooBig, reasonOversized,
			fmt.Errorf("more than %d bytes", limit)}
	}
	if err := json.Unmarshal(data, &msg); err != nil {
		return msg, &hubFrameError{badMalformed, websocket.CloseInvalidFramePayloadData, reasonMalformed, err}
	}
	if msg.Type != ClientHello && msg.Type != ClientResync {
		return msg, &hubFrameError{badUnknownType, websocket.CloseUnsupportedData, reasonUnknownType,
			fmt.Errorf("type %.32q", msg.Type)}
	}
	return msg, hubCheckClientMessage(msg)
}

// hubCheckClientMessage bounds the names and counts a hello or resync carries,
// so a screen cannot make the hub keep arbitrary scene ids.
func hubCheckClientMessage(msg ClientMessage) error {
	bad := func(format string, a ...any) error {
		return &hubFrameError{badScenes, websocket.ClosePolicyViolation, reasonBadScenes, fmt.Errorf(format, a...)}
	}
	if len(msg.Screen) > hubMaxNameLen {
		return bad("screen name longer than %d bytes", hubMaxNameLen)
	}
	if len(msg.Scenes) > hubMaxPinned {
		return bad("%d pinned scenes, at most %d", len(msg.Scenes), hubMaxPinned)
	}
	if len(msg.LastSeq) > hubMaxLastSeqLen {
		return bad("%d last_seq entries, at most %d", len(msg.LastSeq), hubMaxLastSeqLen)
	}
	for _, id := range msg.Scenes {
		if !hubValidSceneID(id) {
			return bad("scene id %.32q", id)
		}
	}
	return nil
}

// hubValidSceneID accepts the ids scenes use: a-z, 0-9, '-' and '_'.
func hubValidSceneID(id string) bool {
	if id == "" || len(id) > hubMaxNameLen {
		return false
	}
	for _, r := range id {
		if (r < 'a' || r > 'z') && (r < '0' || r > '9') && r != '-' && r != '_' {
			return false
		}
	}
	return true
}
