// The rack status hash (PROTOCOL.md §7): a rack's heartbeat, refreshed every HEARTBEAT_INTERVAL_MS with a TTL,
// signed like a stream entry and bound to its key; an expired hash means the rack is offline.

import { z } from 'zod';
import { openEntry, sealEntry, textField } from './entry.js';
import type { Decoded, RawEntry } from './entry.js';
import { epochMsText, revisionText } from './fields.js';
import { rackIdSchema } from './events.js';
import { RACK_SYNC_STATES } from './rpc-methods.js';
import type { RackSyncState } from './rpc-methods.js';

export const HEARTBEAT_INTERVAL_MS = 10_000;
/** Three missed heartbeats and the hash is gone. */
export const STATUS_TTL_MS = 3 * HEARTBEAT_INTERVAL_MS;

export interface RackStatus {
  rack: string;
  state: RackSyncState;
  /** Revision being served (0: none from the region yet). */
  revision: number;
  /** rackd version, e.g. `0.1.0`. */
  version: string;
  /** When the rack process started and when it wrote this heartbeat, ms since the epoch. */
  started: number;
  time: number;
}

const revisionOrZero = z.string().transform((text, ctx) => {
  if (text === '0') return 0;
  const parsed = revisionText.safeParse(text);
  if (parsed.success) return parsed.data;
  ctx.issues.push({ code: 'custom', message: `revision must be a whole decimal number, got "${text}"`, input: text });
  return z.NEVER;
});

export function encodeRackStatus(status: RackStatus, secret: Uint8Array, channel: string): string[] {
  return sealEntry(
    {
      rack: status.rack,
      state: status.state,
      revision: String(status.revision),
      version: status.version,
      started: String(status.started),
      ts: String(status.time),
    },
    secret,
    channel,
  );
}

export function decodeRackStatus(raw: RawEntry, secret: Uint8Array, channel: string): Decoded<RackStatus> {
  const opened = openEntry(raw, secret, channel);
  if (!opened.ok) return opened;
  const fields = opened.value;
  const rack = textField(fields, 'rack', rackIdSchema);
  if (!rack.ok) return rack;
  const state = textField(fields, 'state', z.enum(RACK_SYNC_STATES));
  if (!state.ok) return state;
  const revision = textField(fields, 'revision', revisionOrZero);
  if (!revision.ok) return revision;
  const version = textField(fields, 'version', z.string().max(64));
  if (!version.ok) return version;
  const started = textField(fields, 'started', epochMsText);
  if (!started.ok) return started;
  const time = textField(fields, 'ts', epochMsText);
  if (!time.ok) return time;
  return {
    ok: true,
    value: {
      rack: rack.value,
      state: state.value,
      revision: revision.value,
      version: version.value,
      started: started.value,
      time: time.value,
    },
  };
}
