// A region's config publish (PROTOCOL.md §4.5): sign the change for the next revision and let PUBLISH_SCRIPT XADD it
// only while the revision counter is unchanged, so two regions never issue one revision twice.

import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { encodeConfigEntry } from './config-entries.js';
import type { ConfigChange, ConfigEntry } from './config-entries.js';
import { snapshotBodyKey } from './keys.js';
import type { RegionKeys } from './keys.js';
import { RegionPublishError } from './region-errors.js';
import { PUBLISH_SCRIPT } from './region-scripts.js';

export interface PublishResult {
  epoch: string;
  revision: number;
  /** Stream id of the entry. */
  entryId: string;
  /** Entries in the config stream now: publish a snapshot when this grows large (PROTOCOL.md §4.5). */
  streamLength: number;
}

export interface PublishContext {
  redis: Redis;
  secret: Uint8Array;
  keys: RegionKeys;
  prefix: string;
  snapshotGraceMs: number;
  /** Revision allocation attempts before giving up under contention. */
  publishAttempts: number;
  now: () => number;
}

/** The last revision issued; 0 before the first publish. */
export async function readRevision(redis: Redis, keys: RegionKeys): Promise<number> {
  return Number((await redis.get(keys.configRevision)) ?? '0');
}

/**
 * Compare-and-set: sign for current+1, and let the script XADD only if the counter is still `current`.
 * Losing the race re-signs for the new revision, so two regions never issue one revision twice.
 * `body` is the snapshot body key when `change` is a snapshot.
 */
export async function publishChange(ctx: PublishContext, change: ConfigChange, body?: string): Promise<PublishResult> {
  const k = ctx.keys;
  for (let attempt = 0; attempt < ctx.publishAttempts; attempt++) {
    const [current, storedEpoch, oldData] = await Promise.all([
      readRevision(ctx.redis, k),
      ctx.redis.get(k.configEpoch),
      ctx.redis.hget(k.snapshotHead, 'data'),
    ]);
    // The first revision of a history names a new epoch; the script refuses it if another writer named one first.
    const epoch = storedEpoch ?? newEpoch(ctx.now());
    const entry = { ...change, epoch, revision: current + 1, time: ctx.now() } as ConfigEntry;
    const fields = encodeConfigEntry(entry, ctx.secret, k.configStream);
    const oldBody = oldData === null ? undefined : snapshotBodyKeyOf(ctx.prefix, oldData);
    const keys = [
      k.configRevision,
      k.configStream,
      k.snapshotHead,
      k.snapshotEntryId,
      body ?? k.snapshotHead,
      oldBody ?? body ?? k.snapshotHead,
      k.configEpoch,
    ];
    const kind = body === undefined ? 'delta' : 'snapshot';
    const reply = (await ctx.redis.eval(
      PUBLISH_SCRIPT,
      keys.length,
      ...keys,
      current,
      kind,
      ctx.snapshotGraceMs,
      epoch,
      ...fields,
    )) as [number, string | number, number?];
    if (reply[0] === 1)
      return { epoch, revision: current + 1, entryId: String(reply[1]), streamLength: Number(reply[2]) };
    if (reply[0] === -1)
      throw new RegionPublishError(
        'no snapshot has been published yet (or Redis lost its data): ' +
          'publish a snapshot (rackctl snapshot push) before deltas',
      );
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(50, 2 ** attempt)));
  }
  throw new RegionPublishError(
    `revision allocation lost the race ${ctx.publishAttempts} times: too many concurrent publishers`,
  );
}

/** Sortable by creation time, unique without coordination: `<ms in base 36>-<8 random hex>`. */
function newEpoch(now: number): string {
  return `${now.toString(36)}-${randomUUID().slice(0, 8)}`;
}

function snapshotBodyKeyOf(prefix: string, data: string): string | undefined {
  try {
    const id = (JSON.parse(data) as { id?: unknown }).id;
    return typeof id === 'string' ? snapshotBodyKey(prefix, id) : undefined;
  } catch {
    return undefined;
  }
}
