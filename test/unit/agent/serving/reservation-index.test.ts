import { describe, expect, test } from 'vitest';
import { ReservationIndex, macKey } from '../../../../agent/serving/reservation-index.js';
import { parseIpam } from '../../../../protocol/ipam/parse.js';
import type { Ipam, Reservation } from '../../../../protocol/ipam/types.js';
import { numberToIpv4 } from '../../../../protocol/net/ipv4-address.js';

function parsed(doc: unknown): Ipam {
  const result = parseIpam(doc);
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.ipam;
}

const IPAM = parsed({
  subnets: [{ cidr: '10.20.0.0/24' }, { cidr: '10.21.0.0/24', vid: 20 }, { cidr: '2001:db8::/64' }],
  reservations: [
    { mac: '52:54:00:12:34:56', ip: '10.20.0.50', hostname: 'node-1' },
    { mac: '52-54-00-12-34-57', ip: '10.20.0.51', client_id: '0152540012345 7'.replace(' ', '') },
    { mac: '52:54:00:12:34:56', ip: '10.21.0.50' },
    { mac: 'ff:ff:ff:ff:ff:fe', ip: '10.21.0.51' },
  ],
});

describe('ReservationIndex', () => {
  const index = ReservationIndex.build(IPAM);

  test('looks up by (subnet, MAC): one MAC, one reservation per subnet', () => {
    expect(index.byMac('10.20.0.0/24', '52:54:00:12:34:56')?.ip).toBe('10.20.0.50');
    expect(index.byMac('10.21.0.0/24', '52:54:00:12:34:56')?.ip).toBe('10.21.0.50');
    expect(index.byMac('10.21.0.0/24', 'ff:ff:ff:ff:ff:fe')?.ip).toBe('10.21.0.51');
    expect(index.byMac('10.20.0.0/24', '52:54:00:12:34:58')).toBeUndefined();
    expect(index.byMac('10.99.0.0/24', '52:54:00:12:34:56')).toBeUndefined();
  });

  test('refuses MACs not in lower-case colon form rather than guessing', () => {
    expect(index.byMac('10.20.0.0/24', '52-54-00-12-34-56')).toBeUndefined();
    expect(index.byMac('10.20.0.0/24', '52:54:00:12:34:5')).toBeUndefined();
    expect(macKey('52:54:00:12:34:56')).toBe(0x525400123456);
    expect(macKey('ff:ff:ff:ff:ff:ff')).toBe(2 ** 48 - 1);
    expect(macKey('52:54:00:12:34:5G')).toBeUndefined();
    expect(macKey('52:54:00:12:34-56')).toBeUndefined();
  });

  test('looks up by (subnet, client id) and by IP', () => {
    expect(index.byClientId('10.20.0.0/24', '01:52:54:00:12:34:57')?.mac).toBe('52:54:00:12:34:57');
    expect(index.byClientId('10.21.0.0/24', '01:52:54:00:12:34:57')).toBeUndefined();
    expect(index.byIp('10.21.0.50')?.mac).toBe('52:54:00:12:34:56');
    expect(index.byIp('10.21.0.52')).toBeUndefined();
    expect(index.size).toBe(4);
    expect(index.countIn('10.21.0.0/24')).toBe(2);
  });

  test('places reservations without `subnet` by their address', () => {
    const raw: Ipam = {
      subnets: [{ cidr: '10.20.0.0/24' }],
      reservations: [{ mac: '52:54:00:00:00:01', ip: '10.20.0.9' }],
    };
    expect(ReservationIndex.build(raw).byMac('10.20.0.0/24', '52:54:00:00:00:01')?.ip).toBe('10.20.0.9');
  });

  test('is immutable', () => {
    expect(Object.isFrozen(index)).toBe(true);
  });

  test('builds 1,000,000 reservations quickly', () => {
    const reservations: Reservation[] = new Array(1_000_000);
    for (let i = 0; i < reservations.length; i++) {
      const mac = (0x525400000000 + i)
        .toString(16)
        .padStart(12, '0')
        .replace(/(..)(?!$)/g, '$1:');
      reservations[i] = {
        mac,
        ip: numberToIpv4(0x0a000000 + i + 1),
        subnet: '10.0.0.0/8',
        client_id: i % 10 === 0 ? `01:${mac}` : undefined,
      };
    }
    const ipam: Ipam = { subnets: [{ cidr: '10.0.0.0/8' }], reservations };
    const heapBefore = process.memoryUsage().heapUsed;
    const started = performance.now();
    const big = ReservationIndex.build(ipam);
    const elapsed = performance.now() - started;
    const heapMb = (process.memoryUsage().heapUsed - heapBefore) / 2 ** 20;
    console.log(
      `ReservationIndex.build: 1,000,000 reservations in ${elapsed.toFixed(0)} ms, +${heapMb.toFixed(0)} MB ` +
        `heap, rss ${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} MB`,
    );
    expect(big.size).toBe(1_000_000);
    expect(big.byMac('10.0.0.0/8', '52:54:00:0f:42:3f')?.ip).toBe(numberToIpv4(0x0a000000 + 999_999 + 1));
    expect(big.byClientId('10.0.0.0/8', '01:52:54:00:00:00:0a')?.ip).toBe('10.0.0.11');
    expect(elapsed).toBeLessThan(10_000);
  });
});
