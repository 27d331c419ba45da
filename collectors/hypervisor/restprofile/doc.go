// Package restprofile is the hypervisor driver for REST-pull platforms
// (ZStack, and any platform described the same way): the platform is a YAML
// profile — login flow, endpoints, JSON paths, unit scales and value maps —
// not code. Shipped profiles are embedded from profiles/*.yaml; Openers maps
// each profile's name (the target's `platform` param) to its driver.Opener
// for the hypervisor kind's table.
//
// A round logs in once (and again, once, when the platform says the
// session expired: an HTTP status or an error code in the body), lists
// hosts, VMs and datastores (offset/limit paging where the profile says
// so), emits the series of docs/cloud.md and, between rounds, turns state
// changes into events (vm_started, vm_stopped, host_failed, host_recovered).
//
// A profile (see profiles/zstack.yaml):
//
//	name: zstack                      # the `platform` param
//	headers: {Accept: application/json}
//	max_reply_bytes: 33554432         # bound on one reply (default 32 MiB)
//	login:
//	  kind: json                      # or basic (HTTP Basic on every request)
//	  method: PUT                     # POST (default) or PUT
//	  path: /zstack/v1/accounts/login
//	  body: '{"logInByAccount":{"accountName":{{username}},"password":{{password}}}}'
//	  password_hash: sha512-hex       # or sha256-hex, or nothing
//	  token_path: inventory.uuid      # gjson path in the reply, or token_header: X-Auth-Token
//	  send_header: Authorization
//	  send_prefix: "OAuth "
//	  relogin_status: [401]           # default [401]
//	  relogin_code_path: error.code   # optional, with relogin_codes
//	  relogin_codes: [ID.1001]
//	hosts | vms | datastores:
//	  path: /zstack/v1/hosts
//	  list: inventories               # gjson path of the array (@this for a bare one)
//	  paging: {limit_param: limit, offset_param: start, size: 500, max_pages: 100}
//	  fields:                         # a bare path, or {path, subtract, scale, map, unmapped}
//	    name: name
//	    up: {path: status, map: {Connected: 1, Disconnected: 0}}
//
// Fields: hosts name, id, cluster, version, up, maintenance, health,
// cpu_capacity_hz, cpu_used_hz, memory_capacity_bytes, memory_used_bytes;
// vms name, uuid, host_id (a host's id or name), cluster, running, vcpus,
// memory_bytes, cpu_usage_ratio, memory_used_bytes; datastores name,
// datacenter, capacity_bytes, free_bytes. A value of the wrong type or a
// state not in the map is skipped and counted (logged once per round).
package restprofile
