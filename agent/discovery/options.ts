// Discovery settings: one typed object with documented defaults, as ioredis's RedisOptions; the
// `discovery:` section of rackd.yaml maps onto it. Times in the config are seconds, here milliseconds.

import type { DiscoveryConfig } from './config-schema.js';

export interface DiscoverySettings {
  /** Interfaces to observe and probe; empty: the interfaces rackd serves DHCP on. @default [] */
  interfaces: string[];
  /** An unchanged neighbour binding is reported again at most this often. @default 600_000 */
  refreshIntervalMs: number;
  /** Neighbour bindings kept in memory; the least recently seen is evicted beyond it. @default 65_536 */
  maxBindings: number;
  /** Observe mDNS announcements. @default true */
  mdns: boolean;
  /** The same mDNS name ↔ address pair is reported once per this long. @default 600_000 */
  mdnsDedupMs: number;
  /** Active scan rate when a request names none. @default 300 */
  scanRatePps: number;
  /** Periodic active scan of `scanSubnets`; 0 turns it off. @default 0 */
  scanIntervalMs: number;
  /** Subnets marked for active discovery (periodic scans). @default [] */
  scanSubnets: string[];
  /** Rogue DHCP probe period; 0 turns periodic probes off (RPC `probe` still works). @default 600_000 */
  probeIntervalMs: number;
  /** How long a probe listens for offers. @default 3000 */
  probeListenMs: number;
  /** How often the local state file is rewritten when something changed. @default 10_000 */
  stateWriteMs: number;
}

export const DEFAULT_DISCOVERY_SETTINGS: Readonly<DiscoverySettings> = Object.freeze({
  interfaces: [],
  refreshIntervalMs: 600_000,
  maxBindings: 65_536,
  mdns: true,
  mdnsDedupMs: 600_000,
  scanRatePps: 300,
  scanIntervalMs: 0,
  scanSubnets: [],
  probeIntervalMs: 600_000,
  probeListenMs: 3000,
  stateWriteMs: 10_000,
});

export function settingsFromConfig(config: DiscoveryConfig): DiscoverySettings {
  const d = DEFAULT_DISCOVERY_SETTINGS;
  const ms = (seconds: number | undefined, fallback: number) =>
    seconds === undefined ? fallback : Math.round(seconds * 1000);
  return {
    ...d,
    interfaces: config.interfaces ?? [],
    refreshIntervalMs: ms(config.refresh_interval_s, d.refreshIntervalMs),
    maxBindings: config.max_bindings ?? d.maxBindings,
    mdns: config.mdns ?? d.mdns,
    scanRatePps: config.scan_rate_pps ?? d.scanRatePps,
    scanIntervalMs: ms(config.scan_interval_s, d.scanIntervalMs),
    scanSubnets: config.scan_subnets ?? [],
    probeIntervalMs: ms(config.probe_interval_s, d.probeIntervalMs),
  };
}
