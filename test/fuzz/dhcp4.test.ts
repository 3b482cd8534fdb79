// Fuzzes decodeDhcp4 with 1,000,000+ random and mutated packets (golden captures and synthesized messages):
// decode may only throw DecodeError, and whatever decodes must re-encode (RangeError allowed for size only).

import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import { decodeDhcp4, encodeDhcp4 } from '../../protocol/dhcp4/codec.js';
import { decodeUdpFrame } from '../../protocol/net/udp-frame.js';
import { richAck } from '../helpers/dhcp4-samples.js';
import { fixtureNames, loadFixture } from '../helpers/fixtures.js';
import type { Prng } from '../helpers/prng.js';
import { fuzzSeed, prng } from '../helpers/prng.js';

function seeds(): Buffer[] {
  const list: Buffer[] = fixtureNames().map((name) => Buffer.from(decodeUdpFrame(loadFixture(name).frame).payload));
  const overloaded = richAck();
  overloaded.file = '';
  for (let code = 200; code < 215; code++) overloaded.options.set(code, Buffer.alloc(20, code));
  list.push(encodeDhcp4(richAck()), encodeDhcp4(overloaded, { maxLength: 576 }));
  const long = richAck();
  long.options.set(43, Buffer.alloc(700, 7));
  list.push(encodeDhcp4(long));
  return list;
}

/** Applies one to four mutations: bit flip, byte set, truncation, length-field corruption, option insertion. */
function mutate(rng: Prng, seed: Buffer): Buffer {
  let buf: Buffer = Buffer.from(seed);
  const rounds = 1 + rng.int(4);
  for (let r = 0; r < rounds; r++) {
    const kind = rng.int(6);
    if (kind === 0 && buf.length > 0) {
      const at = rng.int(buf.length);
      buf[at] = (buf[at] as number) ^ (1 << rng.int(8));
    } else if (kind === 1) buf[rng.int(buf.length)] = rng.byte();
    else if (kind === 2) buf = buf.subarray(0, rng.int(buf.length + 1));
    else if (kind === 3 && buf.length > 241) {
      // Options start at 240; hit a byte there, often a length byte, with an extreme or random value.
      const at = 240 + rng.int(buf.length - 240);
      buf[at] = [0, 1, 255, 254, rng.byte()][rng.int(5)] as number;
    } else if (kind === 4) {
      const at = 240 + rng.int(Math.max(1, buf.length - 240));
      const code = [52, 255, 0, 119, 121, 82, rng.byte()][rng.int(7)] as number;
      const len = rng.int(8);
      const opt = Buffer.from([code, len, ...Array.from({ length: len }, () => rng.byte())]);
      buf = Buffer.concat([buf.subarray(0, at), opt, buf.subarray(at)]);
    } else if (kind === 5) {
      // Keep the header valid so the option parser sees random data.
      buf = Buffer.concat([buf.subarray(0, 240), randomBytes(rng, rng.int(400))]);
    }
  }
  return buf;
}

function randomBytes(rng: Prng, length: number): Buffer {
  const buf = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) buf[i] = rng.byte();
  return buf;
}

function randomPacket(rng: Prng): Buffer {
  const buf = randomBytes(rng, rng.int(600));
  if (buf.length >= 240 && rng.int(2) === 0) {
    buf[0] = 1 + rng.int(2);
    buf[2] = rng.int(17);
    buf.writeUInt32BE(0x63825363, 236);
  }
  return buf;
}

function exercise(input: Buffer, withLimit: boolean): 'decoded' | 'rejected' {
  let msg;
  try {
    msg = decodeDhcp4(input);
  } catch (err) {
    if (err instanceof DecodeError) return 'rejected';
    throw err;
  }
  try {
    const again = decodeDhcp4(encodeDhcp4(msg));
    if (again.options.size !== msg.options.size) throw new Error('re-encode lost options');
    if (withLimit) encodeDhcp4(msg, { maxLength: 576 });
  } catch (err) {
    if (!(err instanceof RangeError && /does not fit/.test(err.message))) throw err;
  }
  return 'decoded';
}

describe('fuzz decodeDhcp4', () => {
  it('1,000,000 random and mutated packets: only DecodeError, and decoded ones re-encode', () => {
    const seed = fuzzSeed();
    const rng = prng(seed);
    const corpus = seeds();
    const counts = { decoded: 0, rejected: 0 };
    let input: Buffer = Buffer.alloc(0);
    try {
      for (let i = 0; i < 1_000_000; i++) {
        input = rng.int(10) === 0 ? randomPacket(rng) : mutate(rng, corpus[rng.int(corpus.length)] as Buffer);
        counts[exercise(input, i % 8 === 0)]++;
      }
    } catch (err) {
      console.error(`fuzz dhcp4 failed with FUZZ_SEED=${seed} on input ${input.toString('hex')}`);
      throw err;
    }
    expect(counts.decoded).toBeGreaterThan(100_000);
    expect(counts.rejected).toBeGreaterThan(100_000);
  });
});
