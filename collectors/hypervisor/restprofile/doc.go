// Package restprofile is the hypervisor driver for REST-pull platforms
// (ZStack, and any platform described the same way): the platform is a YAML
// profile — login flow, endpoints, JSON paths, unit scales and value maps —
// not code. Shipped profiles are embedded from profiles/*.yaml; Openers maps
// each profile's name to its driver.Opener for the hypervisor kind's table.
//
// A round logs in once (and again when the platform answers 401), lists
// hosts, VMs and datastores (paging where the profile says so), emits the
// series of docs/cloud.md and, between rounds, turns state changes into
// events (vm_started, vm_stopped, host_failed, host_recovered).
package restprofile
