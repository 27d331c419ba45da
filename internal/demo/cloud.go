package demo

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/swanwatch/swanwatch/internal/cst"
	"github.com/swanwatch/swanwatch/internal/sim"
)

// hostFailure is how the demo's host fails: HA begins restarting its VMs
// 40 s after (vSphere HA waits for the host's heartbeats to stop), one every
// 3 s on the cluster's other hosts; the last one's restart fails; the host
// is repaired after 8 minutes and that VM is started on it by hand.
var hostFailure = sim.HostFailure{RestartAfter: 40 * time.Second, RestartStep: 3 * time.Second,
	Lasting: 8 * time.Minute, Stuck: 1}

// cloudStory is the demo's story of the cloud (R-A9): after a while a
// hypervisor host of the main data centre fails; HA restarts its VMs on the
// other hosts but one, and the operator sees one incident listing every VM,
// where it came back and how long it was down, and the one that did not.
func cloudStory(s *sim.Sim, after time.Duration, out io.Writer) Actor {
	ctx, cancel := context.WithCancel(context.Background())
	return Actor{Run: func() error {
		if after < 0 {
			<-ctx.Done()
			return nil
		}
		host := s.DemoHost(ctx)
		if host == "" {
			<-ctx.Done()
			return nil
		}
		say(out, "演示场景：%s 后宿主机 %s 故障，HA 在集群内其他宿主机上重启其云服务器（最后一台重启失败），%s 后宿主机修复。\n",
			after, host, hostFailure.Lasting)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(after):
		}
		say(out, "演示场景：宿主机 %s 故障（%s）\n", host, cst.FormatTime(time.Now()))
		if err := s.FailHost(ctx, host, hostFailure); err != nil {
			return fmt.Errorf("demo cloud story: %w", err)
		}
		if ctx.Err() == nil {
			say(out, "演示场景：宿主机 %s 修复（%s）\n", host, cst.FormatTime(time.Now()))
		}
		<-ctx.Done()
		return nil
	}, Stop: func(error) { cancel() }}
}
