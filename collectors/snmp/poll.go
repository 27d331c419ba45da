package snmp

import (
	"context"
	"fmt"
	"time"

	"github.com/gosnmp/gosnmp"

	"github.com/swanwatch/swanwatch/collectors"
)

// Poll opens one session to the SNMP agent of t, runs fn with it and closes
// it. t's address and Params are read as for kind snmp (version,
// community_file, the v3 user and pass phrase files, snmp_timeout,
// snmp_retries, max_repetitions), so another collector — the park devices'
// WLAN controllers — reads its tables through this package's session: the
// round's deadline wins, wrong credentials are told apart from timeouts, and
// a walk that loops or runs away is stopped. cfg must be defaulted.
//
// A Poll session starts without the engine cache of this collector's own
// rounds: a v3 device costs one discovery request more per round.
func Poll(ctx context.Context, t collectors.Target, cfg Config, fn func(*Querier) error) error {
	tp, err := parseTarget(t, cfg)
	if err != nil {
		return fmt.Errorf("target %s params: %w", t.Name, err)
	}
	s, err := dial(ctx, tp, cfg, engineCache{}, time.Now())
	if err != nil {
		return err
	}
	defer s.close()
	return fn(&Querier{s: s})
}

// Querier is one Poll session; it is not safe for concurrent use.
type Querier struct{ s *session }

// Get fetches scalar OIDs (dotted, with or without the leading dot); a missing
// one comes back with type NoSuchObject or NoSuchInstance.
func (q *Querier) Get(oids []string) ([]gosnmp.SnmpPDU, error) {
	norm := make([]string, len(oids))
	for i, o := range oids {
		norm[i] = normOID(o)
	}
	return q.s.get(norm)
}

// Walk walks the table columns roots side by side (GETBULK, only the columns
// asked for) and calls fn with the column's position in roots, the row index
// (the OID past the column, without the leading dot) and the varbind.
func (q *Querier) Walk(roots []string, fn func(col int, index string, pdu gosnmp.SnmpPDU)) error {
	norm := make([]string, len(roots))
	for i, r := range roots {
		norm[i] = normOID(r)
	}
	return q.s.walk(norm, -1, fn)
}
