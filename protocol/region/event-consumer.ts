// Region-side event consumption (PROTOCOL.md §5.3): XREADGROUP through a consumer group, own pending entries
// first, then XAUTOCLAIM of a dead consumer's, then new ones; each event claimed once per idempotency key.

import type { Redis } from 'ioredis';
import type { BlockingConnections } from './blocking-connections.js';
import { decodeEventEntry } from './event-entries.js';
import type { SkippedEvent } from './event-entries.js';
import type { RackEvent } from './events.js';
import type { Refusal } from './entry.js';
import { eventSeenKey } from './keys.js';
import type { RegionKeys } from './keys.js';
import { CLAIM_EVENTS_SCRIPT } from './region-scripts.js';
import { autoclaimReply, streamsReply } from './stream-replies.js';
import type { StreamEntry } from './stream-replies.js';

export interface ConsumeOptions {
  group: string;
  consumer: string;
  /** Entries per batch. @default 100 */
  count?: number;
  /** Wait this long for new entries when none are pending; 0 returns at once. @default 0 */
  blockMs?: number;
  /** Claim another consumer's entries pending this long (it died). @default 60000 */
  claimIdleMs?: number;
}

export interface DeliveredEntry {
  id: string;
  rack?: string;
  /** Events this delivery owns: first sight of their idempotency key (or a redelivery of this same entry). */
  events: RackEvent[];
  /** Events whose key an earlier entry already delivered. */
  duplicates: number;
  skipped: SkippedEvent[];
  /** Set when the whole entry was refused (unsigned, bad signature, version): report it as a security event. */
  refused?: Refusal;
}

export interface EventDelivery {
  entries: DeliveredEntry[];
  /** All entries' fresh events, in stream order. */
  events: RackEvent[];
  /** XACK every entry of this delivery (refused ones too: they will never become valid). Returns the count acked. */
  ack(): Promise<number>;
}

export interface ConsumeContext {
  redis: Redis;
  blocking: BlockingConnections;
  secret: Uint8Array;
  keys: RegionKeys;
  dedupMs: number;
  /** Groups this client already created, so XGROUP CREATE runs once per group. */
  knownGroups: Set<string>;
}

async function ensureGroup(redis: Redis, known: Set<string>, stream: string, group: string): Promise<void> {
  if (known.has(`${stream} ${group}`)) return;
  try {
    // From 0: a new group gets every event still in the stream, not just those sent after it was created.
    await redis.call('XGROUP', 'CREATE', stream, group, '0', 'MKSTREAM');
  } catch (err) {
    if (!String((err as Error).message).startsWith('BUSYGROUP')) throw err;
  }
  known.add(`${stream} ${group}`);
}

export async function consumeEvents(ctx: ConsumeContext, options: ConsumeOptions): Promise<EventDelivery> {
  try {
    return await consumeOnce(ctx, options);
  } catch (err) {
    // A Redis that restarted without its data lost the group too: create it again and read once more.
    if (!String((err as Error).message).startsWith('NOGROUP')) throw err;
    ctx.knownGroups.clear();
    return consumeOnce(ctx, options);
  }
}

async function consumeOnce(ctx: ConsumeContext, options: ConsumeOptions): Promise<EventDelivery> {
  const { redis, keys } = ctx;
  const stream = keys.eventStream;
  const count = options.count ?? 100;
  await ensureGroup(redis, ctx.knownGroups, stream, options.group);
  const read = (id: string, conn: Redis, block?: number) =>
    conn.call(
      'XREADGROUP',
      'GROUP',
      options.group,
      options.consumer,
      'COUNT',
      count,
      ...(block === undefined ? [] : ['BLOCK', block]),
      'STREAMS',
      stream,
      id,
    );
  let entries = streamsReply(await read('0', redis)).get(stream) ?? [];
  if (entries.length === 0) {
    entries = autoclaimReply(
      await redis.call(
        'XAUTOCLAIM',
        stream,
        options.group,
        options.consumer,
        options.claimIdleMs ?? 60_000,
        '0-0',
        'COUNT',
        count,
      ),
    ).entries;
  }
  if (entries.length === 0) {
    const blockMs = options.blockMs ?? 0;
    const reply = blockMs > 0 ? await ctx.blocking.use((conn) => read('>', conn, blockMs)) : await read('>', redis);
    entries = streamsReply(reply).get(stream) ?? [];
  }
  const delivered = await dedup(
    ctx,
    entries.map((e) => decodeEntry(ctx, e)),
  );
  const ids = entries.map((e) => e.id);
  return {
    entries: delivered,
    events: delivered.flatMap((e) => e.events),
    ack: async () => (ids.length === 0 ? 0 : Number(await redis.call('XACK', stream, options.group, ...ids))),
  };
}

function decodeEntry(ctx: ConsumeContext, entry: StreamEntry): DeliveredEntry {
  if (entry.fields === null) return { id: entry.id, events: [], duplicates: 0, skipped: [] };
  const decoded = decodeEventEntry(entry.fields, ctx.secret, ctx.keys.eventStream);
  if (!decoded.ok) return { id: entry.id, events: [], duplicates: 0, skipped: [], refused: decoded };
  return {
    id: entry.id,
    rack: decoded.value.rack,
    events: decoded.value.events,
    duplicates: 0,
    skipped: decoded.value.skipped,
  };
}

/** One script call per 1000 events claims each key for `<entry id>#<index>`; the losers are duplicates. */
async function dedup(ctx: ConsumeContext, entries: DeliveredEntry[]): Promise<DeliveredEntry[]> {
  const claims = entries.flatMap((entry) =>
    entry.events.map((event, index) => ({
      entry,
      event,
      key: eventSeenKey(ctx.keys.prefix, event.rack, event.key),
      owner: `${entry.id}#${index}`,
    })),
  );
  const owned = new Set<RackEvent>();
  for (let i = 0; i < claims.length; i += 1000) {
    const batch = claims.slice(i, i + 1000);
    const reply = (await ctx.redis.eval(
      CLAIM_EVENTS_SCRIPT,
      batch.length,
      ...batch.map((c) => c.key),
      ctx.dedupMs,
      ...batch.map((c) => c.owner),
    )) as number[];
    batch.forEach((claim, j) => {
      if (reply[j] === 1) owned.add(claim.event);
    });
  }
  return entries.map((entry) => {
    const events = entry.events.filter((e) => owned.has(e));
    return { ...entry, events, duplicates: entry.events.length - events.length };
  });
}
