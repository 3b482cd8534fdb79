import { describe, expect, it } from 'vitest';
import { decodeSnapshot, encodeSnapshot, sha256Hex } from '../../../../protocol/region/snapshot.js';
import type { Ipam } from '../../../../protocol/ipam/types.js';

function ipamOf(count: number): Ipam {
  const reservations = Array.from({ length: count }, (_, i) => ({
    mac: `52:54:00:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`,
    ip: `10.${20 + (i >> 16)}.${(i >> 8) & 0xff}.${i & 0xff}`,
    subnet: `10.${20 + (i >> 16)}.0.0/16`,
  })).filter((r) => !r.ip.endsWith('.0.0') && !r.ip.endsWith('.255.255'));
  return {
    subnets: [{ cidr: '10.20.0.0/16', gateway: '10.20.0.1' }],
    reservations: reservations.filter((r) => r.ip !== '10.20.0.1'),
  };
}

describe('snapshot encoding (PROTOCOL.md §4.3)', () => {
  const ipam = ipamOf(2500);

  it('round-trips through chunks of the requested size', () => {
    const { head, chunks } = encodeSnapshot(ipam, 'snap-1', 1000);
    expect(head).toMatchObject({ id: 'snap-1', reservations: ipam.reservations.length, chunks: 3 });
    expect(head.digests).toEqual(chunks.map(sha256Hex));
    expect(JSON.parse(chunks[0] as string)).toHaveLength(1000);
    expect(decodeSnapshot(head, chunks)).toEqual({ ok: true, value: ipam });
    expect(
      decodeSnapshot(
        head,
        chunks.map((c) => Buffer.from(c)),
      ),
    ).toEqual({ ok: true, value: ipam });
  });

  it('encodes an empty reservation list as zero chunks', () => {
    const { head, chunks } = encodeSnapshot({ subnets: [], reservations: [] }, 'empty');
    expect(chunks).toEqual([]);
    expect(decodeSnapshot(head, chunks)).toEqual({ ok: true, value: { subnets: [], reservations: [] } });
  });

  it('refuses a chunk that does not match its signed digest', () => {
    const { head, chunks } = encodeSnapshot(ipam, 'snap-1', 1000);
    const forged = [...chunks];
    forged[1] = (forged[1] as string).replace('10.20.', '10.21.');
    expect(decodeSnapshot(head, forged)).toMatchObject({
      ok: false,
      kind: 'bad-signature',
      field: 'snapshot.chunks[1]',
    });
  });

  it('refuses a missing chunk (expired body) naming the fix', () => {
    const { head, chunks } = encodeSnapshot(ipam, 'snap-1', 1000);
    expect(decodeSnapshot(head, chunks.slice(0, 2))).toMatchObject({
      ok: false,
      field: 'snapshot.chunks',
      message: /load the latest snapshot/,
    });
  });

  it('refuses an invalid reservation with its index in the whole document', () => {
    const bad: Ipam = {
      ...ipam,
      reservations: ipam.reservations.map((r, i) => (i === 1500 ? { ...r, ip: '10.99.0.1' } : r)),
    };
    const { head, chunks } = encodeSnapshot(bad, 'snap-1', 1000);
    expect(decodeSnapshot(head, chunks)).toMatchObject({
      ok: false,
      kind: 'schema',
      field: 'snapshot.reservations[1500].ip',
    });
  });

  it('refuses a non-array chunk and a reservation count that disagrees with the head', () => {
    const notArray = '{"a":1}';
    expect(
      decodeSnapshot({ id: 'x', subnets: [], reservations: 0, chunks: 1, digests: [sha256Hex(notArray)] }, [notArray]),
    ).toMatchObject({ ok: false, field: 'snapshot.chunks[0]', message: /JSON array/ });
    const one = JSON.stringify([{ mac: '52:54:00:00:00:01', ip: '10.20.0.5' }]);
    expect(
      decodeSnapshot(
        { id: 'x', subnets: [{ cidr: '10.20.0.0/24' }], reservations: 2, chunks: 1, digests: [sha256Hex(one)] },
        [one],
      ),
    ).toMatchObject({ ok: false, field: 'snapshot.reservations' });
  });
});
