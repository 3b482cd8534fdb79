// The one workload both servers get: N client MACs, each with a host reservation (RFC 2131 §3.1
// static allocation) in one relayed subnet; written as perfdhcp's -M list, rackd's IPAM YAML and Kea's JSON.

import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The relayed subnet: perfdhcp's address is giaddr, so both servers select it by giaddr (RFC 2131 §4.3.1). */
export const SUBNET = '10.128.0.0/12';
export const RELAY_IP = '10.128.0.1';
export const SERVER_IP = '10.128.0.2';
export const PREFIX_LENGTH = 12;
/** Reservations start above the first /24 so they never collide with the relay's or the server's address. */
const FIRST_HOST = 256;
/** A /12 holds 2^20 addresses. */
export const MAX_RESERVATIONS = (1 << 20) - FIRST_HOST - 1;
const SUBNET_BASE = (10 << 24) | (128 << 16);

const hex = (byte: number) => byte.toString(16).padStart(2, '0');

/** Locally administered, unicast (02:…), and unique for i < 2^24. */
export function macOf(i: number): string {
  return `02:00:00:${hex((i >> 16) & 0xff)}:${hex((i >> 8) & 0xff)}:${hex(i & 0xff)}`;
}

export function ipOf(i: number): string {
  const n = SUBNET_BASE + FIRST_HOST + i;
  return `${(n >>> 24) & 0xff}.${(n >>> 16) & 0xff}.${(n >>> 8) & 0xff}.${n & 0xff}`;
}

export interface WorkloadFiles {
  reservations: number;
  macList: string;
  ipamFile: string;
  keaJson: string;
}

function lines(count: number, line: (i: number) => string): string {
  const out: string[] = new Array<string>(count);
  for (let i = 0; i < count; i++) out[i] = line(i);
  return out.join('\n') + '\n';
}

/** JSON (which rackd reads with JSON.parse when the name ends in .json): a million reservations load in seconds. */
function rackdIpam(count: number): string {
  const head =
    `{"subnets": [{"cidr": "${SUBNET}", "gateway": "${RELAY_IP}", "lease_time": ` + `3600}],\n"reservations": [\n`;
  return `${head}${lines(count, (i) => `{"mac": "${macOf(i)}", "ip": "${ipOf(i)}"}${i === count - 1 ? '' : ','}`)}]}\n`;
}

/**
 * Kea at its best for a reservations-only workload: no pools, reservations looked up by hw-address only
 * (the default list tries four identifier types per packet), out-of-pool so the lease checks are skipped,
 * leases in memory only, logging at WARN like rackd's.
 */
export interface KeaConfigOptions {
  /** Packet-processing threads; 0 is Kea's single-threaded default. @default 0 */
  threads?: number;
  /** A unix control socket for `config-set` (the reconfiguration bench). @default none */
  controlSocket?: string;
}

/** `indices`: the workload reservations (macOf/ipOf) to give Kea. */
export function keaConfig(indices: readonly number[], iface: string, options: KeaConfigOptions = {}): string {
  const reservations = indices.map((i) => ({ 'hw-address': macOf(i), 'ip-address': ipOf(i) }));
  const threads = options.threads ?? 0;
  const multiThreading =
    threads > 0
      ? { 'enable-multi-threading': true, 'thread-pool-size': threads, 'packet-queue-size': 64 }
      : { 'enable-multi-threading': false };
  const control =
    options.controlSocket === undefined
      ? {}
      : { 'control-socket': { 'socket-type': 'unix', 'socket-name': options.controlSocket } };
  return JSON.stringify({
    Dhcp4: {
      'interfaces-config': { interfaces: [iface], 'dhcp-socket-type': 'udp' },
      ...control,
      'lease-database': { type: 'memfile', persist: false, 'lfc-interval': 0 },
      'valid-lifetime': 3600,
      'host-reservation-identifiers': ['hw-address'],
      'reservations-global': false,
      'reservations-in-subnet': true,
      'reservations-out-of-pool': true,
      'multi-threading': multiThreading,
      subnet4: [{ id: 1, subnet: SUBNET, 'option-data': [{ name: 'routers', data: RELAY_IP }], reservations }],
      loggers: [{ name: 'kea-dhcp4', output_options: [{ output: 'stdout' }], severity: 'WARN' }],
    },
  });
}

/**
 * Flood protection off for the measurement: perfdhcp reuses each of its N MACs about rate/N times a second
 * (1.6 DORA/s per MAC at 16,000/s with 10,000 MACs), which a real client never does and Kea does not limit.
 */
export const RACKD_BENCH_CONFIG = `metrics_listen: 127.0.0.1:9467
rate_limit:
  per_mac: { rate: 1000000, burst: 1000000 }
  global: { rate: 1000, burst: 2000 }
`;

export function writeWorkload(dir: string, count: number, iface: string, keaThreads = 0): WorkloadFiles {
  if (count < 1 || count > MAX_RESERVATIONS)
    throw new Error(`reservations ${count}: use 1..${MAX_RESERVATIONS} (the /12 bench subnet)`);
  const files = {
    reservations: count,
    macList: join(dir, `macs-${count}.txt`),
    ipamFile: join(dir, `ipam-${count}.json`),
    keaJson: join(dir, `kea-${count}.json`),
  };
  writeFileSync(files.macList, lines(count, macOf));
  writeFileSync(files.ipamFile, rackdIpam(count));
  writeFileSync(
    files.keaJson,
    keaConfig(
      Array.from({ length: count }, (_, i) => i),
      iface,
      { threads: keaThreads },
    ),
  );
  return files;
}
