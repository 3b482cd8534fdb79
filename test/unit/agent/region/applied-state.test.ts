// The rack's durable region state (PROTOCOL.md §4.4): a base written atomically plus a delta log; what a restart
// loads is always a consistent prefix of what was applied, even with a torn last line.

import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppliedStateStore } from '../../../../agent/region/applied-state.js';
import type { AppliedBase } from '../../../../agent/region/applied-state.js';
import { ReservationColumns } from '../../../../protocol/ipam/columnar/reservation-columns.js';
import type { Reservation } from '../../../../protocol/ipam/types.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'rackd-applied-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const BASE: AppliedBase = {
  epoch: 'e1',
  revision: 3,
  entryId: '100-0',
  appliedAt: 1,
  subnets: [{ cidr: '10.20.0.0/24' }],
  reservations: ReservationColumns.fromReservations(
    ['10.20.0.0/24'],
    [{ mac: '52:54:00:00:00:01', ip: '10.20.0.5', subnet: '10.20.0.0/24' }],
  ),
};

/** Every field a reservation can carry, in two subnets, with a non-ASCII-free hostname and a custom option. */
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
const RICH_BASE: AppliedBase = {
  epoch: 'e2',
  revision: 9,
  entryId: '200-0',
  appliedAt: 2,
  subnets: [{ cidr: '10.20.0.0/24', gateway: '10.20.0.1' }, { cidr: '2001:db8::/64' }, { cidr: '10.30.0.0/24' }],
  reservations: ReservationColumns.fromReservations(['10.20.0.0/24', '10.30.0.0/24'], RICH),
};

async function written(base: AppliedBase): Promise<string> {
  const dir = tempDir();
  const store = new AppliedStateStore({ dir }, () => base);
  store.baseChanged();
  await store.flush();
  return dir;
}

function binFiles(dir: string): string[] {
  return readdirSync(dir).filter((f) => f.endsWith('.bin'));
}
const put = (revision: number, host: number) => ({
  epoch: 'e1',
  revision,
  entryId: `${100 + revision}-0`,
  change: { type: 'put-reservation' as const, reservation: { mac: `52:54:00:00:01:${host}`, ip: `10.20.0.${host}` } },
});

describe('AppliedStateStore', () => {
  it('loads nothing from an empty dir', async () => {
    expect(await new AppliedStateStore({ dir: tempDir() }, () => undefined).load()).toBeUndefined();
  });

  it('writes the base on flush and replays the deltas appended after it, in revision order', async () => {
    const dir = tempDir();
    const store = new AppliedStateStore({ dir, debounceMs: 5 }, () => BASE);
    store.baseChanged();
    await store.flush();
    store.delta(put(4, 10));
    store.delta(put(5, 11));
    await store.flush();
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect(loaded?.base).toMatchObject({ epoch: 'e1', revision: 3, entryId: '100-0' });
    expect(loaded?.deltas.map((d) => d.revision)).toEqual([4, 5]);
    expect(JSON.parse(readFileSync(join(dir, 'applied.json'), 'utf8')).format).toBe(2);
  });

  it('tells of each base it writes, and of no delta append', async () => {
    const dir = tempDir();
    const told: { revision: number; reservations: number; bytes: number; ms: number }[] = [];
    const store = new AppliedStateStore({ dir, onBaseWritten: (w) => told.push(w) }, () => RICH_BASE);
    store.baseChanged();
    await store.flush();
    store.delta(put(10, 12));
    await store.flush();
    expect(told).toHaveLength(1);
    const bin = binFiles(dir)[0] ?? '';
    expect(told[0]).toMatchObject({ revision: 9, reservations: 4, bytes: readFileSync(join(dir, bin)).length });
    expect(told[0]?.ms).toBeGreaterThanOrEqual(0);
  });

  it('debounces: a burst of deltas costs one append, done without an explicit flush', async () => {
    const dir = tempDir();
    const store = new AppliedStateStore({ dir, debounceMs: 20 }, () => BASE);
    store.baseChanged();
    await store.flush();
    for (let r = 4; r < 54; r++) store.delta(put(r, (r % 200) + 2));
    await new Promise((resolve) => setTimeout(resolve, 100));
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect(loaded?.deltas).toHaveLength(50);
    store.close();
  });

  it('ignores a torn last line, stops at a gap, and skips lines of another epoch', async () => {
    const dir = tempDir();
    const store = new AppliedStateStore({ dir }, () => BASE);
    store.baseChanged();
    await store.flush();
    const log = join(dir, 'applied.log');
    appendFileSync(
      log,
      [put(4, 10), { ...put(5, 11), epoch: 'other' }, put(5, 12)].map((line) => `${JSON.stringify(line)}\n`).join(''),
    );
    appendFileSync(log, `${JSON.stringify(put(7, 13))}\n{"epoch":"e1","revision":8,"ent`);
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect(
      loaded?.deltas.map((d) => [d.revision, d.change?.type === 'put-reservation' ? d.change.reservation.ip : '']),
    ).toEqual([
      [4, '10.20.0.10'],
      [5, '10.20.0.12'],
    ]);
  });

  it(
    'compacts: past compactAfter deltas the base is rewritten from the current state and the log ' + 'emptied',
    async () => {
      const dir = tempDir();
      let current = BASE;
      const store = new AppliedStateStore({ dir, compactAfter: 3 }, () => current);
      store.baseChanged();
      await store.flush();
      for (let r = 4; r <= 6; r++) store.delta(put(r, r + 10));
      current = { ...BASE, revision: 6, entryId: '106-0' };
      await store.flush();
      expect(readFileSync(join(dir, 'applied.log'), 'utf8')).toBe('');
      const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
      expect(loaded?.base.revision).toBe(6);
      expect(loaded?.deltas).toEqual([]);
    },
  );

  it('counts deltas applied during a base write towards the next compaction, not the one being written', async () => {
    const dir = tempDir();
    let current = BASE;
    let duringWrite: (() => void) | undefined;
    const bases: number[] = [];
    const store = new AppliedStateStore({ dir, compactAfter: 3, onBaseWritten: (w) => bases.push(w.revision) }, () => {
      // Runs as the base write starts; the microtask lands once it is under way, as a delta between its slices would.
      if (duringWrite !== undefined) queueMicrotask(duringWrite);
      return current;
    });
    store.baseChanged();
    await store.flush();
    store.delta(put(4, 14));
    store.delta(put(5, 15));
    await store.flush();
    store.delta(put(6, 16)); // the log's third line: compaction is due
    current = { ...BASE, revision: 6, entryId: '106-0' };
    duringWrite = () => {
      duringWrite = undefined;
      store.delta(put(7, 17));
      current = { ...BASE, revision: 7, entryId: '107-0' };
    };
    await store.flush();
    await store.flush();
    expect(bases).toEqual([3, 6]);
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect(loaded?.base.revision).toBe(6);
    expect(loaded?.deltas.map((d) => d.revision)).toEqual([7]);
  });

  it('round-trips every reservation field, the subnets and the position exactly', async () => {
    const dir = await written(RICH_BASE);
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect(loaded?.base).toMatchObject({
      epoch: 'e2',
      revision: 9,
      entryId: '200-0',
      appliedAt: 2,
      subnets: RICH_BASE.subnets,
    });
    expect([...(loaded?.base.reservations.entries() ?? [])]).toEqual(RICH);
    expect(loaded?.base.reservations.subnets).toEqual(['10.20.0.0/24', '10.30.0.0/24']);
  });

  it.each([
    [
      'a flipped byte in the columns file',
      (dir: string) => {
        const file = join(dir, binFiles(dir)[0] as string);
        const bytes = readFileSync(file);
        bytes[bytes.length - 40] = (bytes[bytes.length - 40] ?? 0) ^ 1;
        writeFileSync(file, bytes);
      },
      /does not match the checksum/,
    ],
    [
      'a truncated columns file',
      (dir: string) => {
        const file = join(dir, binFiles(dir)[0] as string);
        writeFileSync(file, readFileSync(file).subarray(0, 50));
      },
      /does not match the checksum/,
    ],
    ['a missing columns file', (dir: string) => rmSync(join(dir, binFiles(dir)[0] as string)), /unreadable/],
    [
      'an edited header',
      (dir: string) => {
        const path = join(dir, 'applied.json');
        writeFileSync(path, readFileSync(path, 'utf8').replace('"revision":9', '"revision":10'));
      },
      /applied.json does not match its checksum/,
    ],
    [
      'a torn header',
      (dir: string) => {
        const path = join(dir, 'applied.json');
        writeFileSync(path, readFileSync(path, 'utf8').slice(0, 40));
      },
      /not JSON/,
    ],
  ])('refuses %s, saying why, and serves nothing from it', async (_, damage, reason) => {
    const dir = await written(RICH_BASE);
    damage(dir);
    const reasons: string[] = [];
    const loaded = await new AppliedStateStore({ dir, onRefused: (why) => reasons.push(why) }, () => undefined).load();
    expect(loaded).toBeUndefined();
    expect(reasons).toHaveLength(1);
    expect(reasons[0]).toMatch(reason);
  });

  it('keeps one columns file: a new base replaces the old file only after its header is written', async () => {
    const dir = tempDir();
    let current = RICH_BASE;
    const store = new AppliedStateStore({ dir }, () => current);
    store.baseChanged();
    await store.flush();
    const first = binFiles(dir);
    writeFileSync(join(dir, 'applied-0123456789abcdef.bin.tmp'), 'left by a kill mid-write');
    current = { ...BASE, revision: 12 };
    store.baseChanged();
    await store.flush();
    expect(binFiles(dir)).toHaveLength(1);
    expect(binFiles(dir)).not.toEqual(first);
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect((await new AppliedStateStore({ dir }, () => undefined).load())?.base.revision).toBe(12);
  });

  it('still loads (and re-validates) a format-1 applied.json from an older rackd', async () => {
    const dir = tempDir();
    const ipam = {
      subnets: [{ cidr: '10.20.0.0/24' }],
      reservations: [{ mac: '52-54-00-00-00-01', ip: '10.20.0.5', hostname: 'a' }],
    };
    writeFileSync(
      join(dir, 'applied.json'),
      JSON.stringify({ format: 1, epoch: 'e1', revision: 3, entryId: '100-0', ipam }),
    );
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect([...(loaded?.base.reservations.entries() ?? [])]).toEqual([
      { mac: '52:54:00:00:00:01', ip: '10.20.0.5', hostname: 'a', subnet: '10.20.0.0/24' },
    ]);
    const problems: unknown[] = [];
    writeFileSync(
      join(dir, 'applied.json'),
      JSON.stringify({
        format: 1,
        epoch: 'e1',
        revision: 3,
        entryId: '100-0',
        ipam: { ...ipam, reservations: [{ mac: 'x', ip: '10.20.0.5' }] },
      }),
    );
    expect(
      await new AppliedStateStore({ dir, onRefused: (_, p) => problems.push(...(p ?? [])) }, () => undefined).load(),
    ).toBeUndefined();
    expect(problems).toEqual([expect.objectContaining({ path: 'reservations[0].mac' })]);
  });
});
