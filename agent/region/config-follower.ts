// Catch up and follow the config stream (PROTOCOL.md §4.4): compare (epoch, revision) with the region, re-sync from
// the latest snapshot when behind, on a gap or another epoch, then XREAD BLOCK on a connection of its own.

import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { decodeConfigEntry, revisionAction } from '../../protocol/region/config-entries.js';
import type { AppliedRevision, ConfigEntry, ConfigRefusal } from '../../protocol/region/config-entries.js';
import type { RegionKeys } from '../../protocol/region/keys.js';
import { streamsReply } from '../../protocol/region/stream-replies.js';
import type { StreamEntry } from '../../protocol/region/stream-replies.js';
import type { AppliedConfig } from './applied-config.js';
import { runRetrying } from './backoff.js';
import { whenReady } from './redis-connection.js';
import { bodyMissing, loadLatestSnapshot, loadSnapshotBody } from './snapshot-loader.js';

export interface FollowerHost {
  /** Caught up (`live`), catching up (`syncing`), or failing (`degraded`, with the error). */
  progress(state: 'syncing' | 'live' | 'degraded', error?: unknown): void;
  /** An entry refused (PROTOCOL.md §8): log it and report it upstream. */
  refused(refusal: ConfigRefusal, entryId: string | undefined): void;
}

export interface ConfigFollowerOptions {
  redis: Redis;
  /** Used only for XREAD BLOCK: a blocked connection queues every other command behind it. */
  blocking: Redis;
  keys: RegionKeys;
  secret: Uint8Array;
  applied: AppliedConfig;
  host: FollowerHost;
  logger: Logger;
  /** @default 5000 */
  blockMs?: number;
}

/**
 * A batch of entries is applied this long at most before packets get a turn: a rack that fell behind applies a
 * full read of deltas (HMAC, schema, apply, log line each) between packets, never in one piece.
 */
const APPLY_SLICE_MS = 2;

/** The latest snapshot could not be used and nothing good replaces it: retry after a backoff. */
class ResyncFailed extends Error {}

export class ConfigFollower {
  /** The region's last issued revision as last seen. */
  regionRevision: number | undefined;
  private cursor = '0-0';
  private lock: Promise<unknown> = Promise.resolve();
  private readonly abort = new AbortController();
  private readonly blockMs: number;

  constructor(private readonly options: ConfigFollowerOptions) {
    this.blockMs = options.blockMs ?? 5000;
  }

  /** Runs until close(); never throws. */
  run(): Promise<void> {
    const { signal } = this.abort;
    return runRetrying(signal, {
      start: async () => {
        await whenReady(this.options.redis, 3000, signal);
        await whenReady(this.options.blocking, 3000, signal);
        await this.exclusive(() => this.catchUp());
      },
      step: () => this.followOnce(),
      failed: (error) => {
        this.options.host.progress('degraded', error);
        return { maxMs: error instanceof ResyncFailed ? 30_000 : 5000 };
      },
    });
  }

  /** RPC `reload` and SIGHUP: load the latest snapshot now. */
  reload(): Promise<void> {
    return this.exclusive(() => this.resync('reload'));
  }

  close(): void {
    this.abort.abort();
  }

  /** Entry handling and re-syncs await Redis in the middle: one at a time, so they never interleave. */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.lock.then(fn, fn);
    this.lock = run.catch(() => undefined);
    return run;
  }

  private async catchUp(): Promise<void> {
    const { redis, keys, applied } = this.options;
    const [revisionText, epoch] = await Promise.all([redis.get(keys.configRevision), redis.get(keys.configEpoch)]);
    this.regionRevision = Number(revisionText ?? '0');
    const position = applied.position;
    if (position.revision === 0 || epoch !== position.epoch || position.revision > this.regionRevision) {
      // Nothing applied yet, or another history (Redis lost its data): our entry ids mean nothing there.
      this.cursor = '0-0';
      if (this.regionRevision > 0) await this.resync(position.revision === 0 ? 'no-state' : 'epoch');
    } else {
      this.cursor = position.entryId;
    }
    this.reportProgress();
  }

  private reportProgress(): void {
    const behind = this.regionRevision !== undefined && this.options.applied.position.revision < this.regionRevision;
    this.options.host.progress(behind ? 'syncing' : 'live');
  }

  private async followOnce(): Promise<void> {
    const { blocking, keys } = this.options;
    const reply = await blocking.call(
      'XREAD',
      'COUNT',
      500,
      'BLOCK',
      this.blockMs,
      'STREAMS',
      keys.configStream,
      this.cursor,
    );
    const entries = streamsReply(reply).get(keys.configStream) ?? [];
    await this.exclusive(async () => {
      let sliceStart = performance.now();
      for (const entry of entries) {
        if ((await this.handle(entry)) === 'resynced') break;
        if (performance.now() - sliceStart < APPLY_SLICE_MS) continue;
        await new Promise((resolve) => setImmediate(resolve));
        sliceStart = performance.now();
      }
    });
    // Still behind with nothing to read: the entries we need are gone (trimmed); the snapshot has them.
    if (entries.length === 0 && (this.regionRevision ?? 0) > this.options.applied.position.revision)
      await this.exclusive(() => this.catchUp());
    this.reportProgress();
  }

  private async handle(raw: StreamEntry): Promise<'done' | 'resynced'> {
    const { applied, keys, secret } = this.options;
    this.cursor = raw.id;
    const decoded = decodeConfigEntry(raw.fields ?? [], secret, keys.configStream);
    if (!decoded.ok) {
      this.options.host.refused(decoded, raw.id);
      this.consumeRefused(decoded, raw.id);
      return 'done';
    }
    const entry = decoded.value;
    this.regionRevision = Math.max(this.regionRevision ?? 0, entry.revision);
    const action = revisionAction(applied.position, entry);
    if (action === 'replay') {
      this.options.host.refused(replayRefusal(applied.position, entry), raw.id);
      return 'done';
    }
    if (action === 'skip') {
      applied.advanceCursor(raw.id);
      return 'done';
    }
    if (action === 'resync') {
      await this.resync(entry.epoch === applied.position.epoch ? 'gap' : 'epoch', entry);
      return 'resynced';
    }
    if (entry.type !== 'snapshot') {
      const outcome = applied.applyDelta(entry, raw.id);
      if (!outcome.ok)
        this.options.host.refused(
          {
            ok: false,
            kind: 'schema',
            field: outcome.field,
            message: outcome.message,
            epoch: entry.epoch,
            revision: entry.revision,
          },
          raw.id,
        );
      return 'done';
    }
    const loaded = await loadSnapshotBody(this.source(), entry, raw.id);
    if (loaded.kind === 'ok') {
      applied.applySnapshot(entry, raw.id, loaded.ipam);
      return 'done';
    }
    if (loaded.kind === 'refused' && bodyMissing(loaded.refusal)) {
      await this.resync('snapshot-body-gone', entry);
      return 'resynced';
    }
    if (loaded.kind === 'refused') {
      this.options.host.refused(loaded.refusal, raw.id);
      this.consumeRefused(loaded.refusal, raw.id);
    }
    return 'done';
  }

  /** Authentic but invalid: the revision is consumed (PROTOCOL.md §4.4); unauthenticated consumes nothing. */
  private consumeRefused(refusal: ConfigRefusal, entryId: string): void {
    const { applied } = this.options;
    const authentic = refusal.kind === 'schema' && refusal.epoch !== undefined && refusal.revision !== undefined;
    if (
      authentic &&
      revisionAction(applied.position, {
        type: 'put-reservation',
        epoch: refusal.epoch as string,
        revision: refusal.revision as number,
      }) === 'apply'
    ) {
      applied.consume(refusal.epoch as string, refusal.revision as number, entryId);
    } else {
      applied.advanceCursor(entryId);
    }
  }

  private source() {
    return { redis: this.options.redis, keys: this.options.keys, secret: this.options.secret };
  }

  /** Loads and applies the latest snapshot, then follows from its entry id. */
  private async resync(reason: string, trigger?: Pick<ConfigEntry, 'epoch' | 'revision'>): Promise<void> {
    const position = this.options.applied.position;
    this.options.logger.info(
      {
        event: 'region.sync.resync',
        reason,
        revision: position.revision,
        ...(trigger === undefined ? {} : { seen: trigger.revision }),
      },
      `re-syncing from the latest snapshot (${reason})`,
    );
    this.options.host.progress('syncing');
    const loaded = await loadLatestSnapshot(this.source());
    if (loaded.kind === 'none') {
      this.cursor = '0-0';
      return;
    }
    if (loaded.kind === 'refused') {
      this.options.host.refused(loaded.refusal, loaded.entryId);
      const authentic =
        loaded.refusal.kind === 'schema' && loaded.refusal.revision !== undefined && !bodyMissing(loaded.refusal);
      if (!authentic || loaded.entryId === undefined)
        throw new ResyncFailed(`latest snapshot refused: ${loaded.refusal.message}`);
      this.options.applied.consume(loaded.refusal.epoch as string, loaded.refusal.revision as number, loaded.entryId);
      this.cursor = loaded.entryId;
      return;
    }
    const action = revisionAction(position, loaded.entry);
    if (action === 'replay') {
      // The unsigned head and epoch keys point at a recorded snapshot of an older history: keep serving.
      this.options.host.refused(replayRefusal(position, loaded.entry), loaded.entryId);
      throw new ResyncFailed(`latest snapshot is older than what this rack serves: ${loaded.entry.epoch}`);
    }
    // A snapshot at or before the applied revision of this epoch is not applied (config never goes back): the
    // deltas after it are read from its entry id and the ones already applied are skipped.
    if (action === 'apply') this.options.applied.applySnapshot(loaded.entry, loaded.entryId, loaded.ipam);
    this.cursor = loaded.entryId;
    this.regionRevision = Math.max(this.regionRevision ?? 0, loaded.entry.revision);
  }
}

/** An authentic entry of an older history than the applied one: refused, never applied (PROTOCOL.md §4.4). */
function replayRefusal(applied: AppliedRevision, entry: Pick<ConfigEntry, 'epoch' | 'revision'>): ConfigRefusal {
  return {
    ok: false,
    kind: 'replay',
    field: 'epoch',
    message:
      `epoch ${entry.epoch} revision ${entry.revision} is older than the applied epoch ${applied.epoch ?? '-'} ` +
      `revision ${applied.revision}: refused, the applied config keeps serving`,
  };
}
