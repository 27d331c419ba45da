package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// The demo's security story (R-A12): an outside address scans the city's
// border firewall, whose deny lines arrive over syslog, and becomes one
// FirewallDenyBurst incident; the month's report lists it in 八、安全运营.
const (
	storyFirewall = "smx-fw-01"    // the city data center's Huawei USG
	storyScanner  = "203.0.113.77" // a documentation address (RFC 5737): the scan's source as the firewall logs it
	storyDenies   = 300            // over storyScanFor: FirewallDenyBurst (100 a minute) holds for the scan
	storyScanFor  = 90 * time.Second
)

// securityStory scans the border firewall after `after` (negative: never).
func securityStory(s *sim.Sim, after time.Duration, out io.Writer) Actor {
	ctx, cancel := context.WithCancel(context.Background())
	return Actor{Run: func() error {
		if after < 0 {
			<-ctx.Done()
			return nil
		}
		say(out, "演示场景：%s 后境外地址 %s 扫描边界防火墙 %s（%d 条拒绝日志，%s 内）。\n",
			after, storyScanner, storyFirewall, storyDenies, storyScanFor)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(after):
		}
		say(out, "演示场景：%s 开始扫描边界防火墙 %s（%s）\n", storyScanner, storyFirewall, cst.FormatTime(time.Now()))
		if err := s.DenyBurst(storyFirewall, storyScanner, storyDenies, storyScanFor); err != nil {
			return fmt.Errorf("demo security story: %w", err)
		}
		<-ctx.Done()
		return nil
	}, Stop: func(error) { cancel() }}
}
