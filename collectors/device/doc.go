// Package device owns the park devices of the scenic area (kind "device"):
// gates and turnstiles, vehicle barriers, plate cameras, outdoor LED screens,
// parking guidance, WLAN controllers and public broadcast terminals.
//
// A vendor is a YAML profile, not code (profiles/*.yaml are shipped; more come
// from Config.Profiles). A profile names one driver and maps the raw values it
// reads to the series of docs/swanlake.md:
//
//   - http_json: GET/POST requests, values picked by gjson paths (XML answers
//     are turned into the same tree first), digest, basic or no auth from the
//     target's username + password_file;
//   - modbus_tcp: register maps (function, address, type, scale, byte and word
//     order, unit id) read with github.com/simonvetter/modbus;
//   - snmp: table columns and scalars read through collectors/snmp.Poll, so
//     the SNMP session handling is that collector's, not a second one;
//   - tcp: reachability and connect time;
//   - sip_options: SIP OPTIONS over UDP to broadcast terminals (sip.go says
//     why it is a small transaction of our own on sipgo's message parser);
//   - plate_push: nothing is polled; the plate cameras push their reads to
//     PlateReceiver (an http.Handler the route table mounts), and each round
//     emits the counts of that camera.
//
// Counters a device keeps (passages) become monotonic series here: a counter
// that goes back is a device restart, and a profile may say the device counts
// per day (counter: daily), so that the first value after midnight is all new.
package device
