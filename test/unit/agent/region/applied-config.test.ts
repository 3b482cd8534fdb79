// A restart serves exactly what was served (PROTOCOL.md §4.4): snapshot, deltas, compaction and subnet changes
// written to the state dir come back with the same reservations, lookups and position, without re-validation.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { AppliedConfig } from '../../../../agent/region/applied-config.js';
import { parseIpam } from '../../../../protocol/ipam/parse.js';
import type { Ipam, Reservation } from '../../../../protocol/ipam/types.js';
import type { ConfigEntry } from '../../../../protocol/region/config-entries.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const SUBNETS = [{ cidr: '10.20.0.0/24', gateway: '10.20.0.1' }, { cidr: '2001:db8::/64' }, { cidr: '10.30.0.0/24' }];
const mac = (n: number) => `52:54:00:00:01:${n.toString(16).padStart(2, '0')}`;

function validated(reservations: Reservation[]): Ipam {
  const parsed = parseIpam({ subnets: SUBNETS, reservations });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return parsed.ipam;
}

function put(revision: number, reservation: Reservation): Exclude<ConfigEntry, { type: 'snapshot' }> {
  return { type: 'put-reservation', epoch: 'e1', revision, time: 0, reservation };
}

async function restarted(dir: string): Promise<AppliedConfig> {
  const applied = new AppliedConfig({ dir, logger: pino({ level: 'silent' }) });
  expect(await applied.loadFromDisk()).toBe('loaded');
  return applied;
}

const sorted = (list: Iterable<Reservation>) => [...list].sort((a, b) => a.ip.localeCompare(b.ip));

describe('AppliedConfig state dir', () => {
  it.each([
    ['deltas in the log', 10_000],
    ['deltas compacted into a new base (overlay folded into the written columns)', 3],
  ])('serves the same after a restart: %s', async (_, compactAfter) => {
    const dir = mkdtempSync(join(tmpdir(), 'rackd-applied-config-'));
    dirs.push(dir);
    const applied = new AppliedConfig({ dir, logger: pino({ level: 'silent' }), persistDebounceMs: 1, compactAfter });
    await applied.loadFromDisk();
    const base = Array.from({ length: 50 }, (_, i) => ({
      mac: mac(i),
      ip: `10.${i % 2 ? 30 : 20}.0.${i + 10}`,
      ...(i % 7 === 0 ? { hostname: `n${i}` } : {}),
      ...(i % 5 === 0 ? { client_id: `01:aa:${i.toString(16).padStart(2, '0')}` } : {}),
    }));
    applied.applySnapshot({ epoch: 'e1', revision: 1 }, '1-0', validated(base));
    await applied.store.flush();
    applied.applyDelta(
      put(2, {
        mac: mac(60),
        ip: '10.20.0.200',
        client_id: '01:bb:01',
        options: [{ code: 224, type: 'string', value: 'x' }],
      }),
      '2-0',
    );
    applied.applyDelta({ type: 'delete-reservation', epoch: 'e1', revision: 3, time: 0, mac: mac(2) }, '3-0');
    applied.applyDelta(put(4, { mac: mac(4), ip: '10.20.0.201', hostname: 'moved' }), '4-0');
    applied.applyDelta(put(5, { mac: mac(61), ip: '10.20.0.1' }), '5-0');
    await applied.close();
    const before = applied.model;
    expect(readFileSync(join(dir, 'applied.log'), 'utf8').split('\n').filter(Boolean)).toHaveLength(
      compactAfter === 3 ? 0 : 4,
    );

    const after = await restarted(dir);
    expect(after.position).toMatchObject({ epoch: 'e1', revision: 5, entryId: '5-0' });
    expect(sorted(after.model.reservations())).toEqual(sorted(before.reservations()));
    expect(after.model.subnets).toEqual(before.subnets);
    for (const r of before.reservations()) {
      expect(after.serving.index.byMac(r.subnet, r.mac)).toEqual(r);
      expect(after.serving.index.byIp(r.ip)).toEqual(r);
      if (r.client_id !== undefined) expect(after.serving.index.byClientId(r.subnet, r.client_id)).toEqual(r);
    }
    expect(after.serving.index.byMac('10.20.0.0/24', mac(2))).toBeUndefined();
    expect(after.serving.index.byIp('10.20.0.14')).toBeUndefined();
    expect(after.serving.reservationCount).toBe(before.reservationCount);
    await after.close();
  });

  it('writes a subnet change as a new base that restarts with the subnet’s reservations gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rackd-applied-config-'));
    dirs.push(dir);
    const applied = new AppliedConfig({ dir, logger: pino({ level: 'silent' }), persistDebounceMs: 1 });
    await applied.loadFromDisk();
    applied.applySnapshot(
      { epoch: 'e1', revision: 1 },
      '1-0',
      validated([
        { mac: mac(1), ip: '10.20.0.10' },
        { mac: mac(2), ip: '10.30.0.10' },
      ]),
    );
    applied.applyDelta({ type: 'delete-subnet', epoch: 'e1', revision: 2, time: 0, cidr: '10.30.0.0/24' }, '2-0');
    await applied.close();
    const after = await restarted(dir);
    expect([...after.model.reservations()]).toEqual([{ mac: mac(1), ip: '10.20.0.10', subnet: '10.20.0.0/24' }]);
    expect(after.model.subnets.map((s) => s.cidr)).toEqual(['10.20.0.0/24', '2001:db8::/64']);
    await after.close();
  });
});
