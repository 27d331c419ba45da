package logstore

import "context"

// Scan hands every event matching q to fn, oldest first, page by page
// (q.Limit and q.Cursor are its own). Like Query it has no scan budget: it is
// for SwanWatch's own reads over long ranges (the monthly report's security
// events), which must see every event and must not hold them all at once.
// An error from fn stops the scan and is returned.
func (s *Store) Scan(ctx context.Context, q Query, fn func(Event) error) error {
	q.Limit, q.Cursor, q.Direction = MaxLimit, "", Forward
	for {
		res, err := s.count(s.search(ctx, q, -1))
		if err != nil {
			return err
		}
		for _, e := range res.Events {
			if err := fn(e); err != nil {
				return err
			}
		}
		if res.Next == "" {
			return nil
		}
		q.Cursor = res.Next
	}
}
