#!/usr/bin/env bash
# `make bench-reconfig` and `make bench-churn`: builds rackd, runs the bench file given (reconfig.bench.ts or
# churn.bench.ts) in rkc-* namespaces under the shared bench lock, and removes those namespaces however the run
# ends, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/../../.."
source test/bench/support/bench-run.sh

bench_cleanup_on_exit rkc-srv rkc-cli
bench_require bench-reconfig perfdhcp:kea-admin kea-dhcp4:kea-dhcp4-server redis-server:redis-server flock:util-linux cc:gcc
npx tsc -p tsconfig.build.json
bench_lock bench-reconfig
npx vitest run --config test/bench/reconfig/vitest.config.ts --reporter=verbose --silent=false "$@"
