// What the rack serves from the region and where it is in the region's history (PROTOCOL.md §4.4): each snapshot or
// delta applied in one synchronous step, then recorded in the state dir (debounced) with its revision and entry id.

import type { Logger } from 'pino';
import type { Ipam } from '../../protocol/ipam/types.js';
import type { ConfigChange, ConfigEntry } from '../../protocol/region/config-entries.js';
import type { ServedConfig } from '../serving/served-config.js';
import type { StateOnDisk } from './applied-types.js';
import type { Serving } from '../serving/serving.js';
import { AppliedStateStore } from './applied-state.js';
import type { AppliedPosition, BaseToWrite, DeltaRecord } from './applied-state.js';
import { ConfigModel } from '../serving/config-model.js';
import { betweenPackets } from './state-files.js';
import type { ChangeOutcome } from '../serving/config-model.js';

type DeltaEntry = Exclude<ConfigEntry, { type: 'snapshot' }>;
type DeltaChange = Exclude<ConfigChange, { type: 'snapshot' }>;

/** The change alone, as the delta log stores it (the position is stored beside it). */
function changeOf(entry: DeltaEntry): DeltaChange {
  switch (entry.type) {
    case 'put-reservation':
      return { type: entry.type, reservation: entry.reservation };
    case 'delete-reservation':
      return entry.subnet === undefined
        ? { type: entry.type, mac: entry.mac }
        : { type: entry.type, mac: entry.mac, subnet: entry.subnet };
    case 'put-subnet':
      return { type: entry.type, subnet: entry.subnet };
    case 'delete-subnet':
      return { type: entry.type, cidr: entry.cidr };
  }
}

export interface AppliedConfigOptions {
  /** `<state_dir>/region`. */
  dir: string;
  logger: Logger;
  /** @default 200 */
  persistDebounceMs?: number;
  /** Rewrite the base once the delta log holds this many lines. @default 10000 */
  compactAfter?: number;
  /**
   * Follows this model from construction on, and is told after every model replacement (snapshot, subnet change, load).
   */
  serving?: Serving;
  /** Fold the overlay into a new base past this many overlay keys. @default 30000 */
  foldThreshold?: number;
  now?: () => number;
}

export class AppliedConfig {
  private modelValue = ConfigModel.empty();
  private positionValue: AppliedPosition = { revision: 0, entryId: '0-0' };
  private foldTimer: NodeJS.Timeout | undefined;
  private folding = false;
  readonly store: AppliedStateStore;
  private readonly log: Logger;
  private readonly now: () => number;

  constructor(private readonly options: AppliedConfigOptions) {
    this.log = options.logger;
    this.now = options.now ?? Date.now;
    this.store = new AppliedStateStore(
      {
        dir: options.dir,
        debounceMs: options.persistDebounceMs,
        compactAfter: options.compactAfter,
        onError: (err) =>
          this.log.error(
            { event: 'region.state.write-failed', err },
            'cannot write region state; retrying on the next change',
          ),
        onBaseWritten: (written) =>
          this.log.info(
            { event: 'region.state.base-written', ...written },
            `region state base written at revision ${written.revision}`,
          ),
        onRefused: (reason, problems) =>
          this.log.warn(
            { event: 'region.state.invalid', reason, ...(problems === undefined ? {} : { problems }) },
            `region state on disk refused (${reason}); waiting for the region`,
          ),
      },
      () => this.persisted(),
    );
    options.serving?.follow(() => this.modelValue.serving);
  }

  /**
   * What a base write saves, as of now: the columns (built between packets), and the base's index in case they are the
   * base.
   */
  private persisted(): BaseToWrite | undefined {
    if (this.positionValue.revision === 0) return undefined;
    const { columns, baseKeys } = this.modelValue.reservationColumnsInSlices();
    return { ...this.positionValue, subnets: [...this.modelValue.subnets], reservations: columns, keys: baseKeys };
  }

  get serving(): ServedConfig {
    return this.modelValue.serving;
  }

  get model(): ConfigModel {
    return this.modelValue;
  }

  get position(): AppliedPosition {
    return this.positionValue;
  }

  /** Serves the last applied state from disk; false when there is none. */
  async loadFromDisk(): Promise<StateOnDisk['kind']> {
    const onDisk = await this.store.read();
    if (onDisk.kind === 'refused') {
      // Serve nothing rather than an older file: the region's snapshot brings the config back, and the floor's
      // epoch keeps older histories out meanwhile (PROTOCOL.md §4.4).
      this.positionValue = { epoch: onDisk.floor?.epoch, revision: 0, entryId: '0-0' };
      this.log.error(
        { event: 'region.state.refused', reason: onDisk.reason, floor: onDisk.floor },
        'the region state on disk cannot be used: serving nothing until the region answers',
      );
    }
    if (onDisk.kind !== 'loaded') return onDisk.kind;
    const loaded = onDisk.state;
    // Validated before it was applied and checksummed when written (applied-state.ts): not validated again.
    let model = ConfigModel.fromColumns(loaded.base.subnets, loaded.base.reservations, loaded.base.keys);
    let position: AppliedPosition = {
      epoch: loaded.base.epoch,
      revision: loaded.base.revision,
      entryId: loaded.base.entryId,
      appliedAt: loaded.base.appliedAt,
    };
    for (const record of loaded.deltas) {
      if (record.change !== undefined && record.change.type !== 'snapshot')
        model = model.apply(record.change).next ?? model;
      position = {
        epoch: record.epoch,
        revision: record.revision,
        entryId: record.entryId,
        appliedAt: record.appliedAt,
      };
    }
    this.modelValue = model;
    this.positionValue = position;
    this.options.serving?.changed();
    this.log.info(
      {
        event: 'region.state.loaded',
        revision: position.revision,
        epoch: position.epoch,
        reservations: model.reservationCount,
        replayed: loaded.deltas.length,
      },
      `serving region revision ${position.revision} from disk`,
    );
    return 'loaded';
  }

  /** A file-based start before any region config (revision 0, nothing persisted). */
  useBootstrap(ipam: Ipam): void {
    this.modelValue = ConfigModel.fromIpam(ipam);
    this.options.serving?.changed();
  }

  applySnapshot(entry: Pick<ConfigEntry, 'epoch' | 'revision'>, entryId: string, ipam: Ipam): void {
    this.modelValue = ConfigModel.fromIpam(ipam);
    this.positionValue = { epoch: entry.epoch, revision: entry.revision, entryId, appliedAt: this.now() };
    this.store.baseChanged();
    this.options.serving?.changed();
    this.log.info(
      {
        event: 'region.sync.applied',
        revision: entry.revision,
        change: 'snapshot',
        subnets: ipam.subnets.length,
        reservations: this.modelValue.reservationCount,
      },
      `snapshot revision ${entry.revision} applied`,
    );
  }

  /** Applies a delta in one synchronous step; a refused one still consumes its revision (PROTOCOL.md §4.4). */
  applyDelta(entry: DeltaEntry, entryId: string): ChangeOutcome {
    const { epoch, revision } = entry;
    const change = changeOf(entry);
    const { outcome, next } = this.modelValue.apply(change);
    if (next !== undefined) this.modelValue = next;
    this.positionValue = { epoch, revision, entryId, appliedAt: this.now() };
    const record: DeltaRecord = { ...this.positionValue, ...(outcome.ok ? { change } : {}) };
    if (next !== undefined) {
      this.store.baseChanged();
      this.options.serving?.changed();
    } else {
      this.store.delta(record);
    }
    if (outcome.ok) {
      const where = {
        ...(outcome.mac === undefined ? {} : { mac: outcome.mac }),
        ...(outcome.ip === undefined ? {} : { ip: outcome.ip }),
      };
      this.log.info(
        { event: 'region.sync.applied', revision, change: entry.type, ...where },
        `revision ${revision} ${entry.type} applied`,
      );
      this.scheduleFold();
    }
    return outcome;
  }

  /** An authentic but invalid entry: its revision is consumed, what is served does not change. */
  consume(epoch: string, revision: number, entryId: string): void {
    this.positionValue = { epoch, revision, entryId, appliedAt: this.now() };
    this.store.delta({ ...this.positionValue });
  }

  /** Moves the cursor past entries that changed nothing (skipped), so a restart does not read them again. */
  advanceCursor(entryId: string): void {
    this.positionValue = { ...this.positionValue, entryId };
  }

  private scheduleFold(): void {
    if (
      this.foldTimer !== undefined ||
      this.folding ||
      this.modelValue.overlaySize < (this.options.foldThreshold ?? 30_000)
    )
      return;
    // After the burst: a fold is O(n) work (in slices, between packets), better done once than in the middle of one.
    this.foldTimer = setTimeout(() => {
      this.foldTimer = undefined;
      void this.foldBetweenPackets();
    }, 1000);
    this.foldTimer.unref();
  }

  /** With a million reservations a fold in one piece held packets for half a second; in slices it does not. */
  private async foldBetweenPackets(): Promise<void> {
    const model = this.modelValue;
    const started = this.now();
    this.folding = true;
    try {
      await betweenPackets(model.foldInSlices());
    } finally {
      this.folding = false;
    }
    this.log.info(
      { event: 'region.sync.folded', reservations: model.reservationCount, ms: this.now() - started },
      'reservation overlay folded into a new base',
    );
    this.scheduleFold();
  }

  async close(): Promise<void> {
    if (this.foldTimer !== undefined) clearTimeout(this.foldTimer);
    this.foldTimer = undefined;
    await this.store
      .flush()
      .catch((err: unknown) =>
        this.log.error({ event: 'region.state.write-failed', err }, 'cannot write region state at close'),
      );
    this.store.close();
  }
}
