#!/usr/bin/env bash
# `make bench-dhcp4`: builds rackd, runs the Kea-vs-rackd DHCPv4 bench (dora.perf.ts) in rkb-* namespaces,
# and removes those namespaces (and everything running in them) however the run ends, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source test/bench/support/bench-run.sh

bench_cleanup_on_exit rkb-srv rkb-cli
bench_require bench-dhcp4 perfdhcp:kea-admin kea-dhcp4:kea-dhcp4-server curl:curl taskset:util-linux flock:util-linux cc:gcc
npx tsc -p tsconfig.build.json
# One benchmark at a time on a shared machine: the figures are only worth quoting when nothing else runs.
bench_lock bench-dhcp4
npx vitest run --config test/bench/dhcp4/vitest.config.ts --reporter=verbose --silent=false "$@"
