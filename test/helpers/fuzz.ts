// The shared fuzz loop for decoders: mutate valid inputs with a seeded PRNG, feed them in, and let only our
// DecodeError through; on anything else print the seed and the input so the failure reproduces (FUZZ_SEED=…).

import { expect } from 'vitest';
import { DecodeError } from '../../protocol/binary/decode-error.js';
import type { Prng } from './prng.js';
import { fuzzSeed, prng } from './prng.js';

/**
 * One to three of: a bit flip, a byte set (anywhere, or in the first 64 bytes where headers live), a truncation, or
 * random bytes.
 */
export function mutate(rng: Prng, seed: Buffer): Buffer {
  let buf: Buffer = Buffer.from(seed);
  for (let r = 1 + rng.int(3); r > 0; r--) {
    const kind = rng.int(5);
    if (kind === 0 && buf.length > 0) {
      const at = rng.int(buf.length);
      buf[at] = (buf[at] as number) ^ (1 << rng.int(8));
    } else if (kind === 1 && buf.length > 0) buf[rng.int(buf.length)] = rng.byte();
    else if (kind === 2 && buf.length > 0) buf[rng.int(Math.min(buf.length, 64))] = rng.byte();
    else if (kind === 3) buf = buf.subarray(0, rng.int(buf.length + 1));
    else if (kind === 4) buf = Buffer.from(Array.from({ length: rng.int(80) }, () => rng.byte()));
  }
  return buf;
}

/**
 * Runs `count` mutated inputs through `check`, which returns true when the input decoded (and did whatever else
 * it checks). Only DecodeError may escape `check`; at least 1% must decode, or the mutations test nothing.
 */
export function fuzzDecoder(
  name: string,
  corpus: readonly Buffer[],
  count: number,
  check: (input: Buffer) => boolean,
): void {
  const seed = fuzzSeed();
  const rng = prng(seed);
  let decoded = 0;
  let input: Buffer = Buffer.alloc(0);
  try {
    for (let i = 0; i < count; i++) {
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
  expect(decoded).toBeGreaterThan(count / 100);
}
