// Command swansim runs the simulated estate of internal/sim on its own: 3,000
// cloud VMs with monitoring agents by default, behind one loopback listener, and
// optionally the e-government WAN (SNMP agents on their own loopback addresses),
// for benchmarks and for pointing a SwanWatch or a Prometheus at by hand.
//
//	swansim -vms 3000 -listen 127.0.0.1:9400 -seed 1
//	swansim -vms 1 -wan-scale 0.02 -traps 127.0.0.1:1162   # small WAN, traps to :1162
//
// It prints the inventory URL (the control plane's export shape) and runs until
// SIGINT or SIGTERM. Links are forced down and up with POST /control/link/{a~b}/down|up|auto.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/swanwatch/swanwatch/internal/sim"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "swansim:", err)
		os.Exit(1)
	}
}

// run serves until ctx is done (SIGINT or SIGTERM in main).
func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("swansim", flag.ContinueOnError)
	fs.SetOutput(stderr)
	var o sim.Options
	fs.IntVar(&o.VMs, "vms", 3000, "simulated cloud VMs with monitoring agents")
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:9400", "listen address (loopback recommended)")
	fs.Int64Var(&o.Seed, "seed", 1, "seed: same seed, same estate and figures")
	fs.DurationVar(&o.FaultEvery, "fault-every", 0, "take one host or county machine room down every period (0: natural schedule only)")
	fs.Float64Var(&o.OfflineShare, "offline-share", 0.01, "mean share of agents in short outages (negative: none)")
	fs.Float64Var(&o.WANScale, "wan-scale", 0, "size of the simulated WAN (1 = reference estate of ~2,500 devices, 0 = none)")
	fs.StringVar(&o.TrapTarget, "traps", "", "host:port that receives the WAN's linkDown/linkUp traps (empty: no traps)")
	fs.StringVar(&o.TrapCommunity, "trap-community", "public", "SNMPv2c community of the traps")
	if err := fs.Parse(args); err != nil {
		return err
	}
	o.Logger = slog.New(slog.NewTextHandler(stderr, nil))
	s, err := sim.New(o)
	if err != nil {
		return err
	}
	if err := s.Start(); err != nil {
		return err
	}
	base := "http://" + s.Addr()
	fmt.Fprintf(stdout, "inventory: %s/inventory\ncontrol:   %s/control\nagents:    %s/vm/{name}/metrics\n", base, base, base)
	if err := s.Run(ctx); err != nil {
		return err
	}
	o.Logger.Info("simulated estate stopped")
	return nil
}
