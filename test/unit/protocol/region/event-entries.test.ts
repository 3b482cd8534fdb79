import { describe, expect, it } from 'vitest';
import { decodeEventEntry, encodeEventEntry } from '../../../../protocol/region/event-entries.js';
import { RACK_EVENT_TYPES } from '../../../../protocol/region/events.js';
import type { RackEvent } from '../../../../protocol/region/events.js';
import { KEYS, OTHER_SECRET, SECRET, resign, tamper, toRecord } from './support.js';

const CHANNEL = KEYS.eventStream;
const base = { rack: 'r1', time: 1_700_000_000_000 };
const on = { interface: 'eth1', vid: 20 };

/** One valid example of every event type. */
const EXAMPLES: RackEvent[] = [
  {
    ...base,
    ...on,
    key: 'uc:1',
    type: 'unknown-client',
    mac: '52:54:00:00:00:09',
    message_type: 'discover',
    requested: { hostname: 'x; rm -rf /' },
  },
  {
    ...base,
    ...on,
    key: 'da:1',
    type: 'dhcp-activity',
    mac: '52:54:00:00:00:01',
    ip: '10.20.0.5',
    message_type: 'ack',
  },
  { ...base, ...on, key: 'nb:1', type: 'neighbour', mac: '52:54:00:00:00:02', ip: '10.20.0.6', source: 'arp' },
  { ...base, ...on, key: 'md:1', type: 'mdns', ip: '10.20.0.7', names: ['printer.local'] },
  {
    ...base,
    ...on,
    key: 'fd:1',
    type: 'foreign-dhcp',
    server_ip: '10.20.0.250',
    server_mac: '52:54:00:00:00:fa',
    offered_ip: '10.20.0.99',
  },
  {
    ...base,
    ...on,
    key: 'ic:1',
    type: 'ip-conflict',
    ip: '10.20.0.5',
    macs: ['52:54:00:00:00:01', '52:54:00:00:00:03'],
  },
  { ...base, key: 'cr:1', type: 'config-refused', revision: 12, entry_id: '1-0', field: 'data.ip', message: 'bad' },
  {
    ...base,
    key: 'sec:1',
    type: 'security',
    reason: 'bad-signature',
    stream: '{rackd:config}:stream',
    entry_id: '1-1',
    field: 'sig',
    message: 'no',
  },
  {
    ...base,
    key: 'if:1',
    type: 'interfaces-changed',
    interfaces: [{ name: 'eth1', up: true, addresses: ['10.20.0.2/24'] }],
  },
];

function entry(events: unknown[]): string[] {
  return resign(
    encodeEventEntry({ ...base, events: [EXAMPLES[0] as RackEvent] }, SECRET, CHANNEL),
    { events: JSON.stringify(events) },
    CHANNEL,
  );
}

describe('event entries (PROTOCOL.md §5)', () => {
  it('has an example of every event type', () => {
    expect(new Set(EXAMPLES.map((e) => e.type))).toEqual(new Set(RACK_EVENT_TYPES));
  });

  it('round-trips a batch of every type', () => {
    const flat = encodeEventEntry({ ...base, events: EXAMPLES }, SECRET, CHANNEL);
    expect(decodeEventEntry(flat, SECRET, CHANNEL)).toEqual({
      ok: true,
      value: { ...base, events: EXAMPLES, skipped: [] },
    });
  });

  it('refuses to encode an invalid event or one from another rack, naming the field', () => {
    const bad = { ...EXAMPLES[1], mac: 'nope' } as RackEvent;
    expect(() => encodeEventEntry({ ...base, events: [bad] }, SECRET, CHANNEL)).toThrow(
      /events\[0\]\.mac: "nope" is not a MAC/,
    );
    expect(() =>
      encodeEventEntry({ ...base, events: [{ ...EXAMPLES[1], rack: 'r2' } as RackEvent] }, SECRET, CHANNEL),
    ).toThrow(/events\[0\]\.rack/);
    expect(() => encodeEventEntry({ ...base, events: [] }, SECRET, CHANNEL)).toThrow(RangeError);
  });

  it('skips an invalid event naming its field, and delivers its neighbours', () => {
    const decoded = decodeEventEntry(entry([EXAMPLES[1], { ...EXAMPLES[2], ip: 5 }, EXAMPLES[3]]), SECRET, CHANNEL);
    expect(decoded.ok && decoded.value.events).toEqual([EXAMPLES[1], EXAMPLES[3]]);
    expect(decoded.ok && decoded.value.skipped).toEqual([
      { index: 1, type: 'neighbour', field: 'events[1].ip', message: expect.stringMatching(/^events\[1\]\.ip: /) },
    ]);
  });

  it('skips an unknown event type (a newer rack) and ignores unknown keys in known ones', () => {
    const decoded = decodeEventEntry(
      entry([
        { ...base, key: 'n:1', type: 'lldp-neighbour' },
        { ...EXAMPLES[1], colour: 'red' },
      ]),
      SECRET,
      CHANNEL,
    );
    expect(decoded.ok && decoded.value.events).toEqual([EXAMPLES[1]]);
    expect(decoded.ok && decoded.value.skipped[0]).toMatchObject({
      index: 0,
      type: 'lldp-neighbour',
      field: 'events[0].type',
    });
  });

  it('skips an event that claims another rack than its batch', () => {
    const decoded = decodeEventEntry(entry([{ ...EXAMPLES[1], rack: 'r2' }]), SECRET, CHANNEL);
    expect(decoded.ok && decoded.value.skipped[0]?.field).toBe('events[0].rack');
  });

  it('refuses unsigned, tampered, replayed and newer-major entries', () => {
    const flat = encodeEventEntry({ ...base, events: EXAMPLES }, SECRET, CHANNEL);
    const record = toRecord(flat);
    delete record.sig;
    expect(decodeEventEntry(record, SECRET, CHANNEL)).toMatchObject({ ok: false, kind: 'unsigned' });
    expect(decodeEventEntry(tamper(flat, 'rack', 'r2'), SECRET, CHANNEL)).toMatchObject({
      ok: false,
      kind: 'bad-signature',
    });
    expect(decodeEventEntry(flat, SECRET, '{rackd:rack:r1}:rpc-replies')).toMatchObject({
      ok: false,
      kind: 'bad-signature',
    });
    expect(decodeEventEntry(flat, OTHER_SECRET, CHANNEL)).toMatchObject({ ok: false, kind: 'bad-signature' });
    expect(decodeEventEntry(resign(flat, { v: '3.0' }, CHANNEL), SECRET, CHANNEL)).toMatchObject({
      ok: false,
      kind: 'version',
    });
  });

  it('refuses a batch whose events field is not a JSON array, or whose rack is invalid', () => {
    expect(decodeEventEntry(resign(entry([]), { events: '{}' }, CHANNEL), SECRET, CHANNEL)).toMatchObject({
      ok: false,
      field: 'events',
    });
    expect(decodeEventEntry(resign(entry([]), { events: '[' }, CHANNEL), SECRET, CHANNEL)).toMatchObject({
      ok: false,
      field: 'events',
    });
    expect(decodeEventEntry(resign(entry([]), { rack: 'r{1}' }, CHANNEL), SECRET, CHANNEL)).toMatchObject({
      ok: false,
      field: 'rack',
    });
  });

  it('refuses an invalid idempotency key', () => {
    const decoded = decodeEventEntry(entry([{ ...EXAMPLES[1], key: 'has space' }]), SECRET, CHANNEL);
    expect(decoded.ok && decoded.value.skipped[0]?.field).toBe('events[0].key');
  });
});
