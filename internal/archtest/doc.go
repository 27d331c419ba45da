// Package archtest holds the tests that keep the tree's shape: which
// packages may link Prometheus' server code and who may import the wiring.
// It has no code of its own.
package archtest
