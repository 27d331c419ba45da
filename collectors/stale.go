package collectors

// finish completes the samples of a round once Collect has returned. A failed
// round keeps none of the collector's samples (the round is meaningless, as in a
// failed Prometheus scrape). Series that were live and are not in this round get a
// staleness marker, so queries stop returning them at once instead of five minutes
// later. The Runner's own series are appended last.
func (s *seriesSet) finish(ok bool, up, duration float64) []Sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !ok {
		s.samples = s.samples[:0]
		s.accepted = 0
	}
	for canon, e := range s.byLabels {
		if ok && e.seen == s.round {
			e.live = true
			continue
		}
		if e.live {
			s.samples = append(s.samples, Sample{Labels: e.labels, Value: StaleNaN})
		}
		s.forget(canon, e)
	}
	vals := [...]float64{up, duration, float64(s.accepted)}
	for i, e := range s.own {
		s.samples = append(s.samples, Sample{Labels: e.labels, Value: vals[i]})
	}
	s.ownLive = true
	return s.samples
}

func (s *seriesSet) forget(canon string, e *series) {
	delete(s.byLabels, canon)
	for _, k := range e.rawKeys {
		delete(s.byRaw, k)
	}
}

// staleAll returns staleness markers for every series the target last wrote; the
// Runner appends them when the target leaves the inventory.
func (s *seriesSet) staleAll() []Sample {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.samples = s.samples[:0]
	for canon, e := range s.byLabels {
		if e.live {
			s.samples = append(s.samples, Sample{Labels: e.labels, Value: StaleNaN})
		}
		s.forget(canon, e)
	}
	if s.ownLive {
		for _, e := range s.own {
			s.samples = append(s.samples, Sample{Labels: e.labels, Value: StaleNaN})
		}
		s.ownLive = false
	}
	return s.samples
}

// stats reports the accepted and dropped sample counts of the current round.
func (s *seriesSet) stats() (accepted, drops int, firstDrop string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted, s.drops, s.firstDrop
}
