package bmc

import (
	"context"
	"encoding/json"
	"sync"
)

// system reads one ComputerSystem: its power and health, then processors,
// memory, storage and event logs side by side.
func (r *round) system(ctx context.Context, m json.RawMessage) {
	var s system
	if !r.decode(m, "ComputerSystem", &s) {
		return
	}
	r.systemSeries(s)
	var wg sync.WaitGroup
	wg.Go(func() { r.processors(ctx, s) })
	wg.Go(func() { r.memory(ctx, s) })
	wg.Go(func() { r.each(ctx, s.Storage.ID, r.storage) })
	wg.Go(func() { r.each(ctx, s.LogServices.ID, r.logService) })
	wg.Wait()
}

// systemSeries keeps a system's health, rollup and power state.
func (r *round) systemSeries(s system) {
	r.health("system", s.ID, s.Status)
	r.mu.Lock()
	if code, ok := healthCode(s.Status.HealthRollup); ok {
		r.rollup = max(r.rollup, code)
		r.seenHealth["rollup/"+s.ID] = observed{component: "rollup", id: s.ID, health: s.Status.HealthRollup,
			conditions: s.Status.Conditions}
	}
	// One power state per BMC: the first system by id (a rack server has one).
	if r.sysSeen == "" || s.ID < r.sysSeen {
		r.sysSeen, r.powerOn = s.ID, 0
		if s.PowerState == "On" {
			r.powerOn = 1
		}
	}
	r.mu.Unlock()
}

// processors reads each processor's health; the summary stands in only
// where the BMC lists none.
func (r *round) processors(ctx context.Context, s system) {
	ms := r.members(ctx, s.Processors.ID)
	for _, m := range ms {
		var p component
		if r.decode(m, "Processor", &p) {
			r.health("processor", p.ID, p.Status)
		}
	}
	if len(ms) == 0 {
		r.health("processor", s.ID+"/summary", s.ProcessorSummary.Status)
	}
}

// memory reads each DIMM's health and, where the BMC has MemoryMetrics,
// its lifetime ECC counts (one request per DIMM: not part of an expansion
// of the Memory collection).
func (r *round) memory(ctx context.Context, s system) {
	ms := r.members(ctx, s.Memory.ID)
	var wg sync.WaitGroup
	for _, m := range ms {
		var d memory
		if !r.decode(m, "Memory", &d) || d.Status.State == "Absent" {
			continue
		}
		r.health("memory", d.ID, d.Status)
		if d.MemoryMetrics.ID == "" {
			continue
		}
		wg.Go(func() {
			var mm memoryMetrics
			if err := r.getJSON(ctx, d.MemoryMetrics.ID, &mm); err != nil {
				r.fail(err)
				return
			}
			r.opt("bmc_memory_correctable_errors", mm.LifeTime.CorrectableECCErrorCount, 1, "dimm", d.ID)
			r.opt("bmc_memory_uncorrectable_errors", mm.LifeTime.UncorrectableECCErrorCount, 1, "dimm", d.ID)
		})
	}
	wg.Wait()
	if len(ms) == 0 {
		r.health("memory", s.ID+"/summary", s.MemorySummary.Status)
	}
}

// storage reads one storage subsystem and its drives.
func (r *round) storage(ctx context.Context, m json.RawMessage) {
	var s storage
	if !r.decode(m, "Storage", &s) {
		return
	}
	r.health("storage", s.ID, s.Status)
	drives := s.Drives
	if len(drives) > r.c.cfg.MaxMembers {
		drives = drives[:r.c.cfg.MaxMembers]
	}
	var wg sync.WaitGroup
	for _, l := range drives {
		wg.Go(func() {
			var d drive
			if err := r.getJSON(ctx, l.ID, &d); err != nil {
				r.fail(err)
				return
			}
			r.drive(s.ID, d)
		})
	}
	wg.Wait()
}

// drive emits one drive's series. Drive ids are unique within a storage
// controller only; a second controller's "0" is labelled "<storage>:0".
func (r *round) drive(storageID string, d drive) {
	if d.Status.State == "Absent" || d.ID == "" {
		return
	}
	id := d.ID
	r.mu.Lock()
	if _, taken := r.seenHealth["drive/"+id]; taken {
		id = storageID + ":" + d.ID
	}
	r.mu.Unlock()
	r.health("drive", id, d.Status)
	if d.FailurePredicted != nil {
		v := 0.0
		if *d.FailurePredicted {
			v = 1
		}
		r.emit("bmc_drive_predicted_failure", v, "drive", id)
	}
	r.opt("bmc_drive_life_left_ratio", d.PredictedMediaLifeLeftPercent, 0.01, "drive", id)
}
