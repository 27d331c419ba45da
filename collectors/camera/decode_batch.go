package camera

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"image"
	"sync"
	"sync/atomic"
	"time"
)

// ffmpeg spends 70–80 ms of CPU starting up and little decoding two keyframes, so with 500
// cameras the start-ups would cost more than everything else of a diagnosis. Requests that come
// due close together therefore share one ffmpeg process: one input pipe and one output pipe per
// camera (each output keeps its own camera's size, so pictures never get mixed up). A batch that
// fails leaves its members without a picture to be retried one by one, so a broken stream costs
// only its own diagnosis.

const (
	// batchWindow is how long the first request of a batch waits for others: diagnoses of 500
	// cameras every 5 min come due about 1.7 a second.
	batchWindow = 1500 * time.Millisecond
	// batchMax cameras at most in one ffmpeg process (a full batch starts at once).
	batchMax = 16
	// decodeProcs bounds ffmpeg processes at once per decoder (what vqd_concurrency bounded
	// before diagnoses stopped holding its slots while their batch gathers).
	decodeProcs = 2
)

// decodeJob is one camera's request: its Annex-B keyframes and how many pictures they give.
type decodeJob struct {
	ctx    context.Context
	format string // ffmpeg's demuxer: h264 or hevc
	in     []byte
	frames int
	done   chan decodeResult // buffered: the batch never waits for a member that gave up
}

type decodeResult struct {
	imgs []image.Image
	err  error
}

// batcher gathers the requests of one decoder binary and timeout.
type batcher struct {
	ffmpeg  string
	timeout time.Duration
	procs   chan struct{}

	mu      sync.Mutex
	pending []*decodeJob
	timer   *time.Timer
	runs    atomic.Int64 // ffmpeg processes started, for the tests
}

var batchers sync.Map // ffmpeg path and timeout → *batcher

func batcherFor(ffmpeg string, timeout time.Duration) *batcher {
	key := ffmpeg + "\x00" + timeout.String()
	if b, ok := batchers.Load(key); ok {
		return b.(*batcher)
	}
	b, _ := batchers.LoadOrStore(key, newBatcher(ffmpeg, timeout))
	return b.(*batcher)
}

func newBatcher(ffmpeg string, timeout time.Duration) *batcher {
	return &batcher{ffmpeg: ffmpeg, timeout: timeout, procs: make(chan struct{}, decodeProcs)}
}

// decode adds job to the gathering batch and waits for its pictures or for ctx.
func (b *batcher) decode(ctx context.Context, job *decodeJob) ([]image.Image, error) {
	job.ctx, job.done = ctx, make(chan decodeResult, 1)
	b.mu.Lock()
	b.pending = append(b.pending, job)
	switch {
	case len(b.pending) >= batchMax:
		b.startLocked()
	case len(b.pending) == 1:
		b.timer = time.AfterFunc(batchWindow, b.flush)
	}
	b.mu.Unlock()
	select {
	case r := <-job.done:
		return r.imgs, r.err
	case <-ctx.Done():
		return nil, fmt.Errorf("解码超时（%s）", b.timeout)
	}
}

// flush starts the gathering batch when its window has passed.
func (b *batcher) flush() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.startLocked()
}

func (b *batcher) startLocked() {
	if b.timer != nil {
		b.timer.Stop()
		b.timer = nil
	}
	jobs := b.pending
	b.pending = nil
	if len(jobs) > 0 {
		go b.run(jobs)
	}
}

// run decodes a batch and answers every member; members left without a picture by a batch that
// failed are retried alone, at once, each in its own process.
func (b *batcher) run(jobs []*decodeJob) {
	live := jobs[:0:0]
	for _, j := range jobs {
		if j.ctx.Err() == nil {
			live = append(live, j)
		}
	}
	if len(live) == 0 {
		return
	}
	res, timedOut := b.exec(live)
	var wg sync.WaitGroup
	for i, j := range live {
		// A batch that ran out of time says nothing about its members (the machine is busy):
		// retrying 16 cameras alone would only make it busier.
		if res[i].err == nil || timedOut || len(live) == 1 || j.ctx.Err() != nil {
			j.done <- res[i]
			continue
		}
		wg.Go(func() {
			r, _ := b.exec([]*decodeJob{j})
			j.done <- r[0]
		})
	}
	wg.Wait()
}

// exec runs one ffmpeg process for jobs and returns one result per job, and whether the process
// ran out of time. It waits for a process slot as long as one of jobs waits; decode_timeout
// bounds the process from its start.
func (b *batcher) exec(jobs []*decodeJob) ([]decodeResult, bool) {
	out := make([]decodeResult, len(jobs))
	waiting, gone := context.WithCancel(context.Background())
	defer gone()
	for _, j := range jobs {
		stop := context.AfterFunc(j.ctx, func() {
			if allDone(jobs) { // nobody waits for the pictures any more
				gone()
			}
		})
		defer stop()
	}
	select {
	case b.procs <- struct{}{}:
		defer func() { <-b.procs }()
	case <-waiting.Done():
		return fill(out, errors.New("解码进程繁忙")), false
	}
	ctx, cancel := context.WithTimeout(waiting, b.timeout)
	defer cancel()
	b.runs.Add(1)
	bufs, stderr, err := runFFmpeg(ctx, b.ffmpeg, jobs)
	if ctx.Err() != nil {
		return fill(out, fmt.Errorf("解码超时（%s）", b.timeout)), true
	}
	for i, j := range jobs {
		out[i] = pictures(bufs[i], j.frames, err, stderr)
	}
	return out, false
}

func allDone(jobs []*decodeJob) bool {
	for _, j := range jobs {
		if j.ctx.Err() == nil {
			return false
		}
	}
	return true
}

func fill(out []decodeResult, err error) []decodeResult {
	for i := range out {
		out[i].err = err
	}
	return out
}

// pictures reads one camera's output. A process that failed counts only for the cameras it left
// short: its complete outputs stand.
func pictures(buf *bytes.Buffer, frames int, runErr error, stderr string) decodeResult {
	if runErr != nil && buf.Len() == 0 {
		return decodeResult{err: fmt.Errorf("ffmpeg 解码失败：%s", firstLine(stderr, runErr))}
	}
	imgs, perr := readPPMs(buf, frames)
	if runErr != nil && len(imgs) < frames {
		return decodeResult{err: fmt.Errorf("ffmpeg 解码失败：%s", firstLine(stderr, runErr))}
	}
	if len(imgs) == 0 {
		if perr == nil {
			perr = errors.New("ffmpeg 没有输出图像")
		}
		return decodeResult{err: fmt.Errorf("解码失败：%v", perr)}
	}
	return decodeResult{imgs: imgs}
}
