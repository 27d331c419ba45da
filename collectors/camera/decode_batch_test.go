package camera

import (
	"bytes"
	"context"
	"crypto/rand"
	"image"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"

	"github.com/swanwatch/swanwatch/internal/testpeer"
)

// annexClip is a camera's keyframes as a session captures them: parameter sets and keyframe NAL units.
type annexClip struct {
	codec  string
	params [][]byte
	keys   []keyframe
}

// encodeClip has ffmpeg encode two intra frames of a lavfi source as Annex-B and splits them the
// way a session captures them.
func encodeClip(t *testing.T, ffmpeg, codec, source string) annexClip {
	t.Helper()
	enc, format := "libx264", "h264"
	if codec == "h265" {
		enc, format = "libx265", "hevc"
	}
	out, err := exec.Command(ffmpeg, "-nostdin", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", source,
		"-frames:v", "2", "-g", "1", "-pix_fmt", "yuv420p", "-c:v", enc, "-f", format, "pipe:1").Output()
	require.NoError(t, err, "encode %s", source)
	c := annexClip{codec: codec}
	for _, nal := range bytes.Split(out, []byte{0, 0, 1}) {
		nal = bytes.TrimRight(nal, "\x00")
		if len(nal) == 0 {
			continue
		}
		switch kind := nalKind(codec, nal); kind {
		case "param":
			if len(c.keys) == 0 {
				c.params = append(c.params, nal)
			}
		case "key":
			c.keys = append(c.keys, keyframe{nals: [][]byte{nal}})
		}
	}
	require.NotEmpty(t, c.params, "parameter sets of %s", source)
	require.Len(t, c.keys, 2, "keyframes of %s", source)
	return c
}

func nalKind(codec string, nal []byte) string {
	if codec == "h265" {
		switch (nal[0] >> 1) & 0x3f {
		case 32, 33, 34:
			return "param"
		case 16, 17, 18, 19, 20, 21:
			return "key"
		}
		return ""
	}
	switch nal[0] & 0x1f {
	case 7, 8:
		return "param"
	case 5:
		return "key"
	}
	return ""
}

// decodeAll decodes every annexClip at once through b and returns the pictures and errors in order.
func decodeAll(t *testing.T, b *batcher, clips []annexClip) ([][]image.Image, []error) {
	imgs, errs := make([][]image.Image, len(clips)), make([]error, len(clips))
	var wg sync.WaitGroup
	for i, c := range clips {
		wg.Go(func() { imgs[i], errs[i] = b.keyframes(t.Context(), c.codec, c.params, c.keys) })
	}
	wg.Wait()
	return imgs, errs
}

// noLeaks checks at the end of a test that no goroutine and no file descriptor stayed behind.
func noLeaks(t *testing.T) {
	ignore, fds := goleak.IgnoreCurrent(), openFDs(t)
	t.Cleanup(func() {
		goleak.VerifyNone(t, ignore)
		assert.Equal(t, fds, openFDs(t), "open file descriptors")
	})
}

// TestDecodeBatch: cameras of different sizes and codecs, black and moving, decode in one ffmpeg
// process, each to its own pictures.
func TestDecodeBatch(t *testing.T) {
	ffmpeg := testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	black := encodeClip(t, ffmpeg, "h264", "color=c=black:size=320x240:rate=25")
	bars := encodeClip(t, ffmpeg, "h264", "testsrc=size=640x360:rate=1")
	hevc := encodeClip(t, ffmpeg, "h265", "color=c=white:size=352x288:rate=25")
	wide := encodeClip(t, ffmpeg, "h264", "testsrc=size=1920x1080:rate=1")
	noLeaks(t)
	b := newBatcher(ffmpeg, 10*time.Second)
	imgs, errs := decodeAll(t, b, []annexClip{black, bars, hevc, wide})
	for i, err := range errs {
		require.NoError(t, err, "camera %d", i)
		require.Len(t, imgs[i], 2, "camera %d", i)
	}
	assert.Equal(t, int64(1), b.runs.Load(), "one ffmpeg process for the batch")
	assert.Equal(t, image.Rect(0, 0, 320, 240), imgs[0][1].Bounds())
	assert.Less(t, meanLuma(imgs[0][1]), 20.0, "black stays black")
	assert.Equal(t, image.Rect(0, 0, 640, 360), imgs[1][0].Bounds())
	assert.Greater(t, meanLuma(imgs[1][1]), 60.0)
	assert.Greater(t, diffMean(imgs[1][0], imgs[1][1]), 5.0, "testsrc moves a second apart")
	assert.Equal(t, image.Rect(0, 0, 352, 288), imgs[2][0].Bounds())
	assert.Greater(t, meanLuma(imgs[2][0]), 230.0, "white stays white")
	assert.Equal(t, image.Rect(0, 0, maxDecodeWidth, 720), imgs[3][0].Bounds(), "a full-HD camera is scaled down")
}

// TestDecodeBatchGarbage: a camera that sends garbage fails alone; the others of its batch get
// their pictures (from the batch or from a retry on their own).
func TestDecodeBatchGarbage(t *testing.T) {
	ffmpeg := testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	black := encodeClip(t, ffmpeg, "h264", "color=c=black:size=320x240:rate=25")
	bars := encodeClip(t, ffmpeg, "h264", "testsrc=size=640x360:rate=1")
	junk := make([]byte, 64<<10)
	_, _ = rand.Read(junk)
	garbage := annexClip{codec: "h264", params: [][]byte{{0x67, 0xff, 0xff}}, keys: []keyframe{{nals: [][]byte{junk}}}}
	noLeaks(t)
	b := newBatcher(ffmpeg, 10*time.Second)
	imgs, errs := decodeAll(t, b, []annexClip{black, garbage, bars})
	require.NoError(t, errs[0])
	require.NoError(t, errs[2])
	require.Error(t, errs[1], "garbage decodes to nothing")
	t.Logf("garbage: %v; ffmpeg processes: %d", errs[1], b.runs.Load())
	assert.Nil(t, imgs[1])
	assert.Equal(t, image.Rect(0, 0, 320, 240), imgs[0][0].Bounds())
	assert.Less(t, meanLuma(imgs[0][0]), 20.0)
	assert.Equal(t, image.Rect(0, 0, 640, 360), imgs[2][0].Bounds())
	assert.Greater(t, meanLuma(imgs[2][0]), 60.0)
}

// TestDecodeBatchGivesUp: a member whose round ends stops waiting at once, and the batch's process
// is ended when nobody waits any more.
func TestDecodeBatchGivesUp(t *testing.T) {
	ffmpeg := testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	bars := encodeClip(t, ffmpeg, "h264", "testsrc=size=640x360:rate=1")
	noLeaks(t)
	b := newBatcher(ffmpeg, 10*time.Second)
	ctx, cancel := context.WithTimeout(t.Context(), batchWindow/3)
	defer cancel()
	start := time.Now()
	_, err := b.keyframes(ctx, bars.codec, bars.params, bars.keys)
	require.ErrorContains(t, err, "解码超时")
	assert.Less(t, time.Since(start), batchWindow, "the caller does not wait for the batch")
	require.Eventually(t, func() bool { b.mu.Lock(); defer b.mu.Unlock(); return b.pending == nil },
		2*batchWindow, 50*time.Millisecond, "the window ends")
	assert.Zero(t, b.runs.Load(), "nobody waits: no ffmpeg")
}

// TestDecodeBatchFull: a full batch starts without waiting for its window; the next request opens a
// new batch.
func TestDecodeBatchFull(t *testing.T) {
	ffmpeg := testpeer.LookBinary(t, "/usr/bin/ffmpeg", ffmpegHint)
	black := encodeClip(t, ffmpeg, "h264", "color=c=black:size=160x120:rate=25")
	noLeaks(t)
	b := newBatcher(ffmpeg, 10*time.Second)
	clips := make([]annexClip, batchMax+1)
	for i := range clips {
		clips[i] = black
	}
	imgs, errs := decodeAll(t, b, clips)
	for i, err := range errs {
		require.NoError(t, err, "camera %d", i)
		assert.Equal(t, image.Rect(0, 0, 160, 120), imgs[i][0].Bounds())
	}
	assert.Equal(t, int64(2), b.runs.Load(), "%d cameras, batches of %d", len(clips), batchMax)
}
