// The one-pass dotted-quad parser and the table-driven MAC formatter replace a regex and toString(16) on the
// DHCP hot path: they must accept and produce exactly what the old forms did. Both texts come from direct-mapped
// caches that a later value overwrites: whatever the order, a value must always give its own text.

import { describe, expect, it } from 'vitest';
import {
  ipv4Number,
  ipv4Text,
  ipv4ToNumber,
  isIpv4,
  parseIpv4,
  UNSPECIFIED_IPV4,
  writeIpv4,
} from '../../../../protocol/net/ipv4-address.js';
import { bytesToColonHex, readMac } from '../../../../protocol/net/mac.js';
import { fuzzSeed, prng } from '../../../helpers/prng.js';

const DOTTED_QUAD = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

describe('parseIpv4', () => {
  it.each([
    ['0.0.0.0', 0],
    ['255.255.255.255', 0xffffffff],
    ['10.128.0.2', 0x0a800002],
    ['192.168.1.100', 0xc0a80164],
  ])('%s → %i', (text, value) => {
    expect(parseIpv4(text)).toBe(value);
    expect(ipv4ToNumber(text)).toBe(value);
    // Remembered: the second answer comes from the memo and must be the same.
    expect([ipv4Number(text), ipv4Number(text)]).toEqual([value, value]);
    expect(ipv4Text(value)).toBe(text);
  });

  it('writes the shared 0.0.0.0 and an equal text built at run time alike', () => {
    const shared = new Uint8Array([9, 9, 9, 9]);
    const built = new Uint8Array([9, 9, 9, 9]);
    writeIpv4(shared, 0, UNSPECIFIED_IPV4);
    writeIpv4(built, 0, ['0', '0', '0', '0'].join('.'));
    expect([...shared]).toEqual([0, 0, 0, 0]);
    expect([...built]).toEqual([0, 0, 0, 0]);
  });

  it.each([
    '',
    '1.2.3',
    '1.2.3.4.5',
    '01.2.3.4',
    '1.2.3.256',
    '1..2.3',
    '.1.2.3',
    '1.2.3.',
    '1.2.3.4 ',
    '１.2.3.4',
    '1.2.3.-4',
    '1.2.3.4/24',
    '00.0.0.0',
  ])('refuses %j', (text) => {
    expect(parseIpv4(text)).toBe(-1);
    expect(ipv4Number(text)).toBe(-1);
    expect(ipv4Number(text)).toBe(-1);
    expect(isIpv4(text)).toBe(false);
    expect(() => writeIpv4(new Uint8Array(4), 0, text)).toThrow(RangeError);
  });

  it('agrees with the strict dotted-quad regex on 200,000 random and mutated strings', () => {
    const seed = fuzzSeed();
    const rng = prng(seed);
    const alphabet = '0123456789.1234567890.25x ';
    for (let i = 0; i < 200_000; i++) {
      let text: string;
      if (rng.int(2) === 0) {
        text = Array.from({ length: 4 }, () => String(rng.int(300))).join('.');
        if (rng.int(3) === 0) {
          const at = rng.int(text.length + 1);
          text = text.slice(0, at) + (alphabet[rng.int(alphabet.length)] ?? '') + text.slice(at + rng.int(2));
        }
      } else {
        text = Array.from({ length: rng.int(17) }, () => alphabet[rng.int(alphabet.length)]).join('');
      }
      const expected = DOTTED_QUAD.test(text);
      if (isIpv4(text) !== expected) throw new Error(`seed ${seed}: ${JSON.stringify(text)} regex ${expected}`);
      if (expected && parseIpv4(text) !== text.split('.').reduce((v, p) => v * 256 + Number(p), 0))
        throw new Error(`seed ${seed}: ${text} value`);
    }
  });
});

describe('MAC text', () => {
  it('formats every byte value as two lower-case hex digits', () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const expected = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
    expect(bytesToColonHex(bytes)).toBe(expected);
    expect(bytesToColonHex(new Uint8Array(0))).toBe('');
    expect(readMac(Uint8Array.from([0x52, 0x54, 0x00, 0xab, 0x0c, 0xff]), 0)).toBe('52:54:00:ab:0c:ff');
    expect(readMac(Uint8Array.from([9, 9, 0x02, 0, 0, 0, 0x10, 0x0f]), 2)).toBe('02:00:00:00:10:0f');
  });

  it(
    'gives each MAC its own text while 300,000 others pass through the cache, and the same string when ' + 'repeated',
    () => {
      const seed = fuzzSeed();
      const rng = prng(seed);
      const macs = Array.from({ length: 300_000 }, () => Uint8Array.from({ length: 6 }, () => rng.int(256)));
      // Few distinct values in the low bytes too: slots shared by many MACs must still tell them apart.
      for (let i = 0; i < 1000; i++)
        macs.push(Uint8Array.from([0, 0, 0, 0, i >> 8, i & 0xff]), Uint8Array.from([i >> 8, i & 0xff, 0, 0, 0, 0]));
      for (let round = 0; round < 2; round++) {
        for (const bytes of macs) {
          const expected = Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':');
          if (readMac(bytes, 0) !== expected) throw new Error(`seed ${seed}: ${expected} read as ${readMac(bytes, 0)}`);
        }
      }
      const bytes = Uint8Array.from([2, 0, 0, 1, 2, 3]);
      expect(readMac(bytes, 0)).toBe(readMac(Uint8Array.from(bytes), 0));
    },
  );
});

describe('IPv4 text of a number', () => {
  it('gives each address its own text while 300,000 others pass through the cache', () => {
    const seed = fuzzSeed();
    const rng = prng(seed);
    const values = Array.from({ length: 300_000 }, () => rng.int(2 ** 16) * 2 ** 16 + rng.int(2 ** 16));
    values.push(0, 1, 0xffffffff, 0x80000000, 0x7fffffff, 0x0a800002);
    for (let round = 0; round < 2; round++) {
      for (const value of values) {
        const expected = [value >>> 24, (value >>> 16) & 0xff, (value >>> 8) & 0xff, value & 0xff].join('.');
        if (ipv4Text(value) !== expected) throw new Error(`seed ${seed}: ${value} read as ${ipv4Text(value)}`);
      }
    }
  });
});
