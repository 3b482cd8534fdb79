#!/usr/bin/env bash
# `make bench-reconfig`: builds rackd, runs the reconfiguration-under-load bench (reconfig.bench.ts) in rkc-*
# namespaces under the shared bench lock, and removes those namespaces however the run ends, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/../../.."

cleanup() {
  for ns in rkc-srv rkc-cli; do
    if ip netns list | grep -qw "^$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

missing=()
[ "$(id -u)" = 0 ] || missing+=("not root: the bench creates network namespaces")
command -v perfdhcp >/dev/null || missing+=("perfdhcp not found: apt-get install kea-admin")
command -v kea-dhcp4 >/dev/null || missing+=("kea-dhcp4 not found: apt-get install kea-dhcp4-server")
command -v redis-server >/dev/null || missing+=("redis-server not found: apt-get install redis-server")
command -v flock >/dev/null || missing+=("flock not found: apt-get install util-linux")
if [ ${#missing[@]} -gt 0 ]; then printf 'bench-reconfig: %s\n' "${missing[@]}" >&2; exit 1; fi

npx tsc -p tsconfig.build.json
# One benchmark at a time on a shared machine: the figures are only worth quoting when nothing else runs.
exec 9>/tmp/rackd-bench.lock
flock 9
echo "bench-reconfig: $(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs)"
npx vitest run --config test/bench/reconfig/vitest.config.ts --reporter=verbose --silent=false "$@"
