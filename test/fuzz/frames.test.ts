// Fuzzes the Ethernet/802.1Q, IPv4/UDP frame and ARP decoders with mutated valid frames:
// only DecodeError may escape, and a decoded UDP frame or ARP packet must re-encode.

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeArp, encodeArp } from '../../protocol/net/arp.js';
import { decodeEthernet } from '../../protocol/net/ethernet.js';
import { decodeIpv4 } from '../../protocol/net/ipv4.js';
import { decodeUdpFrame, encodeUdpFrame } from '../../protocol/net/udp-frame.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';
import type { Prng } from '../helpers/prng.js';
import { fuzzSeed, prng } from '../helpers/prng.js';

const COUNT = 100_000;

function mutate(rng: Prng, seed: Buffer): Buffer {
  let buf: Buffer = Buffer.from(seed);
  for (let r = 1 + rng.int(3); r > 0; r--) {
    const kind = rng.int(4);
    if (kind === 0 && buf.length > 0) {
      const at = rng.int(buf.length);
      buf[at] = (buf[at] as number) ^ (1 << rng.int(8));
    }
    else if (kind === 1) buf[rng.int(Math.min(buf.length, 64))] = rng.byte();
    else if (kind === 2) buf = buf.subarray(0, rng.int(buf.length + 1));
    else buf = Buffer.from(Array.from({ length: rng.int(80) }, () => rng.byte()));
  }
  return buf;
}

function run(name: string, corpus: Buffer[], check: (input: Buffer) => boolean): void {
  const seed = fuzzSeed();
  const rng = prng(seed);
  let decoded = 0;
  let input: Buffer = Buffer.alloc(0);
  try {
    for (let i = 0; i < COUNT; i++) {
      input = mutate(rng, corpus[rng.int(corpus.length)] as Buffer);
      try {
        if (check(input)) decoded++;
      } catch (err) {
        if (!(err instanceof DecodeError)) throw err;
      }
    }
  } catch (err) {
    console.error(`fuzz ${name} failed with FUZZ_SEED=${seed} on input ${input.toString('hex')}`);
    throw err;
  }
  expect(decoded).toBeGreaterThan(COUNT / 100);
}

const frames = fixtureNames().map((n) => loadFixture(n).frame);
const tagged = frames.map((f) => Buffer.concat([f.subarray(0, 12), Buffer.from('8100a064', 'hex'), f.subarray(12)]));
const qinq = frames.map((f) => Buffer.concat([f.subarray(0, 12), Buffer.from('88a800078100a064', 'hex'), f.subarray(12)]));
const arp = Buffer.from('000108000604000102000000000a0a4d0001000000000000' + '0a4d0064', 'hex');

describe('fuzz frame decoders', () => {
  it('Ethernet/802.1Q/802.1ad headers', () => {
    run('ethernet', [...frames, ...tagged, ...qinq], (input) => decodeEthernet(input).offset <= input.length);
  });

  it('IPv4/UDP frames', () => {
    run('udp-frame', [...frames, ...tagged, ...qinq], (input) => {
      const frame = decodeUdpFrame(input);
      decodeIpv4(input, input.readUInt16BE(12) === 0x0800 ? 14 : input.readUInt16BE(16) === 0x0800 ? 18 : 22);
      return decodeUdpFrame(encodeUdpFrame(frame)).payload.equals(frame.payload);
    });
  });

  it('ARP', () => {
    run('arp', [arp, Buffer.from(arp).fill(2, 7, 8)], (input) => {
      const packet = decodeArp(input);
      expect(decodeArp(encodeArp(packet))).toEqual(packet);
      return true;
    });
  });
});
