// Redis key names of the region contract (PROTOCOL.md §2), under a configurable prefix, with Redis Cluster
// hash tags (Redis Cluster spec §"Hash tags") so each group of keys a script or MULTI touches shares a slot.

/** The prefix every key starts with unless the operator chooses another (`--prefix`). */
export const DEFAULT_PREFIX = 'rackd';

/** The consumer group racks read their RPC request stream through. */
export const RPC_GROUP = 'rackd';

/**
 * The region's authoritative event consumer group: a rack keeps each sent event until this group has acked it
 * (PROTOCOL.md §5.4). Other groups (a `rackctl events tail`) may read the stream but do not count.
 */
export const REGION_EVENTS_GROUP = 'region';

// Braces would start a second hash tag; whitespace and quotes break `redis-cli` copy-paste of key names.
const PREFIX_TEXT = /^[A-Za-z0-9._:-]{1,64}$/;
// A rack id is part of a hash tag and of log lines: no colon (key separator), no braces.
const RACK_ID_TEXT = /^[A-Za-z0-9._-]{1,64}$/;

export function isValidPrefix(prefix: string): boolean {
  return PREFIX_TEXT.test(prefix);
}

export function isValidRackId(rack: string): boolean {
  return RACK_ID_TEXT.test(rack);
}

/** Keys the region writes for every rack: config, its revision counter, snapshots; and the shared event stream. */
export interface RegionKeys {
  readonly prefix: string;
  /** String: the last revision issued (PROTOCOL.md §4.1). */
  readonly configRevision: string;
  /** String: the current revision history's id, set with the first revision (PROTOCOL.md §4.1). */
  readonly configEpoch: string;
  /** Stream: config entries, one revision each. */
  readonly configStream: string;
  /** Hash: the fields of the latest snapshot entry, verbatim. */
  readonly snapshotHead: string;
  /** String: the stream id of that snapshot entry, where a rack that loaded it starts following. */
  readonly snapshotEntryId: string;
  /** Stream: events from every rack. */
  readonly eventStream: string;
  /** Sorted set: rack id → last heartbeat (ms since the epoch). */
  readonly racks: string;
}

export interface RackKeys {
  readonly rack: string;
  /** Stream: RPC requests to this rack, read through consumer group RPC_GROUP. */
  readonly rpc: string;
  /** Stream: this rack's RPC replies. */
  readonly rpcReplies: string;
  /** Hash with a TTL: this rack's status, refreshed by its heartbeat. */
  readonly status: string;
}

function checkPrefix(prefix: string): void {
  if (!isValidPrefix(prefix)) {
    throw new RangeError(`region key prefix "${prefix}" is invalid: use 1–64 of A-Z a-z 0-9 . _ : - (no braces)`);
  }
}

export function regionKeys(prefix: string = DEFAULT_PREFIX): RegionKeys {
  checkPrefix(prefix);
  const config = `{${prefix}:config}`;
  const events = `{${prefix}:events}`;
  return {
    prefix,
    configRevision: `${config}:revision`,
    configEpoch: `${config}:epoch`,
    configStream: `${config}:stream`,
    snapshotHead: `${config}:snapshot`,
    snapshotEntryId: `${config}:snapshot-id`,
    eventStream: `${events}:stream`,
    racks: `{${prefix}:racks}`,
  };
}

/** The list holding one snapshot's body chunks; `snapshotId` is the head's `body` field. */
export function snapshotBodyKey(prefix: string, snapshotId: string): string {
  checkPrefix(prefix);
  if (!/^[A-Za-z0-9-]{1,64}$/.test(snapshotId)) throw new RangeError(`snapshot id "${snapshotId}" is invalid`);
  return `{${prefix}:config}:snapshot:${snapshotId}`;
}

/** The dedup mark of one event (PROTOCOL.md §5.3): in the event stream's slot so one script covers both. */
export function eventSeenKey(prefix: string, rack: string, idempotencyKey: string): string {
  checkPrefix(prefix);
  return `{${prefix}:events}:seen:${rack}:${idempotencyKey}`;
}

export function rackKeys(rack: string, prefix: string = DEFAULT_PREFIX): RackKeys {
  checkPrefix(prefix);
  if (!isValidRackId(rack)) {
    throw new RangeError(
      `rack id "${rack}" is invalid: use 1–64 of A-Z a-z 0-9 . _ - (it becomes part of a Redis key)`,
    );
  }
  const tag = `{${prefix}:rack:${rack}}`;
  return { rack, rpc: `${tag}:rpc`, rpcReplies: `${tag}:rpc-replies`, status: `${tag}:status` };
}
