// Event entries (PROTOCOL.md §5): a signed batch of a rack's events in the shared event stream. One bad event
// does not sink its batch: it is returned as skipped, naming the field, and its neighbours are delivered.

import { z } from 'zod';
import { openEntry, refuse, schemaRefusal, sealEntry, textField } from './entry.js';
import type { Decoded, RawEntry } from './entry.js';
import { epochMsText } from './fields.js';
import { RACK_EVENT_TYPES, rackEventSchema, rackIdSchema } from './events.js';
import type { RackEvent } from './events.js';

/** Most events one entry may carry; a longer queue is sent as several entries. */
export const MAX_EVENTS_PER_ENTRY = 500;

export interface EventBatch {
  rack: string;
  /** When the batch was sent (each event has its own `time`). */
  time: number;
  events: RackEvent[];
}

export interface SkippedEvent {
  index: number;
  /** The event's type as sent, when it had one. */
  type?: string;
  /** `events[3].mac`; `events[3].type` for a type this side does not know (a newer rack). */
  field: string;
  message: string;
}

export interface DecodedEventBatch extends EventBatch {
  skipped: SkippedEvent[];
}

/** Throws RangeError naming the field when an event does not match its schema: a rack bug, caught before sending. */
export function encodeEventEntry(batch: EventBatch, secret: Uint8Array, channel: string): string[] {
  if (batch.events.length === 0 || batch.events.length > MAX_EVENTS_PER_ENTRY) {
    throw new RangeError(`an event entry carries 1–${MAX_EVENTS_PER_ENTRY} events, got ${batch.events.length}`);
  }
  batch.events.forEach((event, index) => {
    const result = rackEventSchema.safeParse(event);
    if (!result.success) throw new RangeError(schemaRefusal(`events[${index}]`, result.error).message);
    if (event.rack !== batch.rack)
      throw new RangeError(`events[${index}].rack is ${event.rack}, the batch is from ${batch.rack}`);
  });
  return sealEntry({ rack: batch.rack, ts: String(batch.time), events: JSON.stringify(batch.events) }, secret, channel);
}

export function decodeEventEntry(raw: RawEntry, secret: Uint8Array, channel: string): Decoded<DecodedEventBatch> {
  const opened = openEntry(raw, secret, channel);
  if (!opened.ok) return opened;
  const fields = opened.value;
  const rack = textField(fields, 'rack', rackIdSchema);
  if (!rack.ok) return rack;
  const time = textField(fields, 'ts', epochMsText);
  if (!time.ok) return time;
  let list: unknown;
  try {
    list = JSON.parse(fields.events ?? '');
  } catch {
    return refuse('schema', 'events', 'field events is missing or not JSON');
  }
  if (!Array.isArray(list)) return refuse('schema', 'events', 'events must be a JSON array');
  const events: RackEvent[] = [];
  const skipped: SkippedEvent[] = [];
  list.forEach((item: unknown, index) => {
    const outcome = decodeEvent(item, index, rack.value);
    if (outcome.ok) events.push(outcome.event);
    else skipped.push(outcome.skipped);
  });
  return { ok: true, value: { rack: rack.value, time: time.value, events, skipped } };
}

type EventOutcome = { ok: true; event: RackEvent } | { ok: false; skipped: SkippedEvent };

function skip(skipped: SkippedEvent): EventOutcome {
  return { ok: false, skipped };
}

function decodeEvent(item: unknown, index: number, rack: string): EventOutcome {
  const type = z.object({ type: z.string() }).safeParse(item);
  if (!type.success) return skip({ index, field: `events[${index}].type`, message: 'an event needs a type' });
  if (!(RACK_EVENT_TYPES as readonly string[]).includes(type.data.type)) {
    return skip({
      index,
      type: type.data.type,
      field: `events[${index}].type`,
      message: `event type ${type.data.type} is unknown here (a newer rack?)`,
    });
  }
  const result = rackEventSchema.safeParse(item);
  if (!result.success) {
    const refusal = schemaRefusal(`events[${index}]`, result.error);
    return skip({ index, type: type.data.type, field: refusal.field, message: refusal.message });
  }
  if (result.data.rack !== rack) {
    return skip({
      index,
      type: type.data.type,
      field: `events[${index}].rack`,
      message: `event says rack ${result.data.rack}, its batch is from ${rack}`,
    });
  }
  return { ok: true, event: result.data };
}
