// Package logparse recognises the log lines of the devices the city runs
// (Huawei VRP and USG, H3C Comware and SecPath, Sangfor, Hillstone, Linux
// sshd/sudo/useradd) and turns each into a Record: the vendor and profile that
// recognised it, its security class and the flow, NAT and account labels that
// docs/logs.md names.
//
// The knowledge lives in data, not code: one YAML file per vendor family under
// profiles/, embedded and compiled once (Default), plus an operator's own file
// (Load). A family has a gate (substrings or app names, any of which admits a
// line) and an ordered list of profiles; the first profile whose literals all
// occur and whose regexp (RE2, linear time) and key=value extraction succeed
// wins. The gate and the literals are plain substring searches, so a line no
// family wants costs a handful of strings.Contains and nothing else.
package logparse
