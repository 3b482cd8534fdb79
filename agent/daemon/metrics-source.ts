// What the daemon exposes to its metrics (agent/service/metrics.ts turns it into Prometheus text): plain snapshots
// read at scrape time, so no service below the daemon needs to know prom-client exists.

import type { DiscoveryMetrics } from '../discovery/service.js';
import type { RegionMetrics } from '../region/region-sync.js';

export interface Dhcp4CounterSnapshot {
  received: Record<string, number>;
  sent: Record<string, number>;
  dropped: Record<string, number>;
  decodeErrors: number;
}

export interface PortStatsSnapshot {
  received: number;
  dropped: number;
  sent: number;
  sendErrors: number;
}

/** What the daemon exposes to metrics; every read happens at scrape time. */
export interface MetricsSource {
  dhcp4(): Dhcp4CounterSnapshot;
  ports(): Record<string, PortStatsSnapshot>;
  reservations(): number;
  subnets(): number;
  logLinesSuppressed(): number;
  /** Region sync figures; undefined when standalone. */
  region?(): RegionMetrics | undefined;
  /** Discovery figures; undefined when discovery is off. */
  discovery?(): DiscoveryMetrics | undefined;
}
