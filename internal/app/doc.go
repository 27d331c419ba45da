// Package app wires SwanWatch together: it is the only package that imports every
// other one. It opens the stores, maps inventory targets to collector kinds (one
// explicit switch, no init() registration), runs the collector Runner, the rules
// engine and the HTTP server in one oklog/run group, and reloads the configuration
// on SIGHUP or POST /-/reload — a bad file keeps the old configuration and sets
// swanwatch_config_last_reload_successful to 0.
package app
