# Sourced by the bench scripts (test/bench/*/run.sh): namespace cleanup however the run ends, prerequisite checks
# that fail with the package to install, and the lock that keeps two benchmarks from sharing the machine.

# bench_cleanup_on_exit NS...: kills everything in these namespaces and deletes them on exit, Ctrl-C included.
bench_cleanup_on_exit() {
  BENCH_NAMESPACES=("$@")
  trap bench_cleanup EXIT
  trap 'exit 130' INT TERM
}

bench_cleanup() {
  for ns in "${BENCH_NAMESPACES[@]}"; do
    if ip netns list | grep -qw "^$ns"; then
      for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -9 "$pid" 2>/dev/null || true; done
      ip netns del "$ns" 2>/dev/null || true
    fi
  done
}

# bench_require NAME CMD:PACKAGE...: exits 1 naming every missing command and its Debian package (root needed too).
bench_require() {
  local name=$1 missing=() pair
  shift
  [ "$(id -u)" = 0 ] || missing+=("not root: the bench creates network namespaces")
  for pair in "$@"; do
    command -v "${pair%%:*}" >/dev/null || missing+=("${pair%%:*} not found: apt-get install ${pair#*:}")
  done
  if [ ${#missing[@]} -gt 0 ]; then printf '%s: %s\n' "$name" "${missing[@]}" >&2; exit 1; fi
}

# bench_lock NAME: waits for /tmp/rackd-bench.lock (held until the script exits), then prints the machine line.
bench_lock() {
  exec 9>/tmp/rackd-bench.lock
  flock 9
  echo "$1: $(date -u +%FT%TZ), load $(cut -d' ' -f1 /proc/loadavg), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs), $(free -m | awk '/Mem:/{print $2}') MiB"
}
