package restprofile

import (
	"context"
	"fmt"
	"math"
	"net/url"
	"strconv"

	"github.com/tidwall/gjson"
)

// object is one host, VM or datastore: its label fields and numeric values.
type object struct {
	labels map[string]string
	values map[string]float64
}

type round struct {
	hosts, vms, stores []object
	skipped            int // values of the wrong type or an unmapped state
}

func (d *Driver) read(ctx context.Context) (*round, error) {
	r := &round{}
	p := d.c.prof
	var err error
	if p.Hosts != nil {
		if r.hosts, err = d.list(ctx, p.Hosts, r); err != nil {
			return nil, err
		}
	}
	if p.VMs != nil {
		if r.vms, err = d.list(ctx, p.VMs, r); err != nil {
			return nil, err
		}
	}
	if p.Datastores != nil {
		if r.stores, err = d.list(ctx, p.Datastores, r); err != nil {
			return nil, err
		}
	}
	r.placeVMs()
	return r, nil
}

// placeVMs names each VM's host: most platforms give the host's id, the
// series and events want its name.
func (r *round) placeVMs() {
	name := make(map[string]string, len(r.hosts))
	for _, h := range r.hosts {
		if id := h.labels["id"]; id != "" {
			name[id] = h.labels["name"]
		}
	}
	for _, vm := range r.vms {
		id := vm.labels["host_id"]
		if n := name[id]; n != "" {
			vm.labels["host"] = n
		} else if id != "" {
			vm.labels["host"] = id
		}
	}
}

// list reads every page of one endpoint.
func (d *Driver) list(ctx context.Context, ep *Endpoint, r *round) ([]object, error) {
	var out []object
	pages := 1
	if ep.Paging != nil {
		pages = ep.Paging.MaxPages
	}
	for page := 0; page < pages; page++ {
		q := pageQuery(ep, page)
		data, err := d.c.get(ctx, ep.Path, q)
		if err != nil {
			return nil, err
		}
		objs, n, err := parsePage(ep, data, r)
		if err != nil {
			return nil, err
		}
		out = append(out, objs...)
		if ep.Paging == nil || n < ep.Paging.Size {
			return out, nil
		}
	}
	d.log.Warn("paging stopped at max_pages", "path", ep.Path, "pages", pages)
	return out, nil
}

// parsePage reads one reply's list: the objects and how many items the
// page held (a short page is the last).
func parsePage(ep *Endpoint, data []byte, r *round) ([]object, int, error) {
	if !gjson.ValidBytes(data) {
		return nil, 0, fmt.Errorf("%w: %s did not answer JSON", ErrReply, ep.Path)
	}
	arr := gjson.GetBytes(data, ep.List)
	if !arr.IsArray() {
		return nil, 0, fmt.Errorf("%w: %s: %q is not a list", ErrReply, ep.Path, ep.List)
	}
	items := arr.Array()
	out := make([]object, 0, len(items))
	for _, it := range items {
		if o, ok := parseObject(ep, it, r); ok {
			out = append(out, o)
		}
	}
	return out, len(items), nil
}

// parseObject reads one item; an item without a name is skipped (counted).
func parseObject(ep *Endpoint, it gjson.Result, r *round) (object, bool) {
	o := object{labels: map[string]string{}, values: map[string]float64{}}
	for k, f := range ep.Fields {
		if labelFields[k] {
			v := it.Get(f.Path)
			if v.Type == gjson.String || v.Type == gjson.Number {
				o.labels[k] = v.String()
			}
			continue
		}
		v, ok, present := f.value(it)
		if ok {
			o.values[k] = v
		} else if present {
			r.skipped++
		}
	}
	if o.labels["name"] == "" {
		r.skipped++
		return object{}, false
	}
	return o, true
}

// value reads a numeric field: ok when it has a value, present when the
// platform gave something (a wrong type or unknown state is counted).
func (f *Field) value(it gjson.Result) (v float64, ok, present bool) {
	x := it.Get(f.Path)
	if !x.Exists() || x.Type == gjson.Null {
		return 0, false, false
	}
	switch {
	case f.Map != nil:
		if x.Type != gjson.String && x.Type != gjson.Number && x.Type != gjson.True && x.Type != gjson.False {
			return 0, false, true
		}
		m, found := f.Map[x.String()]
		if !found {
			if f.Unmapped == nil {
				return 0, false, true
			}
			m = *f.Unmapped
		}
		v = m
	case x.Type == gjson.Number:
		v = x.Float()
	default:
		return 0, false, true
	}
	if f.Subtract != "" {
		s := it.Get(f.Subtract)
		if s.Type != gjson.Number {
			return 0, false, true
		}
		v -= s.Float()
	}
	v *= f.Scale
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0, false, true
	}
	return v, true, true
}

func pageQuery(ep *Endpoint, page int) url.Values {
	q := url.Values{}
	if pg := ep.Paging; pg != nil {
		q.Set(pg.LimitParam, strconv.Itoa(pg.Size))
		q.Set(pg.OffsetParam, strconv.Itoa(page*pg.Size))
	}
	return q
}

func firstPage(ep *Endpoint) url.Values { return pageQuery(ep, 0) }
