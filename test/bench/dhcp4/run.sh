#!/usr/bin/env bash
# `make bench-dhcp4`: builds rackd, runs the Kea-vs-rackd DHCPv4 bench (dora.perf.ts) in rkb-* namespaces,
# and removes those namespaces (and everything running in them) however the run ends, Ctrl-C included.
set -euo pipefail
cd "$(dirname "$0")/../../.."

cleanup() {
  for ns in rkb-srv rkb-cli; do
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
command -v curl >/dev/null || missing+=("curl not found: apt-get install curl")
if [ ${#missing[@]} -gt 0 ]; then printf 'bench-dhcp4: %s\n' "${missing[@]}" >&2; exit 1; fi

npx tsc -p tsconfig.build.json
# One benchmark at a time on a shared machine: the figures are only worth quoting when nothing else runs.
exec 9>/tmp/rackd-bench.lock
flock 9
load=$(cut -d' ' -f1 /proc/loadavg)
echo "bench-dhcp4: $(date -u +%FT%TZ), load $load, $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(free -m | awk '/Mem:/{print $2}') MiB"
npx vitest run --config test/bench/dhcp4/vitest.config.ts --reporter=verbose --silent=false "$@"
