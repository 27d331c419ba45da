package bigscreen

import (
	"bytes"
	"errors"
	"testing"

	"github.com/gorilla/websocket"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// FuzzDecodeClientFrame: whatever a screen sends is either a bounded hello
// or resync, or a frameError with a close code and a Chinese reason; the
// decoder never reads more than the limit plus one byte.
func FuzzDecodeClientFrame(f *testing.F) {
	for _, s := range []string{
		`{"type":"hello","screen":"wall"}`,
		`{"type":"hello","screen":"wall","scenes":["city"],"last_seq":{"city":1790000000000}}`,
		`{"type":"resync","last_seq":{"city":3,"wan":9}}`,
		`{"type":"resync","last_seq":{"city":-1}}`,
		`{"type":"hello","scenes":["../etc"]}`,
		`{"type":"x"}`, `{"type":`, `[]`, `null`, ``, "\xff",
	} {
		f.Add([]byte(s))
	}
	const limit = 256
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bytes.NewReader(data)
		msg, err := decodeClientFrame(websocket.TextMessage, r, limit)
		assert.LessOrEqual(t, len(data)-r.Len(), limit+1, "bounded read")
		if err == nil {
			require.LessOrEqual(t, len(data), limit)
			assert.Contains(t, []string{ClientHello, ClientResync}, msg.Type)
			assert.LessOrEqual(t, len(msg.Scenes), hubMaxPinned)
			assert.LessOrEqual(t, len(msg.LastSeq), hubMaxLastSeqLen)
			for _, id := range msg.Scenes {
				assert.True(t, hubValidSceneID(id), id)
			}
			return
		}
		var fe *hubFrameError
		require.True(t, errors.As(err, &fe), "every refusal carries a reason: %v", err)
		assert.NotEmpty(t, fe.reason)
		assert.LessOrEqual(t, len(fe.reason), 123, "fits a close frame")
		assert.GreaterOrEqual(t, fe.code, 1000)
		if len(data) > limit {
			assert.Equal(t, badOversized, fe.kind)
		}
	})
}

func TestDecodeClientFrameBinary(t *testing.T) {
	_, err := decodeClientFrame(websocket.BinaryMessage, bytes.NewReader([]byte(`{"type":"hello"}`)), 64)
	var fe *hubFrameError
	require.ErrorAs(t, err, &fe)
	assert.Equal(t, badBinary, fe.kind)
}
