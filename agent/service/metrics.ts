// Prometheus metrics (text exposition format 0.0.4) with prom-client. DHCPv4 (RFC 2131) counters are read from
// the server's plain counters at scrape time, so the packet path never touches prom-client.

import type { MetricsSource, PortStatsSnapshot } from '../daemon/metrics-source.js';
import type { RegionMetrics } from '../region/region-sync.js';
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';

/** A counter whose value is copied from a source at scrape time (reset, then set per label set). */
function mirroredCounter(
  registry: Registry,
  name: string,
  help: string,
  labelName: string | undefined,
  read: () => Record<string, number>,
): void {
  new Counter({
    name,
    help,
    labelNames: labelName === undefined ? [] : [labelName],
    registers: [registry],
    collect() {
      this.reset();
      for (const [label, value] of Object.entries(read())) {
        if (labelName === undefined) this.inc(value);
        else this.inc({ [labelName]: label }, value);
      }
    },
  });
}

export class RackdMetrics {
  /** Other parts (region sync, discovery) register their own gauges and counters here. */
  readonly registry = new Registry();

  constructor(source: MetricsSource) {
    collectDefaultMetrics({ register: this.registry, eventLoopMonitoringPrecision: 10 });
    this.registerDhcp4(source);
    this.registerDaemon(source);
    this.registerRegion(source);
    this.registerDiscovery(source);
  }

  metrics(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  private registerDhcp4(source: MetricsSource): void {
    const r = this.registry;
    mirroredCounter(
      r,
      'rackd_dhcp4_received_total',
      'DHCPv4 requests received, by message type',
      'type',
      () => source.dhcp4().received,
    );
    mirroredCounter(
      r,
      'rackd_dhcp4_sent_total',
      'DHCPv4 replies sent, by message type',
      'type',
      () => source.dhcp4().sent,
    );
    mirroredCounter(
      r,
      'rackd_dhcp4_dropped_total',
      'DHCPv4 requests dropped, by reason (rate-limit-*, unknown-client, …)',
      'reason',
      () => source.dhcp4().dropped,
    );
    mirroredCounter(
      r,
      'rackd_dhcp4_decode_errors_total',
      'Captured frames that did not decode as DHCPv4',
      undefined,
      () => ({ all: source.dhcp4().decodeErrors }),
    );
    mirroredCounter(
      r,
      'rackd_dhcp4_unknown_clients_total',
      'Requests from clients with no reservation',
      undefined,
      () => ({ all: source.dhcp4().dropped['unknown-client'] ?? 0 }),
    );
    mirroredCounter(r, 'rackd_dhcp4_reservations_served_total', 'DHCPACKs sent for a reservation', undefined, () => ({
      all: source.dhcp4().sent.ACK ?? 0,
    }));
    mirroredCounter(
      r,
      'rackd_capture_dropped_total',
      'Frames the kernel capture buffer had no room for, by interface',
      'interface',
      () => mapPorts(source, (p) => p.dropped),
    );
    mirroredCounter(r, 'rackd_send_errors_total', 'Frames that could not be injected, by interface', 'interface', () =>
      mapPorts(source, (p) => p.sendErrors),
    );
  }

  private registerDaemon(source: MetricsSource): void {
    const registers = [this.registry];
    new Gauge({
      name: 'rackd_reservations',
      help: 'Reservations in the serving config',
      registers,
      collect() {
        this.set(source.reservations());
      },
    });
    new Gauge({
      name: 'rackd_subnets',
      help: 'DHCPv4 subnets in the serving config',
      registers,
      collect() {
        this.set(source.subnets());
      },
    });
    new Gauge({
      name: 'rackd_interface_served',
      help: 'Interfaces DHCPv4 is served on (1 per interface)',
      labelNames: ['interface'],
      registers,
      collect() {
        this.reset();
        for (const name of Object.keys(source.ports())) this.set({ interface: name }, 1);
      },
    });
    mirroredCounter(
      this.registry,
      'rackd_log_lines_suppressed_total',
      'Log lines held back by log rate limiting',
      undefined,
      () => ({ all: source.logLinesSuppressed() }),
    );
  }

  private registerRegion(source: MetricsSource): void {
    const registers = [this.registry];
    const region = () => source.region?.();
    const gauge = (name: string, help: string, read: (m: RegionMetrics) => number | undefined) =>
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const m = region();
          const v = m && read(m);
          if (v !== undefined) this.set(v);
        },
      });
    gauge('rackd_config_revision', 'Region config revision applied and served', (m) => m.revision);
    gauge('rackd_region_revision', 'Latest revision seen on the region config stream', (m) => m.regionRevision);
    gauge('rackd_sync_lag_revisions', 'Revisions the rack is behind the region', (m) =>
      m.regionRevision === undefined ? undefined : Math.max(0, m.regionRevision - m.revision),
    );
    gauge(
      'rackd_event_queue_depth',
      'Events waiting to go to the region (memory, resends and journal)',
      (m) => m.queuedEvents,
    );
    gauge(
      'rackd_event_journal_depth',
      'Events spilled to the on-disk journal while Redis was away',
      (m) => m.journaledEvents,
    );
    new Gauge({
      name: 'rackd_region_state',
      help: 'Region sync state (1 for the current one)',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        const m = region();
        if (m) this.set({ state: m.state }, 1);
      },
    });
  }

  private registerDiscovery(source: MetricsSource): void {
    const registers = [this.registry];
    const discovery = () => source.discovery?.();
    new Gauge({
      name: 'rackd_discovery_neighbours',
      help: 'IP-MAC bindings observed',
      registers,
      collect() {
        const d = discovery();
        if (d) this.set(d.neighbours);
      },
    });
    mirroredCounter(this.registry, 'rackd_discovery_conflicts_total', 'IP conflicts detected', undefined, () => ({
      all: discovery()?.conflicts ?? 0,
    }));
    mirroredCounter(
      this.registry,
      'rackd_discovery_foreign_dhcp_total',
      'Answers from DHCP servers that are not ours',
      undefined,
      () => ({ all: discovery()?.foreignDhcp ?? 0 }),
    );
  }
}

function mapPorts(source: MetricsSource, pick: (p: PortStatsSnapshot) => number): Record<string, number> {
  return Object.fromEntries(Object.entries(source.ports()).map(([name, stats]) => [name, pick(stats)]));
}
