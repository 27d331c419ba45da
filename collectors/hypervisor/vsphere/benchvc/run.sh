#!/usr/bin/env bash
# Runs BenchmarkRound with the simulated vCenter in its own process, so that
# the benchmark's CPU figures are the driver's alone.
#   collectors/hypervisor/vsphere/benchvc/run.sh [benchvc flags]
# Env: BENCHTIME (default 10x), BIN (default /work/tmpbin/hv), GOTESTFLAGS.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
BIN=${BIN:-/work/tmpbin/hv}
mkdir -p "$BIN"
go build -o "$BIN/benchvc" ./collectors/hypervisor/vsphere/benchvc
coproc VC { "$BIN/benchvc" "$@"; }
pid=$VC_PID
trap 'kill "$pid" 2>/dev/null || true' EXIT
read -r url <&"${VC[0]}" # the model is built first (about 2 minutes for 3,000 VMs)
HV_BENCH_VCSIM="$url" go test -run XXX -bench BenchmarkRound -benchtime "${BENCHTIME:-10x}" ${GOTESTFLAGS:-} \
	./collectors/hypervisor/vsphere/
