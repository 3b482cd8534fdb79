// Loading a snapshot (PROTOCOL.md §4.3, §4.4 re-sync): the signed head and its entry id read in one MULTI, then the
// body list, each chunk checked against the digest in the head and validated like the IPAM file, into columns.

import type { Redis } from 'ioredis';
import type { Ipam } from '../../protocol/ipam/types.js';
import { decodeConfigEntry } from '../../protocol/region/config-entries.js';
import type { ConfigEntry, ConfigRefusal } from '../../protocol/region/config-entries.js';
import { refuse } from '../../protocol/region/entry.js';
import { snapshotBodyKey } from '../../protocol/region/keys.js';
import type { RegionKeys } from '../../protocol/region/keys.js';
import { decodeSnapshotColumns } from '../../protocol/region/snapshot.js';
import { hashReply } from '../../protocol/region/stream-replies.js';

export type SnapshotEntry = Extract<ConfigEntry, { type: 'snapshot' }>;

export type LoadedSnapshot =
  | { kind: 'none' }
  | { kind: 'refused'; refusal: ConfigRefusal; entryId?: string }
  | { kind: 'ok'; entry: SnapshotEntry; entryId: string; ipam: Ipam };

export interface SnapshotSource {
  redis: Redis;
  keys: RegionKeys;
  secret: Uint8Array;
}

/** The latest snapshot, or `none` when the region has published nothing yet. */
export async function loadLatestSnapshot(source: SnapshotSource): Promise<LoadedSnapshot> {
  const { redis, keys } = source;
  const results = await redis.multi().hgetall(keys.snapshotHead).get(keys.snapshotEntryId).exec();
  const failed = results?.find(([error]) => error !== null)?.[0];
  if (results === null || failed) throw failed ?? new Error('snapshot read aborted');
  const fields = hashReply(results[0]?.[1]);
  const entryId = results[1]?.[1];
  if (Object.keys(fields).length === 0 || typeof entryId !== 'string') return { kind: 'none' };
  // The head hash holds the stream entry's fields verbatim, so it verifies against the stream key.
  const decoded = decodeConfigEntry(fields, source.secret, keys.configStream);
  if (!decoded.ok) return { kind: 'refused', refusal: decoded, entryId };
  if (decoded.value.type !== 'snapshot') {
    return {
      kind: 'refused',
      refusal: refuse('schema', 'type', `the snapshot head is a ${decoded.value.type} entry`),
      entryId,
    };
  }
  return loadSnapshotBody(source, decoded.value, entryId);
}

/** The body of a verified head; a body that expired or is cut short is refused as `snapshot.chunks`. */
export async function loadSnapshotBody(
  source: SnapshotSource,
  entry: SnapshotEntry,
  entryId: string,
): Promise<LoadedSnapshot> {
  const body = snapshotBodyKey(source.keys.prefix, entry.snapshot.id);
  const chunks: Buffer[] = [];
  // In ranges, so one reply stays a few MB however large the snapshot is.
  for (let start = 0; start < entry.snapshot.chunks; start += 16) {
    const part = await source.redis.lrangeBuffer(body, start, start + 15);
    chunks.push(...part);
    if (part.length < 16) break;
  }
  const ipam = decodeSnapshotColumns(entry.snapshot, chunks);
  if (!ipam.ok) return { kind: 'refused', refusal: { ...ipam, epoch: entry.epoch, revision: entry.revision }, entryId };
  return { kind: 'ok', entry, entryId, ipam: ipam.value };
}

/** A refusal caused by a body that is gone (superseded more than 10 min ago): load the latest instead. */
export function bodyMissing(refusal: ConfigRefusal): boolean {
  return refusal.kind === 'schema' && refusal.field === 'snapshot.chunks';
}
