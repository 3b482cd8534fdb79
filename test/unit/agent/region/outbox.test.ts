// The event outbox (PROTOCOL.md §5.4) over a recording transport and a real journal dir: bursts go as full entries,
// a lone event waits only its linger, flush() does not wait, order holds, and nothing is lost when a send fails.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { MAX_EVENTS_PER_ENTRY } from '../../../../protocol/region/event-entries.js';
import type { RackEvent } from '../../../../protocol/region/events.js';
import { EventJournal } from '../../../../agent/region/event-journal.js';
import { Outbox } from '../../../../agent/region/outbox.js';
import type { OutboxOptions, OutboxTransport } from '../../../../agent/region/outbox.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function activity(n: number): RackEvent {
  const hex = (byte: number) => byte.toString(16).padStart(2, '0');
  const mac = `52:54:00:00:${hex((n >> 8) & 255)}:${hex(n & 255)}`;
  return {
    type: 'dhcp-activity',
    key: `dhcp-activity:${mac}:ack:${n}`,
    rack: 'rack-1',
    time: Date.now(),
    interface: 'rk0',
    mac,
    ip: `10.20.${(n >> 8) & 255}.${n & 255}`,
    message_type: 'ack',
    subnet: '10.20.0.0/16',
  };
}

/** Records each XADD as one entry; `fail` makes sends reject as if Redis went away; `acks` answers ackState. */
class RecordingTransport implements OutboxTransport {
  entries: RackEvent[][] = [];
  fail = false;
  sendDelayMs = 0;
  acks = new Map<string, 'acked' | 'pending' | 'gone'>();

  async send(events: readonly RackEvent[]): Promise<string> {
    if (this.sendDelayMs > 0) await sleep(this.sendDelayMs);
    if (this.fail) throw new Error('connection is closed');
    this.entries.push([...events]);
    return `${this.entries.length}-0`;
  }

  async ackState(ids: readonly string[]): Promise<Map<string, 'acked' | 'pending' | 'gone'>> {
    return new Map(ids.map((id) => [id, this.acks.get(id) ?? 'pending']));
  }

  get keys(): string[] {
    return this.entries.flat().map((e) => e.key);
  }
}

const dirs: string[] = [];
const outboxes: Outbox[] = [];
afterEach(async () => {
  await Promise.all(outboxes.splice(0).map((o) => o.close()));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function outbox(
  options: Partial<OutboxOptions> = {},
): Promise<{ box: Outbox; transport: RecordingTransport; journal: EventJournal }> {
  const dir = mkdtempSync(join(tmpdir(), 'rackd-outbox-'));
  dirs.push(dir);
  const journal = new EventJournal(dir);
  await journal.open();
  const transport = new RecordingTransport();
  const box = new Outbox({ journal, transport, logger: pino({ level: 'silent' }), ...options });
  outboxes.push(box);
  return { box, transport, journal };
}

async function until(what: string, ok: () => boolean, ms = 2000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(2);
  }
}

describe('Outbox batching', () => {
  it('sends a burst as full entries, in order', async () => {
    const { box, transport } = await outbox();
    box.resume();
    const keys = Array.from({ length: 1200 }, (_, n) => activity(n)).map((e) => (box.emit(e), e.key));
    await until('all 1200 events', () => transport.keys.length === 1200);
    expect(transport.entries.map((e) => e.length)).toEqual([MAX_EVENTS_PER_ENTRY, MAX_EVENTS_PER_ENTRY, 200]);
    expect(transport.keys).toEqual(keys);
    expect(box.queued).toBe(0);
    expect(box.unacked).toBe(1200);
  });

  it('sends a lone event after its linger, not at once and not much later', async () => {
    const { box, transport } = await outbox({ lingerMs: 40 });
    box.resume();
    const start = performance.now();
    box.emit(activity(1));
    await sleep(10);
    expect(transport.entries).toHaveLength(0);
    await until('the event', () => transport.entries.length === 1);
    const waited = performance.now() - start;
    expect(waited).toBeGreaterThanOrEqual(39);
    expect(waited).toBeLessThan(1000);
  });

  it('groups events that trickle in during slow sends instead of sending one entry each', async () => {
    const { box, transport } = await outbox({ lingerMs: 10 });
    transport.sendDelayMs = 2;
    box.resume();
    for (let n = 0; n < 300; n++) {
      box.emit(activity(n));
      if (n % 3 === 0) await sleep(0);
    }
    await until('all 300 events', () => transport.keys.length === 300);
    expect(transport.keys).toEqual(Array.from({ length: 300 }, (_, n) => activity(n).key));
    // One entry per event was the old behaviour; a linger of 10 ms over this run allows only a handful.
    expect(transport.entries.length).toBeLessThan(30);
  });

  it('flush() sends a partial batch without waiting for the linger', async () => {
    const { box, transport } = await outbox({ lingerMs: 60_000 });
    box.resume();
    box.emit(activity(1));
    box.emit(activity(2));
    await box.flush();
    expect(transport.entries).toEqual([[activity(1), activity(2)].map((e) => expect.objectContaining({ key: e.key }))]);
  });
});

describe('Outbox delivery', () => {
  it('keeps every event when sends fail and delivers them in order once Redis is back', async () => {
    const { box, transport, journal } = await outbox({ lingerMs: 1 });
    box.resume();
    transport.fail = true;
    for (let n = 0; n < 700; n++) box.emit(activity(n));
    await until('the failed send to spill to the journal', () => journal.size === 700);
    expect(transport.entries).toHaveLength(0);
    transport.fail = false;
    box.resume();
    await until('all 700 events', () => transport.keys.length === 700);
    expect(transport.keys).toEqual(Array.from({ length: 700 }, (_, n) => activity(n).key));
    await until('the journal to empty', () => journal.size === 0);
  });

  it('counts unacked events, forgets acked batches and resends the ones that vanished', async () => {
    const { box, transport } = await outbox({ lingerMs: 1 });
    box.resume();
    for (let n = 0; n < 1200; n++) box.emit(activity(n));
    await until('three entries', () => transport.entries.length === 3);
    expect(box.unacked).toBe(1200);
    transport.acks.set('1-0', 'acked').set('2-0', 'gone');
    await box.checkAcks();
    // Entry 2's 500 events go out again as a new entry; entry 3 is still pending.
    await until('the resend', () => transport.entries.length === 4);
    expect(transport.entries[3]?.map((e) => e.key)).toEqual(transport.entries[1]?.map((e) => e.key));
    expect(box.unacked).toBe(700);
  });

  it('forgets the oldest sent batches beyond keepLimit', async () => {
    const { box, transport } = await outbox({ lingerMs: 1, keepLimit: 600 });
    box.resume();
    for (let n = 0; n < 1200; n++) box.emit(activity(n));
    await until('three entries', () => transport.entries.length === 3);
    expect(box.unacked).toBe(200);
  });
});
