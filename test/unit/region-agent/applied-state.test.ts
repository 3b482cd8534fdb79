// The rack's durable region state (PROTOCOL.md §4.4): a base written atomically plus a delta log; what a restart
// loads is always a consistent prefix of what was applied, even with a torn last line.

import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { AppliedStateStore } from '../../../agent/region/applied-state.js';
import type { AppliedBase } from '../../../agent/region/applied-state.js';

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
  epoch: 'e1', revision: 3, entryId: '100-0', appliedAt: 1,
  ipam: { subnets: [{ cidr: '10.20.0.0/24' }], reservations: [{ mac: '52:54:00:00:00:01', ip: '10.20.0.5', subnet: '10.20.0.0/24' }] },
};
const put = (revision: number, host: number) => ({
  epoch: 'e1', revision, entryId: `${100 + revision}-0`,
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
    expect(JSON.parse(readFileSync(join(dir, 'applied.json'), 'utf8')).format).toBe(1);
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
    appendFileSync(log, `${JSON.stringify(put(4, 10))}\n${JSON.stringify({ ...put(5, 11), epoch: 'other' })}\n${JSON.stringify(put(5, 12))}\n`);
    appendFileSync(log, `${JSON.stringify(put(7, 13))}\n{"epoch":"e1","revision":8,"ent`);
    const loaded = await new AppliedStateStore({ dir }, () => undefined).load();
    expect(loaded?.deltas.map((d) => [d.revision, d.change?.type === 'put-reservation' ? d.change.reservation.ip : '']))
      .toEqual([[4, '10.20.0.10'], [5, '10.20.0.12']]);
  });

  it('compacts: past compactAfter deltas the base is rewritten from the current state and the log emptied', async () => {
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
  });
});
