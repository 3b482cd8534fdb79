// What the daemon is started with, the states it goes through, and the one error that stops it from starting.
// Kept apart from rackd.ts so the CLI and the service shell name them without importing the daemon's wiring.

import type { Logger } from 'pino';
import type { Dhcp4RateLimitOptions } from '../dhcp4/rate-limit.js';
import type { DiscoveryConfig } from '../discovery/config-schema.js';
import type { RegionModeOptions } from '../region/region-mode.js';

export interface RackdOptions {
  /** Standalone IPAM file (YAML). */
  ipamPath: string;
  /** Interfaces to serve DHCPv4 on. */
  interfaces: string[];
  /** Where the daemon keeps its state. */
  stateDir: string;
  logger: Logger;
  /**
   * Region sync (`--redis`): the config comes from the region, served from `<stateDir>/region` until Redis answers;
   * the IPAM file is then only a first-boot bootstrap. @default undefined — standalone (IPAM file, SIGHUP)
   */
  region?: RegionModeOptions;
  /** The `discovery:` section of rackd.yaml. @default undefined — discovery off */
  discovery?: DiscoveryConfig;
  /** Flood protection before the DHCPv4 policy. @default undefined — no rate limits */
  rateLimit?: Dhcp4RateLimitOptions;
}

export type RackdStatus = 'starting' | 'running' | 'stopping' | 'stopped';

/** A failure that stops the daemon; its message says what to fix. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
