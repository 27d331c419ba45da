package camera

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"io"
	"time"
)

// The keyframe decoder is Debian's ffmpeg run as a subprocess: the binary stays cgo-free, a
// decoder crash on a broken stream costs one diagnosis, not the server, and ffmpeg decodes every
// H.264 and H.265 profile cameras send. It reads the Annex-B bytes of the keyframes (parameter
// sets before each) on one pipe per camera and writes PPM pictures, which need no decoder here, on
// another pipe per camera.

// maxDecodeWidth bounds the pictures ffmpeg returns: a 4K keyframe is scaled to this width, which
// keeps the pipe and the analysis small and is finer than the diagnosis needs.
const maxDecodeWidth = 1280

// decodeKeyframes returns one picture per keyframe (in order), at most maxDecodeWidth wide. The
// request joins a batch (decode_batch.go): one ffmpeg process decodes the keyframes of the cameras
// whose diagnoses come due close together, which spares most of ffmpeg's start-up cost.
func decodeKeyframes(ctx context.Context, ffmpeg string, codec string, params [][]byte, keys []keyframe, timeout time.Duration) ([]image.Image, error) {
	return batcherFor(ffmpeg, timeout).keyframes(ctx, codec, params, keys)
}

// keyframes decodes keys (parameter sets before each) in the gathering batch.
func (b *batcher) keyframes(ctx context.Context, codec string, params [][]byte, keys []keyframe) ([]image.Image, error) {
	if len(keys) == 0 || len(params) == 0 {
		return nil, errors.New("会话中没有可解码的关键帧")
	}
	var in bytes.Buffer
	for _, k := range keys {
		for _, n := range append(append([][]byte(nil), params...), k.nals...) {
			in.Write([]byte{0, 0, 0, 1})
			in.Write(n)
		}
	}
	format := "h264"
	if codec == "h265" {
		format = "hevc"
	}
	return b.decode(ctx, &decodeJob{format: format, in: in.Bytes(), frames: len(keys)})
}

// decodeOutputLimit bounds the PPM bytes of one camera's pictures.
func decodeOutputLimit(frames int) int64 {
	return int64(frames) * (maxDecodeWidth*maxDecodeWidth*3 + 64)
}

func firstLine(s string, err error) string {
	if line, _, _ := bytes.Cut([]byte(s), []byte("\n")); len(line) > 0 {
		return string(line)
	}
	return err.Error()
}

// limitWriter keeps the first n bytes and fails after them (ffmpeg then stops on a broken pipe).
type limitWriter struct {
	w io.Writer
	n int64
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if int64(len(p)) > l.n {
		_, _ = l.w.Write(p[:l.n])
		l.n = 0
		return 0, errors.New("decoder output over its bound")
	}
	l.n -= int64(len(p))
	return l.w.Write(p)
}

// readPPMs reads up to max binary PPM (P6, maxval 255) pictures.
func readPPMs(r io.Reader, max int) ([]image.Image, error) {
	br := bufio.NewReader(r)
	var out []image.Image
	for len(out) < max {
		img, err := readPPM(br)
		if errors.Is(err, io.EOF) && len(out) > 0 {
			break
		}
		if err != nil {
			return out, err
		}
		out = append(out, img)
	}
	return out, nil
}

// readPPM reads one P6 picture: "P6", width, height, maxval (white space and # comments between),
// one white space byte, then width×height RGB triplets.
func readPPM(r *bufio.Reader) (image.Image, error) {
	magic := make([]byte, 2)
	if _, err := io.ReadFull(r, magic); err != nil {
		return nil, err
	}
	if string(magic) != "P6" {
		return nil, errors.New("not a binary PPM")
	}
	var v [3]int
	for i := range v {
		n, err := ppmNumber(r)
		if err != nil {
			return nil, err
		}
		v[i] = n
	}
	w, h, maxval := v[0], v[1], v[2]
	if w < 1 || h < 1 || w > 8192 || h > 8192 || maxval != 255 {
		return nil, fmt.Errorf("PPM %dx%d maxval %d not supported", w, h, maxval)
	}
	if _, err := r.ReadByte(); err != nil { // the single white space after maxval
		return nil, err
	}
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	row := make([]byte, 3*w)
	for y := range h {
		if _, err := io.ReadFull(r, row); err != nil {
			return nil, fmt.Errorf("PPM cut short: %w", err)
		}
		p := img.Pix[y*img.Stride:]
		for x := range w {
			p[4*x], p[4*x+1], p[4*x+2], p[4*x+3] = row[3*x], row[3*x+1], row[3*x+2], 255
		}
	}
	return img, nil
}

// ppmNumber skips white space and comments and reads a decimal number of at most 5 digits.
func ppmNumber(r *bufio.Reader) (int, error) {
	for {
		b, err := r.ReadByte()
		if err != nil {
			return 0, err
		}
		switch {
		case b == '#':
			if _, err := r.ReadSlice('\n'); err != nil {
				return 0, errors.New("PPM comment without end")
			}
		case b == ' ' || b == '\t' || b == '\n' || b == '\r':
		case b >= '0' && b <= '9':
			n := int(b - '0')
			for digits := 1; ; digits++ {
				c, err := r.ReadByte()
				if err != nil {
					return 0, err
				}
				if c < '0' || c > '9' {
					_ = r.UnreadByte()
					return n, nil
				}
				if digits == 5 {
					return 0, errors.New("PPM number too long")
				}
				n = n*10 + int(c-'0')
			}
		default:
			return 0, errors.New("PPM header malformed")
		}
	}
}
