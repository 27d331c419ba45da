package collectortest

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/swanwatch/swanwatch/collectors"
)

// lineCollector reads "name value [label value]..." lines from a TCP peer: a
// minimal honest collector that shows the suite passes what it should.
type lineCollector struct{}

func (lineCollector) Collect(ctx context.Context, t collectors.Target, emit collectors.Emit) error {
	var d net.Dialer
	conn, err := d.DialContext(ctx, "tcp", t.Address)
	if err != nil {
		return fmt.Errorf("dial %s: %w", t.Address, err)
	}
	defer conn.Close()
	stop := context.AfterFunc(ctx, func() { conn.SetDeadline(time.Unix(1, 0)) })
	defer stop()
	sc := bufio.NewScanner(conn)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 2 {
			return fmt.Errorf("parse %q: want name and value", sc.Text())
		}
		v, err := strconv.ParseFloat(f[1], 64)
		if err != nil {
			return fmt.Errorf("parse %q: %w", sc.Text(), err)
		}
		emit(f[0], v, f[2:]...)
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read %s: %w", t.Address, err)
	}
	return nil
}

// linePeer serves lines to every connection (or nothing, when silent) until the
// test ends.
func linePeer(t *testing.T, body string, silent bool) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var conns []net.Conn
	wg.Go(func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			if silent { // hold it open, answer nothing
				mu.Lock()
				conns = append(conns, c)
				mu.Unlock()
				continue
			}
			wg.Go(func() { defer c.Close(); fmt.Fprint(c, body) })
		}
	})
	t.Cleanup(func() {
		l.Close()
		mu.Lock()
		for _, c := range conns {
			c.Close()
		}
		mu.Unlock()
		wg.Wait()
	})
	return l.Addr().String()
}

func TestSuitePassesAnHonestCollector(t *testing.T) {
	body := "temp_celsius 21.5 sensor rack1\nhumidity_ratio 0.4\n"
	n := 0
	Run(t, Suite{
		Kind: "line",
		New:  func() collectors.Collector { return lineCollector{} },
		Target: func(t *testing.T) collectors.Target {
			n++
			return collectors.Target{Kind: "line", Name: fmt.Sprintf("room-%d", n), Address: linePeer(t, body, false)}
		},
		Silent: func(t *testing.T) collectors.Target {
			return collectors.Target{Kind: "line", Name: "silent", Address: linePeer(t, "", true)}
		},
	})
}
