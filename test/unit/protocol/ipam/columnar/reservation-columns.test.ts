// Reservations as columns (RFC 2131 §4.3.1 keys): the columns give back exactly what went in, the lean snapshot
// reader accepts and refuses exactly what parseIpam does, and the saved state file refuses anything damaged.

import { describe, expect, it } from 'vitest';
import { decodeColumns, encodeColumns } from '../../../../../agent/region/applied-binary.js';
import { ReservationIndex } from '../../../../../agent/serving/reservation-index.js';
import { LiveReservations } from '../../../../../agent/serving/live-reservations.js';
import { ColumnarIpam } from '../../../../../protocol/ipam/columnar/columnar-ipam.js';
import { ColumnsIndex } from '../../../../../protocol/ipam/columnar/columns-index.js';
import { parseIpam } from '../../../../../protocol/ipam/parse.js';
import { ColumnsBuilder, ReservationColumns } from '../../../../../protocol/ipam/columnar/reservation-columns.js';
import type { Reservation } from '../../../../../protocol/ipam/types.js';
import { decodeSnapshot, decodeSnapshotColumns, encodeSnapshot } from '../../../../../protocol/region/snapshot.js';
import { fuzzSeed, prng } from '../../../../helpers/prng.js';
import type { Prng } from '../../../../helpers/prng.js';

const CIDRS = ['10.20.0.0/24', '10.30.0.0/24'];
const SUBNETS = [
  { cidr: '10.20.0.0/24', gateway: '10.20.0.1' },
  { cidr: '2001:db8::/64' },
  { cidr: '10.30.0.0/24', server_ip: '10.30.0.2' },
];
const RICH: Reservation[] = [
  { mac: '52:54:00:00:00:01', ip: '10.20.0.5', hostname: 'node-1.example', subnet: '10.20.0.0/24' },
  { mac: '52:54:00:00:00:02', ip: '10.20.0.6', client_id: '01:52:54:00:00:00:02', subnet: '10.20.0.0/24' },
  {
    mac: 'ff:ff:ff:ff:ff:fe',
    ip: '10.30.0.7',
    hostname: 'pxe',
    client_id: 'ff:00:01',
    subnet: '10.30.0.0/24',
    options: [{ code: 224, type: 'string', value: 'x' }],
  },
  { mac: '00:00:00:00:00:00', ip: '10.30.0.8', subnet: '10.30.0.0/24' },
];

const hex2 = (n: number) => n.toString(16).padStart(2, '0');

describe('ReservationColumns', () => {
  it('gives back every field exactly, and copies rows into another subnet order unchanged', () => {
    const columns = ReservationColumns.fromReservations(CIDRS, RICH);
    expect([...columns.entries()]).toEqual(RICH);
    const builder = new ColumnsBuilder(['10.30.0.0/24', '10.20.0.0/24'], 1);
    for (let row = columns.count - 1; row >= 0; row--) expect(builder.copyRow(columns, row)).toBe(true);
    expect([...builder.finish().entries()]).toEqual([...RICH].reverse());
  });

  it('keeps every row and its text while the arrays grow, copying rows as well as adding them', () => {
    const many: Reservation[] = Array.from({ length: 3000 }, (_, i) => ({
      mac: `52:54:00:00:${hex2(i >> 8)}:${hex2(i & 0xff)}`,
      ip: `10.20.${i >> 8}.${i & 0xff}`,
      ...(i % 3 === 0 ? { hostname: `host-${i}-${'x'.repeat(i % 50)}` } : {}),
      ...(i % 5 === 0 ? { client_id: `01:${hex2(i >> 8)}:${hex2(i & 0xff)}` } : {}),
      subnet: '10.20.0.0/16',
    }));
    const added = new ColumnsBuilder(['10.20.0.0/16'], 0);
    for (const r of many) added.add(r);
    const columns = added.finish();
    expect([...columns.entries()]).toEqual(many);
    const copied = new ColumnsBuilder(['10.20.0.0/16'], 0);
    for (let row = 0; row < columns.count; row++) copied.copyRow(columns, row);
    expect([...copied.finish().entries()]).toEqual(many);
  });

  it('leaves out a reservation whose subnet is not one of its subnets, or that is not placed', () => {
    const builder = new ColumnsBuilder(CIDRS, 0);
    expect(builder.add({ mac: '52:54:00:00:00:01', ip: '10.40.0.5', subnet: '10.40.0.0/24' })).toBe(false);
    expect(builder.add({ mac: '52:54:00:00:00:01', ip: '10.20.0.5' })).toBe(false);
    expect(builder.finish().count).toBe(0);
  });

  it('counts duplicates in its index instead of indexing them', () => {
    const columns = ReservationColumns.fromReservations(CIDRS, [
      ...RICH,
      { mac: '52:54:00:00:00:09', ip: '10.20.0.5', subnet: '10.20.0.0/24' },
      { mac: '52:54:00:00:00:01', ip: '10.20.0.9', subnet: '10.20.0.0/24' },
      { mac: '52:54:00:00:00:0a', ip: '10.20.0.10', client_id: '01:52:54:00:00:00:02', subnet: '10.20.0.0/24' },
    ]);
    const keys = new ColumnsIndex(columns);
    expect([keys.size, keys.duplicates, keys.duplicateClientIds]).toEqual([5, 2, 1]);
    expect(keys.indexed(4)).toBe(false);
  });

  it(
    'copies a whole store with copyRows exactly as copyRow does, in the same or another subnet order, ' +
      'filtered or not',
    () => {
      const many: Reservation[] = Array.from({ length: 2000 }, (_, i) => ({
        mac: `52:54:00:00:${hex2(i >> 8)}:${hex2(i & 0xff)}`,
        ip: `10.${i % 2 === 0 ? 20 : 30}.${i >> 8}.${i & 0xff}`,
        ...(i % 3 === 0 ? { hostname: `host-${i}` } : {}),
        ...(i % 7 === 0 ? { client_id: `01:${hex2(i >> 8)}:${hex2(i & 0xff)}` } : {}),
        ...(i % 11 === 0 ? { options: [{ code: 224, type: 'string' as const, value: `o${i}` }] } : {}),
        subnet: i % 2 === 0 ? '10.20.0.0/16' : '10.30.0.0/16',
      }));
      const cidrs = ['10.20.0.0/16', '10.30.0.0/16'];
      const columns = ReservationColumns.fromReservations(cidrs, many);
      const rowByRow = (
        to: readonly string[],
        keepSubnet: (c: string) => boolean,
        keepRow: (row: number) => boolean,
      ) => {
        const builder = new ColumnsBuilder(to, 0);
        for (let row = 0; row < columns.count; row++)
          if (keepSubnet(columns.subnetOf(row)) && keepRow(row)) builder.copyRow(columns, row);
        return [...builder.finish().entries()];
      };
      const bulk = (to: readonly string[], keepSubnet: (c: string) => boolean, keepRow?: (row: number) => boolean) => {
        const builder = new ColumnsBuilder(to, 0);
        builder.copyRows(columns, keepSubnet, keepRow);
        return [...builder.finish().entries()];
      };
      const all = () => true;
      // Same subnets, everything: the whole-array path.
      expect(bulk(cidrs, all)).toEqual(many);
      // Another order, one subnet left out, every third row dropped: the row-by-row path.
      const reordered = [...cidrs].reverse();
      const not30 = (c: string) => c !== '10.30.0.0/16';
      const third = (row: number) => row % 3 !== 0;
      expect(bulk(reordered, all)).toEqual(rowByRow(reordered, all, all));
      expect(bulk(cidrs, not30, third)).toEqual(rowByRow(cidrs, not30, third));
      expect(bulk(cidrs, not30, third)).toEqual(many.filter((r, i) => r.subnet === '10.20.0.0/16' && i % 3 !== 0));
      // After rows were added already, the copy appends rather than replacing them.
      const builder = new ColumnsBuilder(cidrs, 0);
      builder.add(many[1] as Reservation);
      builder.copyRows(columns, all);
      expect([...builder.finish().entries()]).toEqual([many[1], ...many]);
      // In slices of 100 rows, on both paths: the same rows, with a yield per slice (and per slice of text).
      const sliced = (to: readonly string[], keepSubnet: (c: string) => boolean) => {
        const into = new ColumnsBuilder(to, 0);
        let yields = 0;
        for (const _ of into.copyRowsInSlices(columns, keepSubnet, 100)) yields++;
        return { rows: [...into.finish().entries()], yields };
      };
      const arrays = sliced(cidrs, all);
      expect(arrays.rows).toEqual(many);
      expect(arrays.yields).toBeGreaterThanOrEqual(columns.count / 100 + 1);
      const rowWise = sliced(reordered, not30);
      expect(rowWise.rows).toEqual(rowByRow(reordered, not30, all));
      expect(rowWise.yields).toBe(columns.count / 100);
    },
  );

  it('builds the same index in slices as in one piece, duplicates included, yielding between slices', () => {
    const rows: Reservation[] = [
      ...Array.from({ length: 1000 }, (_, i): Reservation => ({
        mac: `52:54:00:01:${hex2(i >> 8)}:${hex2(i & 0xff)}`,
        ip: `10.20.${i >> 8}.${i & 0xff}`,
        ...(i % 4 === 0 ? { client_id: `01:${hex2(i % 40)}` } : {}),
        subnet: '10.20.0.0/16',
      })),
      { mac: '52:54:00:09:00:01', ip: '10.20.0.7', subnet: '10.20.0.0/16' },
    ];
    const columns = ReservationColumns.fromReservations(['10.20.0.0/16'], rows);
    const whole = new ColumnsIndex(columns);
    const steps = ColumnsIndex.building(columns, 100);
    let yields = 0;
    let step = steps.next();
    for (; step.done !== true; step = steps.next()) yields++;
    const sliced = step.value;
    // At least one per slice of 100 rows; filling the empty tables yields too.
    expect(yields).toBeGreaterThanOrEqual(Math.ceil(rows.length / 100));
    expect([sliced.size, sliced.duplicates, sliced.duplicateClientIds]).toEqual([
      whole.size,
      whole.duplicates,
      whole.duplicateClientIds,
    ]);
    expect([whole.duplicates, whole.duplicateClientIds]).toEqual([1, 240]);
    expect(sliced.tables).toEqual(whole.tables);
  });
});

describe('ReservationIndex over columns', () => {
  it('hands out the same object for repeat lookups, so per-reservation compiled options are reused', () => {
    const index = ReservationIndex.fromColumns(ReservationColumns.fromReservations(CIDRS, RICH));
    const first = index.byMac('10.20.0.0/24', '52:54:00:00:00:02');
    expect(first).toEqual(RICH[1]);
    expect(index.byClientId('10.20.0.0/24', '01:52:54:00:00:00:02')).toBe(first);
    expect(index.byIp('10.20.0.6')).toBe(first);
    expect(index.byClientId('10.30.0.0/24', '01:52:54:00:00:00:02')).toBeUndefined();
    expect(index.byClientId('10.30.0.0/24', 'ff:00:01')?.options).toEqual(RICH[2]?.options);
  });
});

describe('LiveReservations columns', () => {
  it('lists, folds and persists the overlay without changing what is served', () => {
    const live = LiveReservations.fromColumns(CIDRS, ReservationColumns.fromReservations(CIDRS, RICH));
    live.remove('10.20.0.0/24', '52:54:00:00:00:01');
    live.put({ mac: '52:54:00:00:00:02', ip: '10.20.0.60', subnet: '10.20.0.0/24', hostname: 'moved' });
    live.put({ mac: '52:54:00:00:00:03', ip: '10.20.0.5', subnet: '10.20.0.0/24' });
    const listed = [...live.entries()];
    expect(listed.map((r) => r.mac).sort()).toEqual([
      '00:00:00:00:00:00',
      '52:54:00:00:00:02',
      '52:54:00:00:00:03',
      'ff:ff:ff:ff:ff:fe',
    ]);
    expect([...live.columns().entries()]).toEqual(listed);
    const folded = live.fold();
    expect([...folded.entries()]).toEqual(listed);
    expect(folded.byIp('10.20.0.5')?.mac).toBe('52:54:00:00:00:03');
    expect(folded.byMac('10.20.0.0/24', '52:54:00:00:00:01')).toBeUndefined();
    expect(
      [...live.columns((subnet) => subnet !== '10.30.0.0/24', ['10.20.0.0/24']).entries()].map((r) => r.subnet),
    ).toEqual(['10.20.0.0/24', '10.20.0.0/24']);
  });

  it('builds columns in slices of the store as it was when asked, whatever changes between the slices', () => {
    const cidr = '10.20.0.0/16';
    const base: Reservation[] = Array.from({ length: 1000 }, (_, i) => ({
      mac: `52:54:00:02:${hex2(i >> 8)}:${hex2(i & 0xff)}`,
      ip: `10.20.${i >> 8}.${i & 0xff}`,
      subnet: cidr,
    }));
    const live = LiveReservations.fromColumns([cidr], ReservationColumns.fromReservations([cidr], base));
    live.remove(cidr, base[10]?.mac ?? '');
    live.put({ mac: base[20]?.mac ?? '', ip: '10.20.9.20', subnet: cidr });
    live.put({ mac: '52:54:00:03:00:01', ip: '10.20.9.1', subnet: cidr });
    const expected = [...live.columns().entries()];
    const steps = live.columnsInSlices(undefined, undefined, 100);
    let yields = 0;
    let step = steps.next();
    // After the first slice: a delete, a replacement of a base row, and a new reservation.
    live.remove(cidr, base[500]?.mac ?? '');
    live.put({ mac: base[900]?.mac ?? '', ip: '10.20.9.90', subnet: cidr });
    live.put({ mac: '52:54:00:03:00:02', ip: '10.20.9.2', subnet: cidr });
    for (; step.done !== true; step = steps.next()) yields++;
    expect(yields).toBe(10);
    expect([...step.value.entries()]).toEqual(expected);
    expect(expected).toHaveLength(1000);
    // With no overlay the build is the base itself, at once, and the base's index fits it.
    const plain = LiveReservations.fromColumns([cidr], ReservationColumns.fromReservations([cidr], base));
    const done = plain.columnsInSlices().next();
    expect(done.done).toBe(true);
    expect(plain.baseKeys?.columns).toBe(done.value);
  });
});

/** A reservation document with a few of every kind of mistake parseIpam catches, at random places. */
function randomDocument(rnd: Prng, count: number, mistakes: boolean): unknown[] {
  const host = () => 3 + rnd.int(250);
  return Array.from({ length: count }, () => {
    const net = rnd.int(2) === 0 ? 20 : 30;
    const r: Record<string, unknown> = {
      mac: `52:54:00:00:${hex2(rnd.int(3))}:${hex2(rnd.int(256))}`,
      ip: `10.${net}.0.${host()}`,
    };
    const roll = mistakes ? rnd.int(100) : rnd.int(31);
    if (roll < 15) r.hostname = `h${rnd.int(1000)}`;
    if (roll >= 15 && roll < 25) r.client_id = `01:aa:${hex2(rnd.int(12))}`;
    if (roll >= 25 && roll < 30) r.subnet = `10.${net}.0.0/24`;
    if (roll === 30) r.options = [{ code: 224, type: 'string', value: 'x' }];
    if (roll === 31) r.ip = '10.20.0.1';
    if (roll === 32) r.ip = '10.30.0.2';
    if (roll === 33) r.ip = '10.99.0.1';
    if (roll === 34) r.subnet = '10.30.0.0/24';
    if (roll === 35) r.mac = 'nope';
    if (roll === 36) r.MAC = 'x';
    if (roll === 37) r.mac = (r.mac as string).toUpperCase().replace(/:/g, '-');
    return r;
  });
}

describe('decodeSnapshotColumns', () => {
  it('accepts and refuses exactly what decodeSnapshot does, with the same reservations and refusals', () => {
    const seed = fuzzSeed();
    const rnd = prng(seed);
    let accepted = 0;
    for (let trial = 0; trial < 300; trial++) {
      const doc = randomDocument(rnd, 1 + rnd.int(trial % 3 === 0 ? 400 : 30), trial % 2 === 0);
      const { head, chunks } = encodeSnapshot(
        { subnets: SUBNETS, reservations: doc as Reservation[] },
        's',
        1 + rnd.int(50),
      );
      const lean = decodeSnapshotColumns(head, chunks);
      const full = decodeSnapshot(head, chunks);
      expect(lean.ok, `seed ${seed} trial ${trial}`).toBe(full.ok);
      if (!lean.ok || !full.ok) {
        expect(lean, `seed ${seed} trial ${trial}`).toEqual(full);
        continue;
      }
      accepted++;
      expect(lean.value).toBeInstanceOf(ColumnarIpam);
      expect(lean.value.subnets).toEqual(full.value.subnets);
      expect(lean.value.reservations, `seed ${seed} trial ${trial}`).toEqual(full.value.reservations);
    }
    expect(accepted, `seed ${seed}: the generator must produce valid documents too`).toBeGreaterThan(10);
  });

  it('matches parseIpam on a clean document with every field', () => {
    const { head, chunks } = encodeSnapshot({ subnets: SUBNETS, reservations: RICH }, 's', 3);
    const lean = decodeSnapshotColumns(head, chunks);
    const parsed = parseIpam({ subnets: SUBNETS, reservations: RICH });
    expect(lean.ok && parsed.ok && lean.value.reservations).toEqual(parsed.ok && parsed.ipam.reservations);
  });
});

describe('applied-*.bin', () => {
  const columns = ReservationColumns.fromReservations(CIDRS, RICH);
  const bin = encodeColumns(columns, new ColumnsIndex(columns));

  it('round-trips columns and index, at any alignment', () => {
    for (const file of [bin, Buffer.concat([Buffer.alloc(1), bin]).subarray(1)]) {
      const decoded = decodeColumns(file);
      if (typeof decoded === 'string') throw new Error(decoded);
      expect([...decoded.columns.entries()]).toEqual(RICH);
      expect(
        ReservationIndex.fromColumns(decoded.columns, decoded.keys).byClientId('10.30.0.0/24', 'ff:00:01')?.mac,
      ).toBe('ff:ff:ff:ff:ff:fe');
    }
  });

  it('refuses a file whose structure is wrong even if its digest were right', () => {
    expect(decodeColumns(bin.subarray(0, 30))).toMatch(/shorter/);
    expect(decodeColumns(bin.subarray(0, bin.length - 4))).toMatch(/header implies/);
    const badMagic = Buffer.from(bin);
    badMagic[0] = 0;
    expect(decodeColumns(badMagic)).toMatch(/not a rackd/);
    const badTable = Buffer.from(bin);
    badTable.writeInt32LE(999, bin.length - 8);
    expect(decodeColumns(badTable)).toMatch(/hash tables/);
    const badSlot = Buffer.from(bin);
    badSlot.writeUInt16LE(7, 40 + columns.count * 20 + columns.count * 2);
    expect(decodeColumns(badSlot)).toMatch(/names subnet 7/);
  });
});
