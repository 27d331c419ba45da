// Command benchvc serves govmomi's simulated vCenter (vcsim) with the
// benchmark's inventory in its own process, so that the driver's CPU time can
// be measured apart from the simulator's (see BenchmarkRound).
//
//	go build -o /work/tmpbin/hv/benchvc ./collectors/hypervisor/vsphere/benchvc
//	/work/tmpbin/hv/benchvc -clusters 10 -hosts-per-cluster 15 -vms-per-cluster 300
//
// It prints the SDK URL (with the test credentials) on its first line and
// serves until stdin closes or it is interrupted.
package main

import (
	"crypto/tls"
	"flag"
	"fmt"
	"io"
	"log"
	"net/url"
	"os"
	"os/signal"

	"github.com/vmware/govmomi/simulator"
)

func main() {
	clusters := flag.Int("clusters", 10, "clusters")
	hosts := flag.Int("hosts-per-cluster", 15, "hosts per cluster")
	vms := flag.Int("vms-per-cluster", 300, "VMs per cluster")
	datastores := flag.Int("datastores", 4, "datastores")
	user := flag.String("user", "administrator@vsphere.local", "user")
	pass := flag.String("pass", "Vc-s3cret-pw!", "password")
	flag.Parse()

	m := simulator.VPX()
	m.Host = 0
	m.Cluster = *clusters
	m.ClusterHost = *hosts
	m.Machine = *vms
	m.Datastore = *datastores
	if err := m.Create(); err != nil {
		log.Fatal(err)
	}
	defer m.Remove()
	m.Service.TLS = new(tls.Config)
	m.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*user, *pass)}
	s := m.Service.NewServer()
	defer s.Close()
	fmt.Println(s.URL.String())

	done := make(chan struct{})
	go func() { _, _ = io.Copy(io.Discard, os.Stdin); close(done) }()
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, os.Interrupt)
	select {
	case <-done:
	case <-sig:
	}
}
