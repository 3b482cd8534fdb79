#!/usr/bin/env bash
# Installs what rackd, its tests and its benchmarks need on Debian 12, and only what is missing:
# libpcap headers for the capture binding, the real DHCP peers the tests drive, Redis, tshark, Kea.
set -euo pipefail

PACKAGES=(
  libpcap-dev build-essential python3          # the pcap binding is built by node-gyp
  iproute2 tcpdump tshark                       # namespaces, captures, the independent decoder
  isc-dhcp-client udhcpc dhcpcd-base            # real DHCPv4 clients
  isc-dhcp-relay                                # dhcrelay
  kea-dhcp4-server kea-admin                    # the reference server and perfdhcp
  python3-scapy python3-zeroconf                # crafted 802.1Q frames, mDNS announcer
  arping arp-scan dnsmasq-base                  # discovery peers
  redis-server                                  # region sync tests
  qemu-system-x86 ovmf seabios ipxe-qemu ipxe   # real firmware network-boots in the tests
  systemd                                       # systemd-analyze verify
)

if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: run as root (apt-get install)" >&2
  exit 1
fi

missing=()
for pkg in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  # tshark asks whether non-root users may capture; answer no without a prompt.
  echo "wireshark-common wireshark-common/install-setuid boolean false" | debconf-set-selections
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$node_major" -lt 20 ]; then
  echo "install-deps: rackd needs Node.js 20 or newer (found: $(node --version 2>/dev/null || echo none))" >&2
  exit 1
fi
