#!/usr/bin/env bash
# `make run`: a one-machine demo of rackd serving a DHCPv4 reservation (RFC 2131) to udhcpc over a veth pair.
# Host side rackd-lab0 (10.20.0.1/24) <-> eth0 (52:54:00:12:34:56) in namespace rkd-cli; removed on exit.
#
# Environment: DEMO_EXIT_AFTER_LEASE=1 exits after printing the lease (0 with a lease, 1 without);
# DEMO_IPAM=FILE serves another IPAM file (default examples/ipam.yaml); RACKD_LOG_LEVEL (default info);
# RACKD_BIN runs another entry point than bin/rackd.js.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NS=rkd-cli
HOST_IF=rackd-lab0
CLIENT_IF=eth0
CLIENT_MAC=52:54:00:12:34:56
HOST_CIDR=10.20.0.1/24
IPAM="${DEMO_IPAM:-$ROOT/examples/ipam.yaml}"
READY_TIMEOUT=20

die() {
  echo "demo-lab: $*" >&2
  exit 2
}

[ "$(id -u)" -eq 0 ] || die "must run as root (it creates a network namespace and a veth pair): try \`sudo make run\`"
for tool in ip node udhcpc; do
  command -v "$tool" >/dev/null 2>&1 || die "required tool '$tool' not found on PATH: install it (ip: iproute2, node: nodejs >= 20, udhcpc: busybox udhcpc)"
done
[ -f "$ROOT/dist/agent/cli/main.js" ] || die "rackd is not built: run \`npm run build\` first"
[ -f "$IPAM" ] || die "IPAM file $IPAM not found"

WORK="$(mktemp -d /tmp/rackd-demo.XXXXXX)"
RACKD_PID=""

cleanup() {
  local status=$?
  trap - EXIT INT TERM
  if [ -n "$RACKD_PID" ] && kill -0 "$RACKD_PID" 2>/dev/null; then
    kill -TERM "$RACKD_PID" 2>/dev/null || true
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$RACKD_PID" 2>/dev/null || break; sleep 0.3; done
    kill -KILL "$RACKD_PID" 2>/dev/null || true
  fi
  if ip netns list | grep -qw "^$NS"; then
    for pid in $(ip netns pids "$NS" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null || true; done
    ip netns del "$NS" 2>/dev/null || true
  fi
  ip link del "$HOST_IF" 2>/dev/null || true
  rm -rf "$WORK"
  echo "demo-lab: lab removed" >&2
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

build_lab() {
  # A lab left by a killed run would make `ip link add` fail: start from nothing.
  ip netns del "$NS" 2>/dev/null || true
  ip link del "$HOST_IF" 2>/dev/null || true
  ip netns add "$NS"
  ip link add "$HOST_IF" type veth peer name "$CLIENT_IF" netns "$NS" address "$CLIENT_MAC"
  ip addr add "$HOST_CIDR" dev "$HOST_IF"
  ip link set "$HOST_IF" up
  ip -n "$NS" link set lo up
  ip -n "$NS" link set "$CLIENT_IF" up
}

start_rackd() {
  local log="$WORK/rackd.log" pretty="cat"
  [ -x "$ROOT/node_modules/.bin/pino-pretty" ] && pretty="$ROOT/node_modules/.bin/pino-pretty"
  node "${RACKD_BIN:-$ROOT/bin/rackd.js}" run --ipam "$IPAM" --interface "$HOST_IF" --state-dir "$WORK/state" \
    --log-level "${RACKD_LOG_LEVEL:-info}" > >(tee "$log" | "$pretty") 2>&1 &
  RACKD_PID=$!
  local waited=0
  until grep -q '"event":"rackd.ready"' "$log" 2>/dev/null; do
    kill -0 "$RACKD_PID" 2>/dev/null || die "rackd exited before it was ready (log above)"
    [ "$waited" -lt $((READY_TIMEOUT * 10)) ] || die "rackd not ready after ${READY_TIMEOUT}s (log above)"
    sleep 0.1
    waited=$((waited + 1))
  done
}

# udhcpc's hook: its `bound` call's environment holds the lease.
request_lease() {
  local hook="$WORK/udhcpc-hook.sh"
  printf '#!/bin/sh\n[ "$1" = bound ] && env > "%s/lease.env"\nexit 0\n' "$WORK" > "$hook"
  chmod 755 "$hook"
  ip netns exec "$NS" udhcpc -i "$CLIENT_IF" -n -q -f -t 4 -T 1 -s "$hook" \
    -O staticroutes -O search -O ntpsrv -O mtu >"$WORK/udhcpc.out" 2>&1 || true
  [ -f "$WORK/lease.env" ]
}

print_lease() {
  local key value
  echo
  echo "=== lease for $CLIENT_MAC on $NS/$CLIENT_IF ==="
  for key in ip subnet router dns domain search ntpsrv mtu lease hostname staticroutes serverid; do
    value="$(sed -n "s/^$key=//p" "$WORK/lease.env")"
    if [ -n "$value" ]; then printf '  %-13s %s\n' "$key" "$value"; fi
  done
  echo "==="
  echo
}

build_lab
start_rackd
if request_lease; then
  print_lease
  [ "${DEMO_EXIT_AFTER_LEASE:-0}" = 1 ] && exit 0
else
  echo "demo-lab: udhcpc got no lease for $CLIENT_MAC (udhcpc said: $(tr '\n' ' ' < "$WORK/udhcpc.out"))" >&2
  [ "${DEMO_EXIT_AFTER_LEASE:-0}" = 1 ] && exit 1
fi
echo "demo-lab: rackd is serving on $HOST_IF; Ctrl-C to stop and remove the lab" >&2
wait "$RACKD_PID"
