package vsphere

import (
	"context"
	"time"

	"github.com/vmware/govmomi/vapi/rest"
	"github.com/vmware/govmomi/vapi/tags"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/types"
)

// tagsEvery is how often VM tags are read again: tags change by hand, and
// reading them costs a REST login and a call per category and tag.
const tagsEvery = 5 * time.Minute

// tagCache is every VM's tags per category name, as last read.
type tagCache struct {
	at     time.Time
	byVM   map[string]map[string]string // VM ref → category → tag name
	rest   *rest.Client
	warned bool
}

// vmLabels resolves each VM's system and department from the configured
// sources. Tags are an enrichment: when the tagging service fails the round
// goes on with the tags last read (and a warning).
func (d *Driver) vmLabels(ctx context.Context, inv *inventory) (system, dept map[string]string) {
	if d.p.system.kind == fromTag || d.p.dept.kind == fromTag {
		d.refreshTags(ctx, inv)
	}
	system, dept = map[string]string{}, map[string]string{}
	for ref, v := range inv.vms {
		if s := d.label(inv, v, d.p.system); s != "" {
			system[ref] = s
		}
		if s := d.label(inv, v, d.p.dept); s != "" {
			dept[ref] = s
		}
	}
	return system, dept
}

func (d *Driver) label(inv *inventory, v *vm, src labelSource) string {
	switch src.kind {
	case fromFolder:
		if c := inv.others[v.parent]; c != nil && c.typ == "Folder" {
			return c.name
		}
	case fromAttribute:
		for key, name := range d.sess.fields {
			if name == src.name {
				return v.custom[key]
			}
		}
	case fromTag:
		return d.tags.byVM[v.ref][src.name]
	}
	return ""
}

func (d *Driver) refreshTags(ctx context.Context, inv *inventory) {
	if !d.tags.at.IsZero() && d.now().Sub(d.tags.at) < tagsEvery {
		return
	}
	d.tags.at = d.now()
	byVM, err := d.readTags(ctx, inv)
	if err != nil {
		d.tags.rest = nil // log in again next time
		if !d.tags.warned {
			d.log.Warn("vSphere tags not read; system/dept from tags stay as last read", "err", err)
			d.tags.warned = true
		}
		return
	}
	d.tags.warned = false
	d.tags.byVM = byVM
}

func (d *Driver) readTags(ctx context.Context, inv *inventory) (map[string]map[string]string, error) {
	if d.tags.rest == nil {
		rc := rest.NewClient(d.vc)
		if err := rc.Login(ctx, d.user); err != nil {
			return nil, classify(ctx, "tagging service login", err)
		}
		d.tags.rest = rc
	}
	m := tags.NewManager(d.tags.rest)
	cats, err := m.GetCategories(ctx)
	if err != nil {
		return nil, err
	}
	catName := map[string]string{}
	for _, c := range cats {
		catName[c.ID] = c.Name
	}
	refs := make([]mo.Reference, 0, len(inv.vms))
	for ref := range inv.vms {
		refs = append(refs, types.ManagedObjectReference{Type: "VirtualMachine", Value: ref})
	}
	out := map[string]map[string]string{}
	if len(refs) == 0 {
		return out, nil
	}
	attached, err := m.GetAttachedTagsOnObjects(ctx, refs)
	if err != nil {
		return nil, err
	}
	for _, a := range attached {
		ref := a.ObjectID.Reference().Value
		for _, t := range a.Tags {
			if out[ref] == nil {
				out[ref] = map[string]string{}
			}
			out[ref][catName[t.CategoryID]] = t.Name
		}
	}
	return out, nil
}
