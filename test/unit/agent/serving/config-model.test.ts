// Reservation deltas on a snapshot base (PROTOCOL.md §4.2): the overlay answers like a rebuilt index after any
// sequence of puts and deletes, and a put is checked against subnets and address ownership before it applies.

import { describe, expect, it } from 'vitest';
import { parseIpam } from '../../../../protocol/ipam/parse.js';
import type { Ipam, Reservation } from '../../../../protocol/ipam/types.js';
import { ReservationIndex } from '../../../../agent/serving/reservation-index.js';
import { ConfigModel } from '../../../../agent/serving/config-model.js';
import { fuzzSeed, prng } from '../../../helpers/prng.js';

const SUBNETS = [
  { cidr: '10.20.0.0/24', gateway: '10.20.0.1' },
  { cidr: '10.30.0.0/24', server_ip: '10.30.0.2' },
];

function model(reservations: Reservation[]): ConfigModel {
  const parsed = parseIpam({ subnets: SUBNETS, reservations });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  return ConfigModel.fromIpam(parsed.ipam);
}

const mac = (n: number) => `52:54:00:00:01:${n.toString(16).padStart(2, '0')}`;

describe('ConfigModel reservation deltas', () => {
  it('serves a put at once and a delete at once, on the same serving object', () => {
    const m = model([{ mac: mac(1), ip: '10.20.0.10' }]);
    const serving = m.serving;
    expect(
      m.apply({ type: 'put-reservation', reservation: { mac: mac(2), ip: '10.20.0.11', client_id: '01:aa' } }).outcome,
    ).toEqual({ ok: true, mac: mac(2), ip: '10.20.0.11' });
    expect(serving.index.byMac('10.20.0.0/24', mac(2))?.ip).toBe('10.20.0.11');
    expect(serving.index.byClientId('10.20.0.0/24', '01:aa')?.mac).toBe(mac(2));
    expect(serving.reservationCount).toBe(2);
    m.apply({ type: 'delete-reservation', mac: mac(1) });
    expect(serving.index.byMac('10.20.0.0/24', mac(1))).toBeUndefined();
    expect(serving.index.byIp('10.20.0.10')).toBeUndefined();
    expect(serving.reservationCount).toBe(1);
  });

  it('moves a MAC to a new address, freeing the old one for another MAC', () => {
    const m = model([{ mac: mac(1), ip: '10.20.0.10', client_id: '01:bb' }]);
    expect(m.apply({ type: 'put-reservation', reservation: { mac: mac(1), ip: '10.20.0.20' } }).outcome.ok).toBe(true);
    expect(m.serving.index.byIp('10.20.0.10')).toBeUndefined();
    expect(m.serving.index.byClientId('10.20.0.0/24', '01:bb')).toBeUndefined();
    expect(m.apply({ type: 'put-reservation', reservation: { mac: mac(2), ip: '10.20.0.10' } }).outcome.ok).toBe(true);
    expect(m.serving.index.byIp('10.20.0.10')?.mac).toBe(mac(2));
  });

  it.each([
    [{ mac: mac(9), ip: '10.20.0.10' }, 'data.ip', /already reserved for 52:54:00:00:01:01/],
    [{ mac: mac(9), ip: '10.99.0.10' }, 'data.ip', /in no subnet/],
    [{ mac: mac(9), ip: '10.20.0.1' }, 'data.ip', /gateway/],
    [{ mac: mac(9), ip: '10.30.0.2' }, 'data.ip', /server_ip/],
    [{ mac: mac(9), ip: '10.20.0.255' }, 'data.ip', /broadcast/],
    [{ mac: mac(9), ip: '10.20.0.40', subnet: '10.30.0.0/24' }, 'data.ip', /outside its subnet/],
    [{ mac: mac(9), ip: '10.20.0.40', subnet: '10.40.0.0/24' }, 'data.subnet', /publish the subnet first/],
    [{ mac: mac(9), ip: '10.20.0.40', client_id: '01:cc' }, 'data.client_id', /already used by 52:54:00:00:01:01/],
  ])('refuses %j naming %s, changing nothing', (reservation, field, message) => {
    const m = model([{ mac: mac(1), ip: '10.20.0.10', client_id: '01:cc' }]);
    const outcome = m.apply({ type: 'put-reservation', reservation }).outcome;
    expect(outcome).toMatchObject({ ok: false, field });
    expect(outcome.ok ? '' : outcome.message).toMatch(message);
    expect(m.serving.index.byMac('10.20.0.0/24', mac(9))).toBeUndefined();
    expect(m.reservationCount).toBe(1);
  });

  it('rebuilds for subnet changes: an overlapping subnet is refused, a deleted one takes its reservations', () => {
    const m = model([
      { mac: mac(1), ip: '10.20.0.10' },
      { mac: mac(2), ip: '10.30.0.10' },
    ]);
    const overlap = m.apply({ type: 'put-subnet', subnet: { cidr: '10.20.0.0/16' } });
    expect(overlap.outcome.ok).toBe(false);
    expect(overlap.next).toBeUndefined();
    const changed = m.apply({
      type: 'put-subnet',
      subnet: { cidr: '10.20.0.0/24', gateway: '10.20.0.254', mtu: 9000 },
    });
    expect(changed.outcome.ok).toBe(true);
    expect(changed.next?.serving.subnets.find((s) => s.cidr === '10.20.0.0/24')).toMatchObject({
      gateway: '10.20.0.254',
      mtu: 9000,
    });
    expect(changed.next?.serving.index.byMac('10.20.0.0/24', mac(1))?.ip).toBe('10.20.0.10');
    const deleted = m.apply({ type: 'delete-subnet', cidr: '10.30.0.0/24' });
    expect(deleted.next?.serving.index.byMac('10.30.0.0/24', mac(2))).toBeUndefined();
    expect(deleted.next?.reservationCount).toBe(1);
  });

  it('answers like an index rebuilt from scratch after random puts, deletes and folds', () => {
    const seed = fuzzSeed();
    const rnd = prng(seed);
    const initial = Array.from({ length: 200 }, (_, i) => ({ mac: mac(i), ip: `10.20.0.${i + 2}` }));
    const m = model(initial.slice(0, 100));
    for (let step = 0; step < 3000; step++) {
      const who = rnd.int(150);
      if (rnd.next() < 0.6) {
        m.apply({ type: 'put-reservation', reservation: { mac: mac(who), ip: `10.20.0.${rnd.int(250) + 2}` } });
      } else {
        m.apply({ type: 'delete-reservation', mac: mac(who) });
      }
      if (step % 1000 === 999) m.fold();
    }
    const current = [...m.reservations()];
    const rebuilt = ReservationIndex.build({ subnets: SUBNETS, reservations: current } as Ipam);
    expect(new Set(current.map((r) => r.ip)).size, `seed ${seed}`).toBe(current.length);
    expect(m.reservationCount, `seed ${seed}`).toBe(current.length);
    for (let i = 0; i < 150; i++) {
      expect(m.serving.index.byMac('10.20.0.0/24', mac(i)), `seed ${seed} mac ${i}`).toEqual(
        rebuilt.byMac('10.20.0.0/24', mac(i)),
      );
    }
    for (let host = 2; host < 252; host++) {
      expect(m.serving.index.byIp(`10.20.0.${host}`), `seed ${seed} ip ${host}`).toEqual(
        rebuilt.byIp(`10.20.0.${host}`),
      );
    }
  });

  it('loses no delta applied between the slices of a fold, and swaps the folded store in when it ends', () => {
    const seed = fuzzSeed();
    const rnd = prng(seed);
    const m = model(Array.from({ length: 100 }, (_, i) => ({ mac: mac(i), ip: `10.20.0.${i + 2}` })));
    // What every applied delta says is reserved: kept apart from the model, which a lost delta would fool.
    const expected = new Map(Array.from({ length: 100 }, (_, i) => [mac(i), `10.20.0.${i + 2}`]));
    let fold: Generator<void, void> | undefined;
    let folds = 0;
    for (let step = 0; step < 3000; step++) {
      const who = mac(rnd.int(150));
      if (rnd.next() < 0.6) {
        const ip = `10.20.0.${rnd.int(250) + 2}`;
        if (m.apply({ type: 'put-reservation', reservation: { mac: who, ip } }).outcome.ok) expected.set(who, ip);
      } else {
        m.apply({ type: 'delete-reservation', mac: who });
        expected.delete(who);
      }
      if (fold === undefined && step % 300 === 0) fold = m.foldInSlices(7);
      if (fold !== undefined && rnd.next() < 0.5 && fold.next().done === true) {
        fold = undefined;
        folds++;
        // Just swapped in: the overlay holds only what was replayed, and the serving object is the new one.
        expect(m.overlaySize, `seed ${seed}`).toBeLessThan(3 * 300);
      }
    }
    expect(folds, `seed ${seed}`).toBeGreaterThan(3);
    expect(m.reservationCount, `seed ${seed}`).toBe(expected.size);
    for (let i = 0; i < 150; i++) {
      expect(m.serving.index.byMac('10.20.0.0/24', mac(i))?.ip, `seed ${seed} mac ${i}`).toBe(expected.get(mac(i)));
    }
    const byIp = new Map([...expected].map(([who, ip]) => [ip, who]));
    for (let host = 2; host < 252; host++) {
      expect(m.serving.index.byIp(`10.20.0.${host}`)?.mac, `seed ${seed} ip ${host}`).toBe(byIp.get(`10.20.0.${host}`));
    }
  });

  it('builds one fold of a store at a time', () => {
    const m = model([{ mac: mac(1), ip: '10.20.0.10' }]);
    m.apply({ type: 'put-reservation', reservation: { mac: mac(2), ip: '10.20.0.11' } });
    const first = m.foldInSlices();
    expect(() => m.fold()).toThrow(/already being built/);
    while (first.next().done !== true);
    expect(m.overlaySize).toBe(0);
    expect(m.serving.index.byMac('10.20.0.0/24', mac(2))?.ip).toBe('10.20.0.11');
  });
});
