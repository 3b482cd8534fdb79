import { describe, expect, test } from 'vitest';
import { readSimpleReservation } from '../../../../protocol/ipam/reservation-fast-path.js';
import { reservationSchema } from '../../../../protocol/ipam/schema.js';
import { formatIpv6, parseCidr6, parseIpv6 } from '../../../../protocol/ipam/ipv6-text.js';
import { ipKey, macKey } from '../../../../protocol/ipam/compact-keys.js';
import { PairHashTable } from '../../../../protocol/ipam/pair-hash-table.js';

describe('the reservation fast path agrees with the schema', () => {
  test.each([
    { mac: '52-54-00-AB-CD-EF', ip: '10.20.0.5' },
    {
      mac: '52:54:00:ab:cd:ef',
      ip: '10.20.0.5',
      hostname: 'node-1.lab.example',
      client_id: '0152540012345A',
      subnet: '10.20.0.0/24',
    },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', client_id: '01-02' },
  ])('accepts %j exactly as the schema outputs it', (input) => {
    expect(readSimpleReservation(input)).toEqual(reservationSchema.parse(input));
  });

  test.each([
    { mac: '52:54:00:ab:cd', ip: '10.20.0.5' },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.500' },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', hostname: 'a b' },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', client_id: '01' },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', subnet: '10.20.0.1/24' },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', options: [] },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', extra: 1 },
    { mac: '52:54:00:ab:cd:ef', ip: '10.20.0.5', hostname: undefined },
    null,
    [],
    'x',
  ])('hands %j to the schema', (input) => {
    expect(readSimpleReservation(input)).toBeUndefined();
  });
});

describe('IPv6 text', () => {
  test.each([
    ['2001:db8::1', '2001:db8::1'],
    ['2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['::', '::'],
    ['::1', '::1'],
    ['1:0:0:2:0:0:0:3', '1:0:0:2::3'],
    ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ['1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
  ])('%s → %s', (text, canonical) => {
    const value = parseIpv6(text);
    expect(value).toBeDefined();
    expect(formatIpv6(value ?? 0n)).toBe(canonical);
  });

  test.each([
    '1:::2',
    '1:2:3:4:5:6:7:8:9',
    '1:2:3:4:5:6:7',
    '12345::',
    'g::',
    '1::2::3',
    '::1.2.3',
    'fe80::1%eth0',
    '',
  ])('refuses %s', (text) => {
    expect(parseIpv6(text)).toBeUndefined();
  });

  test('prefixes report host bits', () => {
    expect(parseCidr6('2001:db8::/32')?.hostBits).toBe(0n);
    expect(parseCidr6('2001:db8::1/64')?.hostBits).toBe(1n);
    expect(parseCidr6('2001:db8::/129')).toBeUndefined();
  });
});

describe('compact keys and the pair table', () => {
  test('ipKey parses dotted quads and refuses the rest', () => {
    expect(ipKey('10.20.0.50')).toBe(0x0a140032);
    expect(ipKey('255.255.255.255')).toBe(0xffffffff);
    for (const bad of ['10.20.0', '10.20.0.256', '10..0.1', '1.2.3.4.5', '1.2.3.', 'a.b.c.d', '1.2.3.1234'])
      expect(ipKey(bad)).toBe(-1);
  });

  test('macKey is the 48-bit value', () => {
    expect(macKey('00:00:00:00:00:01')).toBe(1);
    expect(macKey('52:54:00:12:34:5')).toBeUndefined();
  });

  test('macKey answers a repeated MAC from its one-entry memo, and the next one afresh', () => {
    const sequence = [
      '52:54:00:ab:cd:ef',
      '52:54:00:ab:cd:ef',
      'not-a-mac',
      'not-a-mac',
      '00:00:00:00:00:02',
      ['52:54:00:ab:cd:e', 'f'].join(''),
    ];
    expect(sequence.map((mac) => macKey(mac))).toEqual([
      0x525400abcdef,
      0x525400abcdef,
      undefined,
      undefined,
      2,
      0x525400abcdef,
    ]);
  });

  test('the pair table finds what it holds and tells hashed duplicates apart', () => {
    const table = new PairHashTable(1000);
    for (let i = 0; i < 1000; i++) table.insert(i % 7, i * 2654435761, i);
    for (let i = 0; i < 1000; i++) expect(table.find(i % 7, i * 2654435761)).toBe(i);
    expect(table.find(99, 1)).toBe(-1);
    table.insert(5, 5, 1); // not over capacity: 1001 of 2048 slots
    expect(table.find(5, 5, (v) => v === 1)).toBe(1);
    expect(table.size).toBe(1001);
  });
});
