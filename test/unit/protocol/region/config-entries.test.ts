import { describe, expect, it } from 'vitest';
import {
  decodeConfigEntry,
  encodeConfigEntry,
  epochTime,
  revisionAction,
} from '../../../../protocol/region/config-entries.js';
import type { ConfigEntry } from '../../../../protocol/region/config-entries.js';
import { encodeSnapshot } from '../../../../protocol/region/snapshot.js';
import { KEYS, OTHER_SECRET, SECRET, resign, tamper, toRecord } from './support.js';

const CHANNEL = KEYS.configStream;
const at = { epoch: 'lq2x8k-5f3a9c1e', revision: 7, time: 1_700_000_000_000 };

const VALID: ConfigEntry[] = [
  {
    ...at,
    type: 'snapshot',
    snapshot: encodeSnapshot(
      { subnets: [{ cidr: '10.20.0.0/24' }], reservations: [{ mac: '52:54:00:00:00:01', ip: '10.20.0.5' }] },
      'snap-1',
    ).head,
  },
  {
    ...at,
    type: 'put-subnet',
    subnet: { cidr: '10.20.0.0/24', gateway: '10.20.0.1', dns_servers: ['10.20.0.53'], lease_time: 3600 },
  },
  { ...at, type: 'put-subnet', subnet: { cidr: '2001:db8:20::/64', dns_servers: ['2001:db8::53'] } },
  { ...at, type: 'delete-subnet', cidr: '10.20.0.0/24' },
  { ...at, type: 'delete-subnet', cidr: '2001:db8:20::/64' },
  {
    ...at,
    type: 'put-reservation',
    reservation: { mac: '52:54:00:12:34:56', ip: '10.20.0.10', hostname: 'web-1', client_id: '01:52:54:00:12:34:56' },
  },
  { ...at, type: 'delete-reservation', mac: '52:54:00:12:34:56' },
  { ...at, type: 'delete-reservation', mac: '52:54:00:12:34:56', subnet: '10.20.0.0/24' },
];

function decode(flat: readonly string[]) {
  return decodeConfigEntry(flat, SECRET, CHANNEL);
}

describe('config entries: valid examples round-trip', () => {
  it.each(VALID.map((e) => [e.type, e] as const))('%s', (_type, entry) => {
    const flat = encodeConfigEntry(entry, SECRET, CHANNEL);
    expect(toRecord(flat).v).toBe('1.0');
    expect(decode(flat)).toEqual({ ok: true, value: entry });
    // The same fields as a hash reply (HGETALL of the snapshot head) decode the same way.
    expect(decode(flat)).toEqual(decodeConfigEntry(toRecord(flat), SECRET, CHANNEL));
  });

  it('normalises what the IPAM schemas normalise', () => {
    const flat = encodeConfigEntry(
      { ...at, type: 'put-reservation', reservation: { mac: '52-54-00-AB-CD-EF', ip: '10.20.0.11' } },
      SECRET,
      CHANNEL,
    );
    const decoded = decode(flat);
    expect(decoded.ok && decoded.value.type === 'put-reservation' && decoded.value.reservation.mac).toBe(
      '52:54:00:ab:cd:ef',
    );
  });
});

describe('config entries: invalid examples name the field', () => {
  const put = encodeConfigEntry(VALID[5] as ConfigEntry, SECRET, CHANNEL);
  const cases: [string, Record<string, string | undefined>, string, RegExp][] = [
    [
      'bad reservation ip',
      { data: '{"mac":"52:54:00:12:34:56","ip":"10.20.0.999"}' },
      'data.ip',
      /not an IPv4 address/,
    ],
    [
      'unknown reservation field',
      { data: '{"mac":"52:54:00:12:34:56","ip":"10.20.0.9","hostnme":"x"}' },
      'data.hostnme',
      /did you mean "hostname"/,
    ],
    ['missing mac', { data: '{"ip":"10.20.0.9"}' }, 'data.mac', /./],
    ['data not JSON', { data: '{nope' }, 'data', /not JSON/],
    ['data missing', { data: undefined }, 'data', /missing/],
    ['unknown type', { type: 'put-everything' }, 'type', /must be one of/],
    ['revision 0', { rev: '0' }, 'rev', /starts at 1/],
    ['revision not decimal', { rev: '0x10' }, 'rev', /whole decimal/],
    ['time missing', { ts: undefined }, 'ts', /missing/],
    ['epoch missing', { epoch: undefined }, 'epoch', /missing/],
    ['epoch garbled', { epoch: 'a b' }, 'epoch', /letters, digits or hyphens/],
  ];
  it.each(cases)('%s', (_name, changes, field, message) => {
    const decoded = decode(resign(put, changes, CHANNEL));
    expect(decoded.ok).toBe(false);
    if (decoded.ok) return;
    expect(decoded.kind).toBe('schema');
    expect(decoded.field).toBe(field);
    expect(decoded.message).toMatch(message);
  });

  it('carries the signed revision on a schema refusal so the rack can step past it', () => {
    const decoded = decode(resign(put, { data: '{}' }, CHANNEL));
    expect(decoded).toMatchObject({ ok: false, kind: 'schema', epoch: at.epoch, revision: 7 });
  });

  it('refuses a subnet with the IPv4 or IPv6 schema chosen by its cidr', () => {
    const subnet = encodeConfigEntry(VALID[1] as ConfigEntry, SECRET, CHANNEL);
    expect(decode(resign(subnet, { data: '{"cidr":"10.20.0.1/24"}' }, CHANNEL))).toMatchObject({
      ok: false,
      field: 'data.cidr',
      message: /host bits set — write the network address 10.20.0.0\/24/,
    });
    expect(decode(resign(subnet, { data: '{"cidr":"2001:db8::/64","gateway":"x"}' }, CHANNEL))).toMatchObject({
      ok: false,
      field: 'data.gateway',
    });
    expect(decode(resign(subnet, { data: '{"cidr":"10.20.0.0/24","gateway":"10.30.0.1"}' }, CHANNEL))).toMatchObject({
      ok: false,
      field: 'data.gateway',
      message: /outside/,
    });
  });

  it('refuses a snapshot head whose digests do not match its chunk count', () => {
    const snap = toRecord(encodeConfigEntry(VALID[0] as ConfigEntry, SECRET, CHANNEL));
    const data = { ...JSON.parse(snap.data as string), chunks: 2 };
    expect(
      decode(
        resign(encodeConfigEntry(VALID[0] as ConfigEntry, SECRET, CHANNEL), { data: JSON.stringify(data) }, CHANNEL),
      ),
    ).toMatchObject({ ok: false, field: 'data.digests', message: /one SHA-256 per chunk/ });
  });
});

describe('config entries: signature', () => {
  const flat = encodeConfigEntry(VALID[5] as ConfigEntry, SECRET, CHANNEL);

  it('refuses an unsigned entry as unsigned', () => {
    const unsigned = flat.slice(0, flat.indexOf('sig'));
    expect(decode(unsigned)).toMatchObject({ ok: false, kind: 'unsigned', field: 'sig' });
  });

  it('refuses a tampered field, a wrong secret and a garbled sig as bad-signature', () => {
    expect(decode(tamper(flat, 'data', '{"mac":"52:54:00:12:34:56","ip":"10.20.0.66"}'))).toMatchObject({
      ok: false,
      kind: 'bad-signature',
      field: 'sig',
    });
    expect(decode(tamper(flat, 'rev', '8'))).toMatchObject({ ok: false, kind: 'bad-signature' });
    expect(decode(tamper(flat, 'sig', 'zz'))).toMatchObject({ ok: false, kind: 'bad-signature' });
    expect(decodeConfigEntry(flat, OTHER_SECRET, CHANNEL)).toMatchObject({ ok: false, kind: 'bad-signature' });
  });

  it("refuses an entry replayed into another stream (another prefix's config)", () => {
    expect(decodeConfigEntry(flat, SECRET, '{lab:config}:stream')).toMatchObject({
      ok: false,
      kind: 'bad-signature',
      message: /copied from another key/,
    });
  });

  it('refuses an added field the signer did not sign', () => {
    expect(decode([...flat, 'extra', '1'])).toMatchObject({ ok: false, kind: 'bad-signature' });
  });

  it('refuses duplicate and ill-formed field names before anything else', () => {
    expect(decode([...flat, 'rev', '9'])).toMatchObject({ ok: false, kind: 'malformed', field: 'rev' });
    expect(decode([...flat, 'Bad', '9'])).toMatchObject({ ok: false, kind: 'malformed', field: 'Bad' });
    expect(decode([...flat, 'odd'])).toMatchObject({ ok: false, kind: 'malformed' });
  });
});

describe('config entries: version rules', () => {
  const flat = encodeConfigEntry(VALID[6] as ConfigEntry, SECRET, CHANNEL);

  it('accepts a higher minor and ignores (but still authenticates) unknown fields', () => {
    const newer = resign(flat, { v: '1.7', priority: 'high' }, CHANNEL);
    expect(decode(newer)).toEqual({ ok: true, value: VALID[6] });
    expect(decode(tamper(newer, 'priority', 'low'))).toMatchObject({ ok: false, kind: 'bad-signature' });
  });

  it('refuses a higher or lower major, a garbled and a missing v, before checking the signature', () => {
    expect(decode(resign(flat, { v: '2.0' }, CHANNEL))).toMatchObject({
      ok: false,
      kind: 'version',
      field: 'v',
      message: /major 2 is newer .* upgrade it/,
    });
    expect(decode(tamper(flat, 'v', '2'))).toMatchObject({ ok: false, kind: 'version' });
    expect(decode(resign(flat, { v: '0.9' }, CHANNEL))).toMatchObject({ ok: false, kind: 'version' });
    expect(decode(resign(flat, { v: 'one' }, CHANNEL))).toMatchObject({
      ok: false,
      kind: 'version',
      message: /MAJOR.MINOR/,
    });
    expect(decode(resign(flat, { v: undefined }, CHANNEL))).toMatchObject({
      ok: false,
      kind: 'version',
      message: /no v field/,
    });
  });
});

describe('revisionAction: the re-sync rule', () => {
  const E = 'epoch-a';
  const at = (revision: number) => ({ epoch: E, revision });

  it('applies the next revision, skips applied ones, re-syncs after a gap', () => {
    expect(revisionAction(at(6), { type: 'put-reservation', epoch: E, revision: 7 })).toBe('apply');
    expect(revisionAction(at(7), { type: 'put-reservation', epoch: E, revision: 7 })).toBe('skip');
    expect(revisionAction(at(7), { type: 'put-reservation', epoch: E, revision: 3 })).toBe('skip');
    expect(revisionAction(at(6), { type: 'put-reservation', epoch: E, revision: 9 })).toBe('resync');
    expect(revisionAction({ revision: 0 }, { type: 'delete-subnet', epoch: E, revision: 5 })).toBe('resync');
  });

  it('applies any newer snapshot, whatever the gap, and skips an older one', () => {
    expect(revisionAction({ revision: 0 }, { type: 'snapshot', epoch: E, revision: 40 })).toBe('apply');
    expect(revisionAction(at(6), { type: 'snapshot', epoch: E, revision: 40 })).toBe('apply');
    expect(revisionAction(at(40), { type: 'snapshot', epoch: E, revision: 40 })).toBe('skip');
  });

  it(
    "after the region's history restarts (new epoch), applies its snapshot even at a lower revision, and " +
      're-syncs on its deltas',
    () => {
      // A later history: its token's time (base 36, before the dash) is after the applied one's.
      const applied = { epoch: `${(1_700_000_000_000).toString(36)}-aaaaaaaa`, revision: 57 };
      const restarted = `${(1_700_000_100_000).toString(36)}-bbbbbbbb`;
      expect(revisionAction(applied, { type: 'snapshot', epoch: restarted, revision: 1 })).toBe('apply');
      expect(revisionAction(applied, { type: 'put-reservation', epoch: restarted, revision: 58 })).toBe('resync');
    },
  );

  it('never goes back to an older history: entries of an older or unordered epoch are replays', () => {
    // Epoch tokens carry their creation time (ms, base 36) before the dash, as RegionClient makes them.
    const older = `${(1_700_000_000_000).toString(36)}-aaaaaaaa`;
    const applied = { epoch: `${(1_700_000_500_000).toString(36)}-bbbbbbbb`, revision: 4 };
    const newer = `${(1_700_000_900_000).toString(36)}-cccccccc`;
    expect(epochTime(applied.epoch)).toBe(1_700_000_500_000);
    expect(revisionAction(applied, { type: 'snapshot', epoch: older, revision: 1 })).toBe('replay');
    expect(revisionAction(applied, { type: 'snapshot', epoch: older, revision: 99 })).toBe('replay');
    expect(revisionAction(applied, { type: 'put-reservation', epoch: older, revision: 5 })).toBe('replay');
    expect(revisionAction(applied, { type: 'snapshot', epoch: 'NotATime', revision: 9 })).toBe('replay');
    // A rack whose state predates ordered epochs takes another epoch once, as before.
    expect(revisionAction({ epoch: 'LegacyToken', revision: 3 }, { type: 'snapshot', epoch: older, revision: 1 })).toBe(
      'apply',
    );
    expect(revisionAction(applied, { type: 'snapshot', epoch: newer, revision: 1 })).toBe('apply');
    expect(revisionAction(applied, { type: 'put-reservation', epoch: newer, revision: 2 })).toBe('resync');
    expect(revisionAction(applied, { type: 'snapshot', epoch: applied.epoch, revision: 1 })).toBe('skip');
    expect(revisionAction({ revision: 0 }, { type: 'snapshot', epoch: older, revision: 1 })).toBe('apply');
  });
});
