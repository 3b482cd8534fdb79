// The discovery service: one capture per interface feeding passive ARP (RFC 826), mDNS (RFC 6762)
// and DHCP watching (RFC 2131), plus active scans and rogue-DHCP probes; events go to every onEvent sink.

import { DecodeError } from '../../protocol/binary/decode-error.js';
import type { PacketPort } from '../net/packet-port.js';
import { ArpObserver } from './arp-observer.js';
import { ArpScanner, SLOW_RATE_PPS } from './arp-scanner.js';
import { BindingTable } from './binding-table.js';
import { ConflictDetector } from './conflict-detector.js';
import { classifyDhcpFrame } from './dhcp-watch.js';
import { probeBothFamilies } from './dual-probe.js';
import type { DualProbeResult } from './dual-probe.js';
import { logDiscoveryEvent } from './event-log.js';
import type { DiscoveryEvent, DiscoveryEventSink, ScanSummary } from './events.js';
import { DISCOVERY_FILTER, udpPorts } from './frame-ports.js';
import { MdnsObserver } from './mdns-observer.js';
import { RogueDhcpProber } from './rogue-dhcp-prober.js';
import { RogueDhcp6Prober } from './rogue-dhcp6-prober.js';
import { planScan } from './scan-plan.js';
import type { ScanRequest } from './scan-plan.js';
import type { DiscoveryServiceOptions } from './service-options.js';
import { readDiscoveryState, writeDiscoveryState } from './state-file.js';

export type { DualProbeResult } from './dual-probe.js';
export type { DiscoveryServiceOptions } from './service-options.js';

export type DiscoveryStatus = 'ready' | 'running' | 'closed';

export interface ScanParams extends ScanRequest {
  ratePps?: number;
  slow?: boolean;
  /** How long to listen after the last request. @default 1000 */
  waitMs?: number;
}

/** Discovery's figures for the metrics, read at scrape time. */
export interface DiscoveryMetrics {
  neighbours: number;
  conflicts: number;
  foreignDhcp: number;
}

export class DiscoveryService {
  readonly table: BindingTable;
  readonly conflicts: ConflictDetector;
  readonly arp: ArpObserver;
  readonly mdns: MdnsObserver;
  readonly prober: RogueDhcpProber;
  readonly prober6: RogueDhcp6Prober;
  readonly scanner: ArpScanner;
  private readonly ports = new Map<string, PacketPort>();
  private readonly sinks = new Set<DiscoveryEventSink>();
  private readonly timers: NodeJS.Timeout[] = [];
  private readonly clock: () => number;
  private statusValue: DiscoveryStatus = 'ready';
  private dirty = false;
  private counters = { dhcpDecodeErrors: 0, declines: 0, scans: 0, sinkErrors: 0 };

  constructor(private readonly options: DiscoveryServiceOptions) {
    const s = options.settings;
    this.clock = options.clock ?? Date.now;
    const emit: DiscoveryEventSink = (event) => this.emit(event);
    this.table = new BindingTable({ refreshIntervalMs: s.refreshIntervalMs, maxEntries: s.maxBindings });
    this.conflicts = new ConflictDetector({
      windowMs: s.refreshIntervalMs,
      reservedMacs: options.reservedMacs ?? (() => undefined),
    });
    this.arp = new ArpObserver({ table: this.table, conflicts: this.conflicts, emit });
    this.mdns = new MdnsObserver({ emit, dedupMs: s.mdnsDedupMs });
    const send = (name: string, frame: Buffer) => this.ports.get(name)?.send(frame);
    this.prober = new RogueDhcpProber(send, emit);
    this.prober6 = new RogueDhcp6Prober(emit, this.clock);
    this.scanner = new ArpScanner(this.arp, send);
  }

  get status(): DiscoveryStatus {
    return this.statusValue;
  }

  /** Adds a sink for every event (the region outbox); returns the function that removes it. */
  onEvent(sink: DiscoveryEventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  async start(): Promise<void> {
    if (this.statusValue !== 'ready') throw new Error(`discovery cannot start from ${this.statusValue}`);
    await this.restore();
    for (const name of this.options.interfaces) {
      const port = this.options.openPort(name, DISCOVERY_FILTER);
      this.ports.set(name, port);
      port.onFrame((frame) => this.handleFrame(name, frame));
    }
    this.setStatus('running');
    this.schedule();
  }

  async close(): Promise<void> {
    if (this.statusValue === 'closed') return;
    for (const timer of this.timers) clearInterval(timer);
    this.timers.length = 0;
    for (const port of this.ports.values()) port.close();
    this.ports.clear();
    this.setStatus('closed');
    await this.saveState();
  }

  async scan(params: ScanParams): Promise<ScanSummary> {
    const infos = this.options.interfaces.flatMap((n) => this.options.interfaceInfo(n) ?? []);
    const { cidrs, groups } = planScan(params, infos, this.options.taggedSubnets?.() ?? []);
    const ratePps = params.slow ? SLOW_RATE_PPS : (params.ratePps ?? this.options.settings.scanRatePps);
    this.options.logger.info(
      { event: 'discovery.scan.start', cidrs, rate_pps: ratePps },
      `scanning ${cidrs.join(' ')} at ${ratePps} pps`,
    );
    const summary = await this.scanner.scan({ groups, ratePps, waitMs: params.waitMs ?? 1000 });
    this.counters.scans++;
    this.emit({ kind: 'scan-done', cidrs, summary, time: this.clock() });
    return summary;
  }

  /** One rogue-DHCP probe on every interface (and served tag), DHCPv4 and DHCPv6 at once. */
  async probe(): Promise<DualProbeResult> {
    const result = await probeBothFamilies(this.options, this.prober, this.prober6);
    const { probed, servers, foreign } = result;
    this.options.logger.info(
      { event: 'discovery.probe.done', probed, servers, foreign },
      `DHCP probe: ${foreign} foreign server(s)`,
    );
    return result;
  }

  clear(what: { neighbours?: boolean; mdns?: boolean }): { neighbours: number; mdns: number } {
    const both = what.neighbours === undefined && what.mdns === undefined;
    const neighbours = both || what.neighbours ? this.table.clear() : 0;
    const mdns = both || what.mdns ? this.mdns.clear() : 0;
    if (neighbours > 0) this.conflicts.clear();
    this.dirty = true;
    return { neighbours, mdns };
  }

  /** Figures for the metrics endpoint. */
  metricsSnapshot(): DiscoveryMetrics {
    return {
      neighbours: this.table.size,
      conflicts: this.conflicts.detected,
      foreignDhcp: this.prober.foreignSeen + this.prober6.foreignSeen,
    };
  }

  statusReport(): Record<string, unknown> {
    return {
      status: this.statusValue,
      neighbours: this.table.size,
      evicted: this.table.evicted,
      arp: this.arp.counters.snapshot(),
      mdns: { ...this.mdns.counters, names: this.mdns.entries().length },
      conflicts: this.conflicts.detected,
      probes: this.prober.probes,
      foreign_dhcp: this.prober.foreignSeen,
      dhcp6_probe: {
        probes: this.prober6.probes,
        foreign: this.prober6.foreignSeen,
        decode_errors: this.prober6.decodeErrors,
        open_errors: this.prober6.openErrors,
      },
      scanning: this.scanner.busy,
      ...this.counters,
      ports: Object.fromEntries([...this.ports].map(([name, port]) => [name, port.stats()])),
    };
  }

  /** Nothing throws out of here: a bad frame is counted and dropped. */
  private handleFrame(name: string, frame: Buffer): void {
    const now = this.clock();
    try {
      if (this.arp.handleFrame(name, frame, now)) return;
      const ports = udpPorts(frame);
      if (ports === undefined) return;
      if (ports[0] === 5353 || ports[1] === 5353) {
        if (this.options.settings.mdns) this.mdns.handleFrame(name, frame, now);
        return;
      }
      this.handleDhcp(name, frame, now);
    } catch (error) {
      this.options.logger.error(
        { event: 'discovery.internal-error', interface: name, err: error },
        'unexpected error handling a discovery frame',
      );
    }
  }

  private handleDhcp(name: string, frame: Buffer, now: number): void {
    let sighting;
    try {
      sighting = classifyDhcpFrame(frame);
    } catch (error) {
      if (!(error instanceof DecodeError)) throw error;
      this.counters.dhcpDecodeErrors++;
      return;
    }
    if (sighting === undefined) return;
    if (sighting.kind === 'server-reply') return this.prober.onSighting(name, sighting, now);
    this.counters.declines++;
    const where = sighting.vid === undefined ? { interface: name } : { interface: name, vid: sighting.vid };
    const holder = this.table.get(name, sighting.vid, sighting.ip)?.mac;
    const conflict = this.conflicts.onDecline(where, sighting.ip, sighting.mac, holder, now);
    if (conflict) this.emit(conflict);
  }

  private emit(event: DiscoveryEvent): void {
    this.dirty = true;
    logDiscoveryEvent(this.options.logger, event);
    for (const sink of this.sinks) {
      try {
        sink(event);
      } catch (error) {
        this.counters.sinkErrors++;
        this.options.logger.error({ event: 'discovery.sink-error', err: error }, 'a discovery event sink threw');
      }
    }
  }

  private schedule(): void {
    const s = this.options.settings;
    const every = (ms: number, task: () => Promise<unknown>, what: string) => {
      const run = () =>
        void task().catch((error: unknown) =>
          this.options.logger.warn({ event: `discovery.${what}.failed`, err: error }, `${what} failed`),
        );
      this.timers.push(setInterval(run, ms).unref());
      return run;
    };
    if (s.probeIntervalMs > 0) every(s.probeIntervalMs, () => this.probe(), 'probe')();
    if (s.scanIntervalMs > 0 && s.scanSubnets.length > 0) {
      every(
        s.scanIntervalMs,
        async () => (this.scanner.busy ? undefined : this.scan({ cidrs: s.scanSubnets })),
        'scan',
      );
    }
    if (this.options.stateDir !== undefined) every(s.stateWriteMs, () => this.saveState(), 'state');
  }

  private async restore(): Promise<void> {
    if (this.options.stateDir === undefined) return;
    const state = await readDiscoveryState(this.options.stateDir);
    if (state) this.table.restore(state.neighbours.slice(-this.table.maxEntries));
  }

  private async saveState(): Promise<void> {
    if (this.options.stateDir === undefined || !this.dirty) return;
    this.dirty = false;
    await writeDiscoveryState(this.options.stateDir, {
      version: 1,
      written: this.clock(),
      neighbours: this.table.list(),
      mdns: this.mdns.entries(),
    });
  }

  private setStatus(next: DiscoveryStatus): void {
    if (next === this.statusValue) return;
    this.options.logger.info(
      { event: 'discovery.status', from: this.statusValue, to: next },
      `discovery ${this.statusValue} -> ${next}`,
    );
    this.statusValue = next;
  }
}
