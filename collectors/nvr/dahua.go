package nvr

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"
)

// dahua speaks the CGI: storageDevice.cgi and the mediaFileFind finder.
type dahua struct {
	cl  *client
	loc *time.Location
	bg  *sync.WaitGroup // finder objects destroyed after the round
}

const (
	dahuaStorage = "/cgi-bin/storageDevice.cgi?action=getDeviceAllInfo"
	dahuaFind    = "/cgi-bin/mediaFileFind.cgi"
	dahuaPage    = 100
)

func (d *dahua) storage(ctx context.Context) ([]disk, error) {
	rep, err := d.cl.do(ctx, http.MethodGet, dahuaStorage, nil)
	if err != nil {
		return nil, err
	}
	if rep.status != http.StatusOK {
		return nil, dahuaError(dahuaStorage, rep)
	}
	return parseDahuaStorage(rep.body)
}

func dahuaError(path string, rep reply) error {
	if _, err := kvLines(rep.body); errors.Is(err, ErrDevice) {
		return fmt.Errorf("%w (HTTP %d for %s)", err, rep.status, strings.SplitN(path, "&", 2)[0])
	}
	return fmt.Errorf("%w: HTTP %d for %s", ErrDevice, rep.status, strings.SplitN(path, "&", 2)[0])
}

// open returns a finder that creates its mediaFileFind object at its first
// search and destroys it at close: a recorder has only a few.
func (d *dahua) open() finder { return &dahuaFinder{d: d} }

type dahuaFinder struct {
	d   *dahua
	obj string
	ctx context.Context // of the last search, for close
}

func (f *dahuaFinder) get(ctx context.Context, query string) (reply, error) {
	rep, err := f.d.cl.do(ctx, http.MethodGet, dahuaFind+"?"+query, nil)
	if err == nil && rep.status != http.StatusOK {
		err = dahuaError(dahuaFind+"?"+query, rep)
	}
	return rep, err
}

// find runs findFile, findNextFile until the files run out (or max), and
// close, for one channel and [from, to).
func (f *dahuaFinder) find(ctx context.Context, ch string, from, to time.Time, max int) ([]span, bool, error) {
	f.ctx = ctx
	if f.obj == "" {
		rep, err := f.get(ctx, "action=factory.create")
		if err != nil {
			return nil, false, err
		}
		if f.obj, err = parseDahuaObject(rep.body); err != nil {
			return nil, false, err
		}
	}
	mSearches.Inc()
	q := fmt.Sprintf("action=findFile&object=%s&condition.Channel=%s&condition.StartTime=%s&condition.EndTime=%s&condition.Types[0]=dav",
		f.obj, ch, cgiEscape(from.In(f.d.loc).Format(dahuaLayout)), cgiEscape(to.In(f.d.loc).Format(dahuaLayout)))
	rep, err := f.get(ctx, q)
	if err == nil {
		err = parseDahuaOK(rep.body, "findFile")
	}
	if err != nil {
		return nil, false, err
	}
	spans, more, err := f.next(ctx, max)
	if cerr := f.stop(ctx); err == nil {
		err = cerr
	}
	return spans, more, err
}

func (f *dahuaFinder) next(ctx context.Context, max int) ([]span, bool, error) {
	var out []span
	for len(out) < max {
		count := min(dahuaPage, max-len(out))
		rep, err := f.get(ctx, fmt.Sprintf("action=findNextFile&object=%s&count=%d", f.obj, count))
		if err != nil {
			return out, false, err
		}
		spans, found, err := parseDahuaFind(rep.body, f.d.loc)
		if err != nil {
			return out, false, err
		}
		out = append(out, spans...)
		if found < count || len(spans) == 0 {
			return out, false, nil
		}
	}
	return out, true, nil
}

// stop ends the search (close), keeping the object for the next channel.
func (f *dahuaFinder) stop(ctx context.Context) error {
	rep, err := f.get(ctx, "action=close&object="+f.obj)
	if err != nil {
		return err
	}
	return parseDahuaOK(rep.body, "close")
}

// close destroys the finder object. When the round's time is up it is done
// after the round, under its own short deadline, so the recorder does not run
// out of finders.
func (f *dahuaFinder) close() {
	if f.obj == "" {
		return
	}
	destroy := func(ctx context.Context) {
		_, _ = f.get(ctx, "action=destroy&object="+f.obj) // best effort: the recorder also expires it
	}
	if f.ctx != nil && f.ctx.Err() == nil {
		destroy(f.ctx)
		return
	}
	f.d.bg.Go(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		destroy(ctx)
	})
}

// cgiEscape escapes a query value with %20 for spaces: the CGI does not read
// "+" as a space.
func cgiEscape(s string) string { return strings.ReplaceAll(s, " ", "%20") }
