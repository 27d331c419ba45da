// Package demo is `swanwatch demo`: a simulated city (internal/sim), the
// built-in configuration that watches it, a stand-in for the duty group's
// WeCom robot and SMS gateway that prints what the engineer's phone would
// show, and the scripted town-uplink fault. It prepares; cmd/swanwatch runs
// the real server (internal/app) on what it prepared.
package demo
