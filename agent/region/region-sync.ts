// The rack's region service (PROTOCOL.md §4–§7): serves the last good config from disk at once, then connects,
// catches up and follows the config stream, answers RPC, sends events and heartbeats, and reconnects with backoff.

import { join } from 'node:path';
import type { Logger } from 'pino';
import type { z } from 'zod';
import type { Ipam } from '../../protocol/ipam/types.js';
import type { ConfigRefusal } from '../../protocol/region/config-entries.js';
import { DEFAULT_PREFIX, rackKeys, regionKeys } from '../../protocol/region/keys.js';
import type { RackKeys, RegionKeys } from '../../protocol/region/keys.js';
import type { RackEvent } from '../../protocol/region/events.js';
import type { RackSyncState, RpcResult, syncStatusSchema } from '../../protocol/region/rpc-methods.js';
import type { ServedConfig } from '../serving/served-config.js';
import type { InterfaceInfo } from '../net/interface-info.js';
import { AppliedConfig } from './applied-config.js';
import { EventJournal } from './event-journal.js';
import { RackEvents } from './rack-events.js';
import { RegionLink } from './region-link.js';
import type { RegionSyncOptions } from './region-sync-options.js';
import { rpcHandlers } from './rpc-handlers.js';
import type { RpcHandlers } from './rpc-handlers.js';

export type { RegionSyncOptions } from './region-sync-options.js';

export type RegionSyncStatus = RackSyncState;

export interface RegionMetrics {
  state: RegionSyncStatus;
  revision: number;
  /** The latest revision seen on the config stream; undefined until one is read. */
  regionRevision: number | undefined;
  /** Events not yet sent: memory, resends and the on-disk journal. */
  queuedEvents: number;
  /** Of those, the ones spilled to the journal. */
  journaledEvents: number;
}

export class RegionSync {
  private statusValue: RegionSyncStatus = 'standalone';
  readonly events: RackEvents;
  private readonly handlers: RpcHandlers;
  readonly keys: RegionKeys;
  readonly rackKeys: RackKeys;
  private readonly applied: AppliedConfig;
  private readonly journal: EventJournal;
  private readonly log: Logger;
  private readonly now: () => number;
  private readonly startedAt: number;
  private link: RegionLink | undefined;
  private readonly reported = new Set<string>();
  private closing: Promise<void> | undefined;
  private interfacesDigest: string | undefined;

  constructor(private readonly options: RegionSyncOptions) {
    this.log = options.logger;
    this.now = options.now ?? Date.now;
    this.startedAt = this.now();
    this.keys = regionKeys(options.prefix ?? DEFAULT_PREFIX);
    this.rackKeys = rackKeys(options.rackId, options.prefix ?? DEFAULT_PREFIX);
    const dir = join(options.stateDir, 'region');
    this.applied = new AppliedConfig({
      dir,
      logger: this.log,
      persistDebounceMs: options.persistDebounceMs,
      now: this.now,
      serving: options.serving,
    });
    this.journal = new EventJournal(join(dir, 'outbox'));
    this.events = new RackEvents(options.rackId, (event) => this.emit(event), this.now);
    this.handlers = rpcHandlers(this.rackView(), this.now);
  }

  /** Events from the rack's other services (discovery) go upstream through the same outbox and journal. */
  report(event: RackEvent): void {
    this.emit(event);
  }

  /** Methods served by the rack's other services (scan, discovery.clear, probe), answered on the same RPC stream. */
  addRpcHandlers(extra: Partial<RpcHandlers>): void {
    Object.assign(this.handlers, extra);
  }

  get status(): RegionSyncStatus {
    return this.statusValue;
  }

  /** What the DHCPv4 server serves; read per packet. */
  get serving(): ServedConfig {
    return this.applied.serving;
  }

  get revision(): number {
    return this.applied.position.revision;
  }

  /** Reports `interfaces-changed` when the served interfaces differ from the last report (the first one included). */
  noteInterfaces(interfaces: readonly InterfaceInfo[]): void {
    const digest = JSON.stringify(interfaces.map((i) => [i.name, i.mac, i.up, i.addresses]));
    if (digest === this.interfacesDigest) return;
    this.interfacesDigest = digest;
    this.events.interfacesChanged(interfaces);
  }

  /**
   * Serves what the state dir holds before returning (else `bootstrap`, else nothing); Redis is connected in the
   * background, never awaited: a rack serves from disk before Redis is reachable.
   */
  async start(bootstrap: Ipam | undefined = this.options.bootstrap): Promise<void> {
    if (this.statusValue !== 'standalone') return;
    // The bootstrap file is for a first start only: after a refused state it would hand out old addresses.
    const fromDisk = await this.applied.loadFromDisk();
    if (fromDisk === 'none' && bootstrap !== undefined) this.applied.useBootstrap(bootstrap);
    const waiting = await this.journal.open();
    if (waiting > 0)
      this.log.info({ event: 'region.events.journal', count: waiting }, `${waiting} events from the journal to send`);
    this.setStatus('connecting');
    this.connect();
  }

  private connect(): void {
    this.link = new RegionLink(
      {
        ...this.options,
        keys: this.keys,
        rackKeys: this.rackKeys,
        applied: this.applied,
        journal: this.journal,
        handlers: this.handlers,
        logger: this.log,
        now: this.now,
        answeredPath: join(this.options.stateDir, 'region', 'rpc-answered.json'),
      },
      {
        lost: () => this.onLost(),
        progress: (state, error) => this.onProgress(state, error),
        refused: (refusal, stream, id) => this.refused(refusal, stream, id),
        status: () => ({
          rack: this.options.rackId,
          state: this.statusValue,
          revision: this.revision,
          version: this.options.version,
          started: this.startedAt,
          time: this.now(),
        }),
      },
    );
  }

  /** The command connection closed (the link paused the outbox already). */
  private onLost(): void {
    if (this.statusValue !== 'standalone' && this.closing === undefined) this.setStatus('degraded');
  }

  private onProgress(state: 'syncing' | 'live' | 'degraded', error?: unknown): void {
    if (this.closing !== undefined) return;
    if (state === 'degraded' && this.statusValue !== 'degraded') {
      this.log.warn(
        { event: 'region.sync.failed', err: error instanceof Error ? error.message : String(error) },
        'region sync failed; serving the last good config and retrying',
      );
    }
    this.setStatus(state);
  }

  private setStatus(next: RegionSyncStatus): void {
    if (next === this.statusValue) return;
    this.log.info(
      { event: 'region.status', from: this.statusValue, to: next, revision: this.revision },
      `region ${this.statusValue} -> ${next}`,
    );
    this.statusValue = next;
    if (next === 'live' || next === 'syncing') void this.link?.heartbeat.beat().catch(() => undefined);
  }

  private emit(event: RackEvent): void {
    this.link?.outbox.emit(event);
  }

  /** Logged once per entry (a re-sync retry meets the same refused snapshot again) and reported upstream. */
  refused(refusal: ConfigRefusal, stream: string, entryId: string | undefined): void {
    const id = `${stream} ${entryId ?? refusal.field}`;
    if (this.reported.has(id)) return;
    if (this.reported.size > 10_000) this.reported.clear();
    this.reported.add(id);
    this.log.warn(
      {
        event: 'region.refused',
        kind: refusal.kind,
        field: refusal.field,
        message: refusal.message,
        stream,
        entry_id: entryId,
        revision: refusal.revision,
      },
      `region entry refused: ${refusal.message}`,
    );
    this.events.refused(refusal, stream, entryId);
  }

  /** RPC `reload` and SIGHUP: re-read the latest snapshot. */
  async reload(): Promise<RpcResult<'reload'>> {
    if (this.link === undefined) throw new Error('region sync is not started');
    await this.link.follower.reload();
    return { revision: this.revision, source: 'region' };
  }

  syncStatus(): z.output<typeof syncStatusSchema> {
    const position = this.applied.position;
    const region = this.link?.follower.regionRevision;
    return {
      state: this.statusValue,
      revision: position.revision,
      queued_events: this.link?.outbox.queued ?? this.journal.size,
      ...(region === undefined ? {} : { region_revision: region }),
      ...(position.appliedAt === undefined ? {} : { last_applied_at: position.appliedAt }),
    };
  }

  /** Figures for the metrics endpoint: how far behind the region this rack is, and what waits to go up. */
  metricsSnapshot(): RegionMetrics {
    const position = this.applied.position;
    return {
      state: this.statusValue,
      revision: position.revision,
      regionRevision: this.link?.follower.regionRevision,
      queuedEvents: this.link?.outbox.queued ?? this.journal.size,
      journaledEvents: this.journal.size,
    };
  }

  private rackView() {
    const { rackInfo } = this.options;
    return {
      rack: this.options.rackId,
      version: this.options.version,
      startedAt: this.startedAt,
      revision: () => this.revision,
      served: () => rackInfo.served(),
      interfaces: () => rackInfo.interfaces(),
      sync: () => this.syncStatus(),
      reservations: () => this.applied.model.reservations(),
      reservationCount: () => this.applied.model.reservationCount,
      lastSeen: (mac: string) => this.options.lastSeen?.(mac),
      reload: () => this.reload(),
    };
  }

  /** Idempotent: stops the loops, sends what it can, journals the rest, writes the applied state. */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.link?.close();
    await this.applied.close();
  }
}
