package camera

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"strconv"
	"sync"
	"time"
)

// runFFmpeg decodes jobs in one ffmpeg process: camera i's keyframes go in on fd 3+i, its pictures
// come out on fd 3+n+i. It returns each camera's output (at most its bound), the first bytes of
// ffmpeg's errors and how the process ended.
func runFFmpeg(ctx context.Context, ffmpeg string, jobs []*decodeJob) ([]*bytes.Buffer, string, error) {
	n := len(jobs)
	bufs := make([]*bytes.Buffer, n)
	for i := range bufs {
		bufs[i] = new(bytes.Buffer)
	}
	var parent, child []*os.File // parent's ends, and the ends the process gets (inputs then outputs)
	defer func() {
		for _, f := range append(parent, child...) {
			_ = f.Close()
		}
	}()
	for range 2 * n {
		r, w, err := os.Pipe()
		if err != nil {
			return bufs, "", fmt.Errorf("pipe: %w", err)
		}
		if len(child) < n {
			parent, child = append(parent, w), append(child, r)
		} else {
			parent, child = append(parent, r), append(child, w)
		}
	}
	cmd := exec.CommandContext(ctx, ffmpeg, ffmpegArgs(jobs)...)
	cmd.ExtraFiles = child
	var stderr bytes.Buffer
	cmd.Stderr = &limitWriter{w: &stderr, n: 2048}
	cmd.WaitDelay = time.Second
	if err := cmd.Start(); err != nil {
		return bufs, "", err
	}
	for _, f := range child { // the process holds them now; its exit must end our reads
		_ = f.Close()
	}
	child = nil
	var wg sync.WaitGroup
	for i, j := range jobs {
		w, r := parent[i], parent[n+i]
		wg.Go(func() {
			_, _ = w.Write(j.in) // fails with EPIPE when ffmpeg gave up on this input
			_ = w.Close()
		})
		wg.Go(func() {
			_, _ = io.Copy(&limitWriter{w: bufs[i], n: decodeOutputLimit(j.frames)}, r)
			_ = r.Close() // over its bound: ffmpeg's next write fails instead of blocking
		})
	}
	err := cmd.Wait()
	wg.Wait()
	parent = nil // closed by their goroutines
	return bufs, stderr.String(), err
}

// ffmpegArgs: every input with its demuxer, then per input one output of its first frames,
// scaled down to maxDecodeWidth, as PPM.
func ffmpegArgs(jobs []*decodeJob) []string {
	n := len(jobs)
	args := []string{"-nostdin", "-hide_banner", "-loglevel", "error", "-y"} // -y: the output fds exist
	for i, j := range jobs {
		// one decoder thread each: a batch decodes many small inputs, and per-input thread pools
		// cost more to start than the two keyframes take to decode
		args = append(args, "-threads", "1", "-f", j.format, "-i", "/dev/fd/"+strconv.Itoa(3+i))
	}
	scale := fmt.Sprintf("scale='min(iw,%d)':-2", maxDecodeWidth)
	for i, j := range jobs {
		args = append(args, "-map", strconv.Itoa(i)+":v:0", "-frames:v", strconv.Itoa(j.frames),
			"-vf", scale, "-pix_fmt", "rgb24", "-f", "image2pipe", "-c:v", "ppm", "/dev/fd/"+strconv.Itoa(3+n+i))
	}
	return args
}
