package nvr

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/swanwatch/swanwatch/collectors"
	"github.com/swanwatch/swanwatch/internal/cst"
)

// device is one vendor's HTTP dialect.
type device interface {
	storage(ctx context.Context) ([]disk, error)
	open() finder // one per search worker
}

// Stages of a round whose failure costs part of its data, not the round:
// nvr_errors{stage} is 1 when the stage failed this round.
const (
	stageStorage   = "storage"
	stageSNMP      = "snmp"
	stageSearch    = "search"
	stageRetention = "retention"
)

// round is one poll of one recorder.
type round struct {
	c    *Collector
	st   *targetState
	tp   targetParams
	now  time.Time
	emit collectors.Emit

	budget atomic.Int64 // footage probes left this round
	abort  atomic.Bool  // the recorder refused or stopped answering: no more searches

	mu   sync.Mutex
	errs map[string]error // stage → first error
}

func (r *round) run(ctx context.Context) error {
	dev, err := r.device()
	if err != nil {
		return err
	}
	snmpCtx, stopSNMP := context.WithCancel(ctx)
	defer stopSNMP()
	var snmpDisks []disk
	var wg sync.WaitGroup
	if r.tp.snmp != "" {
		wg.Go(func() {
			var err error
			snmpDisks, err = hostResources(snmpCtx, r.tp.snmp, r.tp.community, r.c.cfg.RequestTimeout)
			r.fail(stageSNMP, err)
		})
	}
	httpDisks, storErr := dev.storage(ctx)
	r.fail(stageStorage, storErr)
	var results []chanResult
	if !fatal(storErr) {
		results = r.channels(ctx, dev)
	} else {
		stopSNMP()
	}
	wg.Wait()
	if err := r.verdict(storErr, results); err != nil {
		r.noteAuth(err)
		return err
	}
	r.emitDisks(httpDisks, snmpDisks)
	r.emitFill(httpDisks, snmpDisks, results)
	r.emitChannels(results)
	r.emit("nvr_retention_required_days", float64(r.tp.retentionDays))
	r.emitErrors()
	return nil
}

// device returns the recorder's dialect over the target's client. After the
// recorder refused these credentials, HTTP is held back for auth_backoff:
// recorders lock the account (and the address) after a few failures.
func (r *round) device() (device, error) {
	st := r.st
	if key := clientKey(r.tp); st.cl == nil || st.cl.key != key {
		st.cl, st.authFailed, st.authErr = r.c.newClient(r.tp), time.Time{}, nil
	}
	if !st.authFailed.IsZero() {
		if left := r.c.cfg.AuthBackoff - r.now.Sub(st.authFailed); left > 0 {
			mAuthHeldBack.Inc()
			return nil, fmt.Errorf("%w；为免录像机锁定账户，%s内不再登录（更新密码文件后立即重试）",
				st.authErr, cst.FormatDuration(left))
		}
	}
	if r.tp.profile == ProfileDahua {
		return &dahua{cl: st.cl, loc: r.tp.loc, bg: &r.c.bg}, nil
	}
	return &hikvision{cl: st.cl, loc: r.tp.loc, st: st}, nil
}

func (r *round) noteAuth(err error) {
	if errors.Is(err, ErrAuth) {
		r.st.authFailed, r.st.authErr = r.now, err
	}
}

// verdict is the round's error: none when anything useful came back. The
// round fails when the recorder cannot be reached or refuses our
// credentials, or when every part failed.
func (r *round) verdict(storErr error, results []chanResult) error {
	if fatal(storErr) {
		return storErr
	}
	useful := storErr == nil || (r.tp.snmp != "" && r.errs[stageSNMP] == nil)
	for _, res := range results {
		if errors.Is(res.err, ErrAuth) {
			return res.err
		}
		useful = useful || res.searched
	}
	if !useful {
		return storErr
	}
	return nil
}

// fail records the first error of a stage; the round goes on.
func (r *round) fail(stage string, err error) {
	if err == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.errs[stage] == nil {
		r.errs[stage] = err
	}
}

func (r *round) emitErrors() {
	stages := []string{stageStorage}
	if r.tp.snmp != "" {
		stages = append(stages, stageSNMP)
	}
	if len(r.tp.channels) > 0 {
		stages = append(stages, stageSearch, stageRetention)
	}
	for _, s := range stages {
		v := 0.0
		if err := r.errs[s]; err != nil {
			v = 1
			r.c.log.Debug("partial data", "stage", s, "err", err)
		}
		r.emit("nvr_errors", v, "stage", s)
	}
}

// emitDisks emits the HTTP disks and the SNMP disks of other names (the same
// name is the same disk; the recorder's own view wins).
func (r *round) emitDisks(httpDisks, snmpDisks []disk) {
	names := map[string]bool{}
	for _, d := range httpDisks {
		names[d.name] = true
	}
	for _, d := range httpDisks {
		r.emitDisk(d)
	}
	for _, d := range snmpDisks {
		if !names[d.name] {
			r.emitDisk(d)
		}
	}
}

func (r *round) emitDisk(d disk) {
	if d.okKnown {
		r.emit("nvr_disk_ok", b2f(d.ok), "disk", d.name)
	}
	if d.sized {
		r.emit("nvr_disk_capacity_bytes", d.capacity, "disk", d.name)
		r.emit("nvr_disk_free_bytes", d.free, "disk", d.name)
	}
}

// emitFill feeds the trend with the recorder's total free space (from HTTP,
// else SNMP) and emits nvr_days_until_full when it has a meaning.
func (r *round) emitFill(httpDisks, snmpDisks []disk, results []chanResult) {
	source, ds := "http", httpDisks
	if !anySized(ds) {
		source, ds = "snmp", snmpDisks
	}
	var capacity, free float64
	for _, d := range ds {
		if d.sized {
			capacity += d.capacity
			free += d.free
		}
	}
	if capacity <= 0 {
		return
	}
	recording := false
	for _, res := range results {
		recording = recording || res.recording
	}
	tr := &r.st.trend
	tr.observe(r.now, source, capacity, free, r.c.cfg.TrendWindow)
	if days, ok := tr.daysUntilFull(r.c.cfg.TrendMinSpan, free, recording); ok {
		r.emit("nvr_days_until_full", days)
	}
}

func anySized(ds []disk) bool {
	for _, d := range ds {
		if d.sized {
			return true
		}
	}
	return false
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}
