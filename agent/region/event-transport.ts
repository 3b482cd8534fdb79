// The outbox's Redis side (PROTOCOL.md §5.1, §5.4): XADD a signed batch with MAXLEN ~, and ask the region's consumer
// group (XINFO GROUPS, XPENDING) whether a sent entry was acknowledged or vanished before it was.

import type { Redis } from 'ioredis';
import { encodeEventEntry } from '../../protocol/region/event-entries.js';
import type { RackEvent } from '../../protocol/region/events.js';
import { REGION_EVENTS_GROUP } from '../../protocol/region/keys.js';
import type { OutboxTransport } from './outbox.js';

/** Approximate length racks trim the shared event stream to (PROTOCOL.md §2). */
export const EVENT_STREAM_MAXLEN = 100_000;

/** Sent entries checked per round, oldest first; the rest wait for the next round. */
const PROBE_LIMIT = 64;

/** Stream ids `ms-seq` compared as numbers: string order is wrong once the lengths differ. */
export function compareStreamIds(a: string, b: string): number {
  const [am = 0n, as = 0n] = a.split('-').map(BigInt);
  const [bm = 0n, bs = 0n] = b.split('-').map(BigInt);
  if (am !== bm) return am < bm ? -1 : 1;
  return as === bs ? 0 : as < bs ? -1 : 1;
}

/** XINFO GROUPS as a flat field list per group (RESP2) or a map (RESP3). */
function groupInfo(reply: unknown, name: string): Record<string, unknown> | undefined {
  if (!Array.isArray(reply)) return undefined;
  for (const group of reply) {
    const fields: Record<string, unknown> = {};
    if (Array.isArray(group)) for (let i = 0; i + 1 < group.length; i += 2) fields[String(group[i])] = group[i + 1];
    else if (group !== null && typeof group === 'object') Object.assign(fields, group);
    if (fields.name === name) return fields;
  }
  return undefined;
}

export interface EventTransportOptions {
  redis: Redis;
  secret: Uint8Array;
  stream: string;
  rack: string;
  now: () => number;
}

export function eventTransport(options: EventTransportOptions): OutboxTransport {
  const { redis, stream } = options;
  return {
    async send(events) {
      const fields = encodeEventEntry(
        { rack: options.rack, time: options.now(), events: [...events] as RackEvent[] },
        options.secret,
        stream,
      );
      return String(await redis.call('XADD', stream, 'MAXLEN', '~', EVENT_STREAM_MAXLEN, '*', ...fields));
    },
    async ackState(ids) {
      const states = new Map<string, 'acked' | 'pending' | 'gone'>();
      let info: unknown;
      try {
        info = await redis.call('XINFO', 'GROUPS', stream);
      } catch (error) {
        if (!/no such key/i.test((error as Error).message)) throw error;
        for (const id of ids) states.set(id, 'gone');
        return states;
      }
      const group = groupInfo(info, REGION_EVENTS_GROUP);
      let delivered: string | undefined;
      let minPending: string | undefined;
      if (group !== undefined) {
        delivered = String(group['last-delivered-id']);
        const summary = (await redis.call('XPENDING', stream, REGION_EVENTS_GROUP)) as unknown[];
        if (Number(summary[0]) > 0) minPending = String(summary[1]);
      }
      // Acked by id alone is not enough: a Redis that lost its data hands out larger ids again, so an entry of the old
      // stream compares as acked by the new group. It must also still be there; gone unacked means resend.
      const probed = ids.slice(0, PROBE_LIMIT);
      const probe = redis.pipeline();
      for (const id of probed) probe.call('XRANGE', stream, id, id);
      const found = (await probe.exec()) ?? [];
      probed.forEach((id, i) => {
        const reply = found[i]?.[1];
        const exists = !(Array.isArray(reply) && reply.length === 0);
        const acked =
          delivered !== undefined &&
          compareStreamIds(id, delivered) <= 0 &&
          (minPending === undefined || compareStreamIds(id, minPending) < 0);
        states.set(id, !exists ? 'gone' : acked ? 'acked' : 'pending');
      });
      return states;
    },
  };
}
