// Package device owns the park devices of the scenic area (kind "device"):
// gates and turnstiles, vehicle barriers, plate cameras, outdoor LED screens,
// parking guidance, WLAN controllers and public broadcast terminals; and the
// machine rooms of the government cloud: UPSes (ups-rfc1628), rack PDUs
// (pdu-apc-rpdu) and temperature/humidity sensors (th-sensor-input,
// th-sensor-holding).
//
// A vendor is a YAML profile, not code (profiles/*.yaml are shipped; more come
// from Config.Profiles). A profile names one driver and maps the raw values it
// reads to the series of docs/swanlake.md and docs/cloud.md:
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
// Beyond one raw value per series, a profile may say:
//
//   - any (snmp): 1 when any of several conditions holds (a scalar equal to
//     one of some values or above a number, or any row of a column so), 0
//     when none does: a UPS is on battery by its output source, its seconds
//     on battery or the OnBattery row of its alarm table (condition.go);
//   - where (snmp columns): only the rows whose column matches, e.g. the
//     phase rows (bank 0) of an APC PDU's load table;
//   - param (snmp, modbus_tcp): a target param as the value, for a figure the
//     device does not report but the rules need beside it (a PDU's rating);
//     check-config reports it missing (param.go);
//   - params: defaults of target params, and position_in on Modbus
//     registers: their order is a target param (order: humidity,temperature),
//     since sensors of one family disagree on it (modbus_order.go).
//
// Counters a device keeps (passages) become monotonic series here: a counter
// that goes back is a device restart, and a profile may say the device counts
// per day (counter: daily), so that the first value after midnight is all new.
package device
